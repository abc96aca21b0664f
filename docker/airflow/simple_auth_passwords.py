"""Write the admin user's password into SimpleAuthManager's passwords file (run by init.sh).

SimpleAuthManager takes its users from ``[core] simple_auth_manager_users`` and their passwords
from a JSON file ``{"user": "password"}``; for a user missing from the file it generates a password
and prints it to the api-server log. Writing the file from ``AIRFLOW_ADMIN_PASSWORD`` (from .env)
makes the login known in advance and keeps it out of the logs. Other users' entries are kept.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
    username = os.environ.get("AIRFLOW_ADMIN_USERNAME") or "admin"
    password = os.environ.get("AIRFLOW_ADMIN_PASSWORD", "")
    if not password:
        print("simple_auth_passwords: AIRFLOW_ADMIN_PASSWORD is not set (see .env.example)", file=sys.stderr)
        return 1
    passwords: dict[str, str] = {}
    if path.exists() and path.read_text(encoding="utf-8").strip():
        passwords = json.loads(path.read_text(encoding="utf-8"))
    passwords[username] = password
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(passwords) + "\n")
    os.replace(tmp, path)
    print(f"simple_auth_passwords: password for {username!r} written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
