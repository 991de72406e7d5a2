#!/usr/bin/env bash
# Engine benchmark against its peers (DESIGN §11), on loop devices over images this script creates.
#
#   sudo scripts/bench.sh            # 3 rounds; CLEANSLATE_BENCH_ROUNDS=5 for more
#
# In one run, alternating A B A B (medians of the rounds), on a loop device over a 2 GiB image in
# /dev/shm: dd write and read ceilings, shred -n1, nwipe zero, and the cleanslate engine's zero pass,
# random (AES-256-CTR) pass and verify read-backs, each from the JSON report of a real
# `cleanslate wipe --json` run (pass and verify rates as the report states them; peak RSS by /usr/bin/time).
# scripts/bench-engine.mjs drives dist/io directly, for tuning the engine alone.
# Then the engine's peak RSS on that device and on a 16 GiB sparse-backed device (image on disk).
# Writes a markdown report to stdout and to bench-results/engine.md. Needs root (losetup).
# Then the load figure of `wipe --parallel 8` on 8 devices next to one device (scripts/bench-parallel.sh,
# bench-results/parallel.md; CLEANSLATE_BENCH_PARALLEL=0 skips it) and the scanner benchmark.
# Only the loop devices and images created here are touched; all are detached/removed on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${CLEANSLATE_BENCH_ROUNDS:-3}
SIZE_MIB=${CLEANSLATE_BENCH_SIZE_MIB:-2048}
BIG_GIB=${CLEANSLATE_BENCH_BIG_GIB:-16}
BIG_DIR_PARENT=${CLEANSLATE_BENCH_BIG_DIR:-/var/tmp}
export UV_THREADPOOL_SIZE=${UV_THREADPOOL_SIZE:-16}

# shellcheck source=scripts/lib/cleanup.sh
source "$ROOT/scripts/lib/cleanup.sh"

