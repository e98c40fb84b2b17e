#!/usr/bin/env bash
# Epoch time of the cpu backend, measured by the harness's own per-epoch timing:
# trains N epochs (default 5) at the given batch sizes and prints the median of the
# epochs after the first (JIT warm-up), and the run's peak resident memory (GNU time's
# maximum RSS, where /usr/bin/time is installed; issue 6 asks for under 1 GiB). Run it on
# a quiet machine.
#   benchmarks/cpu-epoch.sh [epochs] [batch ...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EPOCHS="${1:-5}"; shift || true
BATCHES=("${@:-64 1024}")
[[ $# -eq 0 ]] && BATCHES=(64 1024)
for b in "${BATCHES[@]}"; do
  out="$(mktemp -d)"
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f %M -o "$out/rss")
  "${timer[@]}" "$ROOT/bin/harness" train --epochs "$EPOCHS" --batch-size "$b" --out "$out/run" > "$out/log" 2>&1
  python3 - "$out/run/metrics.csv" "$b" "$out/rss" <<'PY'
import csv, os, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
secs = [float(r["seconds"]) for r in rows]
rss = f"; peak resident memory {int(open(sys.argv[3]).read().split()[-1]) / 1024:.0f} MiB" if os.path.exists(sys.argv[3]) else ""
print(f"batch {sys.argv[2]}: epochs {', '.join(f'{s:.2f}' for s in secs)} s; median after the first {statistics.median(secs[1:]):.2f} s; "
      f"final test loss {float(rows[-1]['test_loss']):.6f}{rss}")
PY
  rm -rf "$out"
done
