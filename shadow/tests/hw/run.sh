#!/bin/sh
# Run a shadow hardware test image on QEMU's H extension under OpenSBI
# (generated into $(BUILD)/host/tests/@NAME@ by shadow/module.mk, which
# fills in @NAME@, @IMAGE@ and @MEM@). Exit status 0 only if the image
# reports "RVNEST done status=0".
name="@NAME@"
image="@IMAGE@"
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
qemu=qemu-system-riscv64

if ! command -v "$qemu" >/dev/null 2>&1; then
	echo "SKIP $name: $qemu not installed (make deps)"
	exit 0
fi
if [ ! -r "$fw" ]; then
	echo "SKIP $name: OpenSBI fw_dynamic.bin not installed (make deps)"
	exit 0
fi
echo "qemu: $($qemu --version | head -n 1)"
out=$(timeout 30 "$qemu" -M virt -cpu rv64,h=true -m @MEM@ -smp 1 \
	-display none -serial stdio -monitor none -no-reboot \
	-bios "$fw" -kernel "$image" 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(shadowhw|ptdiff|RVNEST)'
if [ $rc -eq 124 ]; then
	echo "FAIL $name: QEMU timed out after 30 s"
	echo "unit: 0 passed, 1 failed"
	exit 1
fi
if printf '%s\n' "$out" | grep -q '^RVNEST done status=0'; then
	echo "unit: 1 passed, 0 failed"
	exit 0
fi
echo "FAIL $name: no 'RVNEST done status=0' (qemu exit $rc)"
printf '%s\n' "$out" | tail -n 20
echo "unit: 0 passed, 1 failed"
exit 1
