"""Synthetic data for measurements: generated on demand with DuckDB SQL, never committed."""
