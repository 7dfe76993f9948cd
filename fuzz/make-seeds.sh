#!/usr/bin/env bash
# Regenerate the committed seed corpora fuzz/corpus/<target>/ (make
# fuzz-seeds): fuzz/seeds.c writes one small input per main path of each
# target; the DT target also gets the trees QEMU's virt machine really
# passes (1 and 2 harts, with and without the H extension), dumped with
# QEMU's dumpdtb, each behind the 4 parameter bytes fuzz_dt.c expects, and
# the AIA machine's (aia=aplic-imsic) with the H extension.
#   make-seeds.sh <seeds-binary> <corpus-dir>
set -euo pipefail
seeds=${1:?usage: make-seeds.sh SEEDS CORPUS}
corpus=${2:?usage: make-seeds.sh SEEDS CORPUS}
rm -rf "$corpus"
mkdir -p "$corpus"
"$seeds" "$corpus"
qemu=$(command -v qemu-system-riscv64 || true)
if [ -z "$qemu" ]; then
  echo "make-seeds: no qemu-system-riscv64: dt gets only the built tree" >&2
else
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "rvnest" >"$tmp/initrd"
  # aia: QEMU's AIA machine (IMSICs, APLICs in MSI mode, no PLIC), the
  # host l0-hyp/aia_dt.c parses
  for aia in "" aia; do
  for smp in 1 2; do
    for h in true false; do
      [ -n "$aia" ] && [ "$h" = false ] && continue
      name=virt${aia:+-$aia}-smp$smp-h$h
      machine=virt${aia:+,aia=aplic-imsic,aia-guests=3}
      dtb=$tmp/$name.dtb
      "$qemu" -machine "$machine,dumpdtb=$dtb" -cpu "rv64,h=$h" -smp $smp -m 256M \
        -kernel "$tmp/initrd" -initrd "$tmp/initrd" \
        -append "l1.mem=64M -- console=ttyS0" -nographic >/dev/null
      # QEMU draws a new rng-seed each time: drop it and rewrite the blob
      # with dtc (which leaves no trace of the deleted bytes), so the
      # seeds only change when QEMU's tree does
      if command -v fdtput >/dev/null && command -v dtc >/dev/null; then
        fdtput -d "$dtb" /chosen rng-seed 2>/dev/null || true
        dtc -q -I dtb -O dtb -o "$dtb.clean" "$dtb" && mv "$dtb.clean" "$dtb"
      fi
      # parameters: boot hart 0, vCPUs = smp, every feature, 64 KiB
      # buffer, bootargs from the host tree
      { printf '\x00'; printf "\\x0$((smp - 1))"; printf '\xff\x02'; cat "$dtb"; } \
        >"$corpus/dt/qemu-$name"
      # and with l1.aia=1 (first byte's bit 3): L1 gets the IMSIC and APLIC
      [ -n "$aia" ] && { printf '\x08'; tail -c +2 "$corpus/dt/qemu-$name"; } \
        >"$corpus/dt/qemu-$name-l1aia"
    done
  done
  done
  # the PCI host bridge with QEMU's riscv-iommu-pci under it (l0-hyp/pci_dt.c);
  # parameter bit 0x08 of the second byte: L1 gets the bridge (l1.pci)
  for iommu in riscv-iommu-pci sys; do
    name=virt-iommu-$iommu-smp1-htrue
    dtb=$tmp/$name.dtb
    if [ "$iommu" = sys ]; then
      set -- -machine "virt,iommu-sys=on,dumpdtb=$dtb"
    else
      set -- -machine "virt,dumpdtb=$dtb" -device riscv-iommu-pci
    fi
    "$qemu" "$@" -cpu rv64,h=true -smp 1 -m 256M \
      -kernel "$tmp/initrd" -initrd "$tmp/initrd" \
      -append "l1.mem=64M l1.pci=all -- console=ttyS0" -nographic >/dev/null
    if command -v fdtput >/dev/null && command -v dtc >/dev/null; then
      fdtput -d "$dtb" /chosen rng-seed 2>/dev/null || true
      dtc -q -I dtb -O dtb -o "$dtb.clean" "$dtb" && mv "$dtb.clean" "$dtb"
    fi
    { printf '\x00\x08\xff\x02'; cat "$dtb"; } >"$corpus/dt/qemu-$name"
  done
fi
for d in "$corpus"/*/; do
  echo "make-seeds: $(basename "$d"): $(ls "$d" | wc -l) seeds, $(cat "$d"/* | wc -c) bytes"
done
