"""Exceptions with messages a data engineer can act on."""

from __future__ import annotations


class HousingNeedError(Exception):
    """Base class for errors raised by the pipeline."""


class ParseError(HousingNeedError):
    """A delivery cannot be parsed at all. Names the file and, where known, the row and column."""

    def __init__(self, file: str, message: str, *, row: int | None = None, column: str | None = None):
        self.file = file
        self.message = message
        self.row = row
        self.column = column
        where = [f"file {file!r}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")

    def __reduce__(self) -> tuple:  # crosses process boundaries (the loader's worker processes)
        return (_parse_error, (self.file, self.message, self.row, self.column))


def _parse_error(file: str, message: str, row: int | None, column: str | None) -> ParseError:
    return ParseError(file, message, row=row, column=column)


class FetchError(HousingNeedError):
    """A publisher URL could not be fetched after retries."""


class QualityGateFailed(HousingNeedError):
    """A Great Expectations gate failed; the message lists failing expectations and offending values."""


class PublishError(HousingNeedError):
    """The shadow warehouse could not be published."""
