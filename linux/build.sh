#!/usr/bin/env bash
# Build an rvnest Linux kernel (tinyconfig + linux/config-fragment) into a
# cache outside the build tree, then install
# Image, vmlinux (symbols for `make debug`), the final .config (as config) and
# the kernel's usr/gen_init_cpio (to pack the initramfs) into OUT_DIR.
#
# The cache entry is keyed by a hash of what determines the Image: the
# fragment, the source package version, the cross compiler version and the
# kernel make command line. Anything else in the repository can change without
# a 4-minute kernel rebuild, and a `make` with an up-to-date cache costs one
# hash and a few cmp.
#
# Two kernels: `7` (the default), Debian's linux-source-7.3 from
# trixie-backports, fetched into the cache by ci/linux-src.sh (`make deps`);
# `6.12`, Debian's linux-source-6.12 from bookworm-backports (installed in
# /usr/src), kept as the KVM that predates the SBI nested-acceleration
# consumer (Linux 6.13); `7-app`, the `7` source with linux/config-fragment-app
# and linux/config-fragment-disk on top of the fragment (virtio, ext4, net,
# PCI and what Debian's QEMU needs: the app-* and *-disk configurations), a
# separate cache entry so `7` is unchanged.
#
# usage: linux/build.sh OUT_DIR [7|6.12|7-app]
#        linux/build.sh --check-config .config   (only the fragment check)
# env:   RVNEST_CACHE          cache root (default ~/.cache/rvnest)
#        LINUX_SOURCE_TARBALL  another source for the `7` kernel (default
#                              Debian's linux-source-7.3, see ci/linux-src.sh)
#        LINUX_JOBS            parallel jobs for the kernel build (default 2)
#        RVNEST_KEEP_LINUX_SRC=1  keep the built source tree in the cache
#        LINUX_FRAGMENT        another fragment (a kernel variant; it is
#                              part of the cache key like the default one)
#
# Everything is in functions and the last line runs main and exits: bash
# reads a script while it runs it, and every `make` of every build tree runs
# this file, so an edit must never be able to change a running copy.
set -euo pipefail

die() {
	echo "linux: error: $*" >&2
	exit 1
}

setup() {
	out=$1
	kernel=$2
	here=$(cd "$(dirname "$0")" && pwd)
	# LINUX_FRAGMENT: a variant's fragment instead (linux/module.mk
	# builds the PMU variant's from config-fragment and its delta)
	fragment=${LINUX_FRAGMENT:-$here/config-fragment}
	# 7-app: more fragments applied after the first (all checked)
	app_fragment=()
	[ "$kernel" != 7-app ] ||
		app_fragment=("$here/config-fragment-app" "$here/config-fragment-disk")
	cache_root=${RVNEST_CACHE:-${HOME:?HOME is not set}/.cache/rvnest}
	jobs=${LINUX_JOBS:-2}
	cross=riscv64-linux-gnu-
	# Fixed user and host names in the kernel's version banner: the Image
	# then does not depend on who built it where.
	kmake=(make ARCH=riscv CROSS_COMPILE=$cross KBUILD_BUILD_USER=rvnest
		KBUILD_BUILD_HOST=rvnest)

	[ -f "$fragment" ] || die "$fragment not found"
	# The source and its version: the Debian package version for the
	# default tarballs, else a hash of the tarball itself (a researcher's
	# source).
	srcver=
	case $kernel in
	7 | 7-app)
		if [ -n "${LINUX_SOURCE_TARBALL:-}" ]; then
			tarball=$LINUX_SOURCE_TARBALL
		else
			local info=$cache_root/linux-source-7/info package=
			[ -f "$info" ] ||
				die "$info not found: run 'make deps' (ci/linux-src.sh fetches linux-source-7.3)"
			tarball= version=
			# shellcheck disable=SC1090
			. "$info"
			srcver="$package $version"
		fi
		;;
	6.12)
		tarball=/usr/src/linux-source-6.12.tar.xz
		srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 \
			2>/dev/null || true)
		;;
	*) die "unknown kernel '$kernel' (7, 6.12 or 7-app)" ;;
	esac
	[ -f "$tarball" ] ||
		die "$tarball not found: run 'make deps' (kernel $kernel)"
	local tool
	for tool in ${cross}gcc flex bison bc tar xz sha256sum flock cmp; do
		command -v "$tool" >/dev/null ||
			die "'$tool' not found: run 'make deps'"
	done

	[ -n "$srcver" ] ||
		srcver=sha256:$(sha256sum "$tarball" | cut -d' ' -f1)
	ccver=$(${cross}gcc --version | head -n1)
	key=$({
		cat "$fragment" "${app_fragment[@]}"
		echo "source=$srcver"
		echo "cc=$ccver"
		echo "make=${kmake[*]}"
	} | sha256sum | cut -c1-16)
	entry=$cache_root/linux-$key
	src=$entry/src
	log=$entry/build.log
}

# Copy a file only when its content changed, so make sees a stable mtime.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		cp "$1" "$2.tmp"
		mv "$2.tmp" "$2"
	fi
}

# An entry is usable when it was finished and nothing in it was deleted since.
entry_complete() {
	local f
	[ -f "$entry/.complete" ] || return 1
	for f in Image vmlinux config gen_init_cpio build-info; do
		[ -s "$entry/$f" ] || return 1
	done
}

