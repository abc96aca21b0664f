"""The pipeline steps: fetch and extract into the archive, load raw, the shadow warehouse, dbt,
the writer lease, and the ordered step registry with its typed run report (``steps``, ``report``)."""
