#!/bin/bash
# Time `crmlab report` on retail_transactions: an OLD checkout against a NEW one, in
# alternating pairs (they share the machine's load), and print the medians and the ratio.
#
#   benchmarks/report.sh OLD_CHECKOUT [NEW_CHECKOUT] [PAIRS]
#   e.g. git worktree add /tmp/old 80a7353 && benchmarks/report.sh /tmp/old . 7
#
# Runs from a scratch folder: `python -m` puts the working directory first on sys.path,
# so from inside a checkout both runs would import that checkout, whatever PYTHONPATH says.
set -euo pipefail
OLD=$(realpath "$1"); NEW=$(realpath "${2:-.}"); PAIRS=${3:-5}
PY=${PYTHON:-$NEW/.venv/bin/python}
[ -x "$PY" ] || PY=/work/main/.venv/bin/python
DATA=$NEW/datasets/retail_transactions.csv.gz
WORK=$(mktemp -d)
cd "$WORK"
for i in $(seq "$PAIRS"); do
  for v in old new; do
    if [ $v = old ]; then PP=$OLD; else PP=$NEW; fi
    s=$(date +%s.%N)
    PYTHONPATH=$PP "$PY" -m crmlab.cli report "$DATA" -o "$WORK/$v.html" >/dev/null 2>&1
    e=$(date +%s.%N)
    echo "$v $(echo "$e - $s" | bc)"
  done
done > times.txt
"$PY" - <<'EOF'
import statistics
t = {"old": [], "new": []}
for line in open("times.txt"):
    k, v = line.split()
    t[k].append(float(v))
old, new = statistics.median(t["old"]), statistics.median(t["new"])
print("old:", " ".join(f"{x:.2f}" for x in t["old"]))
print("new:", " ".join(f"{x:.2f}" for x in t["new"]))
print(f"median old {old:.2f} s, new {new:.2f} s: {old / new:.2f}x faster "
      f"({len(t['new'])} pairs)")
EOF
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -rf "$WORK"
