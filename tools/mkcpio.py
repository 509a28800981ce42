#!/usr/bin/env python3
"""Write a newc ("070701") cpio archive, the format Linux unpacks as an initramfs.

usage: mkcpio.py OUT ENTRY...
  dir:/path                       a directory (mode 0755)
  file:/path:HOSTFILE:MODE        a regular file with the host file's bytes
  symlink:/path:TARGET            a symbolic link
  nod:/path:c|b:MAJOR:MINOR       a device node (mode 0600)
Parent directories are added as needed. Owner root, mtime 0, so the archive
is the same bytes for the same inputs.
"""
import stat
import sys


def header(ino, mode, size, name, rmaj=0, rmin=0, nlink=1):
    fields = [ino, mode, 0, 0, nlink, 0, size, 0, 0, rmaj, rmin, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields) + name.encode() + b"\0"


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out, entries = argv[1], argv[2:]
    items, seen = [], set()

    def add_dirs(path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(len(parts)):
            d = "/".join(parts[: i + 1])
            if d not in seen:
                seen.add(d)
                items.append((d, stat.S_IFDIR | 0o755, b"", 0, 0))

    for e in entries:
        kind, rest = e.split(":", 1)
        if kind == "dir":
            path = rest.strip("/")
            add_dirs(rest)
            if path not in seen:
                seen.add(path)
                items.append((path, stat.S_IFDIR | 0o755, b"", 0, 0))
        elif kind == "file":
            path, host, mode = rest.split(":")
            add_dirs(path)
            with open(host, "rb") as f:
                data = f.read()
            items.append((path.strip("/"), stat.S_IFREG | int(mode, 8), data, 0, 0))
        elif kind == "symlink":
            path, target = rest.split(":")
            add_dirs(path)
            items.append((path.strip("/"), stat.S_IFLNK | 0o777, target.encode(), 0, 0))
        elif kind == "nod":
            path, typ, major, minor = rest.split(":")
            add_dirs(path)
            fmt = stat.S_IFCHR if typ == "c" else stat.S_IFBLK
            items.append((path.strip("/"), fmt | 0o600, b"", int(major), int(minor)))
        else:
            sys.exit("mkcpio: unknown entry kind %r" % kind)

    blob = b""
    for ino, (name, mode, data, rmaj, rmin) in enumerate(items, start=1):
        nlink = 2 if stat.S_ISDIR(mode) else 1
        blob += pad4(header(ino, mode, len(data), name, rmaj, rmin, nlink))
        blob += pad4(data)
    blob += pad4(header(0, 0, 0, "TRAILER!!!"))
    blob += b"\0" * (-len(blob) % 512)
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main(sys.argv)
