"""A source's YAML configuration (register layouts and councils, survey waves), read into pydantic
models with errors that name the file, the entry and the key.

Every configuration model derives from :class:`ConfigModel`: frozen, and ``extra="forbid"``, so a
misspelt key (``preference_seperator``) is an error rather than a silently missing setting.
:func:`load` reads a file and validates it; a problem becomes the source's :class:`ConfigError`
whose message lists each problem as ``<file>: <entry>.<key>: <what is wrong>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from ..errors import HousingNeedError

M = TypeVar("M", bound=BaseModel)


class ConfigError(HousingNeedError):
    """A configuration file is malformed; the message names the file and the key."""


class ConfigModel(BaseModel):
    """A piece of declared configuration: immutable, and no key it does not declare."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FileConfig(ConfigModel):
    """Configuration read from a file of its own (a register layout, a survey wave), which it remembers
    so that messages about it can name the file."""

    _source: Path = PrivateAttr(default=Path())

    @property
    def source(self) -> Path:
        """The file it was read from."""
        return self._source


F = TypeVar("F", bound=FileConfig)


def read_yaml(path: Path, what: str, error: type[ConfigError] = ConfigError) -> Any:
    """The file's YAML document; ``error`` naming the file and ``what`` it holds if unreadable."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read the {what}: {exc}") from exc


_MESSAGES = {
    "extra_forbidden": "unknown key (not part of the configuration: misspelt?)",
    "missing": "missing key",
}


def problems(exc: ValidationError) -> list[str]:
    """Each validation error as ``<entry>.<key>: <what is wrong>`` (the key path as in the file)."""
    out = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(part) for part in error["loc"] if part != "[key]")
        message = _MESSAGES.get(error["type"]) or str(error["msg"]).removeprefix("Value error, ")
        if error["type"] not in _MESSAGES and "input" in error and error["type"] != "value_error":
            message += f" (got {error['input']!r})"
        out.append(f"{where}: {message}" if where else message)
    return out


def validate(model: type[M], data: Any, path: Path, error: type[ConfigError], **context: Any) -> M:
    """``data`` (as read from ``path``) as ``model``, or ``error`` naming the file and every problem."""
    try:
        return model.model_validate(data, context=context or None)
    except ValidationError as exc:
        raise error(f"{path}: " + "; ".join(problems(exc))) from None


def load(model: type[M], path: Path, what: str, error: type[ConfigError], **context: Any) -> M:
    """The YAML file at ``path`` (holding ``what``) validated as ``model``."""
    data = read_yaml(path, what, error)
    if not isinstance(data, dict):
        raise error(f"{path}: the {what} is a mapping of keys, not {type(data).__name__}")
    return validate(model, data, path, error, **context)


def load_file(model: type[F], path: Path, what: str, error: type[ConfigError]) -> F:
    """:func:`load`, remembering ``path`` as the model's :attr:`~FileConfig.source`."""
    config = load(model, path, what, error)
    config._source = path
    return config
