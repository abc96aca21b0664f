#!/usr/bin/env bash
# Run by the airflow-init service (docker-compose.yml) before any other Airflow service starts,
# on every `docker compose up`. Idempotent. Stops with a message naming the problem if:
#   - a secret is missing or still holds the .env.example placeholder, or the Fernet key is invalid;
#   - the warehouse or var volume is not writable by this user.
# Then: migrates the metadata database, writes the SimpleAuthManager passwords file, creates the pools.
set -euo pipefail

fail() { echo "airflow-init: $*" >&2; exit 1; }

for name in AIRFLOW__DATABASE__SQL_ALCHEMY_CONN AIRFLOW__CORE__FERNET_KEY AIRFLOW__API_AUTH__JWT_SECRET \
            AIRFLOW__API__SECRET_KEY AIRFLOW_ADMIN_PASSWORD; do
  value=${!name:-}
  [[ -n $value ]] || fail "$name is not set (see .env.example)"
  [[ $value != *change-me* ]] \
    || fail "$name still holds the .env.example placeholder: generate real secrets (python3 docker/make_env.py)"
done

python -c 'import os; from cryptography.fernet import Fernet; Fernet(os.environ["AIRFLOW__CORE__FERNET_KEY"])' \
  2>/dev/null || fail "AIRFLOW_FERNET_KEY is not a Fernet key (32 url-safe base64-encoded bytes; see .env.example)"

for dir in "$HOUSING_NEED_VAR_DIR" "$(dirname "$HOUSING_NEED_WAREHOUSE")"; do
  mkdir -p "$dir" && [[ -w $dir ]] || fail "$dir is not writable by $(id -un) (uid $(id -u))"
done

airflow version
airflow db migrate

python "$(dirname "$(readlink -f "$0")")/simple_auth_passwords.py"

# Tasks that write the DuckDB warehouse take a slot of this pool: one writer at a time.
airflow pools set housing_need_warehouse 1 "DuckDB warehouse writers: one at a time"

echo "airflow-init: done"
