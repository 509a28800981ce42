#!/usr/bin/env bash
# Install what a fresh Debian 12 machine lacks to build and test Xenolith.
# QEMU must be 8.0 or newer (QEMU 7.2 mis-reports the error code of `int $N`
# through a ring-0 gate under TCG, which PV trap reflection depends on), so it
# comes from bookworm-backports, on the mirror the machine's own apt sources name.
# clang and libclang-rt-14-dev (libFuzzer) let `make test` build the fuzz harnesses.
set -euo pipefail

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

mirror_of_machine() {
    # First "URIs:" (deb822) or "deb URL" (one-line) entry naming a Debian mirror,
    # skipping the security suite.
    local f uri
    for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
        [ -f "$f" ] || continue
        uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i } /^deb / { print $2 }' "$f" \
              | grep -v -- '-security' | grep -i debian | head -n1 || true)
        if [ -n "$uri" ]; then echo "$uri"; return 0; fi
    done
    return 1
}

need_backports=1
if command -v qemu-system-x86_64 >/dev/null; then
    v=$(qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1)
    [ "${v:-0}" -ge 8 ] && need_backports=0
fi

if [ "$need_backports" = 1 ]; then
    bp=/etc/apt/sources.list.d/xenolith-backports.sources
    if [ ! -f "$bp" ]; then
        mirror=$(mirror_of_machine) || { echo "setup: no Debian mirror found in apt sources" >&2; exit 1; }
        printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$mirror" | $SUDO tee "$bp" >/dev/null
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
    gcc binutils make libcmocka-dev python3-pytest libc6-dev file \
    grub-pc-bin grub-common xorriso mtools \
    gzip xz-utils lz4 zstd \
    clang libclang-rt-14-dev
if [ "$need_backports" = 1 ]; then
    $SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-system-x86
fi
qemu-system-x86_64 --version | head -n1
