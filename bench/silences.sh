#!/usr/bin/env bash
# One alert checked against 1,000 active silences (none matches: every silence is looked at), now
# (RE2 matchers compiled once per silence) and as before (java.util.regex compiled per alert).
# Prints a Markdown table (docs/benchmarks.md).
#   bench/silences.sh [silences=1000] [rounds=20000]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx256m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
     dev.alerthub.bench.SilenceMatchBench "$@"
