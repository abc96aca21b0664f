"""Great Expectations quality gates, run as SQL on the DuckDB warehouse.

- :mod:`.suites`: suite files (``expectations/<gate>/*.json``): reading, checking, which columns
  and sources a suite needs.
- :mod:`.tables`: what each suite validates, as SQL: a whole table, or only the rows of given
  load ids.
- :mod:`.context`: the GX File Data Context, the warehouse as a SQL datasource with one
  persistent DuckDB connection, Data Docs (imported only when a gate runs: GX takes seconds).
- :mod:`.messages`: failure messages, value-free for private sources.
- :mod:`.gate`: :func:`run_gate`.
- :mod:`.child`: :func:`~.child.run_gate_in_child`, the same in a child process (what the refresh
  calls: its own process never imports GX). Not imported here: ``python -m`` runs it.
"""

from .gate import GateResult, SuiteOutcome, run_gate
from .suites import SuiteDefinition, SuiteDefinitionError, load_suites

__all__ = ["GateResult", "SuiteDefinition", "SuiteDefinitionError", "SuiteOutcome", "load_suites", "run_gate"]
