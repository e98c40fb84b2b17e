#!/usr/bin/env bash
# Every GPU check of the CUDA backend in one call of the device tool (see README.md here):
#  1. machine facts and `harness info`;
#  2. the op test matrix (CudaBackendTest: every op against the reference backend, the
#     fused ops and subnormal flushes against the same checks as the cpu backends) and
#     the CUDA runtime bindings' test (CudaRuntimeTest);
#  3. a 16-epoch training run on cuda (the quality targets, epoch times), the same seed
#     again (determinism), the same without CUDA graphs (the same bits; the time they
#     save), and the cpu backend's curve to compare with;
#  4. epoch times at batch 64 and 1024, cuda backend next to PyTorch eager, same GPU.
# Needs the bundle made by prepare-bundle.sh in .device/ (a jlinked JDK 25, the jars,
# MNIST). Writes its logs to $OUT (or /tmp/gpu-out).
set -u
OUT="${OUT:-/tmp/gpu-out}"
mkdir -p "$OUT"
D=.device
# xz via Python where the machine has no xz binary
unpack() { tar xJf "$1" -C /tmp 2>/dev/null || python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall('/tmp')" "$1"; }
unpack "$D/jdk.txz"
unpack "$D/mnist.txz"
unpack "$D/junit.txz"
MNIST=/tmp/mnist
JAVA=/tmp/jdk-gpu/bin/java
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
H=("$JAVA" "${FLAGS[@]}" -Dcvae.progress=false -jar "$D/harness.jar")
# The same, every step launched op by op instead of replayed as a CUDA graph.
HOFF=("$JAVA" "${FLAGS[@]}" -Dcvae.progress=false -Dcvae.cuda.graphs=false -jar "$D/harness.jar")
LOG="$OUT/gpu-log.txt"
EPOCHS_TIMING="${EPOCHS_TIMING:-3}"
EPOCHS_CUDA="${EPOCHS_CUDA:-16}"
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
rm -rf /tmp/run-cuda-64 /tmp/run-cuda-64-again /tmp/run-cuda-64-nographs /tmp/run-cpu-64 /tmp/run-cuda-1024 /tmp/run-cuda-1024-nographs

{
step "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
nproc; grep -m1 "model name" /proc/cpuinfo
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'cudnn', torch.backends.cudnn.version())"
python3 -c "import site; print(site.getsitepackages())"; ls "$(python3 -c 'import site; print(site.getsitepackages()[0])')/nvidia" 2>&1 | tr '\n' ' '; echo
ldconfig -p | grep -E "libcuda\.so|libcudnn\.so|libcublas\.so|libcudart\.so" | head
step "harness info"
"${H[@]}" info
} > "$LOG" 2>&1

step "op test matrix (CudaBackendTest) and the CUDA runtime bindings (CudaRuntimeTest)" >> "$LOG"
# From bindings/: CudaRuntimeTest reads its include list as includes/cudart.txt.
A="$PWD/$D"
(cd bindings && timeout 240 "$JAVA" "${FLAGS[@]}" -cp /tmp/junit org.junit.platform.console.ConsoleLauncher execute \
  --class-path "$A/harness.jar:$A/kernels-tests.jar:$A/bindings-tests.jar" \
  --select-class cvae.kernels.cuda.CudaBackendTest --select-class cvae.bindings.CudaRuntimeTest \
  --details=tree --disable-banner --disable-ansi-colors) > "$OUT/gpu-tests.txt" 2>&1
echo "exit code $?" >> "$LOG"; tail -25 "$OUT/gpu-tests.txt" >> "$LOG"

{
step "cuda, batch 64, $EPOCHS_CUDA epochs"
timeout 300 "${H[@]}" train --backend cuda --epochs "$EPOCHS_CUDA" --batch-size 64 --data "$MNIST" --out /tmp/run-cuda-64
cat /tmp/run-cuda-64/metrics.csv
step "cuda determinism: the same run again (2 epochs); loss columns must be identical"
timeout 300 "${H[@]}" train --backend cuda --epochs 2 --batch-size 64 --data "$MNIST" --out /tmp/run-cuda-64-again > /dev/null
if diff <(head -3 /tmp/run-cuda-64/metrics.csv | cut -d, -f1-7) <(cut -d, -f1-7 /tmp/run-cuda-64-again/metrics.csv); then echo "identical"; else echo "DIFFERENT"; fi
step "cuda without graphs (-Dcvae.cuda.graphs=false), batch 64, 3 epochs: loss columns must be those of the graph run"
timeout 300 "${HOFF[@]}" train --backend cuda --epochs 3 --batch-size 64 --data "$MNIST" --out /tmp/run-cuda-64-nographs
cat /tmp/run-cuda-64-nographs/metrics.csv | cut -d, -f1-9
if diff <(head -4 /tmp/run-cuda-64/metrics.csv | cut -d, -f1-7) <(cut -d, -f1-7 /tmp/run-cuda-64-nographs/metrics.csv); then echo "identical"; else echo "DIFFERENT"; fi
step "eval of the cuda checkpoint on cuda, z = mean"
timeout 120 "${H[@]}" eval --backend cuda --checkpoint /tmp/run-cuda-64/checkpoint.safetensors --z mean --data "$MNIST"
step "cpu ($(nproc) threads), batch 64, 2 epochs: the curve to compare with"
timeout 300 "${H[@]}" train --backend cpu --epochs 2 --batch-size 64 --data "$MNIST" --out /tmp/run-cpu-64
cat /tmp/run-cpu-64/metrics.csv
step "cuda, batch 1024, $EPOCHS_TIMING epochs"
timeout 300 "${H[@]}" train --backend cuda --epochs "$EPOCHS_TIMING" --batch-size 1024 --data "$MNIST" --out /tmp/run-cuda-1024
cat /tmp/run-cuda-1024/metrics.csv
step "cuda without graphs, batch 1024, $EPOCHS_TIMING epochs"
timeout 300 "${HOFF[@]}" train --backend cuda --epochs "$EPOCHS_TIMING" --batch-size 1024 --data "$MNIST" --out /tmp/run-cuda-1024-nographs
cat /tmp/run-cuda-1024-nographs/metrics.csv | cut -d, -f1-9
if diff <(cut -d, -f1-7 /tmp/run-cuda-1024/metrics.csv) <(cut -d, -f1-7 /tmp/run-cuda-1024-nographs/metrics.csv); then echo "identical"; else echo "DIFFERENT"; fi
step "PyTorch eager, batch 64"
PYTHONUNBUFFERED=1 timeout 300 python3 benchmarks/gpu/torch_cvae.py --data "$MNIST" --batch-size 64 --epochs "$EPOCHS_TIMING"
step "PyTorch eager, batch 1024"
PYTHONUNBUFFERED=1 timeout 300 python3 benchmarks/gpu/torch_cvae.py --data "$MNIST" --batch-size 1024 --epochs "$EPOCHS_TIMING"
step "done"
} >> "$LOG" 2>&1
# At most eight files come back from the device tool.
cp /tmp/run-cuda-64/samples/epoch0015.png "$OUT/cuda-b64-epoch0015.png" 2>/dev/null
cp /tmp/run-cuda-64/curves.png "$OUT/cuda-b64-curves.png" 2>/dev/null
cp /tmp/run-cuda-64/run.json "$OUT/cuda-b64-run.json" 2>/dev/null
for r in cuda-64 cpu-64 cuda-1024; do cp /tmp/run-$r/metrics.csv "$OUT/$r-metrics.csv" 2>/dev/null; done
cat "$LOG"