install_entry() {
	local f
	mkdir -p "$out"
	for f in Image vmlinux config gen_init_cpio; do
		install_if_changed "$entry/$f" "$out/$f"
	done
	# shellcheck disable=SC1091
	. "$entry/build-info"
	echo "linux: Image $out/Image (cache $entry):" \
		"$image_bytes bytes, built in ${build_seconds}s from" \
		"linux-source $source_version"
}

# Every CONFIG_ line of the fragment must appear verbatim in the final
# .config; "# CONFIG_X is not set" is also met by X being absent.
check_config() {
	local config=$1 line name missing=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF -- "$line" "$config" ||
				missing+=("$line (got: $(grep -E \
					"^(# )?${line%%=*}[= ]" "$config" ||
					echo absent))")
			;;
		"# CONFIG_"*" is not set")
			name=${line#\# }
			name=${name%% *}
			if grep -q "^$name=" "$config"; then
				missing+=("$line (got: $(grep "^$name=" "$config"))")
			fi
			;;
		esac
	done < <(cat "$fragment" "${app_fragment[@]}")
	if [ ${#missing[@]} -ne 0 ]; then
		echo "linux: error: ${#missing[@]} option(s) of $fragment" \
			"did not take effect in $config:" >&2
		printf '  %s\n' "${missing[@]}" >&2
		return 1
	fi
}

# Several build trees (several engineers, CI jobs) may ask for the same key at
# once: one builds, the others wait for it and then reuse the result.
lock_entry() {
	mkdir -p "$cache_root"
	exec 9>"$entry.lock"
	if ! flock -n 9; then
		echo "linux: another build of $entry is running; waiting for it"
		flock 9
	fi
}

# A source tree left by an interrupted build is reused: make then redoes only
# what is missing, and the build time printed says it covers only that part.
extract() {
	resumed=no
	mkdir -p "$entry"
	if [ -f "$src/.extracted" ]; then
		# init/main.o: an object file shows that compiling had started
		[ ! -f "$src/init/main.o" ] || resumed=yes
		echo "linux: reusing the source tree in $src"
		return
	fi
	echo "linux: extracting $(basename "$tarball") into $src"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.extracted"
}

configure() {
	echo "linux: configuring (tinyconfig + $(basename "$fragment")), log $log"
	(
		cd "$src"
		"${kmake[@]}" tinyconfig
		# -m: merge only; olddefconfig then resolves dependencies and
		# defaults, dropping what it cannot satisfy (checked below).
		scripts/kconfig/merge_config.sh -m .config "$fragment" \
			"${app_fragment[@]}"
		"${kmake[@]}" olddefconfig
	) >"$log" 2>&1 || die "configuration failed; see $log"
	check_config "$src/.config" || die "fix $fragment (see the list above)"
}

build() {
	local start
	echo "linux: building Image with -j$jobs" \
		"(about 4 minutes on 2 idle cores)"
	start=$(date +%s)
	("${kmake[@]}" -C "$src" -j"$jobs" Image >>"$log" 2>&1) || {
		tail -n 30 "$log" >&2
		die "kernel build failed; see $log"
	}
	build_seconds=$(($(date +%s) - start))
	[ $resumed = no ] || build_seconds="${build_seconds}(resumed)"
	# The build must not have changed the configuration behind our back.
	check_config "$src/.config" || die "configuration changed during the build"
}

store() {
	local image=$src/arch/riscv/boot/Image
	[ -s "$image" ] || die "the build produced no $image"
	[ -x "$src/usr/gen_init_cpio" ] ||
		die "the build produced no usr/gen_init_cpio (is BLK_DEV_INITRD set?)"
	cp "$image" "$entry/Image"
	cp "$src/.config" "$entry/config"
	cp "$src/System.map" "$entry/System.map"
	cp "$src/vmlinux" "$entry/vmlinux"
	cp "$src/usr/gen_init_cpio" "$entry/gen_init_cpio"
	image_bytes=$(stat -c %s "$entry/Image")
	cat >"$entry/build-info" <<INFO
key=$key
source_version='$srcver'
compiler='$ccver'
build_seconds='$build_seconds'
image_bytes=$image_bytes
INFO
	touch "$entry/.complete"
	echo "linux: built in ${build_seconds}s, Image $image_bytes bytes"
}

main() {
	local trash=
	if [ "${1:-}" = --check-config ]; then
		# Only the fragment check, against a given .config (tests, or a
		# researcher's kernel tree).
		fragment=$(cd "$(dirname "$0")" && pwd)/config-fragment
		[ -f "${2:-}" ] || die "usage: linux/build.sh --check-config .config"
		check_config "$2"
		echo "linux: every option of $fragment is in $2"
		return
	fi
	setup "${1:?usage: linux/build.sh OUT_DIR [7|6.12|7-app] | --check-config .config}" \
		"${2:-7}"
	if entry_complete; then
		install_entry
		return
	fi
	lock_entry
	if entry_complete; then
		install_entry
		return
	fi
	rm -f "$entry/.complete"
	extract
	configure
	build
	store
	# Deleting 1.7 GB takes a while: move the tree aside and release the
	# lock first, so builds waiting for this entry go on at once.
	if [ "${RVNEST_KEEP_LINUX_SRC:-0}" != 1 ]; then
		trash=$entry/src.deleting.$$
		mv "$src" "$trash"
	fi
	exec 9>&-
	install_entry
	[ -z "$trash" ] || rm -rf "$trash"
}

main "$@"; exit
