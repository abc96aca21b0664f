"""Write .env for docker-compose.yml: .env.example with every change-me placeholder replaced.

    python3 docker/make_env.py                 # writes .env next to docker-compose.yml
    python3 docker/make_env.py --output PATH   # somewhere else

Never overwrites an existing file (the databases keep the passwords they were created with, and
the Fernet key decrypts what Airflow stored): delete it yourself if you really mean to start over.
Standard library only, so it runs with any Python 3.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = "change-me"


def secret_for(name: str) -> str:
    if "FERNET" in name:
        # What cryptography's Fernet.generate_key() returns: 32 random bytes, url-safe base64.
        return base64.urlsafe_b64encode(os.urandom(32)).decode()
    return secrets.token_urlsafe(64 if "JWT" in name else 32)


def render(example: str) -> str:
    lines = []
    for line in example.splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#") and value.startswith(PLACEHOLDER):
            line = f"{name}={secret_for(name.strip())}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", type=Path, default=ROOT / ".env.example")
    parser.add_argument("--output", type=Path, default=ROOT / ".env")
    args = parser.parse_args(argv)
    if args.output.exists():
        print(f"{args.output} exists; not overwriting it (delete it first to start over)", file=sys.stderr)
        return 1
    fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(render(args.example.read_text(encoding="utf-8")))
    print(f"wrote {args.output}: fresh secrets for every {PLACEHOLDER} placeholder in {args.example.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
