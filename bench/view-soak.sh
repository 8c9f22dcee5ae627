#!/usr/bin/env bash
# The intake's memory under a soak of distinct alerts fired and resolved (docs/benchmarks.md).
#   bench/view-soak.sh <jdbc-url> [alerts=200000] [max-alerts=100000] [user]
# e.g. bench/view-soak.sh "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=soak" 200000 100000 postgres
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o -DskipTests compile
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
exec java -Xmx512m -cp "target/classes:$(cat target/bench.classpath)" bench/store/ViewSoak.java "$@"
