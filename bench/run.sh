#!/usr/bin/env bash
# Benchmarks a user can run: each prints its figures with the machine, the load and the command,
# and the real Alertmanager's figure from the same run where there is one (docs/benchmarks.md).
#   bench/run.sh [ingest|storm|latency|startup|probes|all]
# Settings (environment): BENCH_STORES="h2 postgresql" (ingest), BENCH_STORE=postgresql (storm),
# BENCH_LATENCY_STORE=h2 (latency),
# BENCH_WARMUP=15 (s, each side), BENCH_SECONDS=10 (s per measurement), BENCH_XMX=-Xmx358m (the Helm
# chart's limit, 512Mi, times its MaxRAMPercentage=70), PGURL=postgresql://postgres@127.0.0.1:5432/test,
# BENCH_JAR=target/alerthub.jar (another build to compare: its checkout's routes/ and config/ are used), BENCH_JFR=<dir> (a JFR recording per hub
# run, settings=profile; summarise with bench/jfr-summary.sh <file>).
# Everything binds 127.0.0.1 on free ports and is stopped at the end; a PostgreSQL run uses its own schema.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT=${1:-all}
WARM=${BENCH_WARMUP:-15}
SECS=${BENCH_SECONDS:-10}
XMX=${BENCH_XMX:--Xmx358m}
PGURL=${PGURL:-postgresql://postgres@127.0.0.1:5432/test}
AM_BIN=${AM_BIN:-/usr/bin/prometheus-alertmanager}
JAR=$(realpath "${BENCH_JAR:-target/alerthub.jar}")
HOME_DIR=$PWD
[ -n "${BENCH_JAR:-}" ] && HOME_DIR=$(realpath "$(dirname "$JAR")/..")
WORK=$(mktemp -d)
HUBS=0
PIDS=()
SCHEMAS=()

cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  for s in "${SCHEMAS[@]:-}"; do [ -n "$s" ] && psql -q "$PGURL" -c "DROP SCHEMA IF EXISTS $s CASCADE" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
machine() {
  echo "machine: $(nproc) CPU ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem/{print $2}') GiB," \
       "$(java -version 2>&1 | head -1), load average $(load), $(date -u +%FT%TZ)"
  echo "command: bench/run.sh $WHAT  (warm-up ${WARM}s per side, ${SECS}s per figure, hub $XMX)"
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
build() {
  # (re)build this checkout's jar when it is missing or older than its sources; a BENCH_JAR is used as it is
  if [ -z "${BENCH_JAR:-}" ] && { [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; }; then
    mvn -o -B -q -DskipTests package || mvn -B -q -DskipTests package
  fi
  [ -f "$JAR" ] || { echo "no jar at $JAR" >&2; exit 2; }
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 2; }
}

# start_hub <h2|postgresql> [-Dextra ...]: sets HUB_PID HUB_PORT HUB_MPORT HUB_READY_MS
start_hub() {
  local store=$1; shift
  HUB_PORT=$(free_port); HUB_MPORT=$(free_port)
  local dir; dir=$(mktemp -d "$WORK/hub.XXXX")
  local props=(-Dcamel.server.port="$HUB_PORT" -Dcamel.management.port="$HUB_MPORT" -Dcamel.server.host=127.0.0.1
               -Dcamel.management.host=127.0.0.1 -Dalerthub.config-dir="$HOME_DIR/config" -Dalerthub.routes-dir="$HOME_DIR/routes"
               -Dalerthub.store.url="jdbc:h2:file:$dir/data/alerthub")
  if [ "$store" = postgresql ]; then
    local schema="alerthub_bench_$$_${#SCHEMAS[@]}"
    psql -q "$PGURL" -c "CREATE SCHEMA $schema"
    SCHEMAS+=("$schema")
    props+=("-Dalerthub.store.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" -Dalerthub.store.username=postgres)
  fi
  HUBS=$((HUBS + 1))
  HUB_STORE=$store
  local t0; t0=$(now_ms)
  (cd "$dir" && ALERTHUB_LOG_LEVEL=WARN exec java $XMX "${props[@]}" "$@" -jar "$JAR" > hub.log 2>&1) &
  HUB_PID=$!
  PIDS+=("$HUB_PID")
  HUB_LOG="$dir/hub.log"
  for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$HUB_MPORT/observe/health/ready" >/dev/null 2>&1 && break
    kill -0 "$HUB_PID" 2>/dev/null || { cat "$HUB_LOG"; echo "hub exited" >&2; exit 1; }
    sleep 0.05
  done
  HUB_READY_MS=$(( $(now_ms) - t0 ))
}
# a JFR recording of the measured part only (BENCH_JFR=<dir>), not of start-up and warm-up
jfr_start() { [ -z "${BENCH_JFR:-}" ] || jcmd "$HUB_PID" JFR.start name=bench settings=profile > /dev/null; }
jfr_stop() {
  [ -z "${BENCH_JFR:-}" ] && return
  mkdir -p "$BENCH_JFR"
  local f; f="$(realpath "$BENCH_JFR")/hub-$1-$HUBS-$HUB_STORE.jfr"
  jcmd "$HUB_PID" JFR.stop name=bench filename="$f" > /dev/null && echo "JFR recording: $f (bench/jfr-summary.sh $f)"
}
stop_hub() { kill "$HUB_PID" 2>/dev/null || true; wait "$HUB_PID" 2>/dev/null || true; }

start_am() {
  AM_PORT=$(free_port)
  local dir; dir=$(mktemp -d "$WORK/am.XXXX")
  printf 'route:\n  receiver: none\nreceivers:\n  - name: none\n' > "$dir/am.yml"
  "$AM_BIN" --config.file="$dir/am.yml" --storage.path="$dir/data" --web.listen-address="127.0.0.1:$AM_PORT" \
      --cluster.listen-address= --log.level=warn > "$dir/am.log" 2>&1 &
  AM_PID=$!
  PIDS+=("$AM_PID")
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$AM_PORT/-/ready" >/dev/null 2>&1 && break; sleep 0.05; done
  AM_VERSION=$("$AM_BIN" --version 2>&1 | head -1 | awk '{print $3}')
}
stop_am() { kill "$AM_PID" 2>/dev/null || true; wait "$AM_PID" 2>/dev/null || true; }

# measure <label> <seconds> <lua> <url>: one wrk run (-t2 -c32, 10 alerts per request), one table row
measure() {
  local label=$1 secs=$2 lua=$3 url=$4 out
  out=$(wrk -t2 -c32 -d"${secs}s" --timeout 10s --latency -s "bench/webhook/$lua" "$url")
  local rps p50 p99 errs timeouts
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errs=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  timeouts=$(awk '/Socket errors/{print $NF}' <<<"$out")
  printf '| %s | %.0f | %.0f | %s | %s | %s | %s | %s |\n' "$label" "$rps" "$(echo "$rps*10" | bc)" "$p50" "$p99" "${errs:-0}" "${timeouts:-0}" "$(load)"
  LAST_ALERTS_PER_S=$(echo "$rps*10" | bc)
}
warm() { wrk -t2 -c32 -d"${2}s" -s "bench/webhook/$1" "$3" > /dev/null; }
metric() { curl -s "http://127.0.0.1:$HUB_MPORT/observe/metrics" | awk -v m="$1" 'index($0, m" ")==1 {s+=$NF} END {printf "%d", s}'; }
metric_sum() { curl -s "http://127.0.0.1:$HUB_MPORT/observe/metrics" | awk -v m="$1" 'index($0, m)==1 {s+=$NF} END {printf "%d", s}'; }

ingest() {
  echo; echo "## ingest: alerthub vs Alertmanager, 10 alerts per request, wrk -t2 -c32 on the same box"
  for store in ${BENCH_STORES:-h2 postgresql}; do
    start_hub "$store"; start_am
    local hub="http://127.0.0.1:$HUB_PORT/webhooks/alertmanager" am="http://127.0.0.1:$AM_PORT/api/v2/alerts"
    echo; echo "store $store, Alertmanager $AM_VERSION (in memory), warm-up ${WARM}s each side, load $(load)"
    echo "| what | requests/s | alerts/s | p50 | p99 | non-2xx | timeouts (10 s) | load (1/5/15 min) |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    warm resend.lua "$WARM" "$hub"; warm am-resend.lua "$WARM" "$am"
    jfr_start
    measure "re-sent group: alerthub ($store)" "$SECS" resend.lua "$hub"; local h=$LAST_ALERTS_PER_S
    measure "re-sent group: Alertmanager" "$SECS" am-resend.lua "$am"; local a=$LAST_ALERTS_PER_S
    echo "| re-sent ratio alerthub / Alertmanager: $(echo "scale=2; $h/$a" | bc) (target 3.0) | | | | | | | |"
    warm unique.lua 5 "$hub"; warm am-unique.lua 5 "$am"
    measure "all-new alerts: alerthub ($store, durable)" "$SECS" unique.lua "$hub"; h=$LAST_ALERTS_PER_S
    measure "all-new alerts: Alertmanager (memory)" "$SECS" am-unique.lua "$am"; a=$LAST_ALERTS_PER_S
    echo "| all-new ratio alerthub / Alertmanager: $(echo "scale=2; $h/$a" | bc) (target 1.0 on PostgreSQL, 0.5 on H2) | | | | | | | |"
    jfr_stop ingest
    stop_am; stop_hub
  done
}

storm() {
  local store=${BENCH_STORE:-postgresql}
  echo; echo "## storm: ${SECS}s of all-new alerts (unique.lua, wrk -t2 -c32), then time until routed and delivered"
  start_hub "$store"
  local hub="http://127.0.0.1:$HUB_PORT/webhooks/alertmanager"
  warm resend.lua "$WARM" "$hub"
  local before; before=$(metric_sum 'alerthub_alerts_received_total{')
  echo "store $store, no sink configured (deliveries are logged), load before $(load)"
  jfr_start
  wrk -t2 -c32 -d"${SECS}s" --timeout 10s -s bench/webhook/unique.lua "$hub" | grep -E 'Requests/sec|Non-2xx|Socket errors' || true
  local end; end=$(now_ms)
  local received=$(( $(metric_sum 'alerthub_alerts_received_total{') - before ))
  local routed="" delivered=""
  for _ in $(seq 1 6000); do
    local depth pending
    depth=$(metric alerthub_outbox_depth); pending=$(metric_sum 'alerthub_deliveries_pending{')
    [ -z "$routed" ] && [ "$depth" = 0 ] && routed=$(( $(now_ms) - end ))
    [ -n "$routed" ] && [ "$pending" = 0 ] && { delivered=$(( $(now_ms) - end )); break; }
    sleep 0.2
  done
  echo "| store | alerts in the storm | storm end → all events routed (delivery rows written) | → all deliveries done | load after |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| $store | $received | ${routed:-not within 20 min} ms | ${delivered:-not within 20 min} ms | $(load) |"
  jfr_stop storm
  stop_hub
}

latency() {
  local store=${BENCH_LATENCY_STORE:-h2}
  echo; echo "## latency: webhook → PagerDuty stand-in, one new critical alert per webhook, open loop, store $store"
  echo "| rate | result | load |"
  echo "| --- | --- | --- |"
  for rate in ${BENCH_RATES:-100 1000}; do
    local stub; stub=$(free_port)
    start_hub "$store" -Dalerthub.pagerduty.url="http://127.0.0.1:$stub/v2/enqueue" \
        -Dalerthub.pagerduty.routing-key=bench-routing-key-0123456789abcdef -Dalerthub.delivery.pagerduty-per-minute=0
    jfr_start
    echo "| $rate/s | $(java -Dsun.net.httpserver.nodelay=true bench/latency/Latency.java "$HUB_PORT" "$stub" "$rate" "$WARM" "$SECS" 2>&1 | tail -1) | $(load) |"
    jfr_stop "latency-$rate"
    [ -n "${BENCH_KEEP_LOG:-}" ] && cp "$HUB_LOG" "$BENCH_KEEP_LOG"
    stop_hub
  done
}

startup() {
  echo; echo "## start-up and memory (H2, $XMX)"
  start_hub h2
  local ready=$HUB_READY_MS
  sleep 10
  local idle; idle=$(( $(ps -o rss= -p "$HUB_PID") / 1024 ))
  local hub="http://127.0.0.1:$HUB_PORT/webhooks/alertmanager" peak=0
  wrk -t2 -c32 -d"${SECS}s" -s bench/webhook/unique.lua "$hub" > /dev/null &
  local w=$!
  while kill -0 "$w" 2>/dev/null; do
    local r; r=$(( $(ps -o rss= -p "$HUB_PID") / 1024 )); [ "$r" -gt "$peak" ] && peak=$r; sleep 0.5
  done
  echo "| start-up to ready | RSS idle (10 s after ready) | RSS peak under load (${SECS}s of all-new alerts) | load |"
  echo "| --- | --- | --- | --- |"
  echo "| ${ready} ms (target ≤ 2,500) | ${idle} MiB | ${peak} MiB (target ≤ 300) | $(load) |"
  stop_hub
}

probes() {
  echo; echo "## 1,000 PromQL probes every 15 s (bench/probes.sh; its measurement window is a Thread.sleep: fine for a bench)"
  bench/probes.sh 1000 15 "${WARM}" "${PROBE_SECONDS:-60}"
}

machine
build
case "$WHAT" in
  ingest|storm|latency|startup|probes) "$WHAT" ;;
  all) ingest; storm; latency; startup; probes ;;
  *) echo "usage: bench/run.sh [ingest|storm|latency|startup|probes|all]" >&2; exit 2 ;;
esac
echo; echo "done, load average $(load)"
