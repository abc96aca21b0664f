"""The pipeline's parts: fetch and extract into the archive, plan and load raw (``plan``, ``prepare``,
``load``, ``raw_schema``, ``accounting``), the shadow warehouse and its swap, dbt, the writer lease.
The refresh that runs them in order is ``housing_need.refresh``."""
