#!/usr/bin/env bash
# Webhook intake throughput of the packaged hub (acknowledged = committed), to compare with
# shared/spec/measured.md. Load generator on the same box, as there.
#   usage: bench/webhook/run.sh [h2|postgresql] [seconds] [full|intake]   (results: docs/benchmarks.md)
# "intake" runs the hub without the outbox dispatcher (routes/route/outbox.camel.yaml left out), to
# measure durable acknowledgement alone, as measured.md's store table does.
set -euo pipefail
cd "$(dirname "$0")/../.."
STORE=${1:-h2}
SECS=${2:-15}
MODE=${3:-full}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ -f target/alerthub.jar ] || mvn -B -q -DskipTests package
PORT=18080
MPORT=19876
work=$(mktemp -d)
routes="$PWD/routes"
if [ "$MODE" = intake ]; then
  cp -r routes "$work/routes" && rm "$work/routes/route/outbox.camel.yaml" && routes="$work/routes"
fi
props=(-Dcamel.server.port=$PORT -Dcamel.management.port=$MPORT -Dcamel.server.host=127.0.0.1
       -Dcamel.management.host=127.0.0.1 -Dalerthub.config-dir="$PWD/config" -Dalerthub.routes-dir="$routes")
schema=""
if [ "$STORE" = postgresql ]; then
  schema="alerthub_bench_$$"
  psql -q -h 127.0.0.1 -U postgres -d test -c "CREATE SCHEMA $schema"
  props+=("-Dalerthub.store.url=jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$schema" -Dalerthub.store.username=postgres)
fi
jar="$PWD/target/alerthub.jar"
(cd "$work" && ALERTHUB_LOG_LEVEL=WARN exec java -Xmx1g "${props[@]}" -jar "$jar" > hub.log 2>&1) &
hub=$!
cleanup() {
  kill "$hub" 2>/dev/null || true
  wait "$hub" 2>/dev/null || true
  [ -n "$schema" ] && psql -q -h 127.0.0.1 -U postgres -d test -c "DROP SCHEMA $schema CASCADE" || true
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$MPORT/observe/health/ready" >/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$PORT/webhooks/alertmanager"
echo "== $(nproc) CPU, $(java -version 2>&1 | head -1), store $STORE, mode $MODE, wrk -t2 -c32 -d${SECS}s"
echo "-- warm-up (10 s, discarded)"
wrk -t2 -c32 -d10s -s bench/webhook/resend.lua "$url" > /dev/null
for scenario in resend unique; do
  echo "-- $scenario (10 alerts per request)"
  wrk -t2 -c32 -d"${SECS}s" --latency -s "bench/webhook/$scenario.lua" "$url" | grep -E 'Requests/sec|Latency|50%|99%|requests in|Non-2xx'
done
echo "-- hub after the run"
curl -s "http://127.0.0.1:$MPORT/observe/metrics" | grep -E '^alerthub_(outbox_depth|dead_letters|alerts_received_total)' || true
