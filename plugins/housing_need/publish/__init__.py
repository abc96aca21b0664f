"""Publishing: the PostgreSQL copy for BI (``postgres``), the briefing pages (``briefing``), the
backtest and hindcast reports (``backtest``, ``hindcast``), the served site (``site``), site folders
swapped in whole (``swap``) and what the marts offer (``marts``)."""
