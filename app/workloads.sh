# shellcheck shell=sh disable=SC3045
# (SC3045: busybox ash's read has -t)
# The application benchmarks' workloads (issue 13, app/README.md), one
# definition for every place they run: sourced by app/l2-init.sh (in L2,
# under QEMU/KVM in L1) and app/l1-init.sh (natively in L1, and the client
# side of memcached). Busybox's ash; Debian's riscv64 programs.
#
# The caller defines
#   wl_mark begin|end NAME   open/close L0's window around the workload
#                            (l0-hyp/appwin.h): a marker line that reaches
#                            L1's SBI console, and returns only once it has
#   WL_DIR                   a directory on the disk under test (files of
#                            sysbench fileio, stress-ng, the build's output)
# and calls wl_run NAME SIZE, which runs one workload between its marks and
# prints its protocol line (docs/protocol.md `app`):
#   RVNEST app name=NAME size=SIZE time_s=<guest seconds> status=<0 ok>
# time_s is the guest's clock from mark to mark (under -icount shift=0 one
# nanosecond per instruction of the whole machine); every size is a count
# of operations, never a time, so a run does the same work at every level.
# memcached is two-sided: wl_run memcached in L2 starts the server and
# hands over to L1 (wl_serve), where wl_memcached_client is the load.

# Every workload, in the order make appbench runs them; empty: `true`
# alone between the marks, the floor every window carries (the marks' own
# way to L0 and back, a fork and exec)
# shellcheck disable=SC2034 # used by the scripts that source this one
WL_ALL="empty hackbench hackbench-pipe hackbench-thread sysbench-cpu sysbench-memory sysbench-threads sysbench-fileio stress-get stress-switch stress-fault stress-timer memcached build"
# memcached: its port in L2 (and natively in L1)
WL_MC_PORT=11211
# the build workload's sources (app/buildproj.py, in both images)
WL_PROJECT=/usr/share/rvnest/buildproj

# wl_size NAME SIZE: the workload's operation counts for a size
#   tiny  make test's quick subset: completes, and L0 counts its window
#   full  make appbench (app/README.md: the set's measured time)
wl_size() {
	case $2 in
	tiny) hb="-g 1 -f 5 -l 10" cpu=10 mem=1M thr=20 fio=50 fiosz=1M \
		sys=100 sw=500 flt=50 tmr=100 mc=200 bld=2 ;;
	full) hb="-g 2 -f 10 -l 100" cpu=400 mem=64M thr=400 fio=2000 \
		fiosz=8M sys=20000 sw=20000 flt=2000 tmr=1000 mc=4000 bld=16 ;;
	*) return 1 ;;
	esac
	# rvnest.hackbench= (app/README.md) overrides hackbench's arguments
	[ -z "${WL_HACKBENCH:-}" ] || hb=$WL_HACKBENCH
	sn="stress-ng --metrics-brief --temp-path $WL_DIR"
	case $1 in
	empty) cmd="true" ;;
	hackbench) cmd="hackbench $hb" ;;
	hackbench-pipe) cmd="hackbench -p $hb" ;;
	hackbench-thread) cmd="hackbench -T $hb" ;;
	# sysbench: --time=0 and a count of events (or bytes) ends the run;
	# a fixed seed, so fileio's offsets are the same at every level
	sysbench-cpu) cmd="sysbench cpu --rand-seed=1 --threads=1 --cpu-max-prime=2000 --events=$cpu --time=0 run" ;;
	sysbench-memory) cmd="sysbench memory --rand-seed=1 --threads=1 --memory-block-size=4K --memory-total-size=$mem --memory-oper=write --events=0 --time=0 run" ;;
	sysbench-threads) cmd="sysbench threads --rand-seed=1 --threads=4 --thread-yields=100 --thread-locks=4 --events=$thr --time=0 run" ;;
	sysbench-fileio) cmd="sysbench fileio --rand-seed=1 --file-num=4 --file-total-size=$fiosz --file-test-mode=rndrw --file-fsync-freq=100 --events=$fio --time=0 run" ;;
	# stress-ng: one worker of one class, stopped after N bogo-ops
	# get: the get*() system calls, about 30 a bogo-op (stress-ng's
	# syscall stressor first times every system call once, some of
	# which wait: it did not finish 100 ops in 100 s of host time)
	stress-get) cmd="$sn --get 1 --get-ops $sys" ;;
	stress-switch) cmd="$sn --switch 1 --switch-ops $sw" ;;
	stress-fault) cmd="$sn --fault 1 --fault-ops $flt" ;;
	stress-timer) cmd="$sn --timer 1 --timer-freq 10000 --timer-ops $tmr" ;;
	memcached) cmd="memcaslap -s 127.0.0.1:$WL_MC_PORT -x $mc -c 4 -T 1" ;;
	build) cmd="wl_build $bld" ;;
	*) return 1 ;;
	esac
}

# the guest's monotonic clock in nanoseconds: the kernel's own "now at"
# (busybox's date has no %N, and /proc/uptime counts hundredths)
wl_now() {
	awk '/^now at / {print $3; exit}' /proc/timer_list
}

