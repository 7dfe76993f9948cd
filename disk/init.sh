#!/bin/sh
# /init of Linux 7.3 as L1 booted from the rvnest disk (disk/README.md):
# root=/dev/vda on a virtio-blk-pci disk, a virtio-net-pci NIC on QEMU's
# user networking, both behind the virt machine's PCIe host bridge (QEMU's
# own, or the one L0 emulates with l1.pci=). Prints one protocol line per
# check (docs/protocol.md, `disk`), `RVNEST done status=<n>`, remounts / read
# only and powers off. L1's command line:
#   rvnest.net=dhcp|static    eth0 by DHCP (busybox udhcpc, default) or at
#                             QEMU's fixed 10.0.2.15/24 via 10.0.2.2
#   rvnest.http=<bytes>       the size of the HTTP transfer that is checked
#                             (default 1048576)
#   rvnest.iobench=<MiB>      also measure disk and network throughput with
#                             transfers of this size (benchmarks/iobench.py)
#   rvnest.kvm=micro          also run the micro-guests under /dev/kvm
#                             with kvm-vmm from the disk (kvm-*-disk)
# Busybox applets only (and kvm-vmm for rvnest.kvm).
export PATH=/usr/bin:/usr/sbin

STATE=/var/lib/rvnest
DATA=$STATE/boot.dat
COUNT=$STATE/boot.count
# QEMU's user networking (slirp): guest 10.0.2.15/24, the host side at
# 10.0.2.2 (QEMU's documentation, "Using the user mode network stack"); the
# HTTP peer is disk/httpd.py behind guestfwd at HTTP_PEER (the config's
# -netdev line), reached on this machine only (restrict=on)
STATIC_ADDR=10.0.2.15/24
GATEWAY=10.0.2.2
HTTP_PEER=10.0.2.100
DHCP_SCRIPT=/usr/share/udhcpc/default.script
VMM=/usr/libexec/rvnest/vmm
NSCLOCK=/usr/libexec/rvnest/nsclock
MICRO=/guests/micro.bin

failed=0

finish() {
	echo "RVNEST done status=$1"
	sync
	# a clean file system for the next boot (the reboot test reads it)
	mount -o remount,ro / || echo "disk-init: remounting / read-only failed"
	poweroff -f
	# poweroff -f only returns on error; PID 1 must not exit
	echo "RVNEST error msg=poweroff_failed component=disk-init"
	while :; do sleep 3600; done
}

fail() {
	echo "RVNEST error msg=$1 component=disk-init $2"
	finish 100
}

# one result line; a check that failed makes the run fail at the end
report() {
	status=$1
	shift
	echo "RVNEST disk $* status=$status"
	[ "$status" = 0 ] || failed=$((failed + 1))
}

# nanoseconds of L1's CLOCK_MONOTONIC (disk/nsclock.c: busybox's date has
# no %N); anything but a number is an error, never arithmetic on it
now_ns() {
	t=$($NSCLOCK)
	case $t in '' | *[!0-9]*) fail clock_failed "what=$NSCLOCK got=$t" ;; esac
	echo "$t"
}

# the content the reboot test checks: 4096 numbered lines for boot $1
# (harness/test_disk.py builds the same bytes)
content() {
	awk -v b="$1" 'BEGIN { for (i = 1; i <= 4096; i++) printf "rvnest-disk boot=%d line=%d\n", b, i }'
}

sha() {
	sha256sum "$@" | cut -d' ' -f1
}

# the PCI function behind a sysfs device ("none" if it is not on PCI)
pci_of() {
	path=$(readlink -f "$1")
	fn=$(echo "$path" | tr '/' '\n' | grep -E '^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$' | tail -n1)
	echo "${fn:-none}"
}

mount -t proc proc /proc || fail mount_failed what=/proc
mount -t sysfs sysfs /sys || fail mount_failed what=/sys
# devtmpfs is mounted on /dev by the kernel (DEVTMPFS_MOUNT) before init
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev || fail mount_failed what=/dev
mount -t tmpfs tmpfs /tmp || fail mount_failed what=/tmp
echo "RVNEST boot component=disk-init kernel=$(uname -r)"

