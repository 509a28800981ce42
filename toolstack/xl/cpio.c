/*
 * newc cpio reader (see cpio.h). Each entry: "070701", 13 fields of 8 hex
 * digits (ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
 * rdevmajor, rdevminor, namesize, check), the name with its NUL, padding
 * to 4 bytes, the data, padding to 4 bytes. "TRAILER!!!" ends the archive.
 */
#include <xl/string.h>
#include "cpio.h"

#define HDR_LEN   110
#define F_MODE    1
#define F_SIZE    6
#define F_NAMESIZE 11

static int hex_field(const char *h, unsigned int i, uint32_t *out)
{
    uint32_t v = 0;

    for (unsigned int k = 0; k < 8; k++) {
        char c = h[6 + 8 * i + k];
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (unsigned int)((c | 0x20) - 'a' + 10);
        else
            return -1;
        v = v << 4 | d;
    }
    *out = v;
    return 0;
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static const char *strip(const char *name)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (name[0] == '/')
        name++;
    return name;
}

int cpio_next(const void *archive, size_t len, size_t *pos, struct cpio_file *f)
{
    const char *a = archive, *h;
    uint32_t mode, size, namesize;
    size_t at = *pos, name_end;

    if (at >= len)
        return 0;
    if (len - at < HDR_LEN)
        return -1;
    h = a + at;
    if (memcmp(h, "070701", 6) || hex_field(h, F_MODE, &mode) || hex_field(h, F_SIZE, &size) ||
        hex_field(h, F_NAMESIZE, &namesize))
        return -1;
    if (namesize == 0 || namesize > len - at - HDR_LEN)
        return -1;
    name_end = at + HDR_LEN + namesize;
    if (a[name_end - 1] != 0)
        return -1;                      /* the name must end with its NUL */
    if (!strcmp(h + HDR_LEN, "TRAILER!!!"))
        return 0;
    at = align4(name_end);
    if (at > len || size > len - at)
        return -1;
    f->name = strip(h + HDR_LEN);
    f->data = a + at;
    f->size = size;
    f->mode = mode;
    *pos = align4(at + size);
    return 1;
}

int cpio_find(const void *archive, size_t len, const char *name, struct cpio_file *f)
{
    size_t pos = 0;
    int rc;

    name = strip(name);
    while ((rc = cpio_next(archive, len, &pos, f)) == 1)
        if ((f->mode & CPIO_S_IFMT) == CPIO_S_IFREG && !strcmp(f->name, name))
            return 1;
    return rc;
}
