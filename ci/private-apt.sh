# shellcheck shell=bash
# Sourced by ci/linux-src.sh and ci/debian-userspace.sh: a private apt
# configuration in a directory of the rvnest cache, for fetching packages of
# a Debian suite the machine does not use, without installing anything and
# without touching the machine's own apt configuration.
#
# The directory holds its own sources list, preferences, state, lists and
# archive cache, and an empty dpkg status; its one source is SUITE main at
# the archive URI the machine's own apt sources already use for its release
# (ci/apt-uri.sh: no archive host is named in this repository), signed by
# debian-archive-keyring, so `apt-get update` verifies the suite's Release
# signature and every .deb is checked against the signed index as usual.
# Every apt call passes "${apt_opts[@]}", which points apt at this
# directory only.
#
# The caller defines die() (its message prefix) and calls, in order:
#   private_apt_open DIR SUITE [ARCH]
#        check the keyring, find the archive URI, create DIR's layout and
#        take DIR/lock on fd 9 (one fetch at a time per directory); sets
#        apt_dir, suite, arch, uri
#   private_apt_configure
#        write the sources list (arch=ARCH when given) and the empty status;
#        set apt_opts (ARCH given: that architecture only, no Recommends)
#   private_apt_update
#        apt-get update into DIR/update.log, shown with a die on failure
#
# shellcheck source=ci/apt-uri.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-uri.sh"

private_apt_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

private_apt_open() {
	apt_dir=$1
	suite=$2
	arch=${3:-}
	local release
	[ -f "$private_apt_keyring" ] || die "$private_apt_keyring not found: install debian-archive-keyring"
	# debian-archive-keyring 2023.3+deb12u2 and later carry trixie's keys; an
	# older one cannot verify the suite, and apt would refuse it anyway.
	[ -f /usr/share/keyrings/debian-archive-trixie-automatic.gpg ] ||
		die "debian-archive-keyring has no trixie key: upgrade it (apt-get install debian-archive-keyring)"
	release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$release" ] || die "cannot tell the Debian release from /etc/os-release"
	uri=$(archive_uri "$release" | head -n1)
	[ -n "$uri" ] || die "no apt source for '$release' found to take the archive URI of $suite from"

	mkdir -p "$apt_dir"/etc/sources.list.d "$apt_dir"/etc/preferences.d \
		"$apt_dir"/state/lists/partial "$apt_dir"/cache/archives/partial
	exec 9>"$apt_dir/lock"
	flock -w 900 9 || die "timed out after 900 s waiting for another fetch ($apt_dir/lock)"
}

private_apt_configure() {
	cat >"$apt_dir/etc/sources.list" <<SRC
deb [${arch:+arch=$arch }signed-by=$private_apt_keyring] $uri $suite main
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
	)
	if [ -n "$arch" ]; then
		apt_opts+=(
			# Only ARCH: the host's own architecture is not wanted here.
			-o "APT::Architecture=$arch"
			-o "APT::Architectures::=$arch"
			# Depends only: Recommends would pull in much that nothing
			# here runs.
			-o "APT::Install-Recommends=0"
		)
	fi
	apt_opts+=(
		# Only the package indices: no Contents or translations.
		-o "Acquire::Languages=none"
		-o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
		-o "Acquire::http::Timeout=60"
		-o "Acquire::Retries=3"
	)
	# apt drops privileges to _apt for downloads, which cannot write into a
	# user's cache; run them as the invoking user instead.
	[ "$(id -u)" != 0 ] || apt_opts+=(-o "APT::Sandbox::User=root")
}

private_apt_update() {
	timeout 900 apt-get "${apt_opts[@]}" update -q >"$apt_dir/update.log" 2>&1 || {
		cat "$apt_dir/update.log" >&2
		die "apt-get update of $suite${arch:+ ($arch)} failed (see above)"
	}
}
