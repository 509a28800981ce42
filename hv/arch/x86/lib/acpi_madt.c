/* The processors of the machine from its ACPI tables (asm/acpi_madt.h). */
#include <asm/acpi_madt.h>
#include <xl/string.h>

#define MADT_LOCAL_APIC         0       /* entry kinds used here (ACPI 6.x, 5.2.12) */
#define MADT_LAPIC_OVERRIDE     5
#define MADT_LOCAL_X2APIC       9
#define MADT_ENABLED            1u      /* processor flags bit 0 */

static uint32_t get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += p[i];
    return sum == 0;
}

/* The RSDP at p (within avail bytes) is well formed: signature, checksums for its revision. */
static bool rsdp_ok(const uint8_t *p, size_t avail)
{
    if (avail < ACPI_RSDP_V1_LEN || memcmp(p, "RSD PTR ", 8) || !acpi_checksum_ok(p, ACPI_RSDP_V1_LEN))
        return false;
    if (p[15] < 2)
        return true;
    /* ACPI 2.0 on: the extended structure has its own length and checksum. */
    return avail >= ACPI_RSDP_V2_LEN && get32(p + 20) >= ACPI_RSDP_V2_LEN && get32(p + 20) <= avail &&
           acpi_checksum_ok(p, get32(p + 20));
}

long acpi_rsdp_scan(const uint8_t *area, size_t len)
{
    for (size_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16)
        if (rsdp_ok(area + off, len - off))
            return (long)off;
    return -1;
}

uint32_t acpi_table_ok(const uint8_t *t, size_t avail, const char *sig)
{
    uint32_t len;

    if (!t || avail < ACPI_HEADER_LEN || memcmp(t, sig, 4))
        return 0;
    len = get32(t + 4);
    if (len < ACPI_HEADER_LEN || len > avail || !acpi_checksum_ok(t, len))
        return 0;
    return len;
}

/* A table's whole length, mapping its header first. 0 if it cannot be read or is not `sig`. */
static uint32_t table_at(uint64_t addr, const char *sig, acpi_map_fn map, void *ctx,
                         const uint8_t **view)
{
    const uint8_t *h = map(addr, ACPI_HEADER_LEN, ctx);
    uint32_t len;

    if (!h || memcmp(h, sig, 4))
        return 0;
    len = get32(h + 4);
    if (len < ACPI_HEADER_LEN)
        return 0;
    *view = map(addr, len, ctx);
    return acpi_table_ok(*view, len, sig);
}

int acpi_find_madt(const uint8_t *rsdp, acpi_map_fn map, void *ctx, uint64_t *madt_addr,
                   uint32_t *madt_len)
{
    /* The XSDT (64-bit entries) from revision 2 on when it is given, else the RSDT. */
    bool x = rsdp[15] >= 2 && get64(rsdp + 24);
    uint64_t root_addr = x ? get64(rsdp + 24) : get32(rsdp + 16);
    unsigned int esize = x ? 8 : 4;
    const uint8_t *root = NULL;
    uint32_t root_len = table_at(root_addr, x ? "XSDT" : "RSDT", map, ctx, &root);

    if (!root_len)
        return -1;
    for (uint32_t off = ACPI_HEADER_LEN; off + esize <= root_len; off += esize) {
        uint64_t a = x ? get64(root + off) : get32(root + off);
        const uint8_t *t = NULL;
        uint32_t len = table_at(a, "APIC", map, ctx, &t);

        if (len) {
            *madt_addr = a;
            *madt_len = len;
            return 0;
        }
    }
    return -1;
}

static void add_cpu(struct madt_info *out, uint32_t apic_id, uint32_t acpi_id, uint32_t flags)
{
    bool enabled = flags & MADT_ENABLED;

    if (out->nr == MADT_MAX_CPUS) {
        out->nr_dropped++;
        return;
    }
    out->cpu[out->nr++] = (struct madt_cpu){ apic_id, acpi_id, enabled };
    out->nr_enabled += enabled;
}

int madt_parse(const uint8_t *madt, size_t len, struct madt_info *out)
{
    memset(out, 0, sizeof(*out));
    if (len < ACPI_HEADER_LEN + 8)
        return -1;
    out->lapic_addr = get32(madt + ACPI_HEADER_LEN);
    out->flags = get32(madt + ACPI_HEADER_LEN + 4);
    for (size_t off = ACPI_HEADER_LEN + 8; off < len;) {
        const uint8_t *e = madt + off;
        uint8_t elen;

        if (len - off < 2 || (elen = e[1]) < 2 || elen > len - off)
            return -1;
        switch (e[0]) {
        case MADT_LOCAL_APIC:
            if (elen < 8)
                return -1;
            add_cpu(out, e[3], e[2], get32(e + 4));
            break;
        case MADT_LOCAL_X2APIC:
            if (elen < 16)
                return -1;
            add_cpu(out, get32(e + 4), get32(e + 12), get32(e + 8));
            break;
        case MADT_LAPIC_OVERRIDE:
            if (elen < 12)
                return -1;
            out->lapic_addr = get64(e + 4);
            break;
        default:                        /* I/O APICs, overrides, NMIs: not about CPUs */
            break;
        }
        off += elen;
    }
    return 0;
}
