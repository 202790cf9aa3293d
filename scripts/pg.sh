#!/usr/bin/env bash
# pg.sh — a private PostgreSQL cluster for kumppani (make up, make test).
# Source it for the pg_* functions, or run it:
#     scripts/pg.sh init|start|stop|status|createdb|conninfo DIR
# Layout: DIR/data (the cluster), DIR/run (its Unix socket; no TCP unless
# KUMPPANI_PG_LISTEN is set), DIR/log/postgresql.log; pg_init may put the
# socket and log directories elsewhere and records where. PostgreSQL refuses
# to run as root, so as root the cluster belongs to the `postgres` user.
# The socket admits only the cluster's owner, unless PG_SOCKET_GROUP names
# a group of the owner's (as root: postgres) whose members may connect too
# (scripts/up.sh: the services' own user).
set -euo pipefail

PG_ADMIN_USER=kumppani_admin
PG_DATABASE=kumppani
PG_PORT=5432
PG_SOCKET_MAX=106                   # longest socket path in bytes (sun_path: 108 incl. NUL)

pg_say () { printf 'pg: %s\n' "$*"; }
pg_err () { printf 'pg: error: %s\n' "$*" >&2; }

# The directory holding initdb and pg_ctl: PG_BINDIR if set, else the highest
# /usr/lib/postgresql/<version>/bin (Debian), else wherever PATH finds initdb.
pg_bin () {
    if [[ -z ${PG_BINDIR:-} ]]; then
        local candidate
        candidate=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
        if [[ -x $candidate ]]; then
            PG_BINDIR=${candidate%/initdb}
        elif candidate=$(command -v initdb 2>/dev/null); then
            PG_BINDIR=$(dirname "$(realpath "$candidate")")
        else
            pg_err "PostgreSQL server programs (initdb, pg_ctl) not found;" \
                   "run scripts/deps.sh (Debian package: postgresql) or set PG_BINDIR"
            return 1
        fi
    fi
    if [[ ! -x $PG_BINDIR/initdb || ! -x $PG_BINDIR/pg_ctl ]]; then
        pg_err "no initdb/pg_ctl in PG_BINDIR=$PG_BINDIR"
        return 1
    fi
    printf '%s\n' "$PG_BINDIR"
}

pg_abs () { realpath -m -- "$1"; }

# The user the cluster runs as: `postgres` when we are root, else ourselves.
pg_owner () {
    if [[ $EUID -eq 0 ]]; then echo postgres; else id -un; fi
}

