"""The command line's argument parsers: every option's help ends with its default.

Kept free of heavy imports: building the whole parser must cost next to nothing, because every
command (``./run sql "select 1"`` included) builds it before it runs.
"""

from __future__ import annotations

import argparse
import os
import re
import textwrap
from typing import Any

# The name usage lines show: ``./run`` sets it, so `./run sql --help` reads as the user types it.
PROG_ENV = "HOUSING_NEED_PROG"


def prog() -> str:
    return os.environ.get(PROG_ENV) or "housing-need"


class HelpFormatter(argparse.HelpFormatter):
    """Descriptions are wrapped paragraph by paragraph, a "- " bullet starting a new item; an option's
    help gets ``(default: …)`` unless it already says what the default is, or there is none to show
    (unset, off, or an empty list)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        out = []
        for paragraph in re.split(r"\n\s*\n", text.strip()):
            for item in re.split(r"\n(?=\s*- )", paragraph):
                words = " ".join(item.split())
                more = indent + ("  " if words.startswith("- ") else "")
                out.append(textwrap.fill(words, width, initial_indent=indent, subsequent_indent=more))
            out.append("")
        return "\n".join(out).rstrip()

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            default is None
            or default is False
            or default == argparse.SUPPRESS
            or default == []
            or "default" in text
            or not (action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE))
        ):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose subcommands (add_subparsers) are Parsers with the same formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def add_command(sub: Any, name: str, help: str, **kwargs: Any) -> Parser:
    """A subcommand whose ``--help`` opens with what it does (``description``, default: ``help``)."""
    kwargs.setdefault("description", help)
    parser: Parser = sub.add_parser(name, help=help, **kwargs)
    return parser
