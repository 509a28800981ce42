/*
 * MULTI: multicall (13).
 */
#include <xen/version.h>
#include <xen/vcpu.h>
#include <xen/xen.h>
#include <os/events.h>
#include <os/time.h>
#include "test.h"

#define LONG_BATCH 4096
#define UNTOUCHED 0x5a5a5a5a5a5a5a5aul

/*
 * A batch during which the timer fires: its first entry sets the one-shot
 * timer to a time long past (set_timer_op(1)), so the timer interrupt comes
 * while the other 4095 entries run. The hypervisor may stop between entries
 * and carry on later (Xen and Xenolith both do), but every entry must still
 * run exactly once.
 */
static void long_batch(void)
{
    static struct multicall_entry mc[LONG_BATCH];
    unsigned int wrong = 0;
    long rc;

    mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_set_timer_op, .args = { 1 }, .result = 1 };
    for (unsigned int i = 1; i < LONG_BATCH; i++)
        mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                          .args = { XENVER_pagesize }, .result = 1 };
    rc = HYPERVISOR_multicall(mc, LONG_BATCH);
    for (unsigned int i = 1; i < LONG_BATCH; i++)
        wrong += mc[i].result != 4096;
    t_check("MULTI0008", "a 4096-entry batch with the timer firing in it runs every entry once",
            rc == 0 && mc[0].result == 0 && wrong == 0, "(rc=%ld wrong=%u)", rc, wrong);
}

/*
 * A batch started with an upcall due (an IPI to ourselves, pending and
 * unmasked but undelivered): as Xen's multicall asks hypercall_preempt_check
 * between entries, the batch stops after some entries, the upcall runs, and
 * the rest follows (Xen stops after the first entry, Xenolith after 8).
 */
#define DUE_BATCH 64

static struct multicall_entry due_mc[DUE_BATCH];
static volatile unsigned int due_upcalls, ran_at_upcall;

static unsigned int entries_run(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < DUE_BATCH; i++)
        n += due_mc[i].result != UNTOUCHED;
    return n;
}

static void note_upcall(unsigned int port, struct os_regs *regs, void *data)
{
    due_upcalls++;
    ran_at_upcall = entries_run();
}

static void batch_with_upcall_due(void)
{
    long port = t_ipi_open(note_upcall), rc = -1;
    unsigned int wrong = 0;

    for (unsigned int tries = 0; port >= 0 && tries < 3; tries++) {
        for (unsigned int i = 0; i < DUE_BATCH; i++)
            due_mc[i] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                                  .args = { XENVER_pagesize }, .result = UNTOUCHED };
        due_upcalls = 0;
        ran_at_upcall = 0;
        t_event_due_undelivered(port);
        rc = HYPERVISOR_multicall(due_mc, DUE_BATCH);
        if (ran_at_upcall)
            break;                              /* else the upcall came before the batch */
    }
    t_check("MULTI0016", "a 64-entry batch with an upcall due stops between entries for it",
            due_upcalls == 1 && ran_at_upcall > 0 && ran_at_upcall < DUE_BATCH,
            "(port=%ld upcalls=%u entries run at the upcall=%u)", port, due_upcalls, ran_at_upcall);
    for (unsigned int i = 0; i < DUE_BATCH; i++)
        wrong += due_mc[i].result != 4096;
    t_check("MULTI0017", "then the rest of the batch runs: 0, every entry once",
            rc == 0 && wrong == 0, "(rc=%ld wrong=%u)", rc, wrong);
    if (port >= 0)
        t_ipi_close((unsigned int)port);
}

/* multicall_iret.S */
#define MC_IRET_MAGIC_RAX 0x600dcafe8badf00dul
#define MC_IRET_MAGIC_RCX 0xc0ffee01ul
#define MC_IRET_MAGIC_R11 0xc0ffee02ul
struct mc_iret_out { uint64_t rax, rcx, r11, rsp_seen, rsp_expected, resumed; };
long mc_iret_batch(struct multicall_entry *list, unsigned long nr, uint64_t rflags,
                   struct mc_iret_out *out);


/*
 * An iret entry runs and ends the batch (Xen 4.17: the iret's result, the
 * frame's rax, is written to the entry and, cut to 32 bits and sign-extended,
 * is the multicall's own result; later entries are not run).
 */
