/*
 * GATES: software interrupts through trap-table gates of each DPL, and the
 * failsafe callback.
 *
 * Xen 4.17 (x86-64 PV): the guest kernel runs in ring 3, so `int $n` reaches
 * Xen as a #GP naming the IDT entry; Xen lets it through when the virtual DPL
 * of the trap_info entry is at least the guest's virtual CPL (1 in kernel
 * mode, 3 in user mode), else the guest gets that #GP, error (n << 3) | 2.
 * Vector 0x80 is the exception: Xen's fast int80 path bounces to any entry
 * that has a handler, whatever its DPL.
 *
 * The failsafe callback is entered when Xen cannot reload a data segment
 * selector on the way back to the guest after its state was switched out.
 * Xen reloads only after another context ran on the CPU; a Dom0 alone gets
 * that from a platform_op that Xen runs on CPU 0 in its own context
 * (XENPF_core_parking set: nothing to park on one CPU). The selector is an
 * LDT one whose LDT is gone by then.
 */
#include <xl/format.h>
#include <os/mm.h>
#include <os/traps.h>
#include <os/user.h>
#include <xen/callback.h>
#include <xen/platform.h>
#include "pt_util.h"
#include "test.h"

extern char t_user_int20[], t_user_int80[], t_after_platform_op[];
extern char t_failsafe_entry[];
extern volatile uint64_t t_failsafe_frame[11], t_failsafe_es, t_failsafe_count;
long t_platform_op(struct xen_platform_op *op);

static char user_stack[4096] __attribute__((aligned(16)));

