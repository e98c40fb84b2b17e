# Sourced by the JMH scripts: sets ROOT (the repository), JAVA (a JDK 25) and JAR (the
# benchmarks' shaded jar), or stops with a message saying what is missing.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA=""
for j in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
  [[ -x "$j/bin/java" ]] && "$j/bin/java" -version 2>&1 | grep -q '"25' && { JAVA="$j/bin/java"; break; }
done
[[ -n "$JAVA" ]] || { echo "no JDK 25 found (set JAVA_HOME)" >&2; exit 2; }
JAR="$ROOT/benchmarks/target/benchmarks.jar"
[[ -f "$JAR" ]] || { echo "build first: mvn -o install -DskipTests (benchmarks/target/benchmarks.jar missing)" >&2; exit 2; }
export CVAE_DATA="${CVAE_DATA:-$ROOT/data/mnist}"   # TrainStepBenchmark input=mnist reads the training images there
# OpenBLAS's kernel family for the runs that compare with it (override with CORETYPE=...):
# SkylakeX (AVX-512) where the CPU has AVX-512, whose virtual CPU OpenBLAS's detection does not
# recognise (it falls back to SSE3), else Haswell (AVX2); never AVX-512 kernels on a CPU without
# them (session 14's AMD EPYC has none: illegal instruction).
CORETYPE="${CORETYPE:-$(grep -q avx512f /proc/cpuinfo && echo SkylakeX || echo Haswell)}"
