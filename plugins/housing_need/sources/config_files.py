"""A source's YAML configuration (register layouts and councils, survey waves), read with errors
that name the file and the key."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

from ..errors import HousingNeedError


class ConfigError(HousingNeedError):
    """A configuration file is malformed; the message names the file and the key."""


def read_yaml(path: Path, what: str, error: type[ConfigError] = ConfigError) -> Any:
    """The file's YAML document; ``error`` naming the file and ``what`` it holds if unreadable."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read the {what}: {exc}") from exc


def require(data: Mapping[str, Any], key: str, path: Path, error: type[ConfigError] = ConfigError) -> Any:
    """``data[key]``, or ``error`` naming the file and the missing key."""
    if key not in data or data[key] in (None, ""):
        raise error(f"{path}: missing key {key!r}")
    return data[key]