die() { echo "bench.sh: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "needs root (losetup)"

cd "$ROOT"
# shellcheck source=scripts/lib/install.sh
source scripts/lib/install.sh
install_system_packages nwipe time testdisk binwalk
install_node_packages
npm run --silent build
export CLEANSLATE_HOME=$(mktemp -d /tmp/cleanslate-bench-state.XXXXXX)
DIRS+=("$CLEANSLATE_HOME")

attach() { # attach IMAGE [losetup options...] -> sets ATTACHED=/dev/loopN (no subshell: LOOPS must see it)
  ATTACHED=$(losetup --show --find "${@:2}" "$1")
  LOOPS+=("$ATTACHED")
}
now() { date +%s.%N; }

SHM=$(mktemp -d /dev/shm/cleanslate-bench.XXXXXX)
DIRS+=("$SHM")
truncate -s "${SIZE_MIB}M" "$SHM/disk.img"
attach "$SHM/disk.img"
LOOP=$ATTACHED
BYTES=$((SIZE_MIB * 1024 * 1024))
NWIPE=$(command -v nwipe || echo /usr/sbin/nwipe)
COUNT=$((SIZE_MIB / 4))

RESULTS=$SHM/results.tsv # op \t MB/s \t maxRssBytes
: >"$RESULTS"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$RESULTS"; }
rate() { python3 -c "import sys; print(round($1 / ($2) / 1e6))"; }

dd_rate() { # dd args... -> MB/s from dd's own summary line (bytes / seconds)
  local line
  line=$(dd "$@" 2>&1 | tail -n 1)
  python3 -c "import re,sys; m=re.match(r'(\d+) bytes .* copied, ([0-9.]+) s', sys.argv[1]); print(round(int(m[1]) / float(m[2]) / 1e6))" "$line"
}
wall_rate() { # command... -> MB/s of BYTES over its wall time
  local start end
  start=$(now)
  "$@" >/dev/null 2>&1
  end=$(now)
  rate "$BYTES" "$end - $start"
}
cli_wipe() { # method target -> "passMB/s verifyMB/s maxRssBytes" of one `cleanslate wipe --json` run
  local json
  json=$(/usr/bin/time -f '%M' -o "$SHM/rss" node bin/cleanslate.js wipe "$2" --method "$1" --yes --json --progress none)
  python3 -c "
import json, sys
d = json.loads(sys.argv[1]); assert d['result'] == 'PASS', d
print(round(d['passes'][-1]['bytesPerSecond'] / 1e6), round(d['verification']['passes'][-1]['bytesPerSecond'] / 1e6), int(open(sys.argv[2]).read().split()[-1]) * 1024)
" "$json" "$SHM/rss"
}

echo "warming up $LOOP (${SIZE_MIB} MiB image in $SHM) ..." >&2
dd if=/dev/zero of="$LOOP" bs=4M count="$COUNT" oflag=direct status=none

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS ..." >&2
  record dd-write "$(dd_rate if=/dev/zero of="$LOOP" bs=4M count="$COUNT" oflag=direct)"
  read -r mbs vmbs rss <<<"$(cli_wipe zero "$LOOP")"; record cs-zero "$mbs" "$rss"; record cs-verify-zero "$vmbs" "$rss"
  record dd-read "$(dd_rate if="$LOOP" of=/dev/null bs=4M iflag=direct)"
  record shred "$(wall_rate shred -n1 "$LOOP")"
  read -r mbs vmbs rss <<<"$(cli_wipe random "$LOOP")"; record cs-random "$mbs" "$rss"; record cs-verify-random "$vmbs" "$rss"
  record nwipe "$(cd "$SHM" && wall_rate "$NWIPE" --nogui --autonuke --nowait --method=zero --verify=off --noblank "$LOOP")"
done

# Peak RSS on a 16 GiB device backed by a sparse image on disk: a full verify, then a full zero pass.
echo "peak RSS on a ${BIG_GIB} GiB sparse-backed device ..." >&2
BIG=$(mktemp -d "$BIG_DIR_PARENT/cleanslate-bench.XXXXXX")
DIRS+=("$BIG")
truncate -s "${BIG_GIB}G" "$BIG/big.img"
attach "$BIG/big.img" --direct-io=on
BIG_LOOP=$ATTACHED
start=$(now)
# The whole job as a user runs it: a zero pass over every block, then the verify read-back.
read -r big_zero_mbs big_verify_mbs big_zero_rss <<<"$(cli_wipe zero "$BIG_LOOP")"
big_verify_rss=$big_zero_rss
big_seconds=$(python3 -c "print(round($(now) - $start, 1))")

AES_BACKEND=$(node --input-type=module -e "import('./dist/io/index.js').then((m) => console.log(m.aesBackend()))")
export AES_BACKEND
REPORT=$(python3 - "$RESULTS" "$ROUNDS" "$SIZE_MIB" "$(nproc)" "$BIG_GIB" "$big_zero_mbs" "$big_zero_rss" "$big_verify_mbs" "$big_verify_rss" "$big_seconds" "$(uname -r)" "$(node --version)" <<'PY'
import statistics, sys
path, rounds, size_mib, cores, big_gib, bz_mbs, bz_rss, bv_mbs, bv_rss, big_s, kernel, node = sys.argv[1:]
rows = {}
rss = []
for line in open(path):
    op, mbs, peak = (line.rstrip('\n').split('\t') + [''])[:3]
    rows.setdefault(op, []).append(int(mbs))
    if peak:
        rss.append(int(peak))
med = {op: statistics.median(v) for op, v in rows.items()}
def ratio(a, b): return f"{med[a] / med[b]:.2f}" if a in med and b in med and med[b] else "n/a"
table = [
    ("dd bs=4M oflag=direct (zeros, write ceiling)", "dd-write", "1.00", ""),
    ("cleanslate zero pass", "cs-zero", ratio("cs-zero", "dd-write"), "goal ≥ 0.95"),
    ("cleanslate random pass (AES-256-CTR)", "cs-random", ratio("cs-random", "dd-write"), f"goal ≥ 0.85; vs shred -n1: {ratio('cs-random', 'shred')}×"),
    ("shred -n1", "shred", ratio("shred", "dd-write"), ""),
    ("nwipe --method=zero --verify=off", "nwipe", ratio("nwipe", "dd-write"), f"cleanslate zero vs nwipe: {ratio('cs-zero', 'nwipe')}×"),
    ("dd bs=4M iflag=direct (read ceiling)", "dd-read", "1.00", ""),
    ("cleanslate verify (zero pattern)", "cs-verify-zero", ratio("cs-verify-zero", "dd-read"), "goal ≥ 0.9"),
    ("cleanslate verify (AES-256-CTR regenerated)", "cs-verify-random", ratio("cs-verify-random", "dd-read"), ""),
]
out = [
    "# cleanslate engine benchmark",
    "",
    f"Loop device over a {size_mib} MiB image in /dev/shm; {rounds} rounds alternating the tools, medians; "
    f"{cores} cores (nproc), kernel {kernel}, Node {node}, UV_THREADPOOL_SIZE={__import__('os').environ.get('UV_THREADPOOL_SIZE')}, "
    f"GLIBC_TUNABLES={__import__('os').environ.get('GLIBC_TUNABLES', '(unset)')}, AES backend {__import__('os').environ.get('AES_BACKEND')}.",
    "dd and cleanslate rates use their own timers (cleanslate: the rates in its JSON report, each pass incl. fdatasync, without Node start-up); shred and nwipe are wall-clock.",
    "Write rows compare with dd's write, verify rows with dd's read.",
    "",
    "| operation | MB/s (median) | runs | ratio to dd | note |",
    "|---|---:|---|---:|---|",
]
for label, op, r, note in table:
    if op in med:
        out.append(f"| {label} | {med[op]:.0f} | {', '.join(map(str, rows[op]))} | {r} | {note} |")
out += [
    "",
    "| peak RSS of cleanslate | MiB | goal |",
    "|---|---:|---|",
    f"| {size_mib} MiB device, any operation above (max) | {max(rss) / 2**20:.0f} | < 150 |",
    f"| {big_gib} GiB sparse-backed device, `wipe --method zero` with verify (pass {bz_mbs} MB/s, verify {bv_mbs} MB/s) | {int(bz_rss) / 2**20:.0f} | < 150 |",
    "",
    f"The {big_gib} GiB runs took {big_s} s (image on disk, loop --direct-io=on).",
]
print("\n".join(out))
PY
)
mkdir -p bench-results
printf '%s\n' "$REPORT" | tee bench-results/engine.md

# 8 devices, --parallel 8: aggregate MB/s next to one device (bench-results/parallel.md);
# CLEANSLATE_BENCH_PARALLEL=0 skips it, CLEANSLATE_BENCH_PARALLEL_MIB sets the size of each device.
# UV_THREADPOOL_SIZE is left to bin/cleanslate.js, which sizes it from --parallel.
if [[ ${CLEANSLATE_BENCH_PARALLEL:-1} == 1 ]]; then
  cleanup
  unset CLEANSLATE_HOME
  env -u UV_THREADPOOL_SIZE CLEANSLATE_BENCH_SKIP_INSTALL=1 "$ROOT/scripts/bench-parallel.sh"
fi

# The scanner against PhotoRec and binwalk (bench-results/scan.md); CLEANSLATE_BENCH_SCAN=0 skips it.
if [[ ${CLEANSLATE_BENCH_SCAN:-1} == 1 ]]; then
  cleanup
  unset CLEANSLATE_HOME
  CLEANSLATE_BENCH_SKIP_INSTALL=1 "$ROOT/scripts/bench-scan.sh"
fi
