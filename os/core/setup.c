/*
 * Start of day: from start_info to os_main().
 */
#include <os/console.h>
#include <os/events.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <os/sched.h>
#include <os/traps.h>
#include <xen/vcpu.h>

start_info_t *os_start_info;
shared_info_t *os_shared_info;
struct vcpu_info *os_vcpu_info;
unsigned int os_domid = DOMID_SELF;

/* shared_info gets mapped over this page of our image. */
static char shared_info_page[OS_PAGE_SIZE]
    __attribute__((aligned(4096), section(".bss.page_aligned")));

static void __attribute__((noreturn)) die(const char *what, long rc)
{
    os_printf("os: %s failed: %ld\n", what, rc);
    os_crash();
}

/*
 * Map the shared_info frame: its machine address is in start_info and we
 * must map it ourselves (update_va_mapping of one of our pages).
 */
static long map_shared_info(void)
{
    uint64_t pte = (os_start_info->shared_info & OS_PTE_ADDR) |
                   OS_PTE_PRESENT | OS_PTE_RW | OS_PTE_ACCESSED | OS_PTE_DIRTY;
    long rc = HYPERVISOR_update_va_mapping((unsigned long)shared_info_page,
                                           pte, UVMF_INVLPG);

    if (rc)
        return rc;
    os_shared_info = (shared_info_t *)shared_info_page;
    os_vcpu_info = &os_shared_info->vcpu_info[0];
    return 0;
}

/*
 * Called by start.S with the builder's start_info.  Brings up traps,
 * shared_info, events and the allocator, then runs the guest.
 */
void __attribute__((noreturn)) os_start(start_info_t *si)
{
    long rc;

    os_start_info = si;
    /* A hypercall page left as we filled it (0xc3) means no hypervisor. */
    if ((unsigned char)hypercall_page[0] == 0xc3)
        for (;;)
            asm volatile ("ud2");
    if (si->flags & SIF_INITDOMAIN)
        os_domid = 0;

    if ((rc = os_traps_init()))
        die("trap/callback setup", rc);
    if ((rc = map_shared_info()))
        die("shared_info mapping", rc);
    os_mm_init();
    /* PV vCPUs start with a 10 ms periodic timer; we use one-shots. */
    if ((rc = HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL)))
        die("stop_periodic_timer", rc);
    if ((rc = os_events_init()))
        die("event setup", rc);
    os_irq_enable();

    os_main();
    os_poweroff();
}
