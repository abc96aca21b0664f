"""Publishing: the DuckDB swap (``swap``), the PostgreSQL copy for BI (``postgres``), the briefing
pages (``briefing``), the served site (``site``) and what the marts offer (``marts``)."""
