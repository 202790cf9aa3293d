#!/usr/bin/env bash
# deps.sh — installs the Debian packages kumppani builds, runs and tests with.
# Silent when everything is present; otherwise apt-get (as root, or via sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libzmq3-dev libczmq-dev libprotobuf-c-dev protobuf-c-compiler libpq-dev
          postgresql libcriterion-dev libsodium-dev libcjson-dev libmicrohttpd-dev pkg-config
          libglpk-dev         # the reporting service's disclosure audit (linear programming)
          docker-compose      # only to validate compose/ in make test: no engine here
          chromium            # the report page: --format pdf prints it, make test renders it
          poppler-utils       # make test: the report PDF's page size and text (pdfinfo, pdftotext)
          clang libclang-rt-14-dev    # the fuzz targets: libFuzzer and the sanitizer runtimes
          python3-zmq python3-protobuf protobuf-compiler)   # clients/python and its tests
command -v make >/dev/null 2>&1 || packages+=(make)
command -v npm >/dev/null 2>&1 || packages+=(npm)     # buf, for the wire contract's checks
command -v python3 >/dev/null 2>&1 || packages+=(python3)   # scripts/error_codes.py
command -v "${CC:-cc}" >/dev/null 2>&1 || packages+=(gcc libc6-dev)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "deps: not a Debian system; make sure these (or your distribution's equivalents) are installed:" >&2
    echo "  ${packages[*]}" >&2
    exit 0
fi

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$package")
done

if (( ${#missing[@]} )); then
    echo "deps: missing packages: ${missing[*]}"
    install=(apt-get install -y --no-install-recommends "${missing[@]}")
    if [[ $EUID -eq 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "deps: missing packages and not root (no sudo); as root run:" >&2
        echo "  apt-get update && DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
        exit 1
    fi
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}"
fi

# buf (lint and breaking-change checks of proto/, scripts/proto_check.sh)
# from npm, pinned, into .tools/ (outside build/, so make clean keeps it).
buf_version=1.75.0
if [[ $(.tools/node_modules/.bin/buf --version 2>/dev/null) != "$buf_version" ]]; then
    echo "deps: installing @bufbuild/buf $buf_version into .tools/"
    npm install --silent --no-audit --no-fund --prefix .tools "@bufbuild/buf@$buf_version"
fi

# The server programs live outside PATH on Debian; pg.sh knows where.
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
pg_bin >/dev/null
