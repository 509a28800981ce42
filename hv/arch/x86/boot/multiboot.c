/*
 * Multiboot 1 and 2 information parsing. Facts from the Multiboot specifications:
 * MB1 info flags bit 2 cmdline, bit 3 modules, bit 6 memory map (entries with
 * a leading size field; type 1 = RAM); MB2 tags 8-byte aligned: 1 cmdline,
 * 3 module, 6 memory map, 0 end.
 */
#include <asm/bootinfo.h>
#include <xl/string.h>
#include <asm/layout.h>

#define MB1_BOOT_MAGIC 0x2badb002
#define MB2_BOOT_MAGIC 0x36d76289

static const void *phys(uint64_t pa) { return (const void *)(HV_DIRECTMAP_VIRT + pa); }

static void copy_string(char *dst, uint64_t pa)
{
    const char *s = phys(pa);
    size_t n = strnlen(s, BOOT_CMDLINE_MAX - 1);
    memcpy(dst, s, n);
    dst[n] = 0;
}

static void copy_name(char *dst, uint64_t pa)
{
    const char *s = phys(pa);
    size_t n = strnlen(s, 63);
    memcpy(dst, s, n);
    dst[n] = 0;
}

int bootinfo_cmdlines_start_with_name(const struct boot_info *bi)
{
    const char *n = bi->loader_name;
    return !(strncmp(n, "GRUB ", 5) == 0 && n[5] && n[5] != '0');
}

static void add_map(struct boot_info *bi, uint64_t start, uint64_t len, uint32_t type)
{
    if (bi->nr_map < BOOT_MAX_RANGES && len) {
        bi->map[bi->nr_map] = (struct boot_map_entry){ start, start + len, type };
        bi->nr_map++;
    }
}

static void add_ram(struct boot_info *bi, uint64_t start, uint64_t len)
{
    if (bi->nr_ram < BOOT_MAX_RANGES && len) {
        bi->ram[bi->nr_ram].start = start;
        bi->ram[bi->nr_ram].end = start + len;
        bi->nr_ram++;
    }
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, uint64_t cmdline)
{
    if (bi->nr_modules >= BOOT_MAX_MODULES)
        return;
    struct boot_module *m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->end = end;
    m->cmdline[0] = 0;
    if (cmdline)
        copy_string(m->cmdline, cmdline);
}

static void parse_mb1(uint64_t info, struct boot_info *bi)
{
    const uint32_t *mbi = phys(info);
    uint32_t flags = mbi[0];

    bi->loader = "multiboot1";
    if (flags & (1u << 9))
        copy_name(bi->loader_name, mbi[16]);
    if (flags & (1u << 2))
        copy_string(bi->cmdline, mbi[4]);
    if (flags & (1u << 3)) {
        const uint32_t *mod = phys(mbi[6]);
        for (uint32_t i = 0; i < mbi[5]; i++, mod += 4)
            add_module(bi, mod[0], mod[1], mod[2]);
    }
    if (flags & (1u << 6)) {
        uint64_t p = mbi[12], end = (uint64_t)mbi[12] + mbi[11];
        while (p < end) {
            const uint8_t *e = phys(p);
            uint32_t size, type;
            uint64_t base, len;
            memcpy(&size, e, 4);
            memcpy(&base, e + 4, 8);
            memcpy(&len, e + 12, 8);
            memcpy(&type, e + 20, 4);
            add_map(bi, base, len, type);
            if (type == 1)
                add_ram(bi, base, len);
            p += size + 4;
        }
    } else if (flags & 1u) {
        add_ram(bi, 0, (uint64_t)mbi[1] << 10);
        add_ram(bi, 0x100000, (uint64_t)mbi[2] << 10);
        add_map(bi, 0, (uint64_t)mbi[1] << 10, 1);
        add_map(bi, 0x100000, (uint64_t)mbi[2] << 10, 1);
    }
}

static void parse_mb2(uint64_t info, struct boot_info *bi)
{
    uint32_t total;
    memcpy(&total, phys(info), 4);
    uint64_t p = info + 8, end = info + total;

    bi->loader = "multiboot2";
    while (p + 8 <= end) {
        const uint8_t *tag = phys(p);
        uint32_t type, size;
        memcpy(&type, tag, 4);
        memcpy(&size, tag + 4, 4);
        if (type == 0 || size < 8)
            break;
        if (type == 1) {
            copy_string(bi->cmdline, p + 8);
        } else if (type == 2) {
            copy_name(bi->loader_name, p + 8);
        } else if (type == 3) {
            uint32_t s, e;
            memcpy(&s, tag + 8, 4);
            memcpy(&e, tag + 12, 4);
            add_module(bi, s, e, p + 16);
        } else if (type == 6) {
            uint32_t esize;
            memcpy(&esize, tag + 8, 4);
            for (uint64_t q = p + 16; esize && q + 24 <= p + size; q += esize) {
                const uint8_t *e = phys(q);
                uint64_t base, len;
                uint32_t etype;
                memcpy(&base, e, 8);
                memcpy(&len, e + 8, 8);
                memcpy(&etype, e + 16, 4);
                add_map(bi, base, len, etype);
                if (etype == 1)
                    add_ram(bi, base, len);
            }
        }
        p += (size + 7) & ~7u;
    }
}

int bootinfo_parse(uint32_t magic, uint64_t info, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    if (magic == MB1_BOOT_MAGIC)
        parse_mb1(info, bi);
    else if (magic == MB2_BOOT_MAGIC)
        parse_mb2(info, bi);
    else
        return -1;
    return 0;
}
