#!/usr/bin/env bash
# alive.sh — sourced by up.sh and down.sh: whether a pid from a pid file
# still names the process it was written for.

# True if PID is alive (not a zombie) and, when NAME is given, runs NAME: a
# pid file left from before a reboot may name some other process by now.
alive () {
    local pid=$1 name=${2:-} state
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ -r /proc/$pid/stat ]] || return 0
    state=$(sed 's/.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
    [[ $state != Z ]] || return 1
    [[ -z $name || $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]
}
