"""Failure messages, and what a result may show of a private source's data.

A failure line names the expectation as written in the suite file (column, condition, bounds,
sets, patterns: the rule's own parameters), how many rows were unexpected out of how many and,
for open sources, examples: the first offending values and, through the suite's
``meta.id_columns``, the rows holding them (e.g. file and line).

For a private source (licensed or personal data) :func:`redact` strips a GX result down to what
is never a data value: counts and percentages of rows, the table's row and column counts and
column names. A column's min, max, mean or distinct values, offending values, their rows and
error messages (which may quote a value) are dropped. Messages are rendered from the result as
stored, so a redacted message cannot show what the stored result does not hold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

WITHHELD = "values withheld: private source"

# Result keys that count rows, never show them.
_COUNT_KEYS = frozenset(
    {
        "element_count",
        "unexpected_count",
        "unexpected_percent",
        "unexpected_percent_total",
        "unexpected_percent_nonmissing",
        "missing_count",
        "missing_percent",
    }
)
# Expectations whose observed value is a count of rows or columns, or the table's column names.
_VALUE_FREE_OBSERVATIONS = frozenset(
    {
        "expect_table_row_count_to_be_between",
        "expect_table_row_count_to_equal",
        "expect_table_column_count_to_equal",
        "expect_table_column_count_to_be_between",
        "expect_table_columns_to_match_set",
        "expect_table_columns_to_match_ordered_list",
        "unexpected_rows_expectation",  # the number of rows its query returned
    }
)
# ... and those whose details are about column names (e.g. {mismatched: {unexpected: [...]}}).
_SCHEMA_DETAILS = frozenset(
    {"expect_table_columns_to_match_set", "expect_table_columns_to_match_ordered_list"}
)
# Kwargs that are plumbing rather than the rule; left out of failure messages.
_QUIET_KWARGS = frozenset({"column", "column_list", "result_format", "catch_exceptions", "batch_id"})


def redact(expectation_result: Any) -> None:
    """Strip one GX ExpectationValidationResult (in place) of everything that may be a value."""
    kind = expectation_result.expectation_config.type
    result = expectation_result.result or {}
    kept = {key: value for key, value in result.items() if key in _COUNT_KEYS}
    if "element_count" not in kept:
        # e.g. distinct values not in a set: GX's Data Docs renderer needs a row count and a
        # percentage beside an unexpected count, and the message has nothing to count it against
        kept.pop("unexpected_count", None)
    if kind in _VALUE_FREE_OBSERVATIONS and "observed_value" in result:
        kept["observed_value"] = result["observed_value"]
    if kind in _SCHEMA_DETAILS and "details" in result:
        kept["details"] = result["details"]
    expectation_result.result = kept
    if _raised(expectation_result.exception_info):
        withheld = "error text withheld (private source: it may quote a value)"
        expectation_result.exception_info = {
            "raised_exception": True,
            "exception_message": withheld,
            "exception_traceback": withheld,  # Data Docs render it: text, not None
        }


def describe_failure(
    expectation_result: Any, written: Mapping[str, Any] | None, id_columns: Sequence[str], *, redacted: bool
) -> str:
    """One line for a failing expectation: the rule as written, then what was found."""
    config = expectation_result.expectation_config
    kind = config.type
    resolved = dict(config.kwargs)
    same = written is not None and written.get("type") == kind
    kwargs = dict(written.get("kwargs") or {}) if written is not None and same else resolved
    description = written.get("description") if written is not None and same else None
    head = f"{kind}({description or _describe_kwargs(kwargs, resolved)})"
    withheld = f" ({WITHHELD})" if redacted else ""
    info = expectation_result.exception_info or {}
    if _raised(info):
        return f"{head}: could not be evaluated: {_exception_message(info)}"
    result = expectation_result.result or {}
    if "unexpected_count" in result:
        unexpected = result.get("unexpected_count") or 0
        total = result.get("element_count")
        if total is None:  # e.g. distinct values not in a set
            text = f"{head}: {unexpected} unexpected value(s)"
        else:
            text = f"{head}: {unexpected} of {total} rows unexpected"
        if isinstance(kwargs.get("mostly"), int | float) and kwargs["mostly"] < 1:
            percent = _percent(result.get("unexpected_percent"))
            text += f" ({percent} unexpected; mostly {kwargs['mostly']} allowed)"
        examples = _examples(result)
        if examples:
            text += f", e.g. {examples}"
        rows = _example_rows(result, id_columns)
        if rows:
            text += f" at {rows}"
        return text + withheld
    if kind == "unexpected_rows_expectation" and "observed_value" in result:
        text = f"{head}: its query returned {result['observed_value']} unexpected row(s)"
        returned = (result.get("details") or {}).get("unexpected_rows")
        if returned:
            text += f", e.g. {_shorten(_value(list(returned)[:5]), 300)}"
        return text + withheld
    if "observed_value" in result:
        observed = _shorten(_value(result["observed_value"]), 200)
        details = result.get("details")
        if details:  # e.g. {mismatched: {unexpected: ['extra_column']}}: the useful part first
            return f"{head}: {_shorten(_value(details), 300)}; observed {observed}"
        return f"{head}: observed {observed}"
    if redacted:
        return f"{head}: failed ({WITHHELD})"
    return f"{head}: failed ({_shorten(_value(result), 300)})"


def _raised(info: Any) -> bool:
    if not isinstance(info, Mapping):
        return False
    if info.get("raised_exception"):
        return True
    return any(isinstance(v, Mapping) and v.get("raised_exception") for v in info.values())


def _exception_message(info: Mapping[str, Any]) -> str:
    if info.get("exception_message"):
        return str(info["exception_message"])
    messages = [
        str(v.get("exception_message"))
        for v in info.values()
        if isinstance(v, Mapping) and v.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or "unknown error"


def _describe_kwargs(kwargs: Mapping[str, Any], resolved: Mapping[str, Any]) -> str:
    """``column, where <condition>, min 0, regex='...'`` from the kwargs as written in the file."""
    parts: list[str] = []
    if "column" in kwargs:
        parts.append(str(kwargs["column"]))
    if "column_list" in kwargs:
        parts.append("[" + ", ".join(map(str, kwargs["column_list"])) + "]")
    for key, value in kwargs.items():
        if key in _QUIET_KWARGS or value is None:
            continue
        if key == "row_condition":
            parts.append(f"where {_describe_condition(value)}")
        elif key in ("min_value", "max_value"):
            parts.append(f"{key.removesuffix('_value')} {_value_or_parameter(value, resolved.get(key))}")
        else:
            parts.append(f"{key}={_shorten(_value_or_parameter(value, resolved.get(key)), 120)}")
    return ", ".join(parts)


def _value_or_parameter(written: Any, resolved: Any) -> str:
    if isinstance(written, Mapping) and set(written) == {"$PARAMETER"}:
        return f"${written['$PARAMETER']} ({_value(resolved)})"
    return _value(written)


def _describe_condition(condition: Any) -> str:
    if isinstance(condition, Mapping):
        kind = condition.get("type")
        if kind == "comparison":
            column = (condition.get("column") or {}).get("name")
            return f"{column} {condition.get('operator')} {_value(condition.get('parameter'))}"
        if kind == "nullity":
            column = (condition.get("column") or {}).get("name")
            return f"{column} is {'null' if condition.get('is_null') else 'not null'}"
        if kind in ("and", "or"):
            inner = f" {kind} ".join(_describe_condition(c) for c in condition.get("conditions") or [])
            return f"({inner})"
        if kind == "pass_through":
            return str(condition.get("pass_through_filter"))
    return str(condition)


def _examples(result: Mapping[str, Any]) -> str:
    """Distinct offending values, most frequent first. GX counts them within its partial sample
    (the first rows that fail), not the whole table, so the counts themselves are not shown."""
    counts = result.get("partial_unexpected_counts")
    values = [entry.get("value") for entry in counts] if counts else result.get("partial_unexpected_list")
    if not values:
        return ""
    shown = list(dict.fromkeys(_value(v) for v in values))
    return "[" + ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "") + "]"


def _example_rows(result: Mapping[str, Any], id_columns: Sequence[str]) -> str:
    if not id_columns:
        return ""
    rows = [r for r in result.get("partial_unexpected_index_list") or [] if isinstance(r, Mapping)]
    columns = [c for c in id_columns if rows and c in rows[0]]
    if not columns:
        return ""
    ids = [tuple(row.get(c) for c in columns) for row in rows[:5]]
    shown = ", ".join(_value(i[0]) if len(i) == 1 else "(" + ", ".join(map(_value, i)) + ")" for i in ids)
    more = ", ..." if len(rows) > 5 else ""
    label = columns[0] if len(columns) == 1 else "(" + ", ".join(columns) + ")"
    return f"{label} {shown}{more}"


def _percent(value: Any) -> str:
    return f"{value:.2f}%" if isinstance(value, int | float) else "?"


def _value(value: Any) -> str:
    """A short, unambiguous rendering of a value GX reports (numpy/pandas scalars included)."""
    if value is None:
        return "null"
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__.startswith("numpy"):
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return "null"
    if type(value).__name__ in ("NAType", "NaTType"):
        return "null"
    if isinstance(value, datetime) or type(value).__name__ == "Timestamp":
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, Mapping):
        if set(value) == {"$PARAMETER"}:
            return f"${value['$PARAMETER']}"
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Iterable):
        items = list(value)
        shown = ", ".join(_value(v) for v in items[:12])
        return f"[{shown}{', ...' if len(items) > 12 else ''}]"
    return str(value)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
