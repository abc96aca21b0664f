"""What-if scenarios (docs/scenarios.md): a scenario file overrides need parameters, migration
regimes and flows, and known events; ``build`` rebuilds the need models with them on a snapshot of
the published warehouse into ``var/scenarios/<name>.duckdb`` (schema ``scenario_<name>``), ``compare``
sets one beside the baseline or another scenario. May import ``pipeline/`` and ``sources/`` (the
YAML configuration helpers); the CLI imports it. Tests: tests/unit/test_scenario_spec.py,
tests/integration/test_scenarios.py."""
