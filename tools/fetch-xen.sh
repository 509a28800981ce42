#!/usr/bin/env bash
# Produce .cache/xen/xen-4.17: the real Xen 4.17 hypervisor from Debian 12,
# the reference our guests are cross-checked against under the same QEMU.
#
# The package is only downloaded and unpacked into .cache/xen/root, never
# installed: the host must not boot into Xen, we only need the image that
# QEMU loads with -kernel. apt picks the mirror from the machine's own sources.
# Idempotent: does nothing when the image is already there.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache="$root/.cache/xen"
image="$cache/xen-4.17"
pkg=xen-hypervisor-4.17-amd64

if [ -s "$image" ]; then
    echo "fetch-xen: $image already present"
    exit 0
fi

mkdir -p "$cache"
cd "$cache"

deb=$(ls -1 ${pkg}_*_amd64.deb 2>/dev/null | tail -n1 || true)
if [ -z "$deb" ]; then
    # As root, apt warns that the _apt user cannot write here ("download is
    # performed unsandboxed"); harmless for a download into our own folder.
    if ! apt-get download "$pkg"; then
        echo "fetch-xen: 'apt-get download $pkg' failed; is the package list current?" \
             "(run 'apt-get update' or tools/setup-debian.sh)" >&2
        exit 1
    fi
    deb=$(ls -1 ${pkg}_*_amd64.deb | tail -n1)
fi

rm -rf root
dpkg -x "$deb" root
gz=root/boot/xen-4.17-amd64.gz
[ -f "$gz" ] || { echo "fetch-xen: $deb has no $gz" >&2; exit 1; }

# Decompress to a temporary name first so an interrupted run leaves no
# half-written image that the check above would take for a finished one.
gunzip -c "$gz" > "$image.tmp"
mv "$image.tmp" "$image"
echo "fetch-xen: $image ready ($(basename "$deb"))"
