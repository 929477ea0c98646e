#!/usr/bin/env bash
# Benchmark `homeward indicators` beside the pandas peer (benchmarks/peer_pandas.py).
#
#   benchmarks/run.sh            # from anywhere; runs in the repository root
#
# Generates 2.35 million episodes once (benchmarks/data, skipped when present), then runs
# homeward N_HOMEWARD times, benchmarks/floor_read.py (reading both files, nothing else)
# N_HOMEWARD times and the peer N_PEER times, each under `/usr/bin/time -v`, and
# reports the median wall time, the peak resident memory, the speed-up, and whether the two
# outputs are identical (benchmarks/compare.py). Results go to benchmarks/out/results.txt.
# Environment: EPISODES (2350000), SEED (1), N_HOMEWARD (5), N_PEER (3), PYTHON (.venv/bin/python),
# DATA (benchmarks/data), OUT (benchmarks/out).
set -euo pipefail

cd "$(dirname "$0")/.."
EPISODES=${EPISODES:-2350000}
SEED=${SEED:-1}
N_HOMEWARD=${N_HOMEWARD:-5}
N_PEER=${N_PEER:-3}
PYTHON=${PYTHON:-.venv/bin/python}
HOMEWARD=${HOMEWARD:-.venv/bin/homeward}
DATA_GIVEN=${DATA:-}
DATA=${DATA:-benchmarks/data}
OUT=${OUT:-benchmarks/out}
TIME=/usr/bin/time

[ -x "$TIME" ] || { echo "run.sh: $TIME (GNU time) is required" >&2; exit 2; }
mkdir -p "$OUT"

