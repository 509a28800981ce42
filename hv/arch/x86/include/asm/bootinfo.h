/* What the boot loader told us, in one loader-independent form (MB1 or MB2). */
#ifndef HV_BOOTINFO_H
#define HV_BOOTINFO_H
#include <stdint.h>

#define BOOT_MAX_RANGES  32
#define BOOT_MAX_MODULES 4
#define BOOT_CMDLINE_MAX 1024

struct boot_mem_range { uint64_t start, end; };        /* [start, end) physical */
struct boot_map_entry { uint64_t start, end; uint32_t type; };  /* E820 type: 1 RAM, 2 reserved, ... */
struct boot_module { uint64_t start, end; char cmdline[BOOT_CMDLINE_MAX]; };

struct boot_info {
    const char *loader;                                  /* "multiboot1" / "multiboot2" */
    char loader_name[64];                                /* the boot loader's own name, if given */
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned int nr_ram;
    struct boot_mem_range ram[BOOT_MAX_RANGES];
    unsigned int nr_map;                                 /* the loader's memory map, every type */
    struct boot_map_entry map[BOOT_MAX_RANGES];
    unsigned int nr_modules;
    struct boot_module modules[BOOT_MAX_MODULES];
};

/*
 * Parse the loader's information at physical address `info` (identity-mapped
 * below 4 GiB during boot). Returns 0, or -1 when the magic is unknown.
 */
int bootinfo_parse(uint32_t magic, uint64_t info, struct boot_info *bi);

/*
 * Does this loader put the image's file name in front of command lines?
 * QEMU and GRUB legacy do; GRUB 2 does not (Xen's rule: loader name "GRUB "
 * followed by a version not starting with 0).
 */
int bootinfo_cmdlines_start_with_name(const struct boot_info *bi);

/* The RAM ranges of the boot memory map, kept after boot: how many; the i-th. */
unsigned int boot_ram_ranges(void);
void boot_ram_range(unsigned int i, uint64_t *addr, uint64_t *size);
/* The whole boot memory map (every type), in the loader's order: how many; the i-th. */
unsigned int boot_map_entries(void);
void boot_map_entry(unsigned int i, uint64_t *addr, uint64_t *size, uint32_t *type);

#endif
