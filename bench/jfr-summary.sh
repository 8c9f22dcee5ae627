#!/usr/bin/env bash
# Where the CPU went in a JFR recording (bench/run.sh with BENCH_JFR=<dir>): each execution sample
# goes to the area of the innermost frame that belongs to one (JDK frames count for the library
# that called them), then the hottest top frames.   bench/jfr-summary.sh <file.jfr>
set -euo pipefail
jfr print --events jdk.ExecutionSample --stack-depth 96 "$1" | python3 -c '
import sys, collections, re
areas = [("Jackson (JSON)", "com.fasterxml.jackson"), ("PostgreSQL driver", "org.postgresql"), ("H2", "org.h2"),
         ("HikariCP", "com.zaxxer"), ("Vert.x / Netty (HTTP)", ("io.vertx", "io.netty")),
         ("Micrometer", "io.micrometer"), ("Camel bean/OGNL/simple", ("org.apache.camel.component.bean", "org.apache.camel.language", "org.apache.camel.support.builder")),
         ("Camel routing engine", "org.apache.camel"), ("Quartz", "org.quartz"),
         ("intake (parse, validate)", "dev.alerthub.intake"), ("store (SQL building, view)", "dev.alerthub.store"),
         ("SHA-256", "sun.security.provider"), ("logging", ("ch.qos.logback", "org.slf4j")),
         ("other alerthub code", "dev.alerthub")]
samples, inc, top = 0, collections.Counter(), collections.Counter()
for block in sys.stdin.read().split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w.$<>]+)\(", block, re.M)
    if not frames:
        continue
    samples += 1
    top[frames[0]] += 1
    for f in frames:
        hit = next((name for name, prefixes in areas if f.startswith(prefixes)), None)
        if hit:
            inc[hit] += 1
            break
    else:
        inc["JDK / other"] += 1
print(f"{samples} samples")
print("| area (innermost) | share of samples |")
print("| --- | --- |")
for name, n in inc.most_common():
    print(f"| {name} | {100*n/samples:.0f} % |")
print()
print("| hottest top frames | share |")
print("| --- | --- |")
for f, n in top.most_common(12):
    print(f"| `{f}` | {100*n/samples:.1f} % |")
'
