/*
 * Reading a newc ("070701") cpio archive in memory, the format of Dom0's
 * initrd (tools/mkcpio.py writes it). Pure; host-tested in tests/unit/test_xl_cpio.c.
 */
#ifndef XL_CPIO_H
#define XL_CPIO_H

#include <stddef.h>
#include <stdint.h>

struct cpio_file {
    const char *name;           /* NUL-terminated inside the archive, no leading "./" or "/" */
    const void *data;
    size_t size;
    uint32_t mode;              /* st_mode: type and permissions */
};

#define CPIO_S_IFMT  0170000u
#define CPIO_S_IFREG 0100000u

/*
 * The entry at *pos (start with 0), and *pos moved past it.
 * 1: an entry; 0: the trailer or the end of the archive; -1: malformed
 * (bad magic, a field that is not hex, a name or data running off the end).
 */
int cpio_next(const void *archive, size_t len, size_t *pos, struct cpio_file *f);

/* The regular file called name ("./" and "/" in front ignored): 1 found, 0 not, -1 malformed. */
int cpio_find(const void *archive, size_t len, const char *name, struct cpio_file *f);

#endif /* XL_CPIO_H */
