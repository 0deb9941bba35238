#!/usr/bin/env bash
# Load benchmark of the service against a stand-in EQDKP site on this machine (127.0.0.1 only):
#   1. GET /healthz and warm POST /dkp look-ups in alternating rounds of the same run, their
#      medians and ratio; look-ups that no remembered answer serves; and an endurance run
#      (128 connections, 30 s) after which the service's memory must not have grown;
#   2. the same look-ups with the cache off (cache_ttl = "0s", a site read per request, as the
#      old bot did), so the figures show what the cache buys;
#   3. CONCURRENT simultaneous look-ups on an empty cache, and again on an expired one, against
#      a slow site: how many times the service read the site (it should be once each).
# The service's resident memory is printed after each phase. Any non-2xx answer or socket
# error fails the script.
#
#   benches/load.sh
#   CHARACTERS=20000 DURATION=30s benches/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CHARACTERS=${CHARACTERS:-3000}               # roster size of the stand-in site
POOLS=${POOLS:-2}
THREADS=${THREADS:-2}                        # wrk threads
CONNECTIONS=${CONNECTIONS:-64}               # wrk connections for healthz and warm look-ups
ROUNDS=${ROUNDS:-3}                          # alternating healthz/look-up rounds; medians count
ENDURANCE_CONNECTIONS=${ENDURANCE_CONNECTIONS:-128}
ENDURANCE_DURATION=${ENDURANCE_DURATION:-30s}  # the long run whose memory must not grow
DURATION=${DURATION:-10s}                    # each measured wrk run
WARMUP=${WARMUP:-2s}                         # an unmeasured wrk run before each measured one
CACHE_OFF_CONNECTIONS=${CACHE_OFF_CONNECTIONS:-"1 64"}
CACHE_OFF_DURATION=${CACHE_OFF_DURATION:-5s}
CONCURRENT=${CONCURRENT:-500}                # simultaneous requests on a cold cache
SLOW_SITE_MS=${SLOW_SITE_MS:-1000}           # keeps the cold read in flight while they arrive
EXPIRY_TTL_S=${EXPIRY_TTL_S:-5}              # cache_ttl of the expired-cache phase

TOKEN=load-test-token

# shellcheck source=benches/common.sh
source benches/common.sh

urlencode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [a-zA-Z0-9.~_-]) out+=$c ;;
        *) printf -v c '%%%02X' "'$c" && out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

# start_stand_in NAME [extra args…]: sets SITE_URL, SITE_PID, SAMPLE.
start_stand_in() {
    local name=$1 out="$WORK/$1.out"
    shift
    "$STAND_IN" --characters "$CHARACTERS" --pools "$POOLS" "$@" >"$out" 2>"$WORK/$name.err" &
    SITE_PID=$!
    PIDS+=("$SITE_PID")
    wait_for_line "$out" '^ready' 120
    SITE_URL=$(sed -n 's/^url: //p' "$out")
    SAMPLE=$(sed -n 's/^sample: //p' "$out")
    SITE_OUT=$out
}

# Sets API_READS to the api.php requests the current stand-in has answered since it was ready.
site_api_reads() {
    local before deadline=$((SECONDS + 5))
    before=$(grep -c '^requests:' "$SITE_OUT" || true)
    kill -USR1 "$SITE_PID"
    until (($(grep -c '^requests:' "$SITE_OUT" || true) > before)); do
        ((SECONDS < deadline)) || fail "the stand-in did not report its request counts"
        sleep 0.05
    done
    API_READS=$(grep '^requests:' "$SITE_OUT" | tail -1 | sed -E 's/.* api=([0-9]+) .*/\1/')
}

# start_service CACHE_TTL: sets SERVICE, SERVICE_PID.
start_service() {
    local config="$WORK/config-$1.toml" log="$WORK/service-$1.log"
    cat >"$config" <<EOF
listen = "127.0.0.1:0"

[eqdkp]
url = "$SITE_URL"
source = "api"
cache_ttl = "$1"

[mattermost]
tokens = ["$TOKEN"]
EOF
    RUST_LOG=warn,mattermost_eqdkp::cli=info "$BIN" serve --config "$config" 2>"$log" &
    SERVICE_PID=$!
    PIDS+=("$SERVICE_PID")
    wait_for_line "$log" 'listening' 30
    SERVICE="http://$(grep -o 'addr=[0-9.:]*' "$log" | head -1 | cut -d= -f2)"
}

