#!/usr/bin/env bash
# Produce the Linux test image for the Dom0 system test:
#   .cache/linux/vmlinuz      Debian 12's stock linux-image-6.1.0-*-amd64 bzImage
#   .cache/linux/initrd.cpio  a newc initramfs: busybox-static and our /init
# The packages are only downloaded and unpacked (dpkg -x), never installed.
# The kernel package is the one the linux-image-amd64 metapackage names today,
# found with apt-cache. Idempotent: does nothing when both files are there and
# the initramfs is newer than its script (tools/linux-init.sh).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/linux"
init="$root/tools/linux-init.sh"
mkcpio="$root/tools/mkcpio.py"

if [ -s "$cache/vmlinuz" ] && [ -s "$cache/initrd.cpio" ] &&
   [ "$cache/initrd.cpio" -nt "$init" ] && [ "$cache/initrd.cpio" -nt "$mkcpio" ]; then
    echo "fetch-linux: $cache/vmlinuz and initrd.cpio already present"
    exit 0
fi
mkdir -p "$cache"
cd "$cache"

fetch() {   # $1: package name; prints the .deb file name
    local deb
    deb=$(ls -1 "$1"_*_amd64.deb 2>/dev/null | tail -n1 || true)
    if [ -z "$deb" ]; then
        if ! apt-get download "$1" >&2; then
            echo "fetch-linux: 'apt-get download $1' failed; is the package list current?" \
                 "(run 'apt-get update' or tools/setup-debian.sh)" >&2
            exit 1
        fi
        deb=$(ls -1 "$1"_*_amd64.deb | tail -n1)
    fi
    echo "$deb"
}

if [ ! -s vmlinuz ]; then
    kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
           sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n1)
    if [ -z "$kpkg" ]; then
        kpkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' |
               awk '{print $1}' | sort -t- -k4,4n | tail -n1)
    fi
    [ -n "$kpkg" ] || { echo "fetch-linux: no linux-image-6.1.0-*-amd64 in apt's lists" >&2; exit 1; }
    kdeb=$(fetch "$kpkg")
    rm -rf kroot
    dpkg -x "$kdeb" kroot
    src=$(ls -1 kroot/boot/vmlinuz-* | head -n1)
    cp "$src" vmlinuz.tmp && mv vmlinuz.tmp vmlinuz
    basename "$src" | sed 's/^vmlinuz-//' > version
    rm -rf kroot
fi

if [ ! -s busybox ]; then
    bdeb=$(fetch busybox-static)
    rm -rf broot
    dpkg -x "$bdeb" broot
    cp broot/bin/busybox busybox.tmp && mv busybox.tmp busybox
    rm -rf broot
fi

python3 "$mkcpio" initrd.cpio.tmp \
    "file:/bin/busybox:$cache/busybox:0755" \
    "file:/init:$init:0755" \
    "dir:/proc" "dir:/sys" "dir:/dev" "dir:/tmp" "dir:/sbin" "dir:/usr" "dir:/usr/bin" \
    "dir:/usr/sbin" "dir:/root" "dir:/etc" \
    "symlink:/bin/sh:busybox" \
    "nod:/dev/console:c:5:1" "nod:/dev/null:c:1:3" "nod:/dev/hvc0:c:229:0"
mv initrd.cpio.tmp initrd.cpio
echo "fetch-linux: $cache/vmlinuz ($(cat version)) and initrd.cpio ready"
