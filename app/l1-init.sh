#!/bin/sh
# /init of L1 (Linux 7.3/KVM) in the app-* configurations (app/README.md):
# runs Debian's qemu-system-riscv64 with -accel kvm, as a user would, to boot
# L2 (the same Linux Image) from a virtio-blk ext4 disk with a virtio-net NIC
# on QEMU's user networking; or, for the native baseline, runs the workloads
# in L1 itself (app/workloads.sh). L2's console is QEMU's serial port on
# L1's console, so L2's protocol lines reach the harness as they are.
# Reports `RVNEST done status=<n>` and powers off. L1's command line:
#   rvnest.app=NAME[,NAME...]|all|net   the workloads (passed on to L2;
#                                app/workloads.sh WL_ALL lists them)
#   rvnest.size=tiny|full        their sizes (default tiny; make appbench:
#                                full)
#   rvnest.hackbench="ARGS"      hackbench's arguments, ',' for ' '
#   rvnest.where=l2|l1           run them in L2 under QEMU/KVM (default), or
#                                natively in L1
#   rvnest.l2mem=<QEMU -m>       L2's memory (default 128M)
#   rvnest.l2args="ARGS"         more of L2's kernel command line, ',' for
#                                ' ', after the rest (tests: init=/none)
# Window marks (l0-hyp/appwin.h): a workload's begin and end lines go to
# L1's SBI console (/dev/hvc0), where an L0 below counts its traps between
# them; on QEMU's H the firmware just prints them.
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
# shellcheck source=app/workloads.sh
. /usr/lib/rvnest/workloads.sh

app=hackbench
size=tiny
where=l2
l2mem=128M
hb=
l2args=
for p in $(cat /proc/cmdline); do
	case $p in
	rvnest.app=*) app=${p#rvnest.app=} ;;
	rvnest.size=*) size=${p#rvnest.size=} ;;
	rvnest.where=*) where=${p#rvnest.where=} ;;
	rvnest.l2mem=*) l2mem=${p#rvnest.l2mem=} ;;
	rvnest.hackbench=*)
		hb=$p
		WL_HACKBENCH=$(echo "${p#rvnest.hackbench=}" | tr ',' ' ')
		;;
	rvnest.l2args=*) l2args=$(echo "${p#rvnest.l2args=}" | tr ',' ' ') ;;
	esac
done
[ "$app" != all ] || app=$(echo "$WL_ALL" | tr ' ' ',')
apps=$(echo "$app" | tr ',' ' ')
for w in $apps; do
	[ "$w" = net ] || wl_size "$w" "$size" ||
		fail unknown_app "app=$w size=$size known=$(echo "$WL_ALL" | tr ' ' ','),net sizes=tiny,full"
done
# memcached's client reaches its server on 127.0.0.1 (natively) or QEMU's
# forwarded port (L2)
ip link set lo up || fail net_setup what=lo
[ -c /dev/hvc0 ] || fail no_hvc0 "what=/dev/hvc0 (the SBI console the window marks go to)"

wl_mark() {
	echo "RVNEST appwin edge=$1 name=$2" >/dev/hvc0
}

case $where in
l1)
	# The native baseline: the same workloads and lines, in L1, on the
	# same kind of disk as L2's when the configuration gives L1 one
	# (app-native: a copy-on-write view of L2's image)
	if [ -b /dev/vda ]; then
		mkdir -p /mnt && mount -t ext4 /dev/vda /mnt ||
			fail mount_failed what=/dev/vda
		WL_DIR=/mnt/var/tmp/rvnest
	else
		WL_DIR=/tmp/rvnest
	fi
	mkdir -p $WL_DIR || fail mkdir_failed "what=$WL_DIR"
	echo "app-l1: workloads in $WL_DIR"
	# (wl_* variables are app/workloads.sh's own)
	failed=0
	for w in $apps; do
		[ "$w" = net ] && continue
		wl_run "$w" "$size" || failed=1
	done
	umount /mnt 2>/dev/null
	finish $failed
	;;
l2) ;;
*) fail unknown_where "where=$where known=l1,l2" ;;
esac

# L2's console lines: the window marks go on to L0 (hvc0) and L2 gets "go"
# on its console (fd 3, QEMU's stdin) once they are there; a server L2
# started gets its load from here; everything else is printed and kept.
relay() {
	cr=$(printf '\r')
	# (a last line without its newline counts too)
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%"$cr"}
		case $line in
		"RVNEST appwin "*)
			echo "$line" >/dev/hvc0
			echo "$line" >>$LOG
			echo go >&3
			;;
		"RVNEST appserve "*)
			echo "$line" >>$LOG
			# RVNEST appserve name=memcached size=S port=P
			# shellcheck disable=SC2086
			set -- $line
			wl_memcached_client "${4#size=}" 2>&1 | tee -a $LOG
			echo "done" >&3
			;;
		*)
			echo "$line"
			echo "$line" >>$LOG
			;;
		esac
	done
}

[ -c /dev/kvm ] || fail no_kvm "what=/dev/kvm (is L1 given the H extension?)"
echo "app-l1: $(qemu-system-riscv64 --version | head -n1)"
# -nodefaults: only the devices named here; virtio over MMIO (the virt
# machine's transports, so L2 needs no PCI); the disk and the NIC as a user
# would give them. No firmware: under KVM, L1's KVM is L2's SBI.
# panic=-1: a panic of L2's kernel reboots it at once, and with -no-reboot
# that ends QEMU, so this script reports it instead of waiting on a QEMU
# whose guest hangs in panic() (the app-kvm-l0 run that waited out its
# 300 s, app/README.md).
# QEMU's status, not the relay's: busybox's ash has pipefail
# shellcheck disable=SC3040
set -o pipefail
mkfifo /tmp/l2-console-in || fail mkfifo_failed what=/tmp/l2-console-in
# read-write: never EOF for QEMU, never a blocking open here
exec 3<>/tmp/l2-console-in
qemu-system-riscv64 -M virt -accel kvm -cpu host -smp 1 -m "$l2mem" \
	-nodefaults -no-user-config -display none -monitor none -no-reboot \
	-serial stdio -bios none \
	-kernel $IMAGE \
	-append "console=ttyS0 quiet root=/dev/vda rw rootfstype=ext4 init=/init panic=-1 rvnest.app=$app rvnest.size=$size $hb $l2args" \
	-drive file=$DISK,if=none,format=raw,id=root \
	-device virtio-blk-device,drive=root \
	-netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$WL_MC_PORT-:$WL_MC_PORT" \
	-device virtio-net-device,netdev=net0 \
	<&3 2>&1 | relay
status=$?
# QEMU ends with status 0 when L2 reboots: a panic is told apart by its line
if grep -q "Kernel panic - not syncing" $LOG; then
	fail l2_panicked "qemu_status=$status"
fi
[ $status = 0 ] || fail qemu_failed "status=$status"
# L2's own verdict: every app line it printed says status=0, and there is
# one for each workload
for w in $apps; do
	grep -q "^RVNEST app name=$w " $LOG || fail l2_no_result "app=$w"
done
if grep "^RVNEST app " $LOG | grep -qv " status=0\b"; then
	fail l2_app_failed "app=$app"
fi
finish 0
