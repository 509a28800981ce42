#!/usr/bin/env bash
# Measure which address widths Xen 4.17 refuses to Linux's swiotlb set-up
# (docs/linux-dom0.md row 9): Xen has no hypercall trace, so QEMU's gdb stub
# stops on Linux's xen_create_contiguous_region and prints its arguments.
#   1. boot Linux on Xen with an initramfs that prints the function's
#      address from /proc/kallsyms (the PV kernel is not relocated);
#   2. boot it again under gdb with a breakpoint there.
# Prints one "bits=N count" line per width (calls at that width); a chunk
# refused at width N is called again at N+1, so each width but the last
# has exactly one refusal. Usage: tools/xen-exchange-widths.sh [--hv xenolith]
# (default Xen; Xenolith for comparison). Needs gdb and .cache/linux.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
hv=xen
[ "${1:-}" = "--hv" ] && hv=${2:?}
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${qpid:-}" ] && kill "$qpid" 2>/dev/null || true' EXIT
cache="$root/.cache/linux"
port=$((20000 + RANDOM % 20000))

cat > "$work/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo 0 > /proc/sys/kernel/kptr_restrict
/bin/busybox grep ' xen_create_contiguous_region$' /proc/kallsyms | /bin/busybox sed 's/^/KSYM: /'
/bin/busybox poweroff -f
EOF
python3 "$root/tools/mkcpio.py" "$work/probe.cpio" "file:/bin/busybox:$cache/busybox:0755" \
    "file:/init:$work/init:0755" "dir:/proc" "dir:/dev" "nod:/dev/console:c:5:1" \
    "nod:/dev/hvc0:c:229:0"
args=(run --linux --hv "$hv" --initrd "$work/probe.cpio" --machine-mem 1536 --timeout 300)
addr=$("$root/tools/xenolith" "${args[@]}" 2>/dev/null | sed -n 's/^KSYM: \([0-9a-f]*\) .*/\1/p' | head -n1)
[ -n "$addr" ] || { echo "xen-exchange-widths: no address from /proc/kallsyms" >&2; exit 1; }

qemu=$("$root/tools/xenolith" "${args[@]}" --gdb --dry-run | sed "s/ -s -S / -gdb tcp:127.0.0.1:$port -S /")
eval "$qemu" > "$work/serial.log" 2>&1 < /dev/null &
qpid=$!
sleep 1
cat > "$work/cmds.gdb" <<EOF
set pagination off
set architecture i386:x86-64
target remote 127.0.0.1:$port
break *0x$addr
commands
silent
printf "XCR bits=%d\\n", \$rdx
continue
end
continue
EOF
gdb -q -batch -x "$work/cmds.gdb" 2>/dev/null | sed -n 's/^XCR //p' | sort -t= -k2 -n | uniq -c |
    awk '{ print $2, $1 }'
