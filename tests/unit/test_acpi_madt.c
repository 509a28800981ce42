/*
 * The CPUs from ACPI (hv/arch/x86/lib/acpi_madt.c), fed the tables QEMU 10's
 * SeaBIOS machine gives (dumped from guest memory with the monitor's
 * pmemsave): the RSDP, the RSDT of `-smp 2` (FACP, APIC, HPET, WAET) and
 * the MADTs of `-smp 2`, `-smp 4` and `-smp 2,maxcpus=4` (two processors
 * present but not enabled); then tables built here for what QEMU does not
 * give (an XSDT, x2APIC entries, the address override, malformed entries).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/acpi_madt.h>

static const uint8_t qemu_rsdp[20] = {
    0x52, 0x53, 0x44, 0x20, 0x50, 0x54, 0x52, 0x20, 0xb6, 0x42, 0x4f, 0x43,
    0x48, 0x53, 0x20, 0x00, 0x5c, 0x23, 0xfe, 0x1f,
};
static const uint8_t qemu_rsdt_smp2[52] = {
    0x52, 0x53, 0x44, 0x54, 0x34, 0x00, 0x00, 0x00, 0x01, 0x72, 0x42, 0x4f,
    0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
    0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
    0x08, 0x22, 0xfe, 0x1f, 0x7c, 0x22, 0xfe, 0x1f, 0xfc, 0x22, 0xfe, 0x1f,
    0x34, 0x23, 0xfe, 0x1f,
};
static const uint8_t qemu_madt_smp2[128] = {
    0x41, 0x50, 0x49, 0x43, 0x80, 0x00, 0x00, 0x00, 0x03, 0x75, 0x42, 0x4f,
    0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
    0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a,
    0x00, 0x05, 0x05, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x09,
    0x09, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0a, 0x0a, 0x00,
    0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0b, 0x0b, 0x00, 0x00, 0x00,
    0x0d, 0x00, 0x04, 0x06, 0xff, 0x00, 0x00, 0x01,
};
static const uint8_t qemu_madt_smp4[144] = {
    0x41, 0x50, 0x49, 0x43, 0x90, 0x00, 0x00, 0x00, 0x03, 0x49, 0x42, 0x4f,
    0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
    0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x08, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x03, 0x03,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xfe,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0x0a, 0x00, 0x05, 0x05, 0x00, 0x00, 0x00, 0x0d, 0x00,
    0x02, 0x0a, 0x00, 0x09, 0x09, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a,
    0x00, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0b,
    0x0b, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x04, 0x06, 0xff, 0x00, 0x00, 0x01,
};
static const uint8_t qemu_madt_smp2_max4[144] = {
    0x41, 0x50, 0x49, 0x43, 0x90, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x42, 0x4f,
    0x43, 0x48, 0x53, 0x20, 0x42, 0x58, 0x50, 0x43, 0x20, 0x20, 0x20, 0x20,
    0x01, 0x00, 0x00, 0x00, 0x42, 0x58, 0x50, 0x43, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x08, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x03, 0x03,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x0c, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xfe,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x02, 0x0a, 0x00, 0x05, 0x05, 0x00, 0x00, 0x00, 0x0d, 0x00,
    0x02, 0x0a, 0x00, 0x09, 0x09, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a,
    0x00, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x02, 0x0a, 0x00, 0x0b,
    0x0b, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x04, 0x06, 0xff, 0x00, 0x00, 0x01,
};

#define RSDT_ADDR 0x1ffe235c
#define MADT2_ADDR 0x1ffe227c

/* Guest memory as a few regions; map answers only inside one. */
struct region {
    uint64_t addr;
    const uint8_t *bytes;
    size_t len;
};
struct memory {
    struct region r[4];
    unsigned int n;
    unsigned int maps;
};

static const uint8_t *map(uint64_t addr, size_t len, void *ctx)
{
    struct memory *m = ctx;

    m->maps++;
    for (unsigned int i = 0; i < m->n; i++)
        if (addr >= m->r[i].addr && addr + len <= m->r[i].addr + m->r[i].len)
            return m->r[i].bytes + (addr - m->r[i].addr);
    return NULL;
}

