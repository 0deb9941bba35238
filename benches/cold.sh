#!/usr/bin/env bash
# Cold one-shot look-ups and idle memory, against a stand-in EQDKP site on 127.0.0.1:
#   1. `mattermost-eqdkp lookup` through the API source on API_CHARACTERS characters: wall time
#      (hyperfine) and peak resident memory (/usr/bin/time -v);
#   2. the same through the page source on PAGE_CHARACTERS characters;
#   3. the idle service on the demo config: resident memory 2 s after start and after one
#      look-up.
#
#   benches/cold.sh
#   RUNS=20 API_CHARACTERS=50000 benches/cold.sh
set -euo pipefail
cd "$(dirname "$0")/.."

API_CHARACTERS=${API_CHARACTERS:-20000}
PAGE_CHARACTERS=${PAGE_CHARACTERS:-5000}
POOLS=${POOLS:-2}
RUNS=${RUNS:-10}

# shellcheck source=benches/common.sh
source benches/common.sh

# cold_lookup SOURCE CHARACTERS: one stand-in, one config, then time and memory of `lookup`.
cold_lookup() {
    local source=$1 characters=$2 out="$WORK/site-$1.out" config="$WORK/$1.toml"
    "$STAND_IN" --characters "$characters" --pools "$POOLS" >"$out" 2>"$WORK/site-$1.err" &
    local site=$!
    PIDS+=("$site")
    wait_for_line "$out" '^ready' 120
    local url sample
    url=$(sed -n 's/^url: //p' "$out")
    sample=$(sed -n 's/^sample: //p' "$out")
    printf '[eqdkp]\nurl = "%s"\nsource = "%s"\n' "$url" "$source" >"$config"

    local command=("$BIN" lookup --config "$config" "$sample")
    "${command[@]}" >"$WORK/answer" 2>&1 || fail "lookup failed: $(cat "$WORK/answer")"
    grep -qF -- "$sample" "$WORK/answer" || fail "lookup did not find $sample: $(cat "$WORK/answer")"

    echo "source = \"$source\", $characters characters, $POOLS pools: ${command[*]}"
    hyperfine --shell bash --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/$source.json" \
        "${command[*]@Q}" >/dev/null
    jq -r '.results[0] | "  wall time: mean \(.mean * 1000 | floor) ms ± \(.stddev * 1000 | floor) ms, min \(.min * 1000 | floor) ms, max \(.max * 1000 | floor) ms (\(.times | length) runs)"' \
        "$WORK/$source.json"
    /usr/bin/time -v "${command[@]}" >/dev/null 2>"$WORK/time"
    awk -F': ' '/Maximum resident set size/ {printf "  peak resident memory: %.1f MiB\n", $2 / 1024}
        /Elapsed \(wall clock\)/ {print "  wall time under time -v: " $2}' "$WORK/time"
    stop "$site"
}

# The demo service on a free port, idle, then after one look-up.
idle_service() {
    local config="$WORK/demo.toml" log="$WORK/demo.log"
    sed -e 's/^listen = .*/listen = "127.0.0.1:0"/' \
        -e "s|^file = \"points.json\"|file = \"$PWD/demo/points.json\"|" demo/demo.toml >"$config"
    "$BIN" serve --config "$config" 2>"$log" &
    local pid=$!
    PIDS+=("$pid")
    wait_for_line "$log" 'listening' 30
    local addr
    addr=$(grep -o 'addr=[0-9.:]*' "$log" | head -1 | cut -d= -f2)
    sleep 2
    echo "idle service on demo/demo.toml (listen changed to a free port):"
    awk '/^Vm(RSS|HWM)/ {printf "  2 s after start: %s %.1f MiB\n", $1, $2 / 1024}' "/proc/$pid/status"
    curl -sS --fail -H 'Authorization: Token demo-slash-token' \
        --data 'token=demo-slash-token&command=%2Fdkp&user_name=demo&text=Dagny' \
        "http://$addr/dkp" | grep -q Dagny || fail "the demo look-up did not answer with Dagny"
    awk '/^Vm(RSS|HWM)/ {printf "  after one look-up: %s %.1f MiB\n", $1, $2 / 1024}' "/proc/$pid/status"
    stop "$pid"
}

need hyperfine hyperfine
need jq jq
need /usr/bin/time time

echo "building (release)…" >&2
cargo build --release --bins --examples --quiet

describe_machine
cold_lookup api "$API_CHARACTERS"
cold_lookup page "$PAGE_CHARACTERS"
idle_service