net=dhcp
http_bytes=1048576
iobench=
kvm=
for p in $(cat /proc/cmdline); do
	case $p in
	rvnest.net=*) net=${p#rvnest.net=} ;;
	rvnest.http=*) http_bytes=${p#rvnest.http=} ;;
	rvnest.iobench=*) iobench=${p#rvnest.iobench=} ;;
	rvnest.kvm=*) kvm=${p#rvnest.kvm=} ;;
	esac
done
case $net in dhcp | static) ;; *) fail bad_option "rvnest.net=$net known=dhcp,static" ;; esac
case $http_bytes in '' | *[!0-9]*) fail bad_option "rvnest.http=$http_bytes want=bytes" ;; esac
case $iobench in *[!0-9]*) fail bad_option "rvnest.iobench=$iobench want=MiB" ;; esac
case $kvm in '' | micro) ;; *) fail bad_option "rvnest.kvm=$kvm known=micro" ;; esac

# --- the root file system: ext4 on /dev/vda, a virtio-blk PCI function
root_line=$(grep -m1 '^[^ ]* / ' /proc/mounts)
fstype=$(echo "$root_line" | cut -d' ' -f3)
opts=$(echo "$root_line" | cut -d' ' -f4)
[ -d /sys/block/vda ] || fail no_disk "want=/dev/vda (virtio-blk)"
disk_pci=$(pci_of /sys/block/vda)
st=0
[ "$fstype" = ext4 ] || st=1
case ,$opts, in *,rw,*) ;; *) st=1 ;; esac
[ "$disk_pci" != none ] || st=1
report $st name=root dev=vda fstype=$fstype mode=${opts%%,*} pci=$disk_pci \
	sectors="$(cat /sys/block/vda/size)"

# --- the PCI functions L1 sees, as <function>=<vendor>:<device> (on L0 the
# IOMMU, 1b36:0014, must not be among them: L0 keeps it to itself)
pci=
for d in /sys/bus/pci/devices/*; do
	[ -e "$d" ] || continue
	id=$(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")
	pci="$pci${pci:+,}${d##*/}=$id"
done
report 0 name=pci functions=${pci:-none}

# --- what the previous boot wrote, read from the disk after a reboot
mkdir -p $STATE || fail mkdir_failed what=$STATE
prev=0
if [ -f $COUNT ]; then
	prev=$(cat $COUNT)
	case $prev in '' | *[!0-9]*) fail bad_state "what=$COUNT" ;; esac
	got=$(sha $DATA)
	want=$(content "$prev" | sha)
	st=0
	[ "$got" = "$want" ] || st=1
	report $st name=persist found=1 boot=$prev sha256=$got expected=$want
else
	report 0 name=persist found=0
fi

# --- this boot's file: written, synced, read back from the disk
boot=$((prev + 1))
content $boot >$DATA.tmp || fail write_failed what=$DATA.tmp
sync
mv $DATA.tmp $DATA && echo $boot >$COUNT || fail write_failed what=$COUNT
sync
# read back from the disk, not the page cache (Documentation/admin-guide/
# sysctl/vm.rst drop_caches: clean pages are dropped, so the read goes to
# the device)
echo 3 >/proc/sys/vm/drop_caches || fail drop_caches_failed what=/proc/sys/vm/drop_caches
got=$(sha $DATA)
want=$(content $boot | sha)
st=0
[ "$got" = "$want" ] || st=1
report $st name=write file=$DATA boot=$boot bytes="$(wc -c <$DATA)" sha256="$got" expected="$want"

# --- eth0: virtio-net on PCI, DHCP or QEMU's static address
[ -d /sys/class/net/eth0 ] || fail no_nic "want=eth0 (virtio-net)"
net_pci=$(pci_of /sys/class/net/eth0/device)
ip link set lo up
ip link set eth0 up || fail net_setup what=link
if [ $net = dhcp ]; then
	# -n: fail when no lease comes, -q: exit once one has; 10 tries 3 s
	# apart, in L1's time, which under -icount sleep=off races ahead while
	# L1 waits for the host (see wget below): room for a busy host
	udhcpc -i eth0 -n -q -t 10 -T 3 -s $DHCP_SCRIPT >/tmp/udhcpc.log 2>&1 ||
		{
			sed 's/^/udhcpc: /' /tmp/udhcpc.log
			fail dhcp_failed "dev=eth0"
		}
