#!/usr/bin/env bash
# Epoch time of the cpu backend and of PyTorch on this machine, side by side: the same CVAE
# (SPEC.md's default sizes), the same MNIST, batch size, lr and w_KL, taken in alternation, so
# that both sides see the same minutes of a VM whose speed drifts. PyTorch here is libtorch
# 2.7.1, the C++ library of the PyTorch 2.7 wheel (MKL and oneDNN inside), driven through DJL
# from benchmarks/pytorch/ (TorchEpoch's javadoc says how it mirrors the article's code).
#   benchmarks/pytorch-epoch.sh [ROUNDS] [EPOCHS] [BATCH]      (default 3 rounds of 5 epochs, batch 64)
# Each round prints every epoch's seconds after the first (JIT and allocator warm-up) for each
# side, and the test loss each reached; the summary gives the medians over all rounds.
#
# Downloads: building benchmarks/pytorch/ resolves DJL and the libtorch binaries (about 115 MB)
# into the local Maven repository the first time; nothing else is fetched, and the main build,
# the tests and CI never resolve them. DJL unpacks libtorch into DJL_CACHE_DIR (default here:
# benchmarks/pytorch/target/djl-cache).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}" EPOCHS="${2:-5}" BATCH="${3:-64}"
[[ -d "$ROOT/data/mnist" ]] || { echo "no data: run bin/harness data fetch first" >&2; exit 2; }
JAVA=""
for j in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
  [[ -x "$j/bin/java" ]] && "$j/bin/java" -version 2>&1 | grep -q '"25' && { JAVA="$j/bin/java"; break; }
done
[[ -n "$JAVA" ]] || { echo "no JDK 25 found (set JAVA_HOME)" >&2; exit 2; }
export JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
TORCH="$ROOT/benchmarks/pytorch"
echo "building the harness, then benchmarks/pytorch (first time: resolves DJL and libtorch 2.7.1, about 115 MB)" >&2
(cd "$ROOT" && mvn -q install -DskipTests) >&2
(cd "$TORCH" && mvn -q package) >&2
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$TORCH/target/djl-cache}"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . || echo ' (dirty)')"
echo "# machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $("$JAVA" -version 2>&1 | head -1)"
echo "# $ROUNDS rounds of $EPOCHS epochs at batch $BATCH; seconds of each epoch after the first"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for r in $(seq "$ROUNDS"); do
  "$ROOT/bin/harness" train --epochs "$EPOCHS" --batch-size "$BATCH" --out "$out/cpu$r" > "$out/cpu$r.log" 2>&1 \
    || { cat "$out/cpu$r.log" >&2; exit 1; }
  python3 - "$out/cpu$r/metrics.csv" "$r" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(f"round {sys.argv[2]} cpu backend: {' '.join('%.3f' % float(r['seconds']) for r in rows[1:])}; test loss {float(rows[-1]['test_loss']):.6f}")
PY
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$TORCH/target/classes:$(cat "$TORCH/target/classpath.txt")" \
    cvae.bench.torch.TorchEpoch "$ROOT/data/mnist" "$EPOCHS" "$BATCH" "$(nproc)" > "$out/torch$r.log" 2> "$out/torch$r.err" \
    || { cat "$out/torch$r.err" >&2; exit 1; }
  [[ $r == 1 ]] && grep -E '^(engine|one call)' "$out/torch$r.log" | sed 's/^/# libtorch: /'
  python3 - "$out/torch$r.log" "$r" <<'PY'
import re, sys
ep = [re.match(r"epoch (\d+): ([\d.]+) s.*test loss ([\d.]+)", l) for l in open(sys.argv[1])]
ep = [m for m in ep if m]
print(f"round {sys.argv[2]} libtorch 2.7.1: {' '.join(m.group(2) for m in ep[1:])}; test loss {ep[-1].group(3)}")
PY
done | tee "$out/all"
python3 - "$out/all" <<'PY'
import statistics, sys
sides = {}
for line in open(sys.argv[1]):
    if line.startswith("round "):
        name, rest = line.split(" ", 2)[2].split(":", 1)
        sides.setdefault(name, []).extend(float(s) for s in rest.split(";")[0].split())
med = {k: statistics.median(v) for k, v in sides.items()}
for k, v in sides.items():
    print(f"median {k}: {med[k]:.3f} s over {len(v)} epochs (min {min(v):.3f}, max {max(v):.3f})")
cpu, torch = med.get("cpu backend"), med.get("libtorch 2.7.1")
if cpu and torch:
    print(f"libtorch / cpu backend: {torch / cpu:.2f}x")
PY
