"""Run a quality gate in a child process, so that the process asking for it never imports Great
Expectations.

A refresh runs its steps in one long-lived process (the DAG runner, or an Airflow worker's task
process). Run there, the raw gate's import of GX (about 120 MiB on top of what that process held)
stayed resident while the next step's dbt child built the warehouse, and that was the refresh's
peak. Here the gate runs as ``python -m housing_need.quality.child``: the child imports GX, runs
:func:`~.gate.run_gate` (Data Docs included) and exits, handing its memory back before dbt starts.
Each gate pays for a fresh import of GX and its dependencies and a fresh GX context, where one
process paid once (about 5 s a refresh on a quiet machine: benchmarks/RESULTS.md).

:func:`run_gate_in_child` takes :func:`~.gate.run_gate`'s arguments and behaves as it does: the same
:class:`~.gate.GateResult`, :class:`~housing_need.errors.QualityGateFailed` with the same message
(and ``.result``) when a suite fails, the other errors of a gate (no suites, a bad suite file, no
warehouse) raised again as the same class with the same message. Only ``seconds`` differs: it is
the whole wait, the child's start and its import of GX included.

The child never outlives its caller (``ops.processes.running``): it stays in the caller's process
group, so stopping the DAG runner's group stops it with dbt and the rest, and the kernel sends it
SIGTERM if the caller dies; an exception in the caller (Ctrl-C) stops it first.

Between the two: the request as JSON on the child's stdin; the child's output on one pipe, its log
records and finally its reply as marked JSON lines. The records are logged again in the caller
under their own logger names (so they reach the Airflow task log as before); any other line the
child prints is logged as it is.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path, PurePath
from typing import Any, ParamSpec, TextIO

from ..errors import HousingNeedError
from ..ops.processes import running
from .gate import GateResult, run_gate

log = logging.getLogger(__name__)
P = ParamSpec("P")

MARK = "\x1e"  # starts every line the caller reads as a message (ASCII record separator)
LOG_LINE = "housing-need-gate-log"
REPLY_LINE = "housing-need-gate-reply"
PATH = "__path__"  # a Path sent as JSON (an argument, an exception's attribute)


def _in_a_child(run: Callable[P, GateResult]) -> Callable[P, GateResult]:
    """``run`` (:func:`~.gate.run_gate`) with the same parameters, run in a child process: the
    arguments are sent as they were given, so the two cannot drift apart."""
    signature = inspect.signature(run)

    def in_a_child(*args: P.args, **kwargs: P.kwargs) -> GateResult:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        gate, raise_on_failure = arguments["gate"], arguments.pop("raise_on_failure")
        request = {"arguments": _encoded(arguments), "log_level": logging.getLogger().getEffectiveLevel()}
        started = time.perf_counter()
        reply = _ask_child(gate, request)
        if "error" in reply:
            raise _rebuilt(reply["error"]) from ChildTraceback(reply["error"]["traceback"])
        result = GateResult.from_dict(reply["result"])
        result.seconds = time.perf_counter() - started
        if raise_on_failure:
            result.raise_if_failed()
        return result

    return in_a_child


run_gate_in_child = _in_a_child(run_gate)
run_gate_in_child.__doc__ = """:func:`~.gate.run_gate`, with the same arguments, in a child process
(see the module's doc)."""


def _ask_child(gate: str, request: Mapping[str, Any]) -> dict[str, Any]:
    """Start the child, send it ``request``, log its output again here, return its reply."""
    reply: dict[str, Any] | None = None
    command = [sys.executable, "-m", __name__]
    pipes: dict[str, Any] = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
    with running(command, own_group=False, text=True, encoding="utf-8", errors="replace", **pipes) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        with contextlib.suppress(BrokenPipeError):  # the child ended early: its output says why
            proc.stdin.write(json.dumps(request))
            proc.stdin.close()
        for line in proc.stdout:
            reply = _relay(gate, line) or reply
        proc.wait()
    if reply is None:
        ended = f"exit {proc.returncode}"
        if proc.returncode < 0:
            ended = f"stopped by {signal.Signals(-proc.returncode).name}"
        raise HousingNeedError(
            f"{gate} gate: its process ended ({ended}) without a result; see the log above"
        )
    return reply


def _encoded(value: Any) -> Any:
    """``value`` as JSON types: a path as ``{PATH: "..."}``, other collections as lists."""
    if isinstance(value, PurePath):
        return {PATH: str(value)}
    if isinstance(value, Mapping):
        return {str(k): _encoded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_encoded(v) for v in value]
    return value


def _decoded(value: Any) -> Any:
    if isinstance(value, dict):
        return Path(value[PATH]) if set(value) == {PATH} else {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


class ChildTraceback(Exception):
    """Where an error of the gate's child process was raised (its traceback, as text): the cause
    of the error raised again in the caller."""


def _relay(gate: str, line: str) -> dict[str, Any] | None:
    """Log one line of the child's output again here; return the child's reply if it is one."""
    printed, mark, message = line.rstrip("\n").partition(MARK)
    if printed.strip():
        log.info("%s gate process: %s", gate, printed)
    if not mark:
        return None
    kind, _, payload = message.partition(" ")
    try:
        data = json.loads(payload)
    except ValueError:
        log.info("%s gate process: %s", gate, message)
        return None
    if kind == REPLY_LINE:
        return dict(data)
    if kind == LOG_LINE:
        logger = logging.getLogger(data["name"])
        if logger.isEnabledFor(data["levelno"]):
            logger.handle(logging.makeLogRecord({**data, "args": None, "exc_info": None}))
    return None


def _rebuilt(error: Mapping[str, Any]) -> Exception:
    """The child's exception as the same class with the same message, if that class is already
    loaded here (importing it might import GX); otherwise a HousingNeedError naming it."""
    module = sys.modules.get(error["module"])
    try:
        cls = functools.reduce(getattr, error["name"].split("."), module) if module else None
    except AttributeError:
        cls = None
    if isinstance(cls, type) and issubclass(cls, Exception):
        exc = cls.__new__(cls)
        exc.args = tuple(error["args"])
        for name, value in _decoded(error["attributes"]).items():
            with contextlib.suppress(AttributeError):  # a read-only property
                setattr(exc, name, value)
        if str(exc) == error["message"]:
            return exc
    return HousingNeedError(f"{error['module']}.{error['name']}: {error['message']}")


# -- in the child ----------------------------------------------------------------------------------


class _LogLines(logging.Handler):
    """Every log record of the child as one marked JSON line on ``stream``, for :func:`_relay`."""

    FIELDS = (
        *("name", "levelno", "levelname", "created", "msecs"),
        *("pathname", "filename", "module", "lineno", "funcName", "threadName"),
    )

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.tracebacks = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + self.tracebacks.formatException(record.exc_info)
            data = {field: getattr(record, field) for field in self.FIELDS}
            self.stream.write(f"{MARK}{LOG_LINE} {json.dumps({**data, 'msg': text})}\n")
            self.stream.flush()
        except Exception:
            self.handleError(record)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True


def _described(exc: Exception) -> dict[str, Any]:
    """What :func:`_rebuilt` needs to raise ``exc`` again in the caller."""
    attributes = {name: _encoded(value) for name, value in vars(exc).items()}
    return {
        "module": type(exc).__module__,
        "name": type(exc).__qualname__,
        "args": list(exc.args) if _jsonable(list(exc.args)) else [str(exc)],
        "attributes": {name: value for name, value in attributes.items() if _jsonable(value)},
        "message": str(exc),
        "traceback": "".join(traceback.format_exception(exc)),
    }


def _child() -> int:
    request = json.loads(sys.stdin.read())  # first: the caller writes it all before reading us
    out = sys.stdout
    root = logging.getLogger()
    root.handlers[:] = [_LogLines(out)]
    root.setLevel(request["log_level"])
    logging.captureWarnings(True)
    try:
        result = run_gate(**_decoded(request["arguments"]), raise_on_failure=False)
        reply: dict[str, Any] = {"result": result.to_dict()}
    except Exception as exc:
        reply = {"error": _described(exc)}
    out.write(f"\n{MARK}{REPLY_LINE} {json.dumps(reply)}\n")
    out.flush()
    return 0 if "result" in reply else 1


if __name__ == "__main__":
    sys.exit(_child())
