#!/usr/bin/env bash
# 1,000 PromQL probes every 15 s against the real Prometheus (/usr/bin/prometheus), in the real hub.
# Prints a Markdown table (docs/benchmarks.md); exits 1 if any evaluation was missed.
#   bench/probes.sh [probes=1000] [every-seconds=15] [warm-up-seconds=30] [measured-seconds=180]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -o -B -q -DskipTests test-compile
mvn -o -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
     dev.alerthub.bench.ProbeBench "$@"
