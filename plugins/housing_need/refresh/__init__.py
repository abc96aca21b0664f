"""The refresh's composition: the ordered step registry (``steps``) and the typed run record
(``report``), read by the DAGs, the CLI and ``meta.runs``. It sits above pipeline, quality, publish
and model, and composes them."""