static void fix_checksum(uint8_t *t, size_t len, size_t at)
{
    uint8_t sum = 0;

    t[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += t[i];
    t[at] = (uint8_t)-sum;
}

static void test_rsdp_in_bios_area(void **state)
{
    static uint8_t area[0x20000];              /* 0xe0000-0xfffff */

    memset(area, 0, sizeof(area));
    memcpy(area + 0x15250, qemu_rsdp, sizeof(qemu_rsdp));      /* where SeaBIOS put it: 0xf5250 */
    assert_int_equal(acpi_rsdp_scan(area, sizeof(area)), 0x15250);
    /* Only 16-byte boundaries count. */
    memset(area + 0x15250, 0, sizeof(qemu_rsdp));
    memcpy(area + 0x15258, qemu_rsdp, sizeof(qemu_rsdp));
    assert_int_equal(acpi_rsdp_scan(area, sizeof(area)), -1);
    /* A wrong checksum is no RSDP; the signature alone is not enough. */
    memset(area, 0, sizeof(area));
    memcpy(area + 0x100, qemu_rsdp, sizeof(qemu_rsdp));
    area[0x100 + 16] ^= 1;
    assert_int_equal(acpi_rsdp_scan(area, sizeof(area)), -1);
    /* One cut short by the end of the area is not read past it. */
    memset(area, 0, sizeof(area));
    memcpy(area + sizeof(area) - 16, qemu_rsdp, 16);
    assert_int_equal(acpi_rsdp_scan(area, sizeof(area)), -1);
}

static void test_rsdt_to_madt(void **state)
{
    struct memory m = { .r = { { RSDT_ADDR, qemu_rsdt_smp2, sizeof(qemu_rsdt_smp2) },
                               { MADT2_ADDR, qemu_madt_smp2, sizeof(qemu_madt_smp2) } }, .n = 2 };
    uint64_t addr = 0;
    uint32_t len = 0;

    assert_int_equal(acpi_find_madt(qemu_rsdp, map, &m, &addr, &len), 0);
    assert_int_equal(addr, MADT2_ADDR);
    assert_int_equal(len, sizeof(qemu_madt_smp2));
    /* The FACP before it is not mapped here: skipped, not a failure. A root we cannot read is. */
    m.r[0].addr = 0x1000;
    assert_int_equal(acpi_find_madt(qemu_rsdp, map, &m, &addr, &len), -1);
}

static void test_madt_with_bad_checksum_is_not_found(void **state)
{
    uint8_t madt[sizeof(qemu_madt_smp2)];
    struct memory m = { .r = { { RSDT_ADDR, qemu_rsdt_smp2, sizeof(qemu_rsdt_smp2) },
                               { MADT2_ADDR, madt, sizeof(madt) } }, .n = 2 };
    uint64_t addr;
    uint32_t len;

    memcpy(madt, qemu_madt_smp2, sizeof(madt));
    madt[50] ^= 0x10;
    assert_int_equal(acpi_table_ok(madt, sizeof(madt), "APIC"), 0);
    assert_int_equal(acpi_find_madt(qemu_rsdp, map, &m, &addr, &len), -1);
    assert_int_equal(acpi_table_ok(qemu_madt_smp2, sizeof(qemu_madt_smp2), "APIC"), sizeof(qemu_madt_smp2));
    assert_int_equal(acpi_table_ok(qemu_madt_smp2, sizeof(qemu_madt_smp2) - 1, "APIC"), 0);
    assert_int_equal(acpi_table_ok(qemu_madt_smp2, sizeof(qemu_madt_smp2), "HPET"), 0);
}

static void test_qemu_smp2(void **state)
{
    struct madt_info mi;

    assert_int_equal(madt_parse(qemu_madt_smp2, sizeof(qemu_madt_smp2), &mi), 0);
    assert_int_equal(mi.lapic_addr, 0xfee00000);
    assert_int_equal(mi.flags, 1);
    assert_int_equal(mi.nr, 2);
    assert_int_equal(mi.nr_enabled, 2);
    for (unsigned int i = 0; i < 2; i++) {
        assert_int_equal(mi.cpu[i].apic_id, i);
        assert_int_equal(mi.cpu[i].acpi_id, i);
        assert_true(mi.cpu[i].enabled);
    }
}

static void test_qemu_smp4(void **state)
{
    struct madt_info mi;

    assert_int_equal(madt_parse(qemu_madt_smp4, sizeof(qemu_madt_smp4), &mi), 0);
    assert_int_equal(mi.nr, 4);
    assert_int_equal(mi.nr_enabled, 4);
    assert_int_equal(mi.cpu[3].apic_id, 3);
}

static void test_qemu_present_not_enabled(void **state)
{
    struct madt_info mi;

    assert_int_equal(madt_parse(qemu_madt_smp2_max4, sizeof(qemu_madt_smp2_max4), &mi), 0);
    assert_int_equal(mi.nr, 4);
    assert_int_equal(mi.nr_enabled, 2);
    assert_true(mi.cpu[0].enabled && mi.cpu[1].enabled);
    assert_false(mi.cpu[2].enabled);
    assert_false(mi.cpu[3].enabled);
    assert_int_equal(mi.cpu[2].apic_id, 2);
}

/* A MADT of our own: header, lapic address, flags, then `body`. */
static size_t build_madt(uint8_t *t, const uint8_t *body, size_t blen)
{
    size_t len = ACPI_HEADER_LEN + 8 + blen;

    memset(t, 0, ACPI_HEADER_LEN + 8);
    memcpy(t, "APIC", 4);
    t[4] = (uint8_t)len;
    t[5] = (uint8_t)(len >> 8);
    t[8] = 3;
    t[ACPI_HEADER_LEN + 2] = 0xe0;       /* 0xfee00000 */
    t[ACPI_HEADER_LEN + 3] = 0xfe;
    memcpy(t + ACPI_HEADER_LEN + 8, body, blen);
    fix_checksum(t, len, 9);
    return len;
}

static void test_x2apic_and_override(void **state)
{
    static const uint8_t body[] = {
        0, 8, 0, 0, 1, 0, 0, 0,                                     /* APIC 0, enabled */
        9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0,      /* x2APIC 256, UID 7 */
        9, 16, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0,      /* x2APIC 257, not enabled */
        5, 12, 0, 0, 0, 0, 0xd0, 0xfe, 0, 0, 0, 0,                  /* registers at 0xfed00000 */
        1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0,                  /* an I/O APIC: not a CPU */
    };
    uint8_t t[256];
    size_t len = build_madt(t, body, sizeof(body));
    struct madt_info mi;

    assert_int_equal(acpi_table_ok(t, len, "APIC"), len);
    assert_int_equal(madt_parse(t, len, &mi), 0);
    assert_int_equal(mi.nr, 3);
    assert_int_equal(mi.nr_enabled, 2);
    assert_int_equal(mi.cpu[1].apic_id, 256);
    assert_int_equal(mi.cpu[1].acpi_id, 7);
    assert_true(mi.cpu[1].enabled);
    assert_false(mi.cpu[2].enabled);
    assert_int_equal(mi.lapic_addr, 0xfed00000);
}

static void test_malformed_entries(void **state)
{
    static const uint8_t past_end[] = { 0, 8, 0, 0, 1, 0, 0, 0, 0, 9, 1, 1, 1, 0, 0, 0 };
    static const uint8_t zero_len[] = { 0, 8, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0 };
    static const uint8_t short_lapic[] = { 0, 6, 0, 0, 1, 0 };
    static const uint8_t short_x2apic[] = { 9, 8, 0, 0, 1, 0, 0, 0 };
    static const uint8_t lone_byte[] = { 0, 8, 0, 0, 1, 0, 0, 0, 0 };
    const struct { const uint8_t *b; size_t n; } bad[] = {
        { past_end, sizeof(past_end) }, { zero_len, sizeof(zero_len) },
        { short_lapic, sizeof(short_lapic) }, { short_x2apic, sizeof(short_x2apic) },
        { lone_byte, sizeof(lone_byte) },
    };
    uint8_t t[256];
    struct madt_info mi;

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len = build_madt(t, bad[i].b, bad[i].n);
        assert_int_equal(madt_parse(t, len, &mi), -1);
    }
    assert_int_equal(madt_parse(t, ACPI_HEADER_LEN + 4, &mi), -1);
}

