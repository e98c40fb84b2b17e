#!/usr/bin/env bash
# Builds and runs one of the Java probes here against the cpu backend's classes (they reach
# package-private parts of cvae.kernels.cpu, so they are not in the benchmarks jar). GemmAB's
# GemmX is written from the current Gemm.java by gemmx.py. OpenBLAS's environment as in
# benchmarks/cpu-vs-openblas.sh. Build the project first (mvn -o install -DskipTests).
#   benchmarks/probes/java/run.sh GemmAB square-1024 0 21           (one product, three ways)
#   KERNELS=/path/to/other/classes benchmarks/probes/java/run.sh StepOpsProbe 15   (another build)
#   benchmarks/probes/java/run.sh StepAB 64 40 200 data/mnist /tmp/a.jar /tmp/b.jar   (whole steps, two builds)
#   benchmarks/probes/java/run.sh StepParts 64 15 200 data/mnist harness/target/harness.jar   (a step, its forward, no Adam)
#   benchmarks/probes/java/run.sh GemmJarsAB 2 15 64 784 512 false /tmp/a.jar /tmp/b.jar   (one product, two builds)
#   benchmarks/probes/java/run.sh PrepackProbe 15 true      (a weight kept packed, against packed per call)
#   benchmarks/probes/java/run.sh InterleaveProbe 15        (Adam inside the weight gradient's kernel)
#   benchmarks/probes/java/run.sh Enc1Layout 2 15 false data/mnist harness/target/harness.jar   (encoder weights out×in)
#   benchmarks/probes/java/run.sh DeadUnits 4000 data/mnist harness/target/harness.jar   (zeros in the hidden layers)
#   benchmarks/probes/java/run.sh KernelShapes 8            (micro-kernel shapes on L1-resident panels; why Gemm.HALVES)
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$DIR/../../.." && pwd)"
JAVA=""
for j in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
  [[ -x "$j/bin/java" ]] && "$j/bin/java" -version 2>&1 | grep -q '"25' && { JAVA="$j/bin"; break; }
done
[[ -n "$JAVA" ]] || { echo "no JDK 25 found (set JAVA_HOME)" >&2; exit 2; }
[[ $# -ge 1 ]] || { echo "usage: $0 MAIN [args]" >&2; exit 2; }
KERNELS="${KERNELS:-$ROOT/kernels/target/classes}"
CP="$KERNELS:$ROOT/bindings/target/classes"
[[ -d "$KERNELS/cvae/kernels/cpu" ]] || { echo "build first: mvn -o install -DskipTests" >&2; exit 2; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
python3 "$DIR/gemmx.py" "$ROOT/kernels/src/main/java/cvae/kernels/cpu/Gemm.java" "$OUT"
"$JAVA/javac" -nowarn --release 25 --add-modules jdk.incubator.vector -cp "$CP" -d "$OUT" "$OUT/GemmX.java" "$DIR"/*.java 2>&1 \
  | grep -vE '^(warning|Note|1 warning)' || true
MAIN=$1; shift
# OpenBLAS's kernel family as in benchmarks/jmh-common.sh (override with CORETYPE=...):
CORETYPE="${CORETYPE:-$(grep -q avx512f /proc/cpuinfo && echo SkylakeX || echo Haswell)}"
env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$CORETYPE" "$JAVA/java" ${JAVA_OPTS:-} --add-modules jdk.incubator.vector \
  --enable-native-access=ALL-UNNAMED -cp "$OUT:$CP" "cvae.kernels.cpu.$MAIN" "$@" 2>&1 | grep -v '^WARNING'