memory() {
    local rss hwm
    rss=$(awk '/^VmRSS/ {print $2 / 1024}' "/proc/$SERVICE_PID/status")
    hwm=$(awk '/^VmHWM/ {print $2 / 1024}' "/proc/$SERVICE_PID/status")
    printf '  service memory after %s: VmRSS %.1f MiB, VmHWM (peak) %.1f MiB\n' "$1" "$rss" "$hwm"
}

# User plus system CPU time the service has used, in clock ticks.
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$SERVICE_PID/stat"
}

form_body() {
    printf 'token=%s&team_domain=guild&channel_name=town-square&command=%%2Fdkp&user_name=bench&text=%s' \
        "$TOKEN" "$(urlencode "$SAMPLE")"
}

# The look-up request as wrk sends it: the same question every time (lookup.lua), and a
# different asker every time (varied.lua), which no remembered answer can serve, so each
# request is matched and rendered afresh.
write_lookup_script() {
    cat >"$WORK/lookup.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "$(form_body)"
EOF
    cat >"$WORK/varied.lua" <<EOF
local n = 0
request = function()
    n = n + 1
    local body = string.gsub("$(form_body)", "user_name=bench", "user_name=user" .. n)
    return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
EOF
}

# median A B C…: the middle value.
median() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

# One answer checked by eye of the script: 200 and the sample character's card.
check_lookup() {
    local answer
    answer=$(curl -sS --fail -H 'Content-Type: application/x-www-form-urlencoded' \
        --data "$(form_body)" "$SERVICE/dkp")
    grep -qF -- "$SAMPLE" <<<"$answer" || fail "the look-up of $SAMPLE did not find it: $answer"
}