/* More processor entries than records: counted, not written past the array. */
static void test_many_cpus(void **state)
{
    static uint8_t body[8 * (MADT_MAX_CPUS + 3)], t[ACPI_HEADER_LEN + 8 + sizeof(body)];
    struct madt_info mi;

    for (unsigned int i = 0; i < MADT_MAX_CPUS + 3; i++) {
        uint8_t e[8] = { 0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0 };
        memcpy(body + 8 * i, e, 8);
    }
    assert_int_equal(madt_parse(t, build_madt(t, body, sizeof(body)), &mi), 0);
    assert_int_equal(mi.nr, MADT_MAX_CPUS);
    assert_int_equal(mi.nr_dropped, 3);
    assert_int_equal(mi.cpu[MADT_MAX_CPUS - 1].apic_id, MADT_MAX_CPUS - 1);
}

/* ACPI 2.0: an RSDP of revision 2 whose XSDT has 64-bit entries. */
static void test_xsdt(void **state)
{
    uint8_t rsdp[ACPI_RSDP_V2_LEN] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ' };
    uint8_t xsdt[ACPI_HEADER_LEN + 16] = { 'X', 'S', 'D', 'T', sizeof(xsdt) };
    const uint64_t xsdt_addr = 0x123456000, madt_addr = 0x2000;
    struct memory m = { .r = { { xsdt_addr, xsdt, sizeof(xsdt) },
                               { madt_addr, qemu_madt_smp4, sizeof(qemu_madt_smp4) } }, .n = 2 };
    uint64_t addr;
    uint32_t len;

    rsdp[15] = 2;
    memcpy(rsdp + 16, "\x00\x10\x00\x00", 4);       /* an RSDT address that is not mapped */
    rsdp[20] = ACPI_RSDP_V2_LEN;
    for (int i = 0; i < 8; i++)
        rsdp[24 + i] = (uint8_t)(xsdt_addr >> (8 * i));
    fix_checksum(rsdp, ACPI_RSDP_V1_LEN, 8);
    fix_checksum(rsdp, ACPI_RSDP_V2_LEN, 32);
    xsdt[ACPI_HEADER_LEN] = 0x00;                   /* first entry: nothing there */
    xsdt[ACPI_HEADER_LEN + 1] = 0x90;
    xsdt[ACPI_HEADER_LEN + 8 + 1] = 0x20;           /* second: the MADT */
    fix_checksum(xsdt, sizeof(xsdt), 9);
    assert_int_equal(acpi_rsdp_scan(rsdp, sizeof(rsdp)), 0);
    assert_int_equal(acpi_find_madt(rsdp, map, &m, &addr, &len), 0);
    assert_int_equal(addr, madt_addr);
    assert_int_equal(len, sizeof(qemu_madt_smp4));
    /* A broken extended checksum: not an RSDP. */
    rsdp[33] ^= 1;
    assert_int_equal(acpi_rsdp_scan(rsdp, sizeof(rsdp)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsdp_in_bios_area),
        cmocka_unit_test(test_rsdt_to_madt),
        cmocka_unit_test(test_madt_with_bad_checksum_is_not_found),
        cmocka_unit_test(test_qemu_smp2),
        cmocka_unit_test(test_qemu_smp4),
        cmocka_unit_test(test_qemu_present_not_enabled),
        cmocka_unit_test(test_x2apic_and_override),
        cmocka_unit_test(test_malformed_entries),
        cmocka_unit_test(test_many_cpus),
        cmocka_unit_test(test_xsdt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
