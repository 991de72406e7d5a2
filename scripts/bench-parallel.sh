#!/usr/bin/env bash
# Load figure for `wipe --parallel N` (issue 6): 8 devices at once next to one device alone.
#
#   sudo scripts/bench-parallel.sh      # bench.sh calls it; CLEANSLATE_BENCH_ROUNDS=3 by default
#
# 8 loop devices over 256 MiB images in /dev/shm (CLEANSLATE_BENCH_PARALLEL_MIB, _DEVICES), then per
# round, alternating: `cleanslate wipe L --method zero --yes --json --scan none` on the first device
# alone, the same command on all 8 with --parallel 8, and on all 8 with --parallel 1; then the same
# three with the default full scan. Every run must PASS with a certificate.
# Aggregate MB/s = bytes wiped (devices × size) / wall time of the whole command (Node start-up, key
# load, audit fsyncs and certificates included); "in-run" = the same bytes / (last endedAt − first
# startedAt of the JSON reports), without start-up. Medians of the rounds; peak RSS by /usr/bin/time.
# Writes markdown to stdout and bench-results/parallel.md. Needs root (losetup). Only the images and
# loop devices made here are touched; all are detached/removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${CLEANSLATE_BENCH_ROUNDS:-3}
SIZE_MIB=${CLEANSLATE_BENCH_PARALLEL_MIB:-256}
DEVICES=${CLEANSLATE_BENCH_PARALLEL_DEVICES:-8}

# shellcheck source=scripts/lib/cleanup.sh
source "$ROOT/scripts/lib/cleanup.sh"

die() { echo "bench-parallel.sh: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "needs root (losetup)"
cd "$ROOT"
if [[ ${CLEANSLATE_BENCH_SKIP_INSTALL:-0} != 1 ]]; then
  # shellcheck source=scripts/lib/install.sh
  source scripts/lib/install.sh
  install_system_packages time
  install_node_packages
  npm run --silent build
fi
[[ -n ${CLEANSLATE_HOME:-} ]] || { CLEANSLATE_HOME=$(mktemp -d /tmp/cleanslate-bench-state.XXXXXX); DIRS+=("$CLEANSLATE_HOME"); }
export CLEANSLATE_HOME

SHM=$(mktemp -d /dev/shm/cleanslate-bench-parallel.XXXXXX)
DIRS+=("$SHM")
DEVS=()
for i in $(seq 1 "$DEVICES"); do
  truncate -s "${SIZE_MIB}M" "$SHM/disk$i.img"
  loop=$(losetup --show --find "$SHM/disk$i.img")
  LOOPS+=("$loop")
  DEVS+=("$loop")
done
echo "warming up ${DEVS[*]} (${SIZE_MIB} MiB images in $SHM) ..." >&2
for dev in "${DEVS[@]}"; do dd if=/dev/zero of="$dev" bs=4M count=$((SIZE_MIB / 4)) oflag=direct status=none; done

RESULTS=$SHM/results.tsv # label \t devices \t seconds \t inRunSeconds \t maxRssBytes
: >"$RESULTS"
now() { date +%s.%N; }

run() { # LABEL SCAN PARALLEL DEVICE... -> one line in RESULTS
  local label=$1 scan=$2 parallel=$3 start end
  shift 3
  start=$(now)
  /usr/bin/time -f '%M' -o "$SHM/rss" node bin/cleanslate.js wipe "$@" --method zero --parallel "$parallel" \
    --yes --json --progress none --scan "$scan" >"$SHM/out.json"
  end=$(now)
  python3 - "$SHM/out.json" "$label" "$#" "$start" "$end" "$SHM/rss" >>"$RESULTS" <<'PY'
import json, sys
from datetime import datetime
path, label, n, start, end, rss = sys.argv[1:]
doc = json.load(open(path))
reports = doc['reports'] if 'reports' in doc else [doc]
assert len(reports) == int(n), (len(reports), n)
for r in reports:
    assert r.get('result') == 'PASS' and r.get('certificate'), r
t = lambda s: datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()
in_run = max(t(r['endedAt']) for r in reports) - min(t(r['startedAt']) for r in reports)
print(f"{label}\t{n}\t{float(end) - float(start):.3f}\t{in_run:.3f}\t{int(open(rss).read().split()[-1]) * 1024}")
PY
}

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS ..." >&2
  for scan in none full; do
    run "single-$scan" "$scan" 1 "${DEVS[0]}"
    run "parallel-$scan" "$scan" "$DEVICES" "${DEVS[@]}"
    run "serial-$scan" "$scan" 1 "${DEVS[@]}"
  done
done

REPORT=$(python3 - "$RESULTS" "$ROUNDS" "$SIZE_MIB" "$DEVICES" "$(nproc)" "$(uname -r)" "$(node --version)" <<'PY'
import os, statistics, sys
path, rounds, size_mib, devices, cores, kernel, node = sys.argv[1:]
size = int(size_mib) * 2**20
rows = {}
for line in open(path):
    label, n, secs, in_run, rss = line.rstrip('\n').split('\t')
    rows.setdefault(label, []).append((int(n), float(secs), float(in_run), int(rss)))
def stats(label):
    runs = rows[label]
    n = runs[0][0]
    wall = [n * size / s / 1e6 for _, s, _, _ in runs]
    inrun = [n * size / r / 1e6 for _, _, r, _ in runs]
    return {
        'n': n,
        'secs': statistics.median(s for _, s, _, _ in runs),
        'wall': statistics.median(wall),
        'inrun': statistics.median(inrun),
        'walls': ', '.join(f'{w:.0f}' for w in wall),
        'rss': max(r for *_, r in runs) / 2**20,
    }
out = [
    f"# cleanslate wipe --parallel {devices}: load figure",
    "",
    f"{devices} loop devices over {size_mib} MiB images in /dev/shm; `cleanslate wipe ... --method zero --yes --json "
    f"--progress none` with `--scan none` and with the default full scan (which is also the verification); "
    f"{rounds} rounds alternating the rows, medians; {cores} cores (nproc), kernel {kernel}, Node {node}, "
    f"UV_THREADPOOL_SIZE={os.environ.get('UV_THREADPOOL_SIZE', '(unset: bin/cleanslate.js sizes it from --parallel)')}.",
    "MB/s = bytes wiped (devices × size) / wall time of the command (Node start-up, key load, audit fsyncs and "
    "certificates included); in-run = the same bytes / (last endedAt − first startedAt in the reports).",
    "",
    "| scan | run | devices | wall s | MB/s (median) | runs MB/s | in-run MB/s | vs 1 device | peak RSS MiB |",
    "|---|---|---:|---:|---:|---|---:|---:|---:|",
]
for scan in ('none', 'full'):
    single = stats(f'single-{scan}')
    for label, what in ((f'single-{scan}', '1 device'), (f'parallel-{scan}', f'--parallel {devices}'), (f'serial-{scan}', '--parallel 1 (one after another)')):
        s = stats(label)
        out.append(
            f"| {scan} | {what} | {s['n']} | {s['secs']:.2f} | {s['wall']:.0f} | {s['walls']} | {s['inrun']:.0f} | "
            f"{s['wall'] / single['wall']:.2f}× | {s['rss']:.0f} |"
        )
print('\n'.join(out))
PY
)
mkdir -p bench-results
printf '%s\n' "$REPORT" | tee bench-results/parallel.md
