#!/bin/busybox sh
# /init of the Linux benchmark initramfs (bench/linux_bench.py builds it with
# tools/mkcpio.py): mount what lbench needs, say where it runs, run it, power
# off. The kernel hands unknown name=value parameters of its command line to
# init as environment: lbench_n (samples per figure), lbench_s (batch scale) and
# lbench_o (one figure only, e.g. lbench_o=syscall_null_ns).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
[ -c /dev/zero ] || mknod /dev/zero c 1 5
mount -t tmpfs tmpfs /tmp
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
echo "LBENCH-INFO hypervisor=$(cat /sys/hypervisor/type 2>/dev/null || echo none)" \
     "kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)" \
     "memtotal_kB=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)" \
     "clocksource=${cs:-unknown}"
/bin/lbench -n "${lbench_n:-7}" -s "${lbench_s:-1}" ${lbench_o:+-o "$lbench_o"}
echo "LBENCH-STATUS $?"
poweroff -f
