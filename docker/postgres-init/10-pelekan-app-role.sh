#!/bin/sh
# Runs once, when the postgres container creates its data folder. The role named by POSTGRES_USER
# owns the database and runs the migrations; the API and the worker sign in as pelekan_app, a member
# of pelekan_app_rw, which the migrations grant DML on the domain tables and nothing else (no DDL,
# no rights on the audit trail's internals).
set -eu
: "${PELEKAN_APP_DB_PASSWORD:?set PELEKAN_APP_DB_PASSWORD}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$PELEKAN_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE pelekan_app_rw NOLOGIN;
CREATE ROLE pelekan_app LOGIN PASSWORD :'app_password' NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE pelekan_app_rw;
SQL
