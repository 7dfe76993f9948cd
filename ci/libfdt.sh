#!/usr/bin/env bash
# Extract libfdt from Debian's linux-source-6.12 tarball into $1 (the build
# tree). The sources are never committed; they are taken at build time from
# the same tarball the Linux guest is built from.
set -euo pipefail
dest=${1:?usage: libfdt.sh DEST}
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
[ -f "$tarball" ] || { echo "libfdt: $tarball not found: run 'make deps' (package linux-source-6.12)" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "${dest%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --wildcards '*/scripts/dtc/libfdt/*'
src=$(find "$tmp" -type d -path '*/scripts/dtc/libfdt' | head -n1)
[ -n "$src" ] || { echo "libfdt: no scripts/dtc/libfdt in $tarball" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$src" "$dest"
echo "libfdt: extracted $(ls "$dest"/*.c | wc -l) sources from $(basename "$tarball")"
