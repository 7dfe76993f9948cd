#!/usr/bin/env bash
# Install the KVM user-space API headers of Linux 6.12 (<linux/kvm.h>,
# <asm/kvm.h>) into $1, the way the kernel's `make headers_install` does:
# its own scripts/headers_install.sh with its own scripts/unifdef.
#
# Why not the cross sysroot's headers: Debian 12's linux-libc-dev-riscv64-cross
# is Linux 6.1, which has no KVM_REG_RISCV_SBI_EXT (6.4) and no DBCN (6.8);
# the VMM needs both, and the L1 kernel it runs on is 6.12. Every other header
# still comes from the sysroot (the 6.12 kvm.h builds on them unchanged).
# Nothing is committed: the files are taken at build time from the same
# tarball the Linux guest is built from.
set -euo pipefail
dest=$(realpath -m "${1:?usage: uapi.sh DEST}")
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
[ -f "$tarball" ] || { echo "kvm-vmm: $tarball not found: run 'make deps' (package linux-source-6.12)" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "${dest%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --wildcards \
  '*/include/uapi/linux/kvm.h' '*/arch/riscv/include/uapi/asm/kvm.h' \
  '*/scripts/headers_install.sh' '*/scripts/unifdef.c'
src=$(dirname "$(dirname "$(find "$tmp" -path '*/scripts/headers_install.sh' | head -n1)")")
[ -f "$src/include/uapi/linux/kvm.h" ] || { echo "kvm-vmm: no include/uapi/linux/kvm.h in $tarball" >&2; exit 1; }
${HOSTCC:-gcc} -O2 -o "$src/scripts/unifdef" "$src/scripts/unifdef.c"
mkdir -p "$tmp/out/linux" "$tmp/out/asm"
# headers_install.sh runs scripts/unifdef relative to the source tree.
(cd "$src" && sh scripts/headers_install.sh include/uapi/linux/kvm.h "$tmp/out/linux/kvm.h" \
  && sh scripts/headers_install.sh arch/riscv/include/uapi/asm/kvm.h "$tmp/out/asm/kvm.h")
rm -rf "$dest"
mv "$tmp/out" "$dest"
echo "kvm-vmm: installed the 6.12 KVM uapi headers from $(basename "$tarball") into $dest"
