#!/bin/busybox sh
# /init of the Linux test initramfs (tools/fetch-linux.sh): report what the
# kernel sees under the hypervisor, run a few programs, power off.
# tests/system/test_linux_dom0.py expects each "LINUX:" line.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
echo "LINUX: init started"
echo "LINUX: hypervisor $(cat /sys/hypervisor/type 2>/dev/null || echo none)"
echo "LINUX: uname $(uname -r)"
echo "LINUX: memtotal $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) kB"
echo "LINUX: cpus $(grep -c ^processor /proc/cpuinfo)"
echo "LINUX: interrupts begin"
cat /proc/interrupts
echo "LINUX: interrupts end"
sh -c 'exit 7'; echo "LINUX: fork-exec status $?"
echo "LINUX: pipe $(echo hello-pipe | tr a-z A-Z | wc -c)"
echo tmpfs-content > /tmp/f && echo "LINUX: tmpfs $(cat /tmp/f)"
# 256 MiB written into tmpfs: every page is RAM the kernel must allocate and touch.
dd if=/dev/zero of=/tmp/big bs=1M count=256 2>/dev/null
echo "LINUX: touched $(($(stat -c %s /tmp/big) / 1048576)) MiB"
rm -f /tmp/big
echo "LINUX: done"
poweroff -f