# Runs a PostgreSQL server program as the cluster's owner. From / so that a
# working directory postgres cannot read does not matter.
pg_as_owner () {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# As root: the postgres user (and runuser) must exist.
pg_root_check () {
    if ! id -u postgres >/dev/null 2>&1; then
        pg_err "running as root, but PostgreSQL refuses to run as root and there is no" \
               "'postgres' user: install the postgresql package (scripts/deps.sh) or run as a normal user"
        return 1
    fi
    if ! command -v runuser >/dev/null 2>&1; then
        pg_err "running as root needs runuser (package util-linux) to start PostgreSQL as 'postgres'"
        return 1
    fi
}

# As root: lets USER (default postgres) traverse to directory TARGET, adding
# o+x to each ancestor it cannot enter (e.g. a repository under /root, 700).
pg_root_reach () {
    local target=$1 user=${2:-postgres} path="" part
    local -a parts
    (cd / && runuser -u "$user" -- test -x "$target") && return 0
    IFS=/ read -r -a parts <<< "${target#/}"
    for part in "${parts[@]}"; do
        path+="/$part"
        [[ -d $path ]] || break
        if ! (cd / && runuser -u "$user" -- test -x "$path"); then
            if chmod o+x "$path"; then
                pg_say "added o+x to $path so the $user user can reach $target"
            else
                pg_err "the $user user cannot enter $path and chmod o+x failed;" \
                       "run 'chmod o+x $path' or put the cluster elsewhere (e.g. under /tmp)"
                return 1
            fi
        fi
    done
}

# The directory holding the Unix socket: DIR/run, or the one recorded in
# DIR/socket_dir (chosen at init, or a short one when the path was too long).
pg_socket_dir () {
    local dir
    dir=$(pg_abs "$1")
    if [[ -s $dir/socket_dir ]]; then
        cat "$dir/socket_dir"
    else
        printf '%s\n' "$dir/run"
    fi
}

# The server's log file: in DIR/log, or in the directory recorded in DIR/log_dir.
pg_log_file () {
    local dir
    dir=$(pg_abs "$1")
    if [[ -s $dir/log_dir ]]; then
        printf '%s/postgresql.log\n' "$(cat "$dir/log_dir")"
    else
        printf '%s\n' "$dir/log/postgresql.log"
    fi
}

# libpq conninfo for the cluster, without a user.
pg_conninfo () {
    local host
    host=$(pg_socket_dir "$1") || return 1
    if [[ $host =~ [[:space:]\'\\] ]]; then
        host=${host//\\/\\\\}
        host="'${host//\'/\\\'}'"
    fi
    printf 'host=%s dbname=%s\n' "$host" "$PG_DATABASE"
}

# Creates (if missing) and hands to the owner what the server writes: its
# socket directory and its log file; as root, makes sure postgres reaches them.
pg_prepare_dirs () {
    local dir=$1 socket_dir log_file target
    socket_dir=$(pg_socket_dir "$dir")
    log_file=$(pg_log_file "$dir")
    [[ $EUID -ne 0 ]] || pg_root_check || return 1
    mkdir -p "$(dirname "$log_file")" || return 1
    touch "$log_file" || return 1
    mkdir -p "$socket_dir" || return 1
    if [[ ! -O $socket_dir && $(stat -c %U "$socket_dir") != "$(pg_owner)" ]]; then
        pg_err "$socket_dir (the socket directory) belongs to someone else; remove $dir/socket_dir"
        return 1
    fi
    chmod 700 "$socket_dir" || return 1
    if [[ $EUID -eq 0 ]]; then
        chown postgres:postgres "$dir" "$socket_dir" "$log_file" || return 1
        if [[ -n ${PG_SOCKET_GROUP:-} ]]; then
            chgrp "$PG_SOCKET_GROUP" "$socket_dir" && chmod 710 "$socket_dir" || return 1
        fi
        for target in "$(dirname "$dir")" "$(dirname "$socket_dir")" "$(dirname "$log_file")"; do
            pg_root_reach "$target" || return 1
        done
    fi
}

# Refuses a cluster made by another user (e.g. as root, then used as a user).
pg_check_owner () {
    local data=$1/data owner
    owner=$(stat -c %U "$data") || return 1
    if [[ $owner != "$(pg_owner)" ]]; then
        pg_err "$data belongs to '$owner' but would run as '$(pg_owner)';" \
               "use the same user as when it was created, or remove ${1} to start afresh"
        return 1
    fi
}

# pg_init DIR [SOCKET_DIR [LOG_DIR]]: a new cluster (nothing if one exists).
pg_init () {
    local dir bindir locale socket_dir log_dir
    dir=$(pg_abs "$1")
    if [[ -f $dir/data/PG_VERSION ]]; then
        return 0
    fi
    socket_dir=$(pg_abs "${2:-$dir/run}")
    log_dir=$(pg_abs "${3:-$dir/log}")
    bindir=$(pg_bin) || return 1
    mkdir -p "$dir" && chmod 700 "$dir" || return 1
    rm -f "$dir/socket_dir" "$dir/log_dir"
    if (( $(printf '%s' "$socket_dir/.s.PGSQL.$PG_PORT" | wc -c) > PG_SOCKET_MAX )); then
        pg_say "$socket_dir is too long a path for a Unix socket; using a directory in /tmp"
        socket_dir=$(mktemp -d /tmp/kp-pg.XXXXXX) || return 1
    fi
    [[ $socket_dir == "$dir/run" ]] || printf '%s\n' "$socket_dir" > "$dir/socket_dir"
    [[ $log_dir == "$dir/log" ]] || printf '%s\n' "$log_dir" > "$dir/log_dir"
    pg_prepare_dirs "$dir" || return 1
    socket_dir=$(pg_socket_dir "$dir")

    locale=C
    if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale=C.UTF-8
    fi
    pg_say "initialising a cluster in $dir/data (superuser $PG_ADMIN_USER, as $(pg_owner))"
    if ! pg_as_owner "$bindir/initdb" -D "$dir/data" -U "$PG_ADMIN_USER" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale="$locale" \
            > "$log_dir/initdb.log" 2>&1; then
        pg_err "initdb failed; its output ($log_dir/initdb.log):"
        tail -n 20 "$log_dir/initdb.log" >&2
        return 1
    fi
    {
        echo
        echo "# --- set by scripts/pg.sh ---"
        echo "listen_addresses = ''               # TCP only with KUMPPANI_PG_LISTEN"
        echo "port = $PG_PORT"
        echo "unix_socket_directories = '${socket_dir//\'/\'\'}'"
        echo "unix_socket_permissions = 0700"
        echo "fsync = on"
        echo "shared_buffers = 128MB"
        echo "max_connections = 100"
        echo "log_line_prefix = '%m [%p] %q%u@%d '"
    } >> "$dir/data/postgresql.conf" || return 1
}

pg_running () {
    local dir bindir
    dir=$(pg_abs "$1")
    [[ -f $dir/data/PG_VERSION ]] || return 1
    bindir=$(pg_bin) || return 1
    pg_as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

pg_start () {
    local dir bindir log_file
    local -a options=()
    dir=$(pg_abs "$1")
    if [[ ! -f $dir/data/PG_VERSION ]]; then
        pg_err "no cluster in $dir (run: scripts/pg.sh init $1)"
        return 1
    fi
    bindir=$(pg_bin) || return 1
    pg_check_owner "$dir" || return 1
    pg_prepare_dirs "$dir" || return 1
    if pg_running "$dir"; then
        return 0
    fi
    if [[ -n ${KUMPPANI_PG_LISTEN:-} ]]; then
        if [[ ! $KUMPPANI_PG_LISTEN =~ ^[A-Za-z0-9.:,*_-]+$ ]]; then
            pg_err "KUMPPANI_PG_LISTEN must be a comma-separated list of addresses, got '$KUMPPANI_PG_LISTEN'"
            return 1
        fi
        options=(-o "-c listen_addresses='$KUMPPANI_PG_LISTEN'")
        pg_say "also listening on TCP $KUMPPANI_PG_LISTEN port $PG_PORT (scram-sha-256: roles need passwords)"
    fi
    if [[ -n ${PG_SOCKET_GROUP:-} ]]; then
        if [[ ! $PG_SOCKET_GROUP =~ ^[a-z_][a-z0-9_-]*$ ]]; then
            pg_err "PG_SOCKET_GROUP must be a group name, got '$PG_SOCKET_GROUP'"
            return 1
        fi
        options+=(-o "-c unix_socket_group=$PG_SOCKET_GROUP -c unix_socket_permissions=0770")
    fi
    log_file=$(pg_log_file "$dir")
    if ! pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$log_file" \
            -w -t 60 -s "${options[@]}" start; then
        pg_err "PostgreSQL did not start; the end of $log_file:"
        tail -n 20 "$log_file" >&2 || true
        return 1
    fi
    pg_say "PostgreSQL running, socket in $(pg_socket_dir "$dir")"
}

pg_stop () {
    local dir bindir
    dir=$(pg_abs "$1")
    [[ -f $dir/data/PG_VERSION ]] || return 0
    pg_running "$dir" || return 0
    bindir=$(pg_bin) || return 1
    if ! pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 -s stop; then
        pg_err "PostgreSQL in $dir did not stop; see $(pg_log_file "$dir")"
        return 1
    fi
    pg_say "PostgreSQL stopped ($dir)"
}

pg_status () {
    local dir
    dir=$(pg_abs "$1")
    if [[ ! -f $dir/data/PG_VERSION ]]; then
        pg_say "no cluster in $dir"
        return 3
    elif pg_running "$dir"; then
        pg_say "running: $(pg_conninfo "$dir")"
    else
        pg_say "stopped: $dir"
        return 3
    fi
}

# Creates the kumppani database unless it exists (the server must be running).
pg_create_db () {
    local dir bindir socket_dir exists
    dir=$(pg_abs "$1")
    bindir=$(pg_bin) || return 1
    socket_dir=$(pg_socket_dir "$dir")
    exists=$("$bindir/psql" -X -q -w -h "$socket_dir" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres -tA \
             -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'") || {
        pg_err "cannot connect to the cluster in $dir as $PG_ADMIN_USER"
        return 1
    }
    [[ $exists == 1 ]] && return 0
    "$bindir/psql" -X -q -w -h "$socket_dir" -p "$PG_PORT" -U "$PG_ADMIN_USER" -d postgres \
        -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PG_DATABASE ENCODING 'UTF8' TEMPLATE template0" || return 1
    pg_say "created database $PG_DATABASE"
}

pg_main () {
    local usage="usage: scripts/pg.sh init|start|stop|status|createdb|conninfo DIR"
    if [[ $# -ne 2 ]]; then
        echo "$usage" >&2
        exit 2
    fi
    cd "$(dirname "$0")/.."
    case $1 in
        init)     pg_init "$2" ;;
        start)    pg_start "$2" ;;
        stop)     pg_stop "$2" ;;
        status)   pg_status "$2" ;;
        createdb) pg_create_db "$2" ;;
        conninfo) pg_conninfo "$2" ;;
        *)        echo "$usage" >&2; exit 2 ;;
    esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    pg_main "$@"
fi
