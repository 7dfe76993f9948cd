#!/bin/sh
# /init of L1 (Linux 7.3/KVM) in the app-* configurations (app/README.md):
# runs Debian's qemu-system-riscv64 with -accel kvm, as a user would, to boot
# L2 (the same Linux Image) from a virtio-blk ext4 disk with a virtio-net NIC
# on QEMU's user networking; or, for the native baseline, runs the workload
# in L1 itself. L2's console is QEMU's serial port on L1's console, so L2's
# protocol lines reach the harness as they are. Reports
# `RVNEST done status=<n>` and powers off. L1's command line:
#   rvnest.app=hackbench|net     the workload (passed on to L2)
#   rvnest.hackbench="ARGS"      hackbench's arguments, ',' for ' '
#   rvnest.where=l2|l1           run it in L2 under QEMU/KVM (default), or
#                                natively in L1 (hackbench only)
#   rvnest.l2mem=<QEMU -m>       L2's memory (default 128M)
#   rvnest.l2args="ARGS"         more of L2's kernel command line, ',' for
#                                ' ', after the rest (tests: init=/none)
export PATH=/usr/bin:/usr/sbin

IMAGE=/guests/Image
DISK=/guests/l2-root.ext4
LOG=/tmp/l2-console.log

finish() {
	echo "RVNEST done status=$1"
	sync
	poweroff -f
	# poweroff -f only returns on error; PID 1 must not exit
	echo "RVNEST error msg=poweroff_failed component=app-l1"
	while :; do sleep 3600; done
}

fail() {
	echo "RVNEST error msg=$1 component=app-l1 $2"
	finish 100
}

mount -t proc proc /proc || fail mount_failed what=/proc
mount -t sysfs sysfs /sys || fail mount_failed what=/sys
mount -t devtmpfs devtmpfs /dev || fail mount_failed what=/dev
mount -t tmpfs tmpfs /tmp || fail mount_failed what=/tmp
echo "RVNEST boot component=app-l1 kernel=$(uname -r)"

app=hackbench
where=l2
l2mem=128M
hb=
l2args=
for p in $(cat /proc/cmdline); do
	case $p in
	rvnest.app=*) app=${p#rvnest.app=} ;;
	rvnest.where=*) where=${p#rvnest.where=} ;;
	rvnest.l2mem=*) l2mem=${p#rvnest.l2mem=} ;;
	rvnest.hackbench=*) hb=$p ;;
	rvnest.l2args=*) l2args=$(echo "${p#rvnest.l2args=}" | tr ',' ' ') ;;
	esac
done

case $where in
l1)
	# The native baseline: the same workload and its line, in L1
	[ "$app" = hackbench ] || fail unknown_app "app=$app where=l1 known=hackbench"
	hb_args=$(echo "${hb#rvnest.hackbench=}" | tr ',' ' ')
	[ -n "$hb" ] || hb_args="-g 1 -f 5 -l 10"
	# shellcheck disable=SC2086
	out=$(hackbench $hb_args 2>&1)
	status=$?
	echo "$out" | sed 's/^/hackbench: /'
	secs=$(echo "$out" | sed -n 's/^Time: *//p')
	[ -n "$secs" ] || [ $status != 0 ] || status=1
	echo "RVNEST app name=hackbench args=$(echo "$hb_args" | tr ' ' ',')" \
		"time_s=${secs:-none} status=$status where=l1"
	finish $status
	;;
l2) ;;
*) fail unknown_where "where=$where known=l1,l2" ;;
esac

[ -c /dev/kvm ] || fail no_kvm "what=/dev/kvm (is L1 given the H extension?)"
echo "app-l1: $(qemu-system-riscv64 --version | head -n1)"
# -nodefaults: only the devices named here; virtio over MMIO (the virt
# machine's transports, so L2 needs no PCI); the disk and the NIC as a user
# would give them. No firmware: under KVM, L1's KVM is L2's SBI.
# panic=-1: a panic of L2's kernel reboots it at once, and with -no-reboot
# that ends QEMU, so this script reports it instead of waiting on a QEMU
# whose guest hangs in panic() (the app-kvm-l0 run that waited out its
# 300 s, app/README.md).
# QEMU's status, not tee's: busybox's ash has pipefail
# shellcheck disable=SC3040
set -o pipefail
qemu-system-riscv64 -M virt -accel kvm -cpu host -smp 1 -m "$l2mem" \
	-nodefaults -no-user-config -display none -monitor none -no-reboot \
	-serial stdio -bios none \
	-kernel $IMAGE \
	-append "console=ttyS0 quiet root=/dev/vda rw rootfstype=ext4 init=/init panic=-1 rvnest.app=$app $hb $l2args" \
	-drive file=$DISK,if=none,format=raw,id=root \
	-device virtio-blk-device,drive=root \
	-netdev user,id=net0 -device virtio-net-device,netdev=net0 \
	</dev/null 2>&1 | tee $LOG
status=$?
# QEMU ends with status 0 when L2 reboots: a panic is told apart by its line
if grep -q "Kernel panic - not syncing" $LOG; then
	fail l2_panicked "qemu_status=$status"
fi
[ $status = 0 ] || fail qemu_failed "status=$status"
# L2's own verdict: every app line it printed says status=0, and there is one
grep -q "^RVNEST app name=$app " $LOG || fail l2_no_result "app=$app"
if grep "^RVNEST app " $LOG | grep -qv " status=0\b"; then
	fail l2_app_failed "app=$app"
fi
finish 0
