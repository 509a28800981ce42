/*
 * mode=failsafe: for a two-domain run, as the DomU. Leave an LDT selector in
 * %es, take the LDT away, then yield until the hypervisor has switched to the
 * other domain and back: reloading %es must fail then, and the failsafe
 * callback must be entered with the selectors as they were (es the bad one)
 * and run with %es null. Prints one "failsafe: ..." verdict and powers off.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/sched.h>
#include <os/time.h>
#include <os/traps.h>
#include <xen/sched.h>
#include "crash.h"

#define DESC_DATA 0x00cff3000000ffffull     /* flat data, DPL 3 */
#define LDT_SEL   0x0f                      /* LDT entry 1, RPL 3 */
#define WAIT_NS   2000000000ull             /* bound on waiting for a switch */

static volatile unsigned long entered;
static volatile uint16_t es_in_callback;

static int on_failsafe(struct os_regs *r)
{
    uint16_t es;
    asm volatile ("mov %%es, %0" : "=r" (es));
    es_in_callback = es;
    entered++;
    return 1;
}

static long set_ldt(const void *base, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1.linear_addr = (uint64_t)base,
                            .arg2.nr_ents = ents };
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

void crash_failsafe(void)
{
    uint64_t *ldt = os_alloc_page();
    uint64_t end;
    long rc = -1;

    if (ldt) {
        ldt[1] = DESC_DATA;
        rc = HYPERVISOR_update_va_mapping((uint64_t)ldt, (os_virt_to_mfn(ldt) << 12) |
                                          OS_PTE_PRESENT | OS_PTE_USER | OS_PTE_ACCESSED,
                                          UVMF_INVLPG);
    }
    if (!rc)
        rc = set_ldt(ldt, 2);
    if (rc) {
        os_printf("failsafe: setting up the LDT failed: %ld\n", rc);
        os_poweroff();
    }
    os_set_trap_hook(OS_VEC_FAILSAFE, on_failsafe);
    asm volatile ("mov %0, %%es" :: "r" (LDT_SEL));
    set_ldt(NULL, 0);
    end = os_now_ns() + WAIT_NS;
    while (!entered && os_now_ns() < end)
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    if (entered && os_failsafe_sel[1] == LDT_SEL && es_in_callback == 0)
        os_printf("failsafe: entered after a domain switch, es 0xf in the frame, null in the callback\n");
    else
        os_printf("failsafe: wrong: entered %lu times, frame es %#lx, es in callback %#x\n",
                  entered, (unsigned long)os_failsafe_sel[1], es_in_callback);
    os_poweroff();
}
