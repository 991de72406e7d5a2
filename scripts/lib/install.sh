# Shared install steps for scripts/test.sh, scripts/demo.sh and scripts/bench.sh.
# System tools cleanslate and its tests call: util-linux (losetup, lsblk, blockdev), e2fsprogs
# (mkfs.ext4 -d), fdisk (sfdisk), dmsetup; the scanner's fixtures are made by the real tools of
# each format (mkfs.*, cryptsetup, make-bcache, ImageMagick, archivers, sqlite3, openssl, ssh-keygen).
# The benchmark adds nwipe, time, testdisk (PhotoRec) and binwalk. The fleet-ledger tests run a
# throw-away PostgreSQL server from Debian's postgresql package (scripts/lib/postgres.sh).

SYSTEM_PACKAGES=(
  util-linux fdisk e2fsprogs dmsetup coreutils diffutils jq openssl
  xfsprogs btrfs-progs dosfstools mtools exfatprogs ntfs-3g genisoimage f2fs-tools gdisk cryptsetup-bin
  bcache-tools imagemagick libtiff-tools zip gzip bzip2 xz-utils zstd p7zip-full tar sqlite3 openssh-client python3
  postgresql
)

# Installs missing Debian packages (as root); without root it only says what is missing.
install_system_packages() {
  local missing=() pkg
  for pkg in "${SYSTEM_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing Debian packages (install them as root): ${missing[*]}" >&2
    return 0
  fi
  echo "== apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm ci when node_modules is missing or older than the lock file.
install_node_packages() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "== npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  # npm ci builds the native AES-CTR addon (binding.gyp); build it when only node_modules was kept.
  if [[ ! -f build/Release/cleanslate_aes.node ]]; then
    echo "== native addon"
    npm run --silent build:native >/dev/null || echo "native AES addon not built: random passes use node:crypto (slower)" >&2
  fi
}
