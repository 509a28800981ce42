/*
 * Finding the CPUs of the machine in its ACPI tables (pure code,
 * hv/arch/x86/lib/acpi_madt.c, host-tested by tests/unit/test_acpi_madt.c):
 * the RSDP found by its signature and checksum in the areas the ACPI
 * specification names (the first KiB of the EBDA, the BIOS area
 * 0xe0000-0xfffff), the root table it points to (RSDT, or XSDT from revision
 * 2 on), the MADT ("APIC") among the root's entries, and in the MADT the local
 * APIC address and one record per processor (local APIC and local x2APIC
 * entries) with its enabled flag.
 *
 * The caller reads memory: acpi_find_madt asks `map` for a view of `len`
 * bytes at a physical address (NULL if it cannot give one).
 */
#ifndef ASM_ACPI_MADT_H
#define ASM_ACPI_MADT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_RSDP_V1_LEN    20
#define ACPI_RSDP_V2_LEN    36
#define ACPI_HEADER_LEN     36
#define MADT_MAX_CPUS       64          /* records kept; more are counted, not kept */

struct madt_cpu {
    uint32_t apic_id;                   /* local APIC (or x2APIC) id: the IPI destination */
    uint32_t acpi_id;                   /* ACPI processor id (UID for x2APIC entries) */
    bool enabled;                       /* the firmware says the processor can be used now */
};

struct madt_info {
    uint64_t lapic_addr;                /* the local APIC's registers (an override entry wins) */
    uint32_t flags;                     /* MADT flags (bit 0: PC-AT dual 8259s) */
    unsigned int nr;                    /* records in cpu[] */
    unsigned int nr_enabled;            /* of them, enabled */
    unsigned int nr_dropped;            /* processor entries beyond MADT_MAX_CPUS */
    struct madt_cpu cpu[MADT_MAX_CPUS];
};

/* The bytes sum to zero (mod 256), as every ACPI structure's checksum makes them. */
bool acpi_checksum_ok(const uint8_t *p, size_t len);

/*
 * The offset of a valid RSDP in area (on a 16-byte boundary, signature
 * "RSD PTR ", its checksums right), or -1.
 */
long acpi_rsdp_scan(const uint8_t *area, size_t len);

/*
 * A table header that fits `avail` bytes, is at least a header long, carries
 * `sig` and sums to zero: its length, or 0.
 */
uint32_t acpi_table_ok(const uint8_t *t, size_t avail, const char *sig);

/* Where the MADT is, from an RSDP found by acpi_rsdp_scan: 0 or -1 (logged reasons are the caller's). */
typedef const uint8_t *(*acpi_map_fn)(uint64_t addr, size_t len, void *ctx);
int acpi_find_madt(const uint8_t *rsdp, acpi_map_fn map, void *ctx, uint64_t *madt_addr,
                   uint32_t *madt_len);

/*
 * The processors of a MADT (checked with acpi_table_ok first): 0, or -1 for
 * a malformed table (an entry shorter than its kind or running past the end).
 */
int madt_parse(const uint8_t *madt, size_t len, struct madt_info *out);

#endif