# run_wrk LABEL CONNECTIONS DURATION PATH [LUA]: prints one summary line, sets RPS.
run_wrk() {
    local label=$1 connections=$2 duration=$3 path=$4 lua=${5:-} out="$WORK/wrk.out"
    local threads=$((THREADS < connections ? THREADS : connections))
    local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
    [[ -n $lua ]] && args+=(-s "$lua")

    local cpu_before cpu_after
    cpu_before=$(cpu_ticks)
    wrk "${args[@]}" "$SERVICE$path" >"$out"
    cpu_after=$(cpu_ticks)
    RPS=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    local total non2xx errors avg p99
    total=$(awk '/requests in/ {print $1}' "$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
    errors=$(sed -n 's/^ *Socket errors: //p' "$out")
    avg=$(awk '$1 == "Latency" {print $2; exit}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    local cpu_us
    cpu_us=$(awk -v t=$((cpu_after - cpu_before)) -v hz="$(getconf CLK_TCK)" -v n="$total" \
        'BEGIN {printf "%.1f", t * 1e6 / hz / n}')
    printf '  %-24s %10s req/s  (%s requests, %s connections, %s; latency avg %s, p99 %s;' \
        "$label" "$RPS" "$total" "$connections" "$duration" "$avg" "$p99"
    printf ' service CPU %s µs/request)\n' "$cpu_us"
    [[ -z $non2xx ]] || fail "$label: $non2xx answers were not 2xx"
    [[ -z $errors ]] || fail "$label: socket errors: $errors"
    TOTAL=$total
}

# Warm-up run then measured run, same arguments.
measure() {
    run_wrk "$1 (warm-up)" "$2" "$WARMUP" "${@:4}" >/dev/null
    run_wrk "$@"
}

# burst LABEL: CONCURRENT look-ups at once; fails unless every one is 200 with the card.
burst() {
    local dir="$WORK/burst-$1"
    mkdir -p "$dir"
    curl -sS --no-progress-meter -Z --parallel-immediate --parallel-max "$CONCURRENT" \
        -H 'Content-Type: application/x-www-form-urlencoded' --data "$(form_body)" \
        -o "$dir/#1.json" -w '%{http_code}\n' "$SERVICE/dkp?n=[1-$CONCURRENT]" >"$dir/codes"
    local ok found
    ok=$(grep -c '^200$' "$dir/codes" || true)
    found=$(grep -lF -- "$SAMPLE" "$dir"/*.json | wc -l)
    ((ok == CONCURRENT)) || fail "$1: only $ok of $CONCURRENT answers were 200"
    ((found == CONCURRENT)) || fail "$1: only $found of $CONCURRENT answers showed $SAMPLE"
}

need wrk wrk
need curl curl
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

echo "building (release)…" >&2
cargo build --release --bins --examples --quiet

describe_machine
echo "stand-in site: $CHARACTERS characters, $POOLS pools; service source = \"api\""

# 1. Health check and warm look-ups, same service, same run.
start_stand_in site
write_lookup_script
start_service 1h
check_lookup
memory "the first read"
echo "warm cache (cache_ttl = \"1h\"), $ROUNDS alternating rounds:"
# A shared virtual machine's speed drifts by tens of percent within a minute, so the two
# routes are measured in turns and compared round by round.
HEALTH=() LOOKUP=() RATIOS=()
for round in $(seq "$ROUNDS"); do
    measure "GET /healthz" "$CONNECTIONS" "$DURATION" /healthz
    HEALTH+=("$RPS")
    measure "POST /dkp (warm)" "$CONNECTIONS" "$DURATION" /dkp "$WORK/lookup.lua"
    LOOKUP+=("$RPS")
    RATIOS+=("$(awk -v l="$RPS" -v h="${HEALTH[-1]}" 'BEGIN {printf "%.3f", l / h}')")
    echo "    round $round ratio look-up / healthz: ${RATIOS[-1]}"
done
memory "warm look-ups"
printf '  medians: healthz %s req/s, look-up %s req/s; median ratio %s (target at least 0.8)\n' \
    "$(median "${HEALTH[@]}")" "$(median "${LOOKUP[@]}")" "$(median "${RATIOS[@]}")"
measure "POST /dkp (uncached)" "$CONNECTIONS" "$DURATION" /dkp "$WORK/varied.lua"
memory "uncached look-ups"

# Endurance: many connections for a long run, twice; memory must not grow from the first run
# to the second (the first fills the bounded caches).
for pass in 1 2; do
    run_wrk "POST /dkp (endurance $pass)" "$ENDURANCE_CONNECTIONS" "$ENDURANCE_DURATION" /dkp "$WORK/varied.lua"
    memory "endurance run $pass ($ENDURANCE_CONNECTIONS connections, $ENDURANCE_DURATION)"
done
stop "$SERVICE_PID"

# 2. Cache off: every look-up not sharing a read in flight reads the site.
echo "cache off (cache_ttl = \"0s\"):"
start_service 0s
check_lookup
for connections in $CACHE_OFF_CONNECTIONS; do
    site_api_reads
    before=$API_READS
    run_wrk "POST /dkp (cache off)" "$connections" "$CACHE_OFF_DURATION" /dkp "$WORK/lookup.lua"
    site_api_reads
    echo "    site reads: $((API_READS - before)) for $TOTAL look-ups"
    memory "cache-off look-ups ($connections connections)"
done
stop "$SERVICE_PID"
stop "$SITE_PID"

# 3. Many requests on an empty, then an expired cache, against a slow site.
echo "$CONCURRENT concurrent look-ups, site answering after ${SLOW_SITE_MS} ms:"
start_stand_in slow-site --delay-ms "$SLOW_SITE_MS"
start_service "${EXPIRY_TTL_S}s"
burst empty
site_api_reads
cold=$API_READS
echo "  empty cache:   $CONCURRENT answered, site reads: $cold (the service's start-up read included)"
sleep "$((EXPIRY_TTL_S + 1))"
burst expired
site_api_reads
echo "  expired cache: $CONCURRENT answered, site reads: $((API_READS - cold))"
memory "the bursts"
stop "$SERVICE_PID"