# The data are made once and reused while the generator and its arguments are unchanged:
# a stamp records both (with a digest of the generator's source), so that a changed
# generator regenerates them. A DATA directory of your own without a stamp is used as is.
STAMP="$DATA/.generated"
WANT_STAMP="synth --episodes $EPISODES --seed $SEED; generator $(
    cat homeward/synth/*.py homeward/standards/*.py | sha256sum | cut -c1-16)"
reuse=no
if [ -s "$DATA/episodes.csv" ] && [ -s "$DATA/interviews.csv" ]; then
    if [ -f "$STAMP" ]; then
        if [ "$(cat "$STAMP")" = "$WANT_STAMP" ]; then reuse=yes; fi
    elif [ -n "$DATA_GIVEN" ]; then
        reuse=yes
    fi
fi
if [ "$reuse" = yes ]; then
    echo "data: $DATA already present, not regenerated"
else
    echo "data: generating $EPISODES episodes (seed $SEED) into $DATA"
    "$HOMEWARD" synth --episodes "$EPISODES" --seed "$SEED" --out "$DATA"
    echo "$WANT_STAMP" > "$STAMP"
fi
EPISODE_ROWS=$(($(wc -l < "$DATA/episodes.csv") - 1))
INTERVIEW_ROWS=$(($(wc -l < "$DATA/interviews.csv") - 1))
echo "data: $EPISODE_ROWS episodes, $INTERVIEW_ROWS interviews"
DATA_DIGEST=$(cat "$DATA/episodes.csv" "$DATA/interviews.csv" | sha256sum | cut -c1-16)
SOURCE=$(git rev-parse --short HEAD 2>/dev/null || echo "no git")
if [ -n "$(git status --porcelain -- homeward 2>/dev/null)" ]; then
    SOURCE="$SOURCE + uncommitted changes in homeward/"
fi

# Read both files once so every timed run starts with them in the page cache.
cat "$DATA/episodes.csv" "$DATA/interviews.csv" > /dev/null

rm -f "$OUT"/time_*.txt
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cpu_busy() {  # busy CPU seconds of the whole machine since boot, from /proc/stat
    awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8+$9)/hz; exit}' /proc/stat
}
busy_before=$(cpu_busy)
start_time=$(date +%s.%N)

timed() {  # timed NAME RUN COMMAND...: one run under /usr/bin/time -v
    local name=$1 run=$2
    shift 2
    "$TIME" -v -o "$OUT/time_${name}_${run}.txt" "$@" > "$OUT/log_${name}_${run}.txt" 2>&1 || {
        echo "run.sh: $name run $run failed:" >&2
        cat "$OUT/log_${name}_${run}.txt" "$OUT/time_${name}_${run}.txt" >&2
        exit 1
    }
    printf '  %s run %d: %s s, %s kB\n' "$name" "$run" \
        "$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$OUT/time_${name}_${run}.txt")" \
        "$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time_${name}_${run}.txt")"
}

echo "homeward indicators: $N_HOMEWARD runs"
for run in $(seq 1 "$N_HOMEWARD"); do
    timed homeward "$run" "$HOMEWARD" indicators "$DATA/episodes.csv" "$DATA/interviews.csv" \
        --out "$OUT/homeward.csv"
done
echo "floor (Python + Polars + reading both files as text): $N_HOMEWARD runs"
for run in $(seq 1 "$N_HOMEWARD"); do
    timed floor "$run" "$PYTHON" benchmarks/floor_read.py "$DATA/episodes.csv" "$DATA/interviews.csv"
done
echo "pandas peer: $N_PEER runs"
for run in $(seq 1 "$N_PEER"); do
    timed peer "$run" "$PYTHON" benchmarks/peer_pandas.py "$DATA/episodes.csv" \
        "$DATA/interviews.csv" --out "$OUT/peer.csv"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
busy_after=$(cpu_busy)
end_time=$(date +%s.%N)

set +e
compare_output=$("$PYTHON" benchmarks/compare.py "$OUT/homeward.csv" "$OUT/peer.csv")
compare_status=$?
set -e

LOAD_BEFORE=$load_before LOAD_AFTER=$load_after COMPARE_STATUS=$compare_status \
EPISODE_ROWS=$EPISODE_ROWS INTERVIEW_ROWS=$INTERVIEW_ROWS OUT=$OUT \
DATA_DIGEST=$DATA_DIGEST SOURCE=$SOURCE BUSY_BEFORE=$busy_before BUSY_AFTER=$busy_after \
START=$start_time END=$end_time \
"$PYTHON" - <<'PY' | tee "$OUT/results.txt"
import glob, os, platform, re, statistics

out = os.environ["OUT"]


def seconds(text: str) -> float:
    """`h:mm:ss` or `m:ss.ss` from GNU time as seconds."""
    total = 0.0
    for part in text.split(":"):
        total = total * 60 + float(part)
    return total


def runs(name: str) -> list[tuple[float, int, float]]:
    """(wall seconds, max RSS kB, CPU seconds = user + system) of each run."""
    found = []
    for path in sorted(glob.glob(f"{out}/time_{name}_*.txt")):
        text = open(path).read()
        wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", text).group(1)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): (\S+)", text))
        found.append((seconds(wall), int(rss), cpu))
    return found


def cpu_model() -> str:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def mem_total() -> str:
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    return "unknown"


import numpy, pandas, polars  # noqa: E402  (versions for the record)

hw, peer, floor = runs("homeward"), runs("peer"), runs("floor")
hw_wall = statistics.median(w for w, _, _ in hw)
peer_wall = statistics.median(w for w, _, _ in peer)
hw_rss = max(r for _, r, _ in hw) / 1024
speedup = peer_wall / hw_wall
identical = os.environ["COMPARE_STATUS"] == "0"

print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), {mem_total()} RAM")
print(f"python {platform.python_version()}, polars {polars.__version__}, "
      f"pandas {pandas.__version__}, numpy {numpy.__version__}")
print(f"data: {int(os.environ['EPISODE_ROWS']):,} episodes, "
      f"{int(os.environ['INTERVIEW_ROWS']):,} interviews (sha256 {os.environ['DATA_DIGEST']}…)")
print(f"homeward source: {os.environ['SOURCE']}")
print(f"load average (1, 5, 15 min): before {os.environ['LOAD_BEFORE']}, "
      f"after {os.environ['LOAD_AFTER']}")
# Machine-wide busy CPU time during all the runs minus the runs' own: what others used.
busy = float(os.environ["BUSY_AFTER"]) - float(os.environ["BUSY_BEFORE"])
others = busy - sum(c for _, _, c in hw + peer + floor)
elapsed = float(os.environ["END"]) - float(os.environ["START"])
print(f"CPU used by other processes during the runs: {max(others, 0):.1f} s in {elapsed:.0f} s "
      f"(on average {max(others, 0) / elapsed:.2f} of a core)")
print()
print(f"{'':10} {'runs':>4} {'median wall s':>13} {'min':>6} {'max':>6} "
      f"{'median CPU s':>12} {'peak RSS MiB':>12}")
for name, rows in (("homeward", hw), ("peer", peer), ("floor", floor)):
    walls = [w for w, _, _ in rows]
    print(f"{name:10} {len(rows):>4} {statistics.median(walls):>13.2f} {min(walls):>6.2f} "
          f"{max(walls):>6.2f} {statistics.median(c for _, _, c in rows):>12.2f} "
          f"{max(r for _, r, _ in rows) / 1024:>12.0f}")
print("(CPU s = user + system time of the process; it moves less with other load than wall)")
print(f"\nspeed-up (median peer / median homeward): {speedup:.1f}x")
print()
print(f"target wall <= 3 s:        {'met' if hw_wall <= 3 else 'NOT met'} ({hw_wall:.2f} s)")
print(f"target peak RSS <= 1 GB:   {'met' if hw_rss * 1024**2 <= 1e9 else 'NOT met'} "
      f"({hw_rss:.0f} MiB = {hw_rss * 1024**2 / 1e9:.2f} GB)")
print(f"target >= 10x the peer:    {'met' if speedup >= 10 else 'NOT met'} ({speedup:.1f}x)")
print(f"target identical output:   {'met' if identical else 'NOT met'}")
floor_wall = statistics.median(w for w, _, _ in floor)
print()
print(f"floor (start, import Polars, read both files as text, nothing else): {floor_wall:.2f} s;")
print(f"10x the peer leaves {peer_wall / 10 - floor_wall:.2f} s above the floor for checking, "
      f"linking, the 12 clocks, the counts, the quality report and writing")
PY
echo
echo "$compare_output"
exit "$compare_status"
