"""Keys for private sources: never in the repository, never logged.

Each key is read from an environment variable or, when that is unset and the code runs inside an
Airflow task, from an Airflow connection (its password field): the usual places a deployment keeps
secrets (a secrets backend behind Airflow connections works too). Keys are 32 random bytes written
as URL-safe base64; ``./run keys`` prints a fresh one.

For the quickstart only: when neither is configured, ``housing-need refresh`` (and ``stack up``)
write deployment-local keys once into ``var/secrets/keys.env`` (mode 0600, outside the repository,
like Airflow's own generated secrets) and say so; :func:`load_key` reads that file last. A production
deployment sets the variables or connections and never gets the file.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import settings
from ..errors import HousingNeedError


class MissingKey(HousingNeedError):
    """A private source needs a key that is not configured; the message says where to put it."""


@dataclass(frozen=True)
class KeySpec:
    purpose: str
    env: str
    connection: str


ARCHIVE_KEY = KeySpec(
    "encrypting archived deliveries of private sources",
    "HOUSING_NEED_ARCHIVE_KEY",
    "housing_need_archive_key",
)
PSEUDONYMISATION_KEY = KeySpec(
    "pseudonymising identifiers of personal-data sources",
    "HOUSING_NEED_PSEUDONYMISATION_KEY",
    "housing_need_pseudonymisation_key",
)


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _from_airflow(conn_id: str) -> str | None:
    try:
        from airflow.sdk import BaseHook  # only inside a task is there a connection to ask for
    except ImportError:
        return None
    try:
        return BaseHook.get_connection(conn_id).password or None
    except Exception:  # no such connection, or not inside a task: the caller explains both
        return None


LOCAL_KEYS = Path("secrets") / "keys.env"
KEYS = (ARCHIVE_KEY, PSEUDONYMISATION_KEY)


def _local_keys(var_dir: Path) -> dict[str, str]:
    path = var_dir / LOCAL_KEYS
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs if not name.startswith("#")}


def ensure_local_keys(var_dir: Path, env: Mapping[str, str] | None = None) -> list[str]:
    """Write deployment-local keys for those not configured in ``env`` (once; never overwritten);
    the names of the keys the run will take from the local file."""
    env = os.environ if env is None else env
    missing = [spec for spec in KEYS if not env.get(spec.env)]
    if not missing:
        return []
    path = var_dir / LOCAL_KEYS
    have = _local_keys(var_dir)
    new = [spec for spec in missing if spec.env not in have]
    if new:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lines = [f"{name}={value}" for name, value in have.items()] + [
            f"{spec.env}={new_key()}" for spec in new
        ]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("# deployment-local keys written by housing-need for this machine; keep out of git\n")
            out.write("\n".join(lines) + "\n")
    return [spec.env for spec in missing]


def load_key(spec: KeySpec, env: Mapping[str, str] | None = None) -> bytes:
    """The 32-byte key, or MissingKey naming the variable and the connection that would hold it."""
    env = os.environ if env is None else env
    text = env.get(spec.env) or (_from_airflow(spec.connection) if env is os.environ else None)
    if not text and env is os.environ:
        text = _local_keys(settings().var_dir).get(spec.env)
    if not text:
        raise MissingKey(
            f"no key for {spec.purpose}: set {spec.env} (or the Airflow connection {spec.connection!r}, "
            "password field) to 32 random bytes in URL-safe base64, e.g. from `./run keys`"
        )
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise MissingKey(f"{spec.env}: expected 32 bytes in URL-safe base64 ({spec.purpose})")
    return key
