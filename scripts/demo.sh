#!/usr/bin/env bash
# The main job on a loop device this script creates: a 256 MiB image holding an ext4 filesystem
# with files is attached as /dev/loopN, scanned (residue found), wiped with cleanslate (DoD 3-pass,
# verified and scanned, with progress), certified, and the certificate is checked with cleanslate,
# with openssl alone, and by the reuse gate. Everything it creates is detached and removed at the end, also on failure.
# Needs root (losetup). Usage: ./scripts/demo.sh [--method ID]
set -euo pipefail
cd "$(dirname "$0")/.."
METHOD=dod-3
[[ ${1:-} == --method ]] && METHOD=${2:?--method needs an id}

if [[ $(id -u) -ne 0 ]]; then
  echo "demo.sh needs root to attach a loop device (try: sudo $0)" >&2
  exit 1
fi

# shellcheck source=scripts/lib/install.sh
source scripts/lib/install.sh
install_system_packages
install_node_packages
echo "== build"; npm run --silent build

work=$(mktemp -d /tmp/cleanslate-demo.XXXXXX)
loop=""
cleanup() {
  local status=$?
  [[ -n $loop ]] && losetup -d "$loop" 2>/dev/null || true
  rm -rf "$work"
  ((status == 0)) || echo "demo failed (exit $status); loop device detached, $work removed" >&2
}
trap cleanup EXIT INT TERM

export CLEANSLATE_HOME="$work/state"
echo "== a 256 MiB image with an ext4 filesystem and some files"
mkdir -p "$work/files/docs"
printf 'Quarterly numbers for tenant 42\ncontact: alice@example.com\n' >"$work/files/docs/report.txt"
openssl genpkey -algorithm ed25519 -out "$work/files/docs/tenant-key.pem" 2>/dev/null
head -c 3M /dev/urandom >"$work/files/blob.bin"
for i in $(seq 1 20); do echo "customer record $i" >"$work/files/docs/record-$i.txt"; done
truncate -s 256M "$work/disk.img"
mkfs.ext4 -q -F -L tenant-data -d "$work/files" "$work/disk.img"
loop=$(losetup --show --find "$work/disk.img")
echo "attached $loop"
blkid "$loop" || true

echo
echo "== cleanslate scan $loop   (before: what a returned volume still holds; exit 1 = residue)"
set +e
node bin/cleanslate.js scan "$loop" --progress none
status=$?
set -e
((status == 1)) || { echo "expected the scan to find residue (exit 1), got $status" >&2; exit 1; }

echo
echo "== cleanslate wipe $loop --method $METHOD --yes   (passes, a full residual scan, a signed certificate)"
node bin/cleanslate.js wipe "$loop" --method "$METHOD" --yes --progress tty --operator demo --tenant tenant-42 \
  --cert-dir "$work/certs"
cert=$(ls "$work"/certs/*.cert.json)

echo
echo "== cleanslate cert verify   (the host key of the state directory)"
node bin/cleanslate.js cert verify "$cert"

echo
echo "== openssl alone: rebuild the DSSE pre-authentication encoding and check the Ed25519 signature"
jq -r .payload "$cert" | base64 -d >"$work/body.bin"
type=$(jq -r .payloadType "$cert")
{ printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(stat -c %s "$work/body.bin")"; cat "$work/body.bin"; } >"$work/pae.bin"
jq -r '.signatures[0].sig' "$cert" | base64 -d >"$work/sig.bin"
openssl pkeyutl -verify -pubin -inkey "$CLEANSLATE_HOME/keys/cleanslate-signing.pub" -rawin -in "$work/pae.bin" \
  -sigfile "$work/sig.bin"

echo
echo "== cleanslate gate $loop --cert …   (may it go to the next tenant?)"
node bin/cleanslate.js gate "$loop" --cert "$cert"

echo
echo "== cleanslate audit verify"
node bin/cleanslate.js audit verify

echo
echo "== cleanslate scan $loop   (after: blank or random-looking blocks only)"
node bin/cleanslate.js scan "$loop" --progress none

echo
echo "== after the wipe"
if blkid -p "$loop" >/dev/null 2>&1; then echo "blkid still finds a signature!" >&2; exit 1; fi
echo "blkid: no signature left on $loop"
if grep -qa 'alice@example.com' "$loop"; then echo "file content survived!" >&2; exit 1; fi
echo "grep: no trace of the files' content"
echo
echo "demo OK"
