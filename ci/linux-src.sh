#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3 (from the trixie-backports suite) into the
# rvnest cache, without installing anything from trixie and without touching
# the machine's apt configuration.
#
# How: the private apt configuration of ci/private-apt.sh under
# $cache/apt-trixie (its own sources list, state, lists and archive cache,
# an empty dpkg status), whose one source is trixie-backports at the archive
# URI the machine's own apt sources already use for its release
# (ci/apt-uri.sh; no host is named here), signed by
# debian-archive-keyring. `apt-get update` then verifies the
# suite's Release signature as usual and `apt-get download` checks the .deb
# against the signed index. The package is architecture-independent (one
# tarball in /usr/src), so `dpkg-deb -x` unpacks it into the cache.
#
# If the suite no longer has linux-source-7.3, the newest linux-source-7.*
# is taken instead and one line says so.
#
# Result: $cache/linux-source-7/info, a shell fragment read by linux/build.sh:
#   package=linux-source-7.3  version=<Debian version>  tarball=<path>
# A no-op (no network) when that file and its tarball are present.
#
# usage: ci/linux-src.sh           env: RVNEST_CACHE (default ~/.cache/rvnest)
set -euo pipefail

die() {
	echo "linux-src: error: $*" >&2
	exit 1
}

here=$(cd "$(dirname "$0")" && pwd)
cache=${RVNEST_CACHE:-${HOME:?HOME is not set}/.cache/rvnest}
want=linux-source-7.3
suite=trixie-backports
outdir=$cache/linux-source-7
info=$outdir/info

if [ -f "$info" ]; then
	tarball=
	# shellcheck disable=SC1090
	. "$info"
	[ -n "$tarball" ] && [ -f "$tarball" ] && exit 0
fi

for tool in apt-get apt-cache dpkg-deb dpkg flock; do
	command -v "$tool" >/dev/null || die "'$tool' not found (Debian's apt and dpkg are needed)"
done
# shellcheck source=ci/private-apt.sh
. "$here/private-apt.sh"
private_apt_open "$cache/apt-trixie" "$suite"
mkdir -p "$apt_dir"/debs "$outdir"
private_apt_configure

echo "linux-src: updating the private apt lists for $suite ($apt_dir)"
private_apt_update

pkg=$want
if ! apt-cache "${apt_opts[@]}" show "$pkg" >/dev/null 2>&1; then
	pkg=$(apt-cache "${apt_opts[@]}" pkgnames linux-source-7. |
		grep -E '^linux-source-7\.[0-9]+$' | sort -V | tail -n1 || true)
	[ -n "$pkg" ] || die "$suite has neither $want nor any linux-source-7.*"
	echo "linux-src: $suite no longer has $want; taking $pkg instead"
fi
version=$(apt-cache "${apt_opts[@]}" policy "$pkg" |
	sed -n 's/^ *Candidate: //p')
[ -n "$version" ] && [ "$version" != "(none)" ] ||
	die "$pkg has no candidate version in $suite"

echo "linux-src: downloading $pkg $version"
(cd "$apt_dir/debs" && timeout 1800 apt-get "${apt_opts[@]}" download -qq "$pkg=$version") ||
	die "apt-get download $pkg=$version failed"
deb=$(ls "$apt_dir/debs/${pkg}_"*"_all.deb" 2>/dev/null | head -n1)
[ -n "$deb" ] || die "apt-get download left no ${pkg}_*_all.deb in $apt_dir/debs"

dest=$outdir/$pkg-$version
rm -rf "$dest" "$dest.tmp"
dpkg-deb -x "$deb" "$dest.tmp"
tar=$(find "$dest.tmp/usr/src" -maxdepth 1 -name "$pkg.tar.xz" | head -n1)
[ -n "$tar" ] || die "$deb has no usr/src/$pkg.tar.xz"
mv "$dest.tmp" "$dest"
tarball=$dest/usr/src/$pkg.tar.xz
cat >"$info.tmp" <<INFO
package=$pkg
version='$version'
tarball='$tarball'
INFO
mv "$info.tmp" "$info"
rm -f "$deb"
echo "linux-src: $pkg $version unpacked: $tarball"
