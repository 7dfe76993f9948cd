#!/bin/sh
# /init of L2 in the app-* configurations (app/README.md): Linux 7.3 booted
# by Debian's QEMU in L1 from a virtio-blk ext4 disk (app/rootfs.py l2).
# It checks the virtio-net link to L1's QEMU, runs the workloads
# (app/workloads.sh), prints one protocol line per workload
# (docs/protocol.md, `app`) and powers off, which ends L1's QEMU.
# Parameters on L2's command line (L1's /init passes them on):
#   rvnest.app=NAME[,NAME...]|all|net   the workloads (app/workloads.sh
#                                 WL_ALL); every one also checks net
#   rvnest.size=tiny|full         their sizes (default tiny)
#   rvnest.hackbench="ARGS"       hackbench's arguments, ',' for ' '
# Window marks: each workload's begin and end line goes out on the console
# (QEMU's serial port, read by L1's /init), which passes it to L0 through
# L1's SBI console and answers "go" on this console; the workload starts
# only then, so L0's window holds all of it.
export PATH=/usr/bin:/usr/sbin

# QEMU's user networking (slirp) puts the guest at 10.0.2.15/24 with the
# host side, L1's QEMU itself, at 10.0.2.2 (QEMU's documentation,
# "Using the user mode network stack").
L2_ADDR=10.0.2.15/24
PEER=10.0.2.2
PINGS=3
# how long L1 may take to answer a mark (host time is never measured; a
# lost answer must not hang the run)
ACK_SECS=120

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
# shellcheck source=app/workloads.sh
. /usr/lib/rvnest/workloads.sh

app=hackbench
size=tiny
for p in $(cat /proc/cmdline); do
	case $p in
	rvnest.app=*) app=${p#rvnest.app=} ;;
	rvnest.size=*) size=${p#rvnest.size=} ;;
	rvnest.hackbench=*) WL_HACKBENCH=$(echo "${p#rvnest.hackbench=}" | tr ',' ' ') ;;
	esac
done
[ "$app" != all ] || app=$(echo "$WL_ALL" | tr ' ' ',')
# the workloads' files: on L2's disk (virtio-blk), not tmpfs
WL_DIR=/var/tmp/rvnest
mkdir -p $WL_DIR || fail mkdir_failed "what=$WL_DIR"
# the answers to the marks come in on this console: not echoed back
stty -echo 2>/dev/null

# wait for L1's answer to a line of ours (app/l1-init.sh relay)
await() {
	ack=
	# shellcheck disable=SC3045 # busybox ash's read has -t
	read -r -t $ACK_SECS ack
	ack=$(echo "$ack" | tr -d '\r')
	[ "$ack" = "$1" ] && return 0
	echo "RVNEST error msg=no_answer_from_l1 component=app-l2 want=$1 got=${ack:-none}"
	return 1
}

wl_mark() {
	echo "RVNEST appwin edge=$1 name=$2"
	await go
}

# memcached's load comes from L1 (memcaslap through QEMU's forwarded port)
wl_serve() {
	echo "RVNEST appserve name=$1 size=$2 port=$3"
	await "done"
}

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

net
if [ "$app" != net ]; then
	for w in $(echo "$app" | tr ',' ' '); do
		wl_run "$w" "$size"
	done
fi
sync
poweroff -f
