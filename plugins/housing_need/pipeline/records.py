"""The record of one delivery loaded into raw, as the loader returns it and the run report keeps it
(light to import: the CLI reads run reports without the loader's libraries)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LoadRecord(BaseModel):
    """One delivery loaded into raw (rows in file = loaded + quarantined)."""

    model_config = ConfigDict(extra="forbid")

    load_id: str
    source_file: str
    release: str
    rows_in_file: int
    rows_loaded: int
    rows_quarantined: int
    quarantined_by_reason: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