# wl_build N: compile the first N IL files of the project with Debian's
# QBE to riscv64 assembly, one qbe process per file as make would
wl_build() {
	rm -rf "$WL_DIR/build" && mkdir -p "$WL_DIR/build" || return 1
	wl_n=0
	wl_want=0
	for f in "$WL_PROJECT"/*.ssa; do
		[ $wl_n -lt "$1" ] || break
		qbe -t rv64 -o "$WL_DIR/build/$(basename "$f" .ssa).s" "$f" || return 1
		wl_want=$((wl_want + $(grep -c '^export function' "$f")))
		wl_n=$((wl_n + 1))
	done
	[ $wl_n = "$1" ] || { echo "build: only $wl_n of $1 sources"; return 1; }
	# every exported function of every file became assembly
	wl_got=$(cat "$WL_DIR"/build/*.s | grep -c '^\.globl')
	echo "build: $wl_n files, $wl_got of $wl_want functions compiled"
	[ "$wl_got" = "$wl_want" ]
}

# wl_timed NAME SIZE CMD...: CMD between the marks; prints the app line
wl_timed() {
	wl_name=$1
	wl_sz=$2
	shift 2
	wl_mark begin "$wl_name" || return 1
	wl_t0=$(wl_now)
	wl_out=$("$@" 2>&1)
	wl_st=$?
	wl_t1=$(wl_now)
	wl_mark end "$wl_name" || wl_st=1
	echo "$wl_out" | sed "s/^/$wl_name: /"
	# the guest's own time: nanoseconds to seconds, 6 decimals
	case "$wl_t0$wl_t1" in
	'' | *[!0-9]*)
		wl_secs=none
		wl_st=1
		echo "$wl_name: no clock (/proc/timer_list: '$wl_t0' '$wl_t1')"
		;;
	*)
		wl_ns=$((wl_t1 - wl_t0))
		wl_secs=$((wl_ns / 1000000000)).$(printf %06d $((wl_ns % 1000000000 / 1000)))
		;;
	esac
	# memcached: its throughput as memcaslap measured it (operations per
	# second of the guest's clock, over its own run: the window also
	# holds memcaslap's start, which waits a second)
	wl_more=
	if [ "$wl_name" = memcached ]; then
		wl_tps=$(echo "$wl_out" | sed -n 's/^Run time: .* TPS: \([0-9]*\) .*/\1/p')
		[ -n "$wl_tps" ] || wl_st=1
		wl_more=" tps=${wl_tps:-none}"
	fi
	echo "RVNEST app name=$wl_name size=$wl_sz time_s=$wl_secs$wl_more status=$wl_st"
	return $wl_st
}

# wl_run NAME SIZE: one workload where this script runs (memcached: the
# server, then wl_serve hands the load to L1)
wl_run() {
	wl_size "$1" "$2" || {
		echo "RVNEST app name=$1 size=$2 time_s=none status=2 error=unknown_workload_or_size"
		return 2
	}
	case $1 in
	memcached) wl_memcached_server "$2" ;;
	sysbench-fileio)
		# the files first, outside the window; removed after
		(cd "$WL_DIR" && sysbench fileio --file-num=4 --file-total-size="$fiosz" prepare >/dev/null) ||
			{ echo "RVNEST app name=$1 size=$2 time_s=none status=1 error=prepare_failed"; return 1; }
		# shellcheck disable=SC2086
		(cd "$WL_DIR" && wl_timed "$1" "$2" $cmd)
		wl_rc=$?
		(cd "$WL_DIR" && sysbench fileio --file-num=4 cleanup >/dev/null)
		return $wl_rc
		;;
	*)
		# shellcheck disable=SC2086
		wl_timed "$1" "$2" $cmd
		;;
	esac
}

wl_memcached_start() {
	memcached -d -u root -p $WL_MC_PORT -m 16 -t 1 -P /tmp/memcached.pid ||
		return 1
	# up once it accepts a connection
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		echo stats | nc -w 2 127.0.0.1 $WL_MC_PORT 2>/dev/null | grep -q "^STAT pid" && return 0
		sleep 1
	done
	return 1
}

wl_memcached_stop() {
	[ -f /tmp/memcached.pid ] && kill "$(cat /tmp/memcached.pid)"
}

# the load: memcaslap's default mix (9 gets to 1 set) of N operations
# from 4 connections
wl_memcached_client() {
	wl_size memcached "$1" || return 2
	# shellcheck disable=SC2086
	wl_timed memcached "$1" $cmd
}

# memcached where the load comes from elsewhere: natively, from here; in
# L2, from L1 (wl_serve: the line tells L1's /init to run the client
# against QEMU's forwarded port, and L1 answers once it is done)
wl_memcached_server() {
	wl_memcached_start || {
		echo "RVNEST app name=memcached size=$1 time_s=none status=1 error=server_not_up"
		return 1
	}
	if command -v wl_serve >/dev/null; then
		wl_serve memcached "$1" $WL_MC_PORT
		wl_rc=$?
	else
		wl_memcached_client "$1"
		wl_rc=$?
	fi
	wl_memcached_stop
	return $wl_rc
}
