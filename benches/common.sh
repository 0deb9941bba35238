# Helpers shared by the benchmark scripts (sourced, not run): a scratch folder and the
# processes started, both cleaned up on exit, and waiting for or stopping those processes.

BIN=target/release/mattermost-eqdkp
STAND_IN=target/release/examples/stand_in

WORK=$(mktemp -d)
PIDS=()

# Stops a process this script started, forcibly if it has not stopped after 5 s.
stop() {
    kill "$1" 2>/dev/null || return 0
    local deadline=$((SECONDS + 5))
    while kill -0 "$1" 2>/dev/null; do
        ((SECONDS < deadline)) || kill -KILL "$1" 2>/dev/null || true
        sleep 0.1
    done
    wait "$1" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        stop "$pid"
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# need COMMAND PACKAGE: installs the Debian package when the command (a name or a path) is
# missing.
need() {
    [[ -x $1 ]] || command -v "$1" >/dev/null && return
    echo "installing $1 (Debian package $2)" >&2
    { apt-get update -qq && apt-get install -y -qq "$2"; } >/dev/null ||
        fail "$1 is missing; install the Debian package $2"
}

# Waits up to $3 seconds for a line matching $2 in file $1.
wait_for_line() {
    local deadline=$((SECONDS + $3))
    until grep -q -- "$2" "$1" 2>/dev/null; do
        ((SECONDS < deadline)) || fail "timed out waiting for '$2' in $1: $(tail -5 "$1")"
        sleep 0.1
    done
}

# What the figures were measured on.
describe_machine() {
    echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -h | awk '/^Mem:/ {print $2}') memory"
}