static void iret_in_batch(void)
{
    static struct multicall_entry mc[3];
    static struct mc_iret_out out;
    /* Keep the event mask as it is: the frame's IF restores it. */
    uint64_t rflags = 0x2 | (os_vcpu_info->evtchn_upcall_mask ? 0 : 0x200);

    mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                      .args = { XENVER_pagesize }, .result = UNTOUCHED };
    mc[1] = (struct multicall_entry){ .op = __HYPERVISOR_iret, .result = UNTOUCHED };
    mc[2] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                      .args = { XENVER_pagesize }, .result = UNTOUCHED };
    long rc = mc_iret_batch(mc, 3, rflags, &out);

    t_check("MULTI0009", "an iret entry resumes at its frame (rip and rsp)",
            out.resumed == 1 && out.rsp_seen == out.rsp_expected,
            "(resumed=%lu rsp=%#lx want %#lx)", (unsigned long)out.resumed,
            (unsigned long)out.rsp_seen, (unsigned long)out.rsp_expected);
    t_check("MULTI0010", "the multicall then returns the frame's rax as a sign-extended int",
            rc == (long)(int32_t)MC_IRET_MAGIC_RAX,
            "(rc=%#lx)", (unsigned long)rc);
    t_check("MULTI0011", "rcx and r11 come from the frame",
            out.rcx == MC_IRET_MAGIC_RCX && out.r11 == MC_IRET_MAGIC_R11,
            "(rcx=%#lx r11=%#lx)", (unsigned long)out.rcx, (unsigned long)out.r11);
    t_rc("MULTI0012", "the entry before the iret ran", (long)mc[0].result, 4096);
    t_check("MULTI0013", "the iret entry's result is the frame's rax",
            mc[1].result == MC_IRET_MAGIC_RAX, "(result=%#lx)", (unsigned long)mc[1].result);
    t_check("MULTI0014", "the entry after the iret did not run",
            mc[2].result == UNTOUCHED, "(result=%#lx)", (unsigned long)mc[2].result);
}

void suite_multicall(void)
{
    static struct multicall_entry mc[4];
    static const char msg[] = "selftest: written from a multicall\n";
    long rc;

    mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                      .args = { XENVER_pagesize } };
    mc[1] = (struct multicall_entry){ .op = __HYPERVISOR_console_io,
                                      .args = { CONSOLEIO_write, sizeof(msg) - 1,
                                                (xen_ulong_t)msg } };
    mc[2] = (struct multicall_entry){ .op = 11 };      /* unused number */
    mc[3] = (struct multicall_entry){ .op = __HYPERVISOR_vm_assist,
                                      .args = { VMASST_CMD_enable, 6 } };
    rc = HYPERVISOR_multicall(mc, 4);
    t_rc("MULTI0001", "a batch of 4 entries returns 0", rc, 0);
    t_rc("MULTI0002", "entry 0 (xen_version pagesize) gives 4096",
         (long)mc[0].result, 4096);
    t_rc("MULTI0003", "entry 1 (console write) gives 0", (long)mc[1].result, 0);
    t_rc("MULTI0004", "entry 2 (unused hypercall 11) gives -ENOSYS",
         (long)mc[2].result, -XEN_ENOSYS);
    t_rc("MULTI0005", "entry 3 (vm_assist bad type) gives -EINVAL",
         (long)mc[3].result, -XEN_EINVAL);
    t_rc("MULTI0006", "multicall from an unmapped list gives -EFAULT",
         HYPERVISOR_multicall((void *)T_UNMAPPED_VA, 2), -XEN_EFAULT);
    t_rc("MULTI0007", "an empty multicall returns 0",
         HYPERVISOR_multicall(mc, 0), 0);
    mc[0] = (struct multicall_entry){ .op = __HYPERVISOR_multicall, .args = { (xen_ulong_t)&mc[1], 1 } };
    mc[1] = (struct multicall_entry){ .op = __HYPERVISOR_xen_version,
                                      .args = { XENVER_pagesize }, .result = UNTOUCHED };
    rc = HYPERVISOR_multicall(mc, 1);
    t_check("MULTI0015", "a multicall inside a batch gives -EINVAL and runs nothing",
            rc == 0 && (long)mc[0].result == -XEN_EINVAL && mc[1].result == UNTOUCHED,
            "(rc=%ld result=%ld)", rc, (long)mc[0].result);
    iret_in_batch();
    long_batch();
    batch_with_upcall_due();
}
