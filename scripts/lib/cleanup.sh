# Shared by the bench scripts: every loop device and directory they create is recorded here and
# detached / removed on exit, also on failure or interruption.
LOOPS=()
DIRS=()

# Detaches the recorded loop devices (retrying while the kernel still holds one) and removes the
# recorded directories.
cleanup() {
  local loop dir
  for loop in "${LOOPS[@]}"; do
    [[ -n $loop ]] || continue
    for _ in 1 2 3 4 5 6 7 8 9 10; do losetup -d "$loop" 2>/dev/null && break; sleep 0.2; done
  done
  for dir in "${DIRS[@]}"; do rm -rf -- "$dir"; done
  LOOPS=()
  DIRS=()
}
trap cleanup EXIT
trap 'exit 130' INT TERM
