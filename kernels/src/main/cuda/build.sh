#!/usr/bin/env bash
# Compiles kernels.cu into the fatbin the CUDA backend loads at run time:
#   src/main/resources/cvae/kernels/cuda/kernels.fatbin
# The fatbin is committed, so a machine with a GPU but no nvcc still runs the backend.
# Re-run this after every change to kernels.cu and commit both together.
#
#   CUDA_HOME  the toolkit whose nvcc is used (default /usr/local/cuda)
#
# Code in the fatbin: SASS for sm_80 (A100) and sm_90 (H100/H200), plus compute_90 PTX
# that the driver JIT-compiles for newer GPUs. --fmad=false keeps a*b+c unfused so that
# element-wise results round as Java's do (see the comment at the top of kernels.cu).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cuda_home=${CUDA_HOME:-/usr/local/cuda}
nvcc="$cuda_home/bin/nvcc"
out_dir="$here/../resources/cvae/kernels/cuda"

if [[ ! -x "$nvcc" ]]; then
    echo "build.sh: no nvcc at $nvcc; set CUDA_HOME to a CUDA 12.x/13.x toolkit" >&2
    exit 1
fi

mkdir -p "$out_dir"
out="$(cd "$out_dir" && pwd)/kernels.fatbin"
"$nvcc" --fatbin -O3 --fmad=false -std=c++17 \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    -o "$out.tmp" "$here/kernels.cu"
mv "$out.tmp" "$out"
# The source's hash beside the fatbin: a test compares it with kernels.cu, so a change
# to the source without a rebuild fails on every machine, with or without nvcc.
sha256sum "$here/kernels.cu" | cut -d' ' -f1 > "$out.source-sha256"
echo "built $out ($(stat -c %s "$out") bytes) with $("$nvcc" --version | grep -o 'release [0-9.]*')"
