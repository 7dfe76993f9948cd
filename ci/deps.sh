#!/usr/bin/env bash
# Install every Debian package rvnest needs, idempotently.
#
# QEMU 10 and OpenSBI 1.5 come from bookworm-backports. When that suite is not
# configured, it is added with the archive URI that the machine's existing apt
# sources already use for the main suite; no archive host is named here.
set -euo pipefail

# package -> a file or command that proves it is installed (fast path)
PKGS=(
  qemu-system-riscv
  opensbi
  gcc-riscv64-unknown-elf
  picolibc-riscv64-unknown-elf
  gcc-riscv64-linux-gnu
  libc6-dev-riscv64-cross
  device-tree-compiler
  linux-source-6.12
  python3-pytest
  python3-matplotlib
  python3-jsonschema
  python3-pandas
  python3-pytest-xdist
  lcov
  gdb-multiarch
  flex
  bison
  bc
  cpio
  gzip
  make
  gcc
  xz-utils
  clang-format
  # make fuzz: clang 14 with libFuzzer, ASan and UBSan (the runtimes,
  # libFuzzer's included, are in libclang-rt-14-dev)
  clang-14
  libclang-rt-14-dev
  # make fuzz-coverage: llvm-profdata-14, llvm-cov-14
  llvm-14
  # the app-* configurations (app/README.md): L2's ext4 disk (mke2fs -d,
  # debugfs) and the ELF closure of Debian's QEMU (readelf)
  e2fsprogs
  binutils
)
BACKPORTS=(qemu-system-riscv opensbi linux-source-6.12)

die() { echo "deps: error: $*" >&2; exit 1; }
SUDO=
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: cannot install packages"
  SUDO=sudo
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

need_qemu_upgrade=0
if command -v qemu-system-riscv64 >/dev/null; then
  v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
  [ "${v:-0}" -ge 10 ] || need_qemu_upgrade=1
fi
need_sbi_upgrade=0
if dpkg-query -W -f='${Version}' opensbi >/dev/null 2>&1; then
  dpkg --compare-versions "$(dpkg-query -W -f='${Version}' opensbi)" ge 1.5 || need_sbi_upgrade=1
fi

# debian-archive-keyring before 2023.3+deb12u2 has no trixie key, which
# ci/linux-src.sh needs to verify trixie-backports.
need_keyring_upgrade=0
[ -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] || need_keyring_upgrade=1

# Linux 7.3 (the L1 and L2 kernel of the kvm-* and linux-* configurations)
# comes from trixie-backports through a private apt configuration in the
# cache, never installed and never added to the machine's apt sources; a
# no-op when it is already there (ci/linux-src.sh).
fetch_linux7() {
  bash "$(dirname "$0")/linux-src.sh"
  # and the Debian riscv64 user space of the app-* configurations, into
  # the same cache (a no-op when it is there)
  bash "$(dirname "$0")/debian-userspace.sh" >/dev/null
}

if [ ${#missing[@]} -eq 0 ] && [ $need_qemu_upgrade = 0 ] && [ $need_sbi_upgrade = 0 ] &&
  [ $need_keyring_upgrade = 0 ]; then
  fetch_linux7
  exit 0
fi
echo "deps: installing: ${missing[*]:-} $( [ $need_qemu_upgrade = 1 ] && echo '(qemu upgrade)') $( [ $need_sbi_upgrade = 1 ] && echo '(opensbi upgrade)') $( [ $need_keyring_upgrade = 1 ] && echo '(debian-archive-keyring upgrade)')"

# archive_uri: the URI the machine already uses for a suite (ci/apt-uri.sh).
# shellcheck source=ci/apt-uri.sh
. "$(dirname "$0")/apt-uri.sh"

release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$release" ] || die "cannot tell the Debian release from /etc/os-release"

if ! grep -rqs -- "${release}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  uri=$(archive_uri "$release" | head -n1)
  [ -n "$uri" ] || die "no apt source for '$release' found to derive the ${release}-backports URI from; add ${release}-backports to apt by hand"
  echo "deps: adding ${release}-backports from the archive already configured"
  $SUDO tee /etc/apt/sources.list.d/rvnest-backports.sources >/dev/null <<SRC
Types: deb
URIs: $uri
Suites: ${release}-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/tmp/rvnest-apt-update.log 2>&1 || { cat /tmp/rvnest-apt-update.log >&2; die "apt-get update failed (is the package archive reachable?)"; }

bp=()
rest=()
for p in "${PKGS[@]}"; do
  if [[ " ${BACKPORTS[*]} " == *" $p "* ]]; then bp+=("$p"); else rest+=("$p"); fi
done
# Name the packages apt cannot find (no candidate in any configured suite),
# so a failure says which one is missing rather than listing them all.
unavailable() {
  local p missing_now=()
  for p in "$@"; do
    apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]' || missing_now+=("$p")
  done
  echo "${missing_now[*]}"
}
install_or_die() { # suite-label, apt-get options..., -- packages...
  local label=$1; shift
  local opts=() pkgs
  while [ "$1" != -- ]; do opts+=("$1"); shift; done; shift
  $SUDO apt-get install -y -q --no-install-recommends "${opts[@]}" "$@" && return 0
  pkgs=$(unavailable "$@")
  if [ -n "$pkgs" ]; then
    die "package(s) not available from $label: $pkgs"
  fi
  die "apt-get install from $label failed (see apt's message above); packages: $*"
}
[ $need_keyring_upgrade = 0 ] || rest+=(debian-archive-keyring)
install_or_die "$release" -- "${rest[@]}"
install_or_die "${release}-backports" -t "${release}-backports" -- "${bp[@]}"

v=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
[ "${v:-0}" -ge 10 ] || die "qemu-system-riscv64 is version $v after install; rvnest needs QEMU 10 (bookworm-backports)"
fetch_linux7
echo "deps: done"
