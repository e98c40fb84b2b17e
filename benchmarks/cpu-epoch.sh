#!/usr/bin/env bash
# Epoch time of the cpu backend, measured by the harness's own per-epoch timing:
# trains N epochs (default 5) at the given batch sizes and prints the median of the
# epochs after the first (JIT warm-up). Run it on a quiet machine.
#   benchmarks/cpu-epoch.sh [epochs] [batch ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS="${1:-5}"; shift || true
BATCHES=("${@:-64 1024}")
[[ $# -eq 0 ]] && BATCHES=(64 1024)
for b in "${BATCHES[@]}"; do
  out="$(mktemp -d)"
  "$ROOT/bin/harness" train --epochs "$EPOCHS" --batch-size "$b" --out "$out/run" > "$out/log" 2>&1
  python3 - "$out/run/metrics.csv" "$b" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
secs = [float(r["seconds"]) for r in rows]
print(f"batch {sys.argv[2]}: epochs {', '.join(f'{s:.2f}' for s in secs)} s; median after the first {statistics.median(secs[1:]):.2f} s; "
      f"final test loss {float(rows[-1]['test_loss']):.6f}")
PY
  rm -rf "$out"
done
