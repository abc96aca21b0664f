"""Housing-need warehouse: extracts, loading, quality gates and publishing.

Nothing here does work at import time; Airflow DAGs in ``dags/`` call into these modules.
"""

__version__ = "0.1.0"
