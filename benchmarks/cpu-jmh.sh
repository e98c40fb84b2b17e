#!/usr/bin/env bash
# The cpu backend's JMH benchmarks, in one run, into results/benchmarks/cpu-jmh-<date>.txt:
# the machine's FMA peak, the GEMM versions side by side (one thread), the micro-kernel
# alone, packing alone, the model's products at batch 64 and 1024 on 1 and 2 threads (and
# the encoder's with and without the zero columns of a batch),
# the element-wise ops and Adam, and one training step (with JMH's gc profiler: bytes
# allocated per step). Run it on a quiet machine; about 10 minutes on 2 cores.
#   benchmarks/cpu-jmh.sh [extra JMH options]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jmh-common.sh"
OUT="$ROOT/results/benchmarks/cpu-jmh-$(date -u +%Y-%m-%d-%H%M).txt"
jmh() { "$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" "$@" 2>&1 | grep -vE '^(# (Warmup|Measurement|Timeout|Threads|Benchmark mode|VM|JMH|Blackhole|Fork|Parameters)|Iteration|WARNING|$)' ; }
run() { jmh "$@" -wi 3 -w 1 -i 5 -r 1; }
{
  echo "# benchmarks/cpu-jmh.sh, $(date -u +%FT%TZ)"
  echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores; JDK: $("$JAVA" -version 2>&1 | head -1)"
  echo "# commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (dirty)')"
  run 'FmaPeakBenchmark' "$@"
  run 'GemmLadderBenchmark' "$@"
  run 'GemmKernelBenchmark.eightPanels' -p kc=192 "$@"
  run 'GemmKernelBenchmark.pack' -p kc=192 "$@"
  run 'GemmBenchmark' -p batch=64 -p shape=enc1-forward,dec2-forward,dec2-input-grad,enc1-weight-grad,dec2-weight-grad,enc2-forward,enc2-weight-grad "$@"
  run 'GemmSkipBenchmark' "$@"
  run 'GemmBenchmark' -p batch=1024 -p threads=2 -p shape=enc1-forward,dec2-forward,dec2-input-grad,enc1-weight-grad,dec2-weight-grad "$@"
  run 'OpsBenchmark' -p threads=2 "$@"
  jmh 'TrainStepBenchmark' -wi 4 -w 4 -i 5 -r 2 -prof gc "$@"   # the JIT needs ~10 s to compile a whole step
} | tee "$OUT"
echo "wrote $OUT" >&2
