/*
 * libFuzzer harness for the toolstack's xl.cfg parser (toolstack/xl/cfg.c)
 * and its initrd reader (toolstack/xl/cpio.c), which read what a user or a
 * launcher hands Domain 0. Run with `make fuzz-xl-cfg`.
 *
 * The input is parsed as a config and walked as a cpio archive. A refused
 * config must give one line, "xl: <source>:..." with no newline; an
 * accepted one must have a name (not all digits) and a kernel, strings
 * NUL-terminated within their fields, and the numbers in their ranges. The
 * cpio walk must stay inside the input and always move forward.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xl/cfg.h"
#include "xl/cpio.h"

static void ignore(const char *line, void *ctx)
{
    if (strncmp(line, "xl: fuzz.cfg", 12) || strchr(line, '\n'))
        abort();
}

static void check_cfg(const uint8_t *data, size_t size)
{
    static struct xl_cfg cfg;
    char err[XL_CFG_MSG_MAX];
    int rc = xl_cfg_parse((const char *)data, size, "fuzz.cfg", &cfg, err, ignore, NULL);

    if (rc) {
        if (rc != -1 || strncmp(err, "xl: fuzz.cfg", 12) || strchr(err, '\n'))
            abort();
        return;
    }
    if (!cfg.name[0] || !cfg.kernel[0] || strnlen(cfg.name, sizeof(cfg.name)) == sizeof(cfg.name) ||
        strnlen(cfg.kernel, sizeof(cfg.kernel)) == sizeof(cfg.kernel) ||
        strnlen(cfg.ramdisk, sizeof(cfg.ramdisk)) == sizeof(cfg.ramdisk) ||
        strnlen(cfg.cmdline, sizeof(cfg.cmdline)) == sizeof(cfg.cmdline))
        abort();
    if (strspn(cfg.name, "0123456789") == strlen(cfg.name))
        abort();
    if (cfg.memory_mib < 1 || cfg.maxmem_mib < cfg.memory_mib || cfg.vcpus < 1 ||
        cfg.vcpus > 128 || cfg.maxvcpus < cfg.vcpus || cfg.maxvcpus > 128)
        abort();
}

static void check_cpio(const uint8_t *data, size_t size)
{
    struct cpio_file f;
    size_t pos = 0, last = 0;
    int rc;

    while ((rc = cpio_next(data, size, &pos, &f)) == 1) {
        const uint8_t *d = f.data;

        if (pos <= last || d < data || d + f.size > data + size ||
            (const uint8_t *)f.name < data || (const uint8_t *)f.name >= data + size)
            abort();
        last = pos;
    }
    if (rc != 0 && rc != -1)
        abort();
    (void)cpio_find(data, size, "a.cfg", &f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_cfg(data, size);
    check_cpio(data, size);
    return 0;
}
