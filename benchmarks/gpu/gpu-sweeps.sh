#!/usr/bin/env bash
# The shipped sweeps on the GPU (device tool), after a short check that the cuda backend
# still passes its op tests and trains: lr-batch.yaml and kl-weight.yaml with
# --backend cuda. Needs the bundle of prepare-bundle.sh in .device/. Writes to $OUT:
# gpu-sweeps-log.txt and sweeps.tgz (results/<experiment>/ without checkpoints).
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
H=("$JAVA" "${FLAGS[@]}" -Dcvae.progress=false -Dcvae.home="$PWD" -jar "$D/harness.jar")
LOG="$OUT/gpu-sweeps-log.txt"
JOBS="${JOBS:-2}"
step() { echo; echo "=== $* ($(date -u +%H:%M:%S))"; }
rm -rf /tmp/run-cuda-64 /tmp/sweeps
{
step "machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
step "op test matrix (CudaBackendTest)"
timeout 200 "$JAVA" "${FLAGS[@]}" -cp /tmp/junit org.junit.platform.console.ConsoleLauncher execute \
  --class-path "$D/harness.jar:$D/kernels-tests.jar" --select-class cvae.kernels.cuda.CudaBackendTest \
  --details=summary --disable-banner 2>&1 | tail -15
step "cuda, batch 64, 3 epochs (timing and curve)"
timeout 120 "${H[@]}" train --backend cuda --epochs 3 --data "$MNIST" --out /tmp/run-cuda-64
cat /tmp/run-cuda-64/metrics.csv
for e in lr-batch kl-weight; do
  step "sweep $e on cuda, $JOBS jobs"
  timeout "$([[ $e == lr-batch ]] && echo 330 || echo 100)" "${H[@]}" sweep "experiments/$e.yaml" --backend cuda --jobs "$JOBS" --data "$MNIST" --out "/tmp/sweeps/$e"
  cat "/tmp/sweeps/$e/summary.md"
done
step "done"
} > "$LOG" 2>&1
(cd /tmp/sweeps && tar czf "$OUT/sweeps.tgz" --exclude=checkpoint.safetensors --exclude='*.lock' .)
ls -la "$OUT"
tail -c 6000 "$LOG"
