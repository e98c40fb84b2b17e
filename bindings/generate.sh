#!/usr/bin/env bash
# Regenerates the jextract bindings under src/main/java/cvae/bindings/{cudart,cuda,cublas,cudnn,cblas}/.
#
#   bindings/generate.sh [LIBRARY...]   (default: all five; e.g. `generate.sh cblas`)
#
#   JEXTRACT   the jextract launcher (default: `jextract` on PATH); it must run on
#              libclang 14: with libclang 16+ its output for the CUDA headers does not compile
#   CUDA_HOME  the CUDA toolkit whose headers are read (default /usr/local/cuda)
#   CBLAS_H    OpenBLAS's cblas.h (default: the multiarch or plain /usr/include one;
#              Debian: apt-get install libopenblas-dev)
#
# The CUDA runtime and driver bindings come from the toolkit's own headers; cuBLAS and
# cuDNN come from the project's minimal headers in include/ (NVIDIA's are not
# redistributable). Each library's symbols are filtered by includes/<name>.txt.
#
# No --library option is passed: the generated classes look symbols up in the
# libraries already loaded by their class loader (SymbolLookup.loaderLookup), so the
# hand-written NativeLibraries decides which file is loaded, from where.
# The generated code is never edited by hand: change an include list and re-run this.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
jextract=${JEXTRACT:-jextract}
cuda_home=${CUDA_HOME:-/usr/local/cuda}
out="$here/src/main/java"
pkg_dir="$out/cvae/bindings"

if ! command -v "$jextract" >/dev/null 2>&1; then
    echo "generate.sh: no jextract ('$jextract'); set JEXTRACT to its launcher (see README.md)" >&2
    exit 1
fi
libs=("$@")
[[ ${#libs[@]} -gt 0 ]] || libs=(cudart cuda cublas cudnn cblas)
wants() { [[ " ${libs[*]} " == *" $1 "* ]]; }
if (wants cudart || wants cuda) && [[ ! -f "$cuda_home/include/cuda_runtime_api.h" ]]; then
    echo "generate.sh: no $cuda_home/include/cuda_runtime_api.h; set CUDA_HOME to a CUDA toolkit" >&2
    exit 1
fi
cblas_h=${CBLAS_H:-}
if [[ -z "$cblas_h" ]]; then
    for c in "/usr/include/$(gcc -print-multiarch 2>/dev/null || echo none)/cblas.h" /usr/include/cblas.h; do
        [[ -f "$c" ]] && { cblas_h=$c; break; }
    done
fi
if wants cblas && [[ ! -f "$cblas_h" ]]; then
    echo "generate.sh: no cblas.h; install OpenBLAS's headers (Debian: libopenblas-dev) or set CBLAS_H" >&2
    exit 1
fi

# generate <package> <include list> <header> [extra jextract args...]
generate() {
    local pkg=$1 list=$2 header=$3
    shift 3
    rm -rf "${pkg_dir:?}/$pkg"
    # jextract warns about every CUDA declaration it skips (unsupported types); none matter here
    "$jextract" --output "$out" --target-package "cvae.bindings.$pkg" \
        @"$here/includes/$list" "$@" "$header" 2> >(grep -v "warning: Skipping" >&2)
    echo "generated cvae.bindings.$pkg from $(basename "$header")"
}

wants cudart && generate cudart cudart.txt "$cuda_home/include/cuda_runtime_api.h" -I "$cuda_home/include"
wants cuda   && generate cuda   cuda.txt   "$cuda_home/include/cuda.h"             -I "$cuda_home/include"
wants cublas && generate cublas cublas.txt "$here/include/cvae_cublas.h"
wants cudnn  && generate cudnn  cudnn.txt  "$here/include/cvae_cudnn.h"
# cblas.h includes openblas_config.h from its own folder (the alternatives link points there)
wants cblas  && generate cblas  cblas.txt  "$cblas_h" -I "$(dirname "$(readlink -f "$cblas_h")")"
true
