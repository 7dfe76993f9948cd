#!/usr/bin/env bash
# Fetch the Debian riscv64 user space of the application configurations
# (app-*, app/README.md) into the rvnest cache: busybox-static, rt-tests
# (hackbench) and qemu-system-riscv (Debian's QEMU, run in L1 with
# -accel kvm), with every package their Depends pull in.
#
# How: the private apt configuration of ci/private-apt.sh under
# $cache/apt-trixie-riscv64 (APT::Architecture "riscv64"), whose one source
# is trixie main for riscv64 at the archive URI the machine's own apt sources
# already use (ci/apt-uri.sh; no host is named here), signed by
# debian-archive-keyring. `apt-get update` checks the suite's signature;
# `apt-get install --download-only` resolves the dependency closure against
# the empty status and downloads it, each .deb checked against the signed
# index. Every .deb is then unpacked with `dpkg-deb -x` into one tree: no
# root, no maintainer scripts (app/README.md says why none are needed).
#
# Result, one directory per package set (key: suite, architecture, packages):
#   $cache/debian-riscv64/<key>/root          the unpacked tree
#   $cache/debian-riscv64/<key>/manifest.tsv  package, version, architecture,
#                                             SHA-256 of the .deb (sorted)
#   $cache/debian-riscv64/<key>/.complete
# The downloaded .debs are deleted once unpacked (the tree is the cache).
#
# usage: ci/debian-userspace.sh [--offline]
#   prints the entry's directory on its last line; a no-op (no network) when
#   the entry is complete. --offline: never fetch; fail with a message that
#   says to run `make deps` when the entry is not there (used by make).
# env:   RVNEST_CACHE (default ~/.cache/rvnest)
set -euo pipefail

die() {
	echo "debian-userspace: error: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
cache=${RVNEST_CACHE:-${HOME:?HOME is not set}/.cache/rvnest}
suite=trixie
arch=riscv64
packages=(busybox-static rt-tests qemu-system-riscv sysbench stress-ng memcached
	libmemcached-tools qbe)
offline=0
[ "${1:-}" != --offline ] || offline=1

key=$(printf '%s\n' "suite=$suite" "arch=$arch" "${packages[@]}" |
	sha256sum | cut -c1-16)
entry=$cache/debian-riscv64/$key
if [ -f "$entry/.complete" ] && [ -s "$entry/manifest.tsv" ] &&
	[ -d "$entry/root/usr" ]; then
	echo "$entry"
	exit 0
fi
[ $offline = 0 ] ||
	die "$entry is not there: run 'make deps' (it fetches Debian's riscv64 packages ${packages[*]})"

for tool in apt-get dpkg-deb sha256sum flock; do
	command -v "$tool" >/dev/null || die "'$tool' not found (Debian's apt and dpkg are needed)"
done
# shellcheck source=ci/private-apt.sh
. "$here/private-apt.sh"
private_apt_open "$cache/apt-$suite-$arch" "$suite" "$arch"
# Another run may have finished the entry while this one waited.
if [ -f "$entry/.complete" ]; then
	echo "$entry"
	exit 0
fi
private_apt_configure

echo "debian-userspace: updating the private apt lists for $suite/$arch ($apt_dir)" >&2
private_apt_update

archives=$apt_dir/cache/archives
rm -f "$archives"/*.deb
echo "debian-userspace: downloading ${packages[*]} with their dependencies" >&2
timeout 1800 apt-get "${apt_opts[@]}" install --download-only -y -q \
	"${packages[@]}" >"$apt_dir/download.log" 2>&1 || {
	tail -n 30 "$apt_dir/download.log" >&2
	die "apt-get install --download-only ${packages[*]} failed (see above)"
}
mapfile -t debs < <(find "$archives" -maxdepth 1 -name '*.deb' | LC_ALL=C sort)
[ ${#debs[@]} -gt 0 ] || die "apt left no .deb in $archives"

rm -rf "$entry" "$entry.tmp"
mkdir -p "$entry.tmp/root"
for deb in "${debs[@]}"; do
	dpkg-deb -x "$deb" "$entry.tmp/root" || die "dpkg-deb -x $deb failed"
	printf '%s\t%s\t%s\t%s\n' \
		"$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" \
		"$(dpkg-deb -f "$deb" Architecture)" \
		"$(sha256sum "$deb" | cut -d' ' -f1)"
done | LC_ALL=C sort >"$entry.tmp/manifest.tsv"
for p in "${packages[@]}"; do
	grep -q "^$p	" "$entry.tmp/manifest.tsv" || die "$p is not among the downloaded packages"
done
bytes=$(cat "${debs[@]}" | wc -c)
rm -f "${debs[@]}"
touch "$entry.tmp/.complete"
mv "$entry.tmp" "$entry"
echo "debian-userspace: ${#debs[@]} packages ($((bytes / 1000000)) MB of .deb) unpacked into $entry/root" >&2
echo "$entry"
