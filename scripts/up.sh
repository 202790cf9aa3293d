#!/usr/bin/env bash
# up.sh — the embedded default: PostgreSQL, development certificates and all
# five services under ./var, no docker. Idempotent: run it again and nothing
# is regenerated or started twice. scripts/down.sh stops it all. As root the
# services run as an unprivileged system user (KUMPPANI_SERVICE_USER, default
# kumppani; made here if missing), as PostgreSQL runs as postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
# shellcheck source=scripts/alive.sh
source scripts/alive.sh

root=$(pwd -P)
build=${BUILD:-build}
[[ $build == /* ]] || build=$root/$build
bin=$build/bin
var=$root/var
services=(intake referral groups reporting stream)
timeout=${KUMPPANI_UP_TIMEOUT:-15}      # seconds to wait for the services to answer

say () { printf 'up: %s\n' "$*"; }
die () { printf 'up: error: %s\n' "$*" >&2; exit 1; }

for program in kumppani "${services[@]}"; do
    [[ -x $bin/$program ]] || die "$bin/$program is missing: build first (make all, or make up)"
done

# As root: the services' user, a system account without a login or home.
# It joins the postgres group, the only one pg.sh lets reach the socket.
service_user=""
if [[ $EUID -eq 0 ]]; then
    service_user=${KUMPPANI_SERVICE_USER:-kumppani}
    [[ $service_user =~ ^[a-z_][a-z0-9_-]*$ && $service_user != root ]] \
        || die "KUMPPANI_SERVICE_USER must name an unprivileged user, got '$service_user'"
    command -v setpriv >/dev/null 2>&1 \
        || die "running as root needs setpriv (package util-linux) to start the services as $service_user"
    pg_root_check || exit 1
    if ! id -u "$service_user" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin "$service_user" || die "cannot make the system user $service_user"
        say "made the system user $service_user; the services run as it"
    fi
    (( $(id -u "$service_user") != 0 )) || die "$service_user has uid 0: the services would run as root"
    if ! id -nG "$service_user" | tr ' ' '\n' | grep -qx postgres; then
        usermod -a -G postgres "$service_user" || die "cannot add $service_user to the postgres group"
    fi
    export PG_SOCKET_GROUP=postgres
fi

umask 022
mkdir -p "$var/log" "$var/pids" "$var/certs/services" "$var/certs/clients" "$var/certs/admitted"
mkdir -p "$var/secrets" && chmod 700 "$var/secrets"

# 1. PostgreSQL and the schema.
pg_init "$var/pg" "$var/run" "$var/log"
pg_start "$var/pg"
pg_create_db "$var/pg"
conninfo=$(pg_conninfo "$var/pg")
if [[ -n $service_user ]]; then
    socket=$(pg_socket_dir "$var/pg")/.s.PGSQL.$PG_PORT
    [[ $(stat -c %a:%G "$socket") == 770:postgres ]] \
        || die "PostgreSQL runs with a socket $service_user cannot use ($socket); make down && make up"
fi
KUMPPANI_DB_ADMIN_CONNINFO="$conninfo user=$PG_ADMIN_USER" "$bin/kumppani" migrate --dir migrations \
    || die "migrations failed"

# 2. Development certificates, made once. Services are admitted as clients
#    too: they read the event stream with their own certificates.
new_cert () {
    local dir=$1 id=$2
    shift 2
    if [[ -f $dir/$id.cert && -f $dir/$id.cert_secret ]]; then
        return 0
    fi
    [[ ! -e $dir/$id.cert ]] || die "$dir/$id.cert exists without its _secret; remove it to make a new pair"
    "$bin/kumppani" cert new "$id" "$@" --out "$dir" >/dev/null || die "cannot make the certificate $id"
    say "made certificate $dir/$id.cert"
}
for service in "${services[@]}"; do
    new_cert "$var/certs/services" "$service" --type service
done
clients=$var/certs/clients
new_cert "$clients" kela --type kela --name "Kela"
new_cert "$clients" muni-743 --type municipality --municipality 743 --name "Seinäjoki social services"
new_cert "$clients" muni-091 --type municipality --municipality 091 --name "Helsinki social services"
new_cert "$clients" debt-743 --type debt_counselling --municipality 743 --name "Seinäjoki debt counselling"
new_cert "$clients" ngo-743 --type ngo --municipality 743 --name "Seinäjoki NGO"
new_cert "$clients" integrator-743 --type integrator --municipality 743 --name "Seinäjoki integrator"
new_cert "$clients" operator --type operator --name "Operator"
# Wellbeing services counties and Helsinki as organisers of their areas
# (Etelä-Pohjanmaa: Seinäjoki 743, Ähtäri 989, …; Keski-Suomi: Jyväskylä
# 179, Laukaa 410, …; Helsinki organises its own services).
new_cert "$clients" county-ep --type county --county EP --name "Etelä-Pohjanmaan hyvinvointialue"
new_cert "$clients" county-ks --type county --county KS --name "Keski-Suomen hyvinvointialue"
new_cert "$clients" helsinki --type county --county HKI --name "Helsingin kaupunki, sosiaalipalvelut"

# Every client certificate's organisation is registered as its metadata
# names it (kumppani org add; rerunning changes nothing): the services admit
# no certificate of an unregistered organisation.
for cert in "$clients"/*.cert; do
    meta () { sed -n "s/^ *$1 = \"\(.*\)\"\$/\1/p" "$cert" | head -n 1; }
    org_id=$(meta org_id) org_type=$(meta org_type) area_municipality=$(meta municipality)
    area_county=$(meta county) org_name=$(meta name)
    [[ -n $org_id && $org_type != service ]] || continue
    args=(org add "$org_id" --type "$org_type" --name "$org_name")
    [[ -z $area_municipality ]] || args+=(--municipality "$area_municipality")
    [[ -z $area_county ]] || args+=(--county "$area_county")
    KUMPPANI_DB_ADMIN_CONNINFO="$conninfo user=$PG_ADMIN_USER" KUMPPANI_OPERATOR="make up" \
        "$bin/kumppani" "${args[@]}" > /dev/null || die "cannot register $org_id"
done

admitted_changed=0
for cert in "$var/certs/services"/*.cert "$clients"/*.cert; do
    target=$var/certs/admitted/$(basename "$cert")
    if ! cmp -s "$cert" "$target"; then
        cp "$cert" "$target.tmp" && chmod 644 "$target.tmp" && mv "$target.tmp" "$target"
        admitted_changed=1
    fi
done

# 3. The henkilötunnus keys: encryption key and lookup-hash key, made once.
hetu_keys=$var/secrets/hetu.keys
if [[ ! -s $hetu_keys ]]; then
    (
        umask 077
        for _ in 1 2; do
            od -An -v -tx1 -N32 /dev/urandom | tr -d ' \n'
            echo
        done > "$hetu_keys.tmp"
    )
    mv "$hetu_keys.tmp" "$hetu_keys"
    say "made $hetu_keys"
fi
chmod 600 "$hetu_keys"

# As root, what the services read or write becomes their user's: the keys
# (still 0600) and their directory, the services' own certificates and their
# logs. The admitted certificates stay root's, world-readable; the sample
# organisations' secrets in certs/clients stay root's alone.
if [[ -n $service_user ]]; then
    chown "$service_user:" "$var/secrets" "$hetu_keys"
    chown -R "$service_user:" "$var/certs/services"
    for service in "${services[@]}"; do
        touch "$var/log/$service.log"
        chown "$service_user:" "$var/log/$service.log"
        chmod 640 "$var/log/$service.log"
    done
    for target in "$bin" "$var/certs/admitted" "$var/certs/services" "$var/secrets" "$(pg_socket_dir "$var/pg")"; do
        pg_root_reach "$target" "$service_user" || exit 1
    done
fi

# 4. var/kumppani.env: everything the services and the CLI read. Settings a
#    user may choose keep their value from the last run unless set now.
quote () { printf "'%s'" "${1//\'/\'\\\'\'}"; }
env_file=$var/kumppani.env
setting () {
    local name=$1 value=${!1:-}
    if [[ -z $value && -f $env_file ]]; then
        # shellcheck source=/dev/null
        value=$(source "$env_file" >/dev/null 2>&1; printf '%s' "${!name:-}")
    fi
    printf '%s' "${value:-$2}"
}
{
    echo "# Written by scripts/up.sh: source var/kumppani.env to use the CLI. Endpoints, log"
    echo "# level and message size keep the values here on the next run unless set then."
    for pair in \
        "KUMPPANI_DB_CONNINFO=$conninfo" \
        "KUMPPANI_DB_ADMIN_CONNINFO=$conninfo user=$PG_ADMIN_USER" \
        "KUMPPANI_CERTS_DIR=$var/certs/admitted" \
        "KUMPPANI_SERVICE_CERTS_DIR=$var/certs/services" \
        "KUMPPANI_CLIENT_CERT=$clients/operator.cert" \
        "KUMPPANI_HETU_KEY_FILE=$hetu_keys" \
        "KUMPPANI_INTAKE_ENDPOINT=$(setting KUMPPANI_INTAKE_ENDPOINT tcp://127.0.0.1:7101)" \
        "KUMPPANI_REFERRAL_ENDPOINT=$(setting KUMPPANI_REFERRAL_ENDPOINT tcp://127.0.0.1:7102)" \
        "KUMPPANI_GROUPS_ENDPOINT=$(setting KUMPPANI_GROUPS_ENDPOINT tcp://127.0.0.1:7103)" \
        "KUMPPANI_REPORTING_ENDPOINT=$(setting KUMPPANI_REPORTING_ENDPOINT tcp://127.0.0.1:7104)" \
        "KUMPPANI_STREAM_ENDPOINT=$(setting KUMPPANI_STREAM_ENDPOINT tcp://127.0.0.1:7105)" \
        "KUMPPANI_STREAM_PUB_ENDPOINT=$(setting KUMPPANI_STREAM_PUB_ENDPOINT tcp://127.0.0.1:7106)" \
        "KUMPPANI_LOG_LEVEL=$(setting KUMPPANI_LOG_LEVEL info)" \
        "KUMPPANI_MAX_MSG_SIZE=$(setting KUMPPANI_MAX_MSG_SIZE 1048576)"; do
        echo "export ${pair%%=*}=$(quote "${pair#*=}")"
    done
} > "$env_file.tmp"
env_changed=0
if ! cmp -s "$env_file.tmp" "$env_file"; then
    [[ ! -f $env_file ]] || env_changed=1
    mv "$env_file.tmp" "$env_file"
else
    rm -f "$env_file.tmp"
fi

# 5. The services. Each runs in its own session (Ctrl-C here does not reach
#    it), logging to var/log, with the env file minus the administrator's
#    conninfo and with its own certificate as the client one (for the stream).
started=()
for service in "${services[@]}"; do
    pid_file=$var/pids/$service.pid
    if [[ -f $pid_file ]] && alive "$(cat "$pid_file")" "$service"; then
        if (( env_changed )); then
            echo "up: warning: $env_file changed but the running services have the old settings;" \
                 "make down && make up restarts them" >&2
            env_changed=0
        fi
        if (( admitted_changed )); then
            kill -HUP "$(cat "$pid_file")"
            say "$service already running; told it to reload the admitted certificates"
        fi
        continue
    fi
    (
        set -a
        # shellcheck source=/dev/null
        source "$env_file"
        set +a
        unset KUMPPANI_DB_ADMIN_CONNINFO KUMPPANI_DB_USER
        export KUMPPANI_CLIENT_CERT=$var/certs/services/$service.cert
        if [[ -n $service_user ]]; then
            #  setpriv execs (no parent left behind), so $! stays the service.
            cd /
            exec setsid nohup setpriv --reuid="$service_user" --regid="$service_user" --init-groups \
                --no-new-privs "$bin/$service" >> "$var/log/$service.log" 2>&1 < /dev/null
        fi
        exec setsid nohup "$bin/$service" >> "$var/log/$service.log" 2>&1 < /dev/null
    ) &
    echo $! > "$pid_file"
    started+=("$service")
done

# 6. Wait until each answers health (bounded), as the operator.
set -a
# shellcheck source=/dev/null
source "$env_file"
set +a
deadline=$(( $(date +%s) + timeout ))
for service in "${services[@]}"; do
    pid=$(cat "$var/pids/$service.pid")
    until "$bin/kumppani" health --service "$service" --timeout 500 >/dev/null 2>&1; do
        if ! alive "$pid"; then
            echo "up: error: $service exited; the end of $var/log/$service.log:" >&2
            tail -n 20 "$var/log/$service.log" >&2
            rm -f "$var/pids/$service.pid"
            echo "up: scripts/down.sh stops whatever did start" >&2
            exit 1
        fi
        if (( $(date +%s) >= deadline )); then
            endpoint=KUMPPANI_${service^^}_ENDPOINT
            echo "up: error: $service did not answer health on ${!endpoint} within ${timeout}s;" \
                 "the end of $var/log/$service.log:" >&2
            tail -n 20 "$var/log/$service.log" >&2
            echo "up: it is still running (pid $pid); scripts/down.sh stops everything" >&2
            exit 1
        fi
        sleep 0.2
    done
done

if (( ${#started[@]} )); then
    say "started: ${started[*]}"
else
    say "all services were already running"
fi
cat <<EOF

kumppani is up.
  intake     $KUMPPANI_INTAKE_ENDPOINT
  referral   $KUMPPANI_REFERRAL_ENDPOINT
  groups     $KUMPPANI_GROUPS_ENDPOINT
  reporting  $KUMPPANI_REPORTING_ENDPOINT
  stream     $KUMPPANI_STREAM_ENDPOINT (events published on $KUMPPANI_STREAM_PUB_ENDPOINT)
  database   $conninfo  (as $PG_ADMIN_USER: psql "\$KUMPPANI_DB_ADMIN_CONNINFO")

Logs:         var/log/<service>.log and var/log/postgresql.log
Certificates: var/certs/clients (sample organisations), var/certs/admitted (what the services accept)
CLI:          source var/kumppani.env; ${bin#"$root"/}/kumppani health
Stop:         make down
EOF
