#!/usr/bin/env bash
# Runs the CPU benchmarks and writes results/benchmarks/cpu.md from them: the machine (CPU,
# cores, vector width, JDK, how steady it was), the epoch times, the FMA peak and one
# training step (time and bytes allocated) in JMH, and the GEMM against OpenBLAS with the
# ratios. How the figures got where they are, what was tried, and older measurements are
# in results/benchmarks/cpu-history.md, which this script does not touch.
# Needs gcc (benchmarks/probes) and OpenBLAS for the side-by-side (Debian:
# libopenblas0-pthread; without it that part says it was skipped). Run it on a quiet
# machine; about 15 minutes on 2 cores.
#   benchmarks/cpu-report.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jmh-common.sh"
command -v python3 >/dev/null || { echo "python3 is needed to read the JMH results" >&2; exit 2; }
OUT="$ROOT/results/benchmarks/cpu.md"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "probes (1 min)..." >&2
"$ROOT/benchmarks/probes/run.sh" | tail -n +2 > "$TMP/probes-before"
echo "epoch times (1-2 min)..." >&2
"$ROOT/benchmarks/cpu-epoch.sh" 5 64 1024 > "$TMP/epochs"
echo "JMH: FMA peak and one training step (2 min)..." >&2
"$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" 'cvae.bench.(FmaPeakBenchmark|TrainStepBenchmark)' \
  -p threads=1,2 -wi 4 -w 3 -i 5 -r 2 -prof gc -rf csv -rff "$TMP/jmh.csv" > "$TMP/jmh.log" 2>&1 \
  || { cat "$TMP/jmh.log" >&2; exit 1; }
# (grep -c reads all of ldconfig's list: with -q it stops at the first match, ldconfig dies of
# SIGPIPE, and under pipefail the test failed though OpenBLAS was there)
if [[ "$(ldconfig -p 2>/dev/null | grep -c 'libopenblas\.so')" != 0 ]]; then
  echo "GEMM against OpenBLAS (8 min)..." >&2
  "$ROOT/benchmarks/cpu-vs-openblas.sh" > "$TMP/openblas" 2>&1 || { cat "$TMP/openblas" >&2; exit 1; }
else
  echo "OpenBLAS is not installed here: the side-by-side is skipped" > "$TMP/openblas"
fi
echo "probes again (1 min)..." >&2
"$ROOT/benchmarks/probes/run.sh" | tail -n +2 > "$TMP/probes-after"

vector=$("$ROOT/bin/harness" info 2>/dev/null | sed -n 's/^vector: *//p')
python3 - "$TMP" "$OUT.tmp" "$(date -u +%FT%TZ)" "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet || echo ' (dirty)')" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores" "$vector" "$("$JAVA" -version 2>&1 | head -1)" <<'PY'
import csv, re, sys
tmp, out, when, commit, cpu, vector, jdk = sys.argv[1:8]
read = lambda name: open(f"{tmp}/{name}").read().strip()
rows = list(csv.DictReader(open(f"{tmp}/jmh.csv")))
def score(bench, **params):
    for r in rows:
        if r["Benchmark"] == bench and all(r.get(f"Param: {k}") == str(v) for k, v in params.items()):
            return float(r["Score"]), float(r["Score Error (99.9%)"] or "nan")
    return None
lines = [
    "# CPU backend speed",
    "",
    f"Written by `benchmarks/cpu-report.sh` on {when} at commit {commit}. How these figures got",
    "where they are, what was tried and dropped, and older measurements: `cpu-history.md`.",
    "",
    "## The machine",
    "",
    f"- CPU: {cpu}",
    f"- Vector API: {vector}",
    f"- JDK: {jdk}",
    "- How fast and how steady it was, before and after the runs below (`benchmarks/probes/run.sh`;",
    "  on a VM shared with other tenants a loop that loads every cycle can lose a quarter of",
    "  its speed from one second to the next, a register-only FMA loop hardly):",
    "",
    "```",
    read("probes-before"),
    read("probes-after"),
    "```",
    "",
    "## Epoch time",
    "",
    "The harness's own `seconds` of each epoch (training loop only), default model, 2 threads",
    "(`benchmarks/cpu-epoch.sh 5 64 1024`); the median leaves out epoch 0, the JIT warm-up.",
    "Targets: issue 2 at most 2.0 s at batch 64; issue 6 at most 0.9 s at batch 64 and 0.65 s",
    "at batch 1024, and a training run's peak resident memory under 1 GiB (the whole process,",
    "by GNU time; `bin/harness` caps a training run's heap at 768 MiB).",
    "",
    "```",
    read("epochs"),
    "```",
    "",
    "## FMA peak and one training step (JMH)",
    "",
    "| | time | GFLOP/s or s/epoch | bytes allocated |",
    "| --- | ---: | ---: | ---: |",
]
fma = score("cvae.bench.FmaPeakBenchmark.twelveChains")
lanes = int(re.search(r"\((\d+) floats\)", vector).group(1)) if re.search(r"\((\d+) floats\)", vector) else 16
if fma:
    lines.append(f"| FMA peak, one core (12 chains, {lanes} lanes) | {fma[0]:.3f} ns per 12 FMAs | {2 * lanes * 12 / fma[0]:.0f} GFLOP/s | |")
for b in (64, 1024):
    for t in (1, 2):
        s = score("cvae.bench.TrainStepBenchmark.trainStep", batch=b, threads=t)
        a = score("cvae.bench.TrainStepBenchmark.trainStep:gc.alloc.rate.norm", batch=b, threads=t)
        if s:
            per_epoch = s[0] * 1e-6 * 60000 / b
            lines.append(f"| training step, batch {b}, {t} thread(s) | {s[0]:.0f} ± {s[1]:.0f} µs | ≈ {per_epoch:.2f} s/epoch | {a[0]:.0f} B/step |" if a else
                         f"| training step, batch {b}, {t} thread(s) | {s[0]:.0f} ± {s[1]:.0f} µs | ≈ {per_epoch:.2f} s/epoch | |")
lines += [
    "",
    "(The step benchmark cycles through 16 batches of real training images, `input=mnist`; its s/epoch is step time × 60,000 / batch.)",
    "",
    "## GEMM against OpenBLAS",
    "",
]
ob = "\n".join(l for l in read("openblas").replace("\r", "").splitlines() if not l.startswith("wrote "))
m = ob.find("## GFLOP/s")
if m >= 0:
    head = [l for l in ob.splitlines() if l.startswith("# ")]
    lines += [l.lstrip("# ") + "  " for l in head[1:3]]
    lines += ["", "The model's products in one JMH run (`benchmarks/cpu-vs-openblas.sh`, which also keeps", "its raw output in a dated file here); ratio = cpu backend / OpenBLAS. Targets (issue 6):", "at least 1.0 at every shape; at least 80 % of the FMA peak at 1024³.", ""]
    lines += ob[m:].splitlines()[2:]
else:
    lines.append(ob)
open(out, "w").write("\n".join(lines).rstrip() + "\n")
PY
mv "$OUT.tmp" "$OUT"
echo "wrote $OUT" >&2
