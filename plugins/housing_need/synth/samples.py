"""The SYNTHETIC sample writers, by source: what the caller hands the extract for a feed whose real
sample cannot ship (``SourceSpec.synthetic_sample``).

A source never imports its generator (sources sit below synth): the refresh's composition
(``housing_need.orchestration.extract``) passes :func:`sample_writers` to
``pipeline.extract.extract_source``, which writes a feed's sample into var/generated/<source>/ on a
deployment's first run. Each writer is seeded and deterministic (the same bytes every time).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..sources.citizenship_survey.source import NAME as SURVEY
from ..sources.council_housing_register.source import NAME as REGISTER

SampleWriter = Callable[[Path], None]


def _register(folder: Path) -> None:
    from .register import write_sample

    write_sample(folder)


def _survey(folder: Path) -> None:
    from .survey import write_sample

    write_sample(folder)


def sample_writers() -> dict[str, SampleWriter]:
    """Source name -> the writer of its SYNTHETIC sample (pandas and numpy load when one runs)."""
    return {REGISTER: _register, SURVEY: _survey}
