#!/usr/bin/env bash
# The cpu backend's products against OpenBLAS's cblas_sgemm, interleaved in one process
# (cvae.bench.GemmInterleaved): the ratio is taken per round of about 0.2 s, so the VM's
# drift from minute to minute does not enter it, unlike a ratio of two JMH figures measured
# minutes apart (benchmarks/cpu-vs-openblas.sh). Writes
# results/benchmarks/gemm-interleaved-<date>.txt. OpenBLAS's environment as in
# cpu-vs-openblas.sh: OPENBLAS_L2_SIZE unset, OPENBLAS_CORETYPE=SkylakeX on AVX-512
# machines, else Haswell (override with CORETYPE=...). About 4 minutes on 2 cores with the defaults.
#   benchmarks/gemm-interleaved.sh [rounds] [shape,...] [batch,...] [threads,...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jmh-common.sh"
OUT="$ROOT/results/benchmarks/gemm-interleaved-$(date -u +%Y-%m-%d-%H%M).txt"
TMP="$(mktemp)"
trap 'rm -f "$TMP"' EXIT
{
  echo "# benchmarks/gemm-interleaved.sh $*, $(date -u +%FT%TZ)"
  echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(nproc) cores; JDK: $("$JAVA" -version 2>&1 | head -1)"
  echo "# commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (dirty)'); OPENBLAS_L2_SIZE unset, OPENBLAS_CORETYPE=$CORETYPE"
  env -u OPENBLAS_L2_SIZE OPENBLAS_CORETYPE="$CORETYPE" "$JAVA" --add-modules jdk.incubator.vector \
    --enable-native-access=ALL-UNNAMED -cp "$JAR" cvae.bench.GemmInterleaved "$@" 2>&1 | grep -v '^WARNING'
} | tee "$TMP"
mv "$TMP" "$OUT"
trap - EXIT
echo "wrote $OUT" >&2
