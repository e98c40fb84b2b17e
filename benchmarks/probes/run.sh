#!/usr/bin/env bash
# How fast, and how steady, this machine is right now, from three small C programs: the
# FMA peak of one core (registers only), a GEMM micro-kernel on L1-resident panels (the
# cpu backend's shape, with its loads: 8x32 with AVX-512, 4x16 with AVX2), and memory bandwidth on 1 and 2 cores.
# Run it beside an epoch timing: on a VM shared with other tenants, a load-bearing loop
# can run at 60-100 % of its best from one second to the next while a pure FMA loop
# stays near its peak (results/benchmarks/cpu-history.md, session 4). Needs gcc; about 45 s.
#   benchmarks/probes/run.sh
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$(mktemp -d)"
trap 'rm -rf "$BIN"' EXIT
command -v gcc >/dev/null || { echo "gcc is needed" >&2; exit 2; }
ISA=-mavx2                                   # vec.h: 512-bit vectors with AVX-512, else 256-bit
grep -q avx512f /proc/cpuinfo && ISA=-mavx512f
gcc -O2 $ISA -mfma "$DIR/fma-steadiness.c" -o "$BIN/fma"
gcc -O2 $ISA -mfma "$DIR/kernel-steadiness.c" -o "$BIN/kernel"
gcc -O3 -march=native "$DIR/triad.c" -o "$BIN/triad" -lpthread
echo "# benchmarks/probes/run.sh, $(date -u +%FT%TZ), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
"$BIN/fma"
"$BIN/kernel"
"$BIN/triad" 1
"$BIN/triad" "$(nproc)"
