#!/usr/bin/env bash
# The cpu backend's GEMM and OpenBLAS's cblas_sgemm at the model's shapes, in one JMH run,
# into results/benchmarks/cpu-vs-openblas-<date>.txt, with a table of GFLOP/s and ratios.
# Needs OpenBLAS (Debian: apt-get install libopenblas0-pthread). For this run only,
# OPENBLAS_L2_SIZE is unset and OPENBLAS_CORETYPE is set to SkylakeX (its AVX-512 kernels)
# where the CPU has AVX-512, else Haswell (AVX2); override with CORETYPE=... (jmh-common.sh):
# left unset, OpenBLAS's detection does not recognise the AVX-512 machines' virtual CPU and falls
# back to its generic Prescott (SSE3) kernels. The kernel family it ran is printed with every result.
# Run it on a quiet machine; about 12 minutes on 2 cores.
#   benchmarks/cpu-vs-openblas.sh [extra JMH options]
#   ITER="-wi 0 -i 1 -r 200ms" SHAPES=enc1-forward BATCHES=64 benchmarks/cpu-vs-openblas.sh   # a quick try
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jmh-common.sh"
OUT="$ROOT/results/benchmarks/cpu-vs-openblas-$(date -u +%Y-%m-%d-%H%M).txt"
RAW=$(mktemp)
trap 'rm -f "$RAW" "$RAW".*.csv' EXIT
SHAPES=${SHAPES:-enc1-forward,dec2-forward,dec2-input-grad,enc1-weight-grad,dec2-weight-grad}
BATCHES=${BATCHES:-64,1024}
read -r -a ITER <<< "${ITER:--wi 3 -w 1 -i 5 -r 1}"
RUNS=0
jmh() {
  RUNS=$((RUNS + 1))
  env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$CORETYPE" "$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" "$@" "${ITER[@]}" \
    -rf csv -rff "$RAW.$RUNS.csv" 2>&1 | grep -vE '^(# (Warmup|Measurement|Timeout|Threads|Benchmark mode|VM|JMH|Blackhole|Fork|Parameters)|Iteration|WARNING|$)'
}
{
  echo "# benchmarks/cpu-vs-openblas.sh, $(date -u +%FT%TZ)"
  echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores; JDK: $("$JAVA" -version 2>&1 | head -1)"
  echo "# commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (dirty)'); OPENBLAS_L2_SIZE unset, OPENBLAS_CORETYPE=$CORETYPE"
  # both implementations in one JMH run, the model's shapes at batch 64 and 1024 on 1 and 2 threads
  jmh '(cvae.bench.GemmBenchmark|cvae.bench.OpenBlasGemmBenchmark).gemm' -p shape="$SHAPES" -p batch="$BATCHES" -p threads=1,2 "$@"
  # and 1024³ (the batch parameter does not apply)
  jmh '(cvae.bench.GemmBenchmark|cvae.bench.OpenBlasGemmBenchmark).gemm' -p shape=square-1024 -p batch=64 -p threads=1,2 "$@"
  echo
  echo "## GFLOP/s (2·m·n·k / time) and the ratio cpu backend / OpenBLAS"
  echo
  cat "$RAW".*.csv | awk -F, '
    function flop(shape, b) {
      if (shape == "enc1-forward" || shape == "enc1-weight-grad") return 2 * b * 794 * 512
      if (shape == "dec2-forward" || shape == "dec2-input-grad" || shape == "dec2-weight-grad") return 2 * b * 512 * 784
      if (shape == "square-1024") return 2 * 1024 * 1024 * 1024
      return 0
    }
    /^"Benchmark"/ { next }
    { sub(/\r$/, ""); gsub(/"/, ""); impl = ($1 ~ /OpenBlas/) ? "openblas" : "cpu"; b = $8; shape = $9; t = $10
      if (shape == "square-1024") b = "-"
      key = shape "|" b "|" t; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      g[impl, key] = flop(shape, $8) / ($5 * 1e-6) / 1e9 }
    END {
      printf "| shape | batch | threads | cpu backend | OpenBLAS | ratio |\n| --- | ---: | ---: | ---: | ---: | ---: |\n"
      for (i = 1; i <= n; i++) { k = order[i]; split(k, p, "|")
        printf "| %s | %s | %s | %.1f | %.1f | %.2f |\n", p[1], p[2], p[3], g["cpu", k], g["openblas", k], g["cpu", k] / g["openblas", k] }
    }'
} | tee "$OUT"
echo "wrote $OUT" >&2
