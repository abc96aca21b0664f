"""Real headless Chromium for page tests (Debian's `chromium` package, installed on demand)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def ensure_chromium() -> Path:
    """The chromium binary; installs Debian's package when it is missing (as root, from the Debian
    registry). Raises with a clear message when that is impossible: page tests never skip."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return Path(found)
    attempts = (
        ["apt-get", "install", "-y", "chromium"],
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium"],
    )
    log = []
    for command in attempts:
        proc = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        log.append(f"$ {' '.join(command)} -> {proc.returncode}\n{proc.stderr[-800:]}")
        found = shutil.which("chromium")
        if found:
            return Path(found)
    raise RuntimeError(
        "Chromium is needed for the briefing page tests and could not be installed:\n" + "\n".join(log)
    )


def run_chromium(
    binary: Path, profile: Path, *args: str, timeout: int = 90
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(binary), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
