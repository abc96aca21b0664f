-- The BI database that the pipeline publishes its marts to, and who may do what in it.
--
--   database housing_need
--   role housing_need_publisher   the pipeline (Airflow worker, dbt's `postgres` target): creates
--                                 its own schemas, owns `marts`
--   role bi_reader                BI tools: CONNECT, and SELECT on the tables and views in `marts`
--                                 only (present and future); read-only sessions
--
-- Idempotent: the bi-postgres-init service runs it on every `docker compose up`, so a password
-- changed in .env is applied. Run it with psql (it uses \getenv, \gexec and \connect, psql 15+),
-- as a superuser, with the two passwords in the environment:
--
--   BI_PUBLISHER_PASSWORD=… BI_READER_PASSWORD=… psql -v ON_ERROR_STOP=1 -f init-bi-database.sql
--
-- Keep `marts` itself: the grants below hang on the schema. The publisher may drop and recreate
-- the tables in it (dbt does), and new tables get SELECT for bi_reader by default privileges.

\set ON_ERROR_STOP on
\getenv publisher_password BI_PUBLISHER_PASSWORD
\getenv reader_password BI_READER_PASSWORD

\if :{?publisher_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'BI_PUBLISHER_PASSWORD is not set in the environment (see .env.example)'; END $$;
\endif
\if :{?reader_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'BI_READER_PASSWORD is not set in the environment (see .env.example)'; END $$;
\endif

SELECT :'publisher_password' LIKE '%change-me%' OR length(:'publisher_password') < 12 AS bad_publisher_password,
       :'reader_password' LIKE '%change-me%' OR length(:'reader_password') < 12 AS bad_reader_password
\gset
\if :bad_publisher_password
DO $$ BEGIN RAISE EXCEPTION 'BI_PUBLISHER_PASSWORD is the .env.example placeholder or shorter than 12 characters: generate one (python3 docker/make_env.py)'; END $$;
\endif
\if :bad_reader_password
DO $$ BEGIN RAISE EXCEPTION 'BI_READER_PASSWORD is the .env.example placeholder or shorter than 12 characters: generate one (python3 docker/make_env.py)'; END $$;
\endif

-- Roles: created once, attributes and passwords set on every run.
SELECT 'CREATE ROLE housing_need_publisher'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'housing_need_publisher')
\gexec
ALTER ROLE housing_need_publisher WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'publisher_password';

SELECT 'CREATE ROLE bi_reader'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bi_reader')
\gexec
ALTER ROLE bi_reader WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION
    PASSWORD :'reader_password';
ALTER ROLE bi_reader SET default_transaction_read_only = on;

-- The database: only the two roles may connect; the publisher may create schemas (dbt's
-- staging, intermediate, reference, ... live beside marts and stay private to it).
SELECT 'CREATE DATABASE housing_need'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'housing_need')
\gexec
REVOKE ALL ON DATABASE housing_need FROM PUBLIC;
GRANT CONNECT, TEMPORARY, CREATE ON DATABASE housing_need TO housing_need_publisher;
GRANT CONNECT ON DATABASE housing_need TO bi_reader;

\connect housing_need

-- Nothing for anyone in `public`; bi_reader sees `marts` and nothing else.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS marts AUTHORIZATION housing_need_publisher;
ALTER SCHEMA marts OWNER TO housing_need_publisher;
REVOKE ALL ON SCHEMA marts FROM PUBLIC;
GRANT USAGE ON SCHEMA marts TO bi_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA marts TO bi_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE housing_need_publisher IN SCHEMA marts GRANT SELECT ON TABLES TO bi_reader;

\echo 'bi-postgres: database housing_need, schema marts, roles housing_need_publisher and bi_reader are in place'
