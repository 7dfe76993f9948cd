#!/bin/sh
# /init of L2 in the app-* configurations (app/README.md): Linux 7.3 booted
# by Debian's QEMU in L1 from a virtio-blk ext4 disk (app/rootfs.py l2).
# It checks the virtio-net link to L1's QEMU, runs the workload, prints one
# protocol line per workload (docs/protocol.md, `app`) and powers off, which
# ends L1's QEMU. Parameters on L2's command line (L1's /init passes them on):
#   rvnest.app=hackbench|net      the workload (hackbench also checks net)
#   rvnest.hackbench="ARGS"       hackbench's arguments, ',' for ' '
# Busybox applets and Debian's hackbench (rt-tests) only.
export PATH=/usr/bin:/usr/sbin

# QEMU's user networking (slirp) puts the guest at 10.0.2.15/24 with the
# host side, L1's QEMU itself, at 10.0.2.2 (QEMU's documentation,
# "Using the user mode network stack").
L2_ADDR=10.0.2.15/24
PEER=10.0.2.2
PINGS=3

fail() {
	echo "RVNEST error msg=$1 component=app-l2 $2"
	sync
	poweroff -f
	exit 1
}

mount -t proc proc /proc || fail mount_failed what=/proc
mount -t sysfs sysfs /sys || fail mount_failed what=/sys
mount -t tmpfs tmpfs /tmp || fail mount_failed what=/tmp
echo "RVNEST boot component=app-l2 kernel=$(uname -r)"

app=hackbench
hb_args="-g,1,-f,5,-l,10"
for p in $(cat /proc/cmdline); do
	case $p in
	rvnest.app=*) app=${p#rvnest.app=} ;;
	rvnest.hackbench=*) hb_args=${p#rvnest.hackbench=} ;;
	esac
done

# virtio-net: one interface besides lo, brought up by hand (no DHCP client:
# slirp's addresses are fixed)
net() {
	[ -d /sys/class/net/eth0 ] || fail no_nic "want=eth0 (virtio-net)"
	ip link set lo up
	ip addr add $L2_ADDR dev eth0 || fail net_setup what=addr
	ip link set eth0 up || fail net_setup what=link
	got=$(ping -c $PINGS -W 5 $PEER 2>&1 |
		sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	status=0
	[ "${got:-0}" = $PINGS ] || status=1
	echo "RVNEST app name=net dev=virtio-net addr=$L2_ADDR peer=$PEER" \
		"sent=$PINGS received=${got:-0} status=$status"
}

hackbench_run() {
	args=$(echo "$hb_args" | tr ',' ' ')
	# shellcheck disable=SC2086
	out=$(hackbench $args 2>&1)
	status=$?
	echo "$out" | sed 's/^/hackbench: /'
	secs=$(echo "$out" | sed -n 's/^Time: *//p')
	# a run that printed no time did not finish its messages
	[ -n "$secs" ] || [ $status != 0 ] || status=1
	echo "RVNEST app name=hackbench args=$hb_args" \
		"time_s=${secs:-none} status=$status"
}

case $app in
hackbench)
	net
	hackbench_run
	;;
net) net ;;
*) fail unknown_app "app=$app known=hackbench,net" ;;
esac
sync
poweroff -f