else
	ip addr add $STATIC_ADDR dev eth0 || fail net_setup what=addr
	ip route add default via $GATEWAY dev eth0 || fail net_setup what=route
fi
addr=$(ip -4 addr show dev eth0 | sed -n 's/.*inet \([0-9./]*\).*/\1/p' | head -n1)
gw=$(ip route show default | sed -n 's/^default via \([0-9.]*\).*/\1/p' | head -n1)
# no default route after DHCP is right here: slirp with restrict=on offers
# no router and no DNS server (libslirp bootp.c), and 10.0.2.100 is on-link
st=0
[ -n "$addr" ] && [ "$net_pci" != none ] || st=1
[ $net = dhcp ] || [ "$gw" = $GATEWAY ] || st=1
report $st name=net dev=eth0 pci=$net_pci via=$net addr=${addr:-none} gw=${gw:-none}

# --- traffic: an HTTP transfer from disk/httpd.py through QEMU's guestfwd.
# No wget -T: under -icount sleep=off L1's clock races ahead while it waits
# for the host (a 2 MiB transfer took 29 s of guest time), and -T 30 failed
# runs that were fine; busybox's 900 s default stays, and the harness's
# wall-clock timeout bounds a real hang.
rm -f /tmp/http.dat
wget -q -O /tmp/http.dat "http://$HTTP_PEER/bytes/$http_bytes" 2>/tmp/wget.log
wst=$?
sed 's/^/wget: /' /tmp/wget.log
bytes=0
got=
if [ -f /tmp/http.dat ]; then
	bytes=$(wc -c </tmp/http.dat)
	got=$(sha /tmp/http.dat)
fi
st=0
[ $wst = 0 ] && [ "$bytes" = "$http_bytes" ] || st=1
report $st name=http peer=$HTTP_PEER bytes=$bytes want=$http_bytes sha256=${got:-none} wget_status=$wst
rm -f /tmp/http.dat

# --- throughput (rvnest.iobench=<MiB>): O_DIRECT writes and reads of the
# disk, and an HTTP transfer; each timed with L1's clock
if [ -n "$iobench" ]; then
	f=$STATE/iobench.dat
	rm -f $f
	sync
	t0=$(now_ns)
	dd if=/dev/zero of=$f bs=1M count="$iobench" oflag=direct conv=fsync 2>/tmp/dd.log
	dst=$?
	t1=$(now_ns)
	report $dst name=iobench op=disk_write mib=$iobench ns=$((t1 - t0)) flags=direct,fsync
	[ $dst = 0 ] || sed 's/^/dd: /' /tmp/dd.log
	echo 3 >/proc/sys/vm/drop_caches
	t0=$(now_ns)
	dd if=$f of=/dev/null bs=1M iflag=direct 2>/tmp/dd.log
	dst=$?
	t1=$(now_ns)
	report $dst name=iobench op=disk_read mib=$iobench ns=$((t1 - t0)) flags=direct
	[ $dst = 0 ] || sed 's/^/dd: /' /tmp/dd.log
	rm -f $f
	sync
	t0=$(now_ns)
	wget -q -O /dev/null "http://$HTTP_PEER/bytes/$((iobench * 1048576))" 2>/tmp/wget.log
	wst=$?
	t1=$(now_ns)
	report $wst name=iobench op=net_http_get mib=$iobench ns=$((t1 - t0)) peer=$HTTP_PEER
	[ $wst = 0 ] || sed 's/^/wget: /' /tmp/wget.log
fi

# --- KVM from the disk (rvnest.kvm=micro): the micro-guests as L2
if [ "$kvm" = micro ]; then
	[ -c /dev/kvm ] || fail no_kvm "what=/dev/kvm (is L1 given the H extension?)"
	# kvm-vmm's own lines (boot, bench) are the protocol's; its status is
	# the verdict, as in kvm-vmm/kvm_init.c
	$VMM $MICRO
	report $? name=kvm l2=micro vmm=$VMM
fi

[ $failed = 0 ] || finish 1
finish 0
