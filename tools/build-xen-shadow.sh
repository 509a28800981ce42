#!/usr/bin/env bash
# Produce .cache/xen/xen-4.17-shadow: Xen 4.17's hypervisor built with shadow
# paging, to check the answers of XEN_DOMCTL_shadow_op that Debian's build
# cannot give (it is configured without CONFIG_SHADOW_PAGING, so PV log-dirty
# is refused there). The configuration is Debian's own (from the package
# tools/fetch-xen.sh unpacks) with that one option turned on.
#
#   tools/build-xen-shadow.sh SRC
#
# SRC: a Xen 4.17 source tree (Config.mk, config/ and xen/ are enough), e.g.
# `git archive RELEASE-4.17.7 Config.mk config xen` of xen-project/xen.
# Needs gcc, make, flex and bison. Takes several minutes on two cores.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?usage: tools/build-xen-shadow.sh XEN-4.17-SOURCE-TREE}
config="$root/.cache/xen/root/boot/xen-4.17-amd64.config"
out="$root/.cache/xen/xen-4.17-shadow"

[ -f "$config" ] || "$root/tools/fetch-xen.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src"/Config.mk "$src"/config "$src"/xen "$work"/
sed 's/^# CONFIG_SHADOW_PAGING is not set$/CONFIG_SHADOW_PAGING=y/' "$config" > "$work/xen/.config"
make -C "$work/xen" olddefconfig
grep -qx 'CONFIG_SHADOW_PAGING=y' "$work/xen/.config"
make -C "$work/xen" -j"$(nproc)"
cp "$work/xen/xen" "$out"
echo "build-xen-shadow: $out"
