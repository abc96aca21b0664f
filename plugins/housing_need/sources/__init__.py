"""The source registry: every feed's :class:`SourceSpec`, by name, found rather than listed.

A feed is a subpackage of ``housing_need.sources`` that exposes ``SOURCE: SourceSpec`` (see
``home_office_asylum_support/`` and ``ons_census/``); a deployment or a test can add feeds without
editing this module by naming importable modules that expose ``SOURCE`` in the environment
variable ``HOUSING_NEED_EXTRA_SOURCES`` (comma- or space-separated). Discovery happens on first
use of :data:`SOURCES` or :func:`get_source`, not at import; the packages come in name order, then
the extra modules in the order given. Two modules declaring the same source name is an error
naming both.

Also here, re-exported from :mod:`.spec`: :class:`SourceSpec`, :class:`ParseResult`,
:class:`QuarantinedRow` and :class:`PrivacyClass`. Publisher conventions shared by every feed are
in :mod:`.conventions`; the generic row screening the loader applies to every parse is in
:mod:`.screening`.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import re
from typing import TYPE_CHECKING

from ..errors import HousingNeedError
from ..privacy.classes import PrivacyClass
from .spec import ParseResult, QuarantinedRow, SourceSpec

EXTRA_SOURCES_ENV = "HOUSING_NEED_EXTRA_SOURCES"

if TYPE_CHECKING:
    SOURCES: dict[str, SourceSpec]


def source_modules(extra: str = "") -> list[str]:
    """Modules to look in for ``SOURCE``: this package's subpackages by name, then ``extra``'s."""
    packages = sorted(
        info.name
        for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}.")
        if info.ispkg and not info.name.rpartition(".")[2].startswith("_")
    )
    named = [name for name in re.split(r"[,\s]+", extra) if name]
    return packages + [name for name in dict.fromkeys(named) if name not in packages]


def discover_sources(extra: str = "") -> dict[str, SourceSpec]:
    """Import the source modules (see :func:`source_modules`) and index their ``SOURCE`` by name."""
    registry: dict[str, SourceSpec] = {}
    declared_by: dict[str, str] = {}
    named = set(re.split(r"[,\s]+", extra))
    for module_name in source_modules(extra):
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            if module_name not in named:
                raise
            raise HousingNeedError(
                f"{EXTRA_SOURCES_ENV} names module {module_name!r}, which cannot be imported: {exc}"
            ) from exc
        spec = getattr(module, "SOURCE", None)
        if spec is None:
            if module_name in named:
                raise HousingNeedError(
                    f"{EXTRA_SOURCES_ENV} names module {module_name!r}, which has no SOURCE: SourceSpec"
                )
            continue  # a subpackage that is not a feed (shared helpers)
        if not isinstance(spec, SourceSpec):
            raise HousingNeedError(
                f"{module_name}.SOURCE is a {type(spec).__name__}, not a housing_need.sources.SourceSpec"
            )
        if spec.name in registry:
            raise HousingNeedError(
                f"source name {spec.name!r} is declared twice: by {declared_by[spec.name]} and by {module_name}"
            )
        registry[spec.name] = spec
        declared_by[spec.name] = module_name
    return registry


@functools.cache
def _registry(extra: str) -> dict[str, SourceSpec]:
    return discover_sources(extra)


def sources() -> dict[str, SourceSpec]:
    """Every source, by name (discovered once per value of HOUSING_NEED_EXTRA_SOURCES)."""
    return _registry(os.environ.get(EXTRA_SOURCES_ENV, "").strip())


def get_source(name: str) -> SourceSpec:
    """The source called ``name``; KeyError naming the known sources otherwise."""
    registry = sources()
    try:
        return registry[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known sources: {', '.join(sorted(registry))}") from None


def __getattr__(name: str) -> dict[str, SourceSpec]:
    # SOURCES is computed on first use so that importing the package imports no feed.
    if name == "SOURCES":
        return sources()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "SOURCES"])


__all__ = [
    "EXTRA_SOURCES_ENV",
    "SOURCES",
    "ParseResult",
    "PrivacyClass",
    "QuarantinedRow",
    "SourceSpec",
    "discover_sources",
    "get_source",
    "source_modules",
    "sources",
]
