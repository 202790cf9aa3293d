#!/usr/bin/env bash
# entrypoint.sh — the container's entry point (see compose/Dockerfile):
#   migrate                 apply the migrations, set the service roles' passwords
#   intake|referral|groups|reporting|stream   run that service in the foreground
#   health SERVICE          the service's healthcheck (its own certificate)
#   kumppani ARGS...        the command-line client
set -euo pipefail

services=(intake referral groups reporting stream)
bin=${KUMPPANI_BIN_DIR:-/usr/local/bin}
migrations=${KUMPPANI_MIGRATIONS_DIR:-/usr/share/kumppani/migrations}

die () { printf 'entrypoint: %s\n' "$*" >&2; exit 1; }
is_service () { [[ " ${services[*]} " == *" $1 "* ]]; }

# A service sees only its own database password, as libpq's PGPASSWORD.
run_service () {
    local service=$1 password_var
    password_var=KUMPPANI_DB_PASSWORD_${service^^}
    [[ -n ${!password_var:-} ]] || die "$password_var is not set (see kumppani.env.example)"
    export PGPASSWORD=${!password_var}
    export KUMPPANI_CLIENT_CERT=${KUMPPANI_CLIENT_CERT:-${KUMPPANI_SERVICE_CERTS_DIR:?}/$service.cert}
    unset POSTGRES_PASSWORD KUMPPANI_DB_ADMIN_CONNINFO "${!KUMPPANI_DB_PASSWORD_@}"
    exec "$bin/$service"
}

# Migrations as the administrator, then each service role's password: they
# log in over TCP here, where pg_hba asks for scram-sha-256.
run_migrate () {
    : "${KUMPPANI_DB_ADMIN_CONNINFO:?KUMPPANI_DB_ADMIN_CONNINFO is not set}"
    [[ -n ${POSTGRES_PASSWORD:-} ]] || die "POSTGRES_PASSWORD is not set (see kumppani.env.example)"
    export PGPASSWORD=$POSTGRES_PASSWORD
    "$bin/kumppani" migrate --dir "$migrations"
    local service password_var
    for service in "${services[@]}"; do
        password_var=KUMPPANI_DB_PASSWORD_${service^^}
        [[ -n ${!password_var:-} ]] || die "$password_var is not set (see kumppani.env.example)"
        psql "$KUMPPANI_DB_ADMIN_CONNINFO" -X -q -v ON_ERROR_STOP=1 \
             -v role="$service" -v password="${!password_var}" <<'SQL'
ALTER ROLE :"role" PASSWORD :'password';
SQL
    done
    echo "entrypoint: migrations applied, service role passwords set"
}

command=${1:-help}
[[ $# -eq 0 ]] || shift
case $command in
    migrate)
        run_migrate ;;
    health)
        if [[ $# -ne 1 ]] || ! is_service "$1"; then
            die "usage: health SERVICE"
        fi
        KUMPPANI_CLIENT_CERT=${KUMPPANI_CLIENT_CERT:-${KUMPPANI_SERVICE_CERTS_DIR:?}/$1.cert} \
            exec "$bin/kumppani" health --service "$1" --timeout 2000 ;;
    kumppani)
        exec "$bin/kumppani" "$@" ;;
    help|--help|-h)
        (IFS='|'; echo "usage: migrate | ${services[*]} | health SERVICE | kumppani ARGS...")
        exit 0 ;;
    *)
        is_service "$command" || die "unknown command '$command' (try: help)"
        run_service "$command" ;;
esac