static uint64_t soft_int_0x20(void)
{
    uint64_t ex = 0;

    asm volatile ("1: int $0x20\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (ex) :: "memory");
    return ex;
}

static long gate(uint8_t vec, uint8_t dpl, const void *fn)
{
    struct trap_info t[2] = { { vec, dpl, FLAT_KERNEL_CS, (uint64_t)fn }, { 0, 0, 0, 0 } };

    return HYPERVISOR_set_trap_table(t);
}

#define GP_FOR(n) ((13ul << 32) | (1ul << 63) | (((n) << 3) | 2))

/* int $0x20 from kernel mode through a gate of this DPL: bounced (1) or #GP. */
static void kernel_int(const char *id, unsigned int dpl, int bounced)
{
    unsigned long before = os_trap_count[0x20];
    long rc = gate(0x20, dpl, os_trap_soft_0x20);
    uint64_t ex = soft_int_0x20();
    char desc[80];

    if (bounced) {
        xl_snprintf(desc, sizeof(desc), "kernel int $0x20 through a DPL %u gate is bounced", dpl);
        t_check(id, desc, rc == 0 && ex == 0 && os_trap_count[0x20] == before + 1,
                "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
    } else {
        xl_snprintf(desc, sizeof(desc), "kernel int $0x20 through a DPL %u gate raises #GP (0x20<<3)|2", dpl);
        t_check(id, desc, rc == 0 && ex == GP_FOR(0x20) && os_trap_count[0x20] == before,
                "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
    }
}

/* The same from user mode: only DPL 3 lets it through. */
static void user_int(const char *id, unsigned int vec, unsigned int dpl, int bounced)
{
    const void *stub = vec == 0x20 ? os_trap_soft_0x20 : os_trap_soft_0x80;
    unsigned long before = os_trap_count[vec];
    long rc = gate((uint8_t)vec, dpl, stub);
    uint64_t ex = os_exec_user(vec == 0x20 ? t_user_int20 : t_user_int80,
                               user_stack + sizeof(user_stack));
    char desc[80];

    if (bounced) {
        xl_snprintf(desc, sizeof(desc), "user int $%#x through a DPL %u gate is bounced", vec, dpl);
        t_check(id, desc, rc == 0 && ex == 0 && os_trap_count[vec] == before + 1,
                "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
    } else {
        xl_snprintf(desc, sizeof(desc), "user int $%#x through a DPL %u gate raises #GP (%#x<<3)|2",
                    vec, dpl, vec);
        t_check(id, desc, rc == 0 && ex == GP_FOR(vec) && os_trap_count[vec] == before,
                "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
    }
}

/* int $0x80 from kernel mode through a DPL 0 gate: bounced all the same. */
static void kernel_int80(void)
{
    unsigned long before = os_trap_count[0x80];
    long rc = gate(0x80, 0, os_trap_soft_0x80);
    uint64_t ex = 0;

    asm volatile ("1: int $0x80\n2:\n" OS_EXTABLE(1b, 2b) : "+a" (ex) :: "memory");
    t_check("GATES0016", "kernel int $0x80 through a DPL 0 gate is bounced (Xen's int80 path)",
            rc == 0 && ex == 0 && os_trap_count[0x80] == before + 1,
            "(rc=%ld exinfo=%#lx)", rc, (unsigned long)ex);
}

static void gates(void)
{
    kernel_int("GATES0001", 0, 0);
    kernel_int("GATES0002", 1, 1);
    kernel_int("GATES0003", 2, 1);
    kernel_int("GATES0004", 3, 1);
    kernel_int80();
    if (!t_rc("GATES0005", "user mode is available (user root, stack_switch)", os_user_init(), 0))
        return;
    user_int("GATES0006", 0x20, 1, 0);
    user_int("GATES0007", 0x20, 2, 0);
    user_int("GATES0008", 0x20, 3, 1);
    user_int("GATES0009", 0x80, 1, 1);
    user_int("GATES0010", 0x80, 3, 1);
    gate(0x20, 3, os_trap_soft_0x20);
    gate(0x80, 3, os_trap_soft_0x80);
}

/* A flat 64-bit data descriptor, DPL 3. */
#define DESC_DATA 0x00cff3000000ffffull
#define LDT_SEL   0x0f                  /* LDT entry 1, RPL 3 */

static int failsafe_hook(struct os_regs *r)
{
    return 1;                           /* resume at the frame */
}

static long set_ldt(const void *base, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = (uint64_t)base,
                            .arg2.nr_ents = ents };

    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static long failsafe_callback(const void *fn)
{
    struct callback_register cb = { .type = CALLBACKTYPE_failsafe, .flags = CALLBACKF_mask_events,
                                    .address = (xen_callback_t)fn };

    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static void failsafe(void)
{
    static struct xen_platform_op op;
    uint64_t *ldt = pt_get_page(0);
    uint16_t ds, fs, gs, es_after;
    os_trap_hook_t old;
    long rc;

    if (!ldt) {
        t_case("GATES0011", "an LDT selector left in %es works while its LDT is there",
               T_SKIP, "(no free page)");
        return;
    }
    ldt[1] = DESC_DATA;
    rc = pt_set_ro(ldt);
    if (!rc)
        rc = set_ldt(ldt, 2);
    if (!rc)
        asm volatile ("mov %0, %%es" :: "r" (LDT_SEL));
    asm volatile ("mov %%es, %0" : "=r" (es_after));
    t_check("GATES0011", "an LDT selector left in %es works while its LDT is there",
            rc == 0 && es_after == LDT_SEL, "(rc=%ld es=%#x)", rc, es_after);
    if (rc) {
        pt_put_page(ldt);
        return;
    }
    asm volatile ("mov %%ds, %0; mov %%fs, %1; mov %%gs, %2" : "=r" (ds), "=r" (fs), "=r" (gs));

    /* Take the LDT away: %es still holds the selector, now unloadable. */
    rc = set_ldt(NULL, 0);
    t_failsafe_count = 0;
    old = os_set_trap_hook(OS_VEC_FAILSAFE, failsafe_hook);
    failsafe_callback(t_failsafe_entry);
    op = (struct xen_platform_op){ .cmd = XENPF_core_parking,
                                   .interface_version = XENPF_INTERFACE_VERSION,
                                   .u.core_parking = { .type = XEN_CORE_PARKING_SET } };
    long prc = t_platform_op(&op);
    asm volatile ("mov %%es, %0" : "=r" (es_after));
    failsafe_callback(os_failsafe_callback);
    os_set_trap_hook(OS_VEC_FAILSAFE, old);

    t_check("GATES0012", "core_parking set(0) returns 0 and the reload enters the failsafe callback once",
            rc == 0 && prc == 0 && t_failsafe_count == 1,
            "(rc=%ld prc=%ld count=%lu)", rc, prc, (unsigned long)t_failsafe_count);
    t_check("GATES0013", "the failsafe frame holds ds, es, fs, gs as they were, es the bad one",
            t_failsafe_frame[2] == ds && t_failsafe_frame[3] == LDT_SEL &&
            t_failsafe_frame[4] == fs && t_failsafe_frame[5] == gs,
            "(ds=%#lx es=%#lx fs=%#lx gs=%#lx)", (unsigned long)t_failsafe_frame[2],
            (unsigned long)t_failsafe_frame[3], (unsigned long)t_failsafe_frame[4],
            (unsigned long)t_failsafe_frame[5]);
    t_check("GATES0014", "then rip after the syscall, kernel cs (RPL 0), ss, and rcx/r11 of the syscall",
            t_failsafe_frame[6] == (uint64_t)t_after_platform_op &&
            (uint16_t)t_failsafe_frame[7] == (FLAT_KERNEL_CS & ~3) &&
            t_failsafe_frame[10] == FLAT_KERNEL_SS &&
            t_failsafe_frame[0] == (uint64_t)t_after_platform_op,
            "(rip=%#lx cs=%#lx ss=%#lx rcx=%#lx)", (unsigned long)t_failsafe_frame[6],
            (unsigned long)t_failsafe_frame[7], (unsigned long)t_failsafe_frame[10],
            (unsigned long)t_failsafe_frame[0]);
    t_check("GATES0015", "the failsafe callback runs with the bad selector replaced by null",
            t_failsafe_es == 0 && es_after == 0, "(es in callback=%#lx after=%#x)",
            (unsigned long)t_failsafe_es, es_after);
    pt_put_page(ldt);
}

void suite_trapgates(void)
{
    gates();
    failsafe();
}
