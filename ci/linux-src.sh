#!/usr/bin/env bash
# Fetch Debian's linux-source-7.3 (from the trixie-backports suite) into the
# rvnest cache, without installing anything from trixie and without touching
# the machine's apt configuration.
#
# How: a private apt configuration under $cache/apt-trixie (its own sources
# list, state, lists and archive cache, an empty dpkg status), whose one
# source is trixie-backports at the archive URI the machine's own apt
# sources already use for its release (ci/apt-uri.sh; no host is named
# here), signed by debian-archive-keyring. `apt-get update` then verifies the
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
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
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
[ -f "$keyring" ] || die "$keyring not found: install debian-archive-keyring"
# debian-archive-keyring 2023.3+deb12u2 and later carry trixie's keys; an
# older one cannot verify the suite, and apt would refuse it anyway.
[ -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] ||
	die "debian-archive-keyring has no trixie key: upgrade it (apt-get install debian-archive-keyring)"

# shellcheck source=ci/apt-uri.sh
. "$here/apt-uri.sh"
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$release" ] || die "cannot tell the Debian release from /etc/os-release"
uri=$(archive_uri "$release" | head -n1)
[ -n "$uri" ] || die "no apt source for '$release' found to take the archive URI of $suite from"

apt_dir=$cache/apt-trixie
mkdir -p "$apt_dir"/etc/sources.list.d "$apt_dir"/etc/preferences.d \
	"$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial \
	"$apt_dir"/debs "$outdir"
exec 9>"$apt_dir/lock"
flock -w 900 9 || die "timed out after 900 s waiting for another fetch ($apt_dir/lock)"

cat >"$apt_dir/etc/sources.list" <<SRC
deb [signed-by=$keyring] $uri $suite main
SRC
: >"$apt_dir/state/status"
apt_opts=(
	-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
	-o "Dir::Etc::SourceParts=$apt_dir/etc/sources.list.d"
	-o "Dir::Etc::Preferences=$apt_dir/etc/preferences"
	-o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
	-o "Dir::State=$apt_dir/state"
	-o "Dir::State::status=$apt_dir/state/status"
	-o "Dir::Cache=$apt_dir/cache"
	-o "APT::Get::List-Cleanup=0"
	# Only the package indices: no Contents or translations.
	-o "Acquire::Languages=none"
	-o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
	-o "Acquire::http::Timeout=60"
	-o "Acquire::Retries=3"
)
# apt drops privileges to _apt for downloads, which cannot write into a
# user's cache; run them as the invoking user instead.
[ "$(id -u)" != 0 ] || apt_opts+=(-o "APT::Sandbox::User=root")

echo "linux-src: updating the private apt lists for $suite ($apt_dir)"
timeout 900 apt-get "${apt_opts[@]}" update -q >"$apt_dir/update.log" 2>&1 || {
	cat "$apt_dir/update.log" >&2
	die "apt-get update of $suite failed (see above)"
}

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
