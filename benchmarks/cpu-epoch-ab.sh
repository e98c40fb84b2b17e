#!/usr/bin/env bash
# Epoch time of two or more builds of the harness, run alternately: on a VM whose speed
# drifts from minute to minute, only runs taken in the same minutes compare. For each
# round and each jar, trains EPOCHS epochs (default batch 64; more options in TRAIN_OPTS,
# JVM options in JAVA_OPTS, after the heap cap bin/harness gives a training run) and prints the
# `seconds` of every epoch after the first.
#   benchmarks/cpu-epoch-ab.sh ROUNDS EPOCHS JAR [JAR ...]
# A jar is harness/target/harness.jar of a build, copied aside (e.g. /tmp/old.jar).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ $# -ge 3 ]] || { echo "usage: $0 ROUNDS EPOCHS JAR [JAR ...]" >&2; exit 2; }
JAVA=""
for j in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
  [[ -x "$j/bin/java" ]] && "$j/bin/java" -version 2>&1 | grep -q '"25' && { JAVA="$j/bin/java"; break; }
done
[[ -n "$JAVA" ]] || { echo "no JDK 25 found (set JAVA_HOME)" >&2; exit 2; }
[[ -d "$ROOT/data/mnist" ]] || { echo "no data: run bin/harness data fetch first" >&2; exit 2; }
ROUNDS=$1 EPOCHS=$2; shift 2
for jar in "$@"; do [[ -f "$jar" ]] || { echo "no such jar: $jar" >&2; exit 2; }; done
for r in $(seq "$ROUNDS"); do
  for jar in "$@"; do
    d="$(mktemp -d)"
    "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx768m ${JAVA_OPTS:-} -Dcvae.home="$ROOT" \
      -jar "$jar" train ${TRAIN_OPTS:-} --epochs "$EPOCHS" --out "$d/run" --data "$ROOT/data/mnist" > "$d/log" 2>&1 \
      || { echo "$jar failed, see $d/log" >&2; exit 1; }
    echo "round $r $(basename "$jar"): $(tail -n +3 "$d/run/metrics.csv" | cut -d, -f8 | tr '\n' ' ')"
    rm -rf "$d"
  done
done
