/*
 * SMP: a second vCPU of Dom0 (run with two vCPUs: --cpus 2 gives Dom0 a
 * vCPU per CPU on both hypervisors; with one vCPU the suite prints
 * nothing). vCPU 1 is started with VCPUOP_initialise/up through os/smp.h,
 * runs small jobs, exchanges IPIs with vCPU 0, gets events moved to it and
 * its own timer, is taken down and up again; bad contexts and vCPU ids get
 * Xen's refusals; MULTI flushes name both vCPUs.
 *
 * Nothing here waits for time: vCPU 0 yields until vCPU 1 has done what a
 * case checks (or blocks until an event came).
 */
#include <os/events.h>
#include <os/mm.h>
#include <os/sched.h>
#include <os/smp.h>
#include <os/time.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include "pt_util.h"
#include "test.h"

#define PINGS 20

static struct vcpu_guest_context ctx;
static struct xen_domctl dc;

static volatile int flag;                /* vCPU 0 -> vCPU 1: go on */
static volatile int ran_on = -1;         /* the vCPU a job or handler ran on */
static volatile int seen;                /* what the job saw */

static void yield(void)
{
    HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

static long is_up(unsigned int id)
{
    return HYPERVISOR_vcpu_op(VCPUOP_is_up, id, NULL);
}

static long initialise(unsigned int id, void (*change)(struct vcpu_guest_context *))
{
    os_vcpu_context(id, &ctx);
    if (change)
        change(&ctx);
    return HYPERVISOR_vcpu_op(VCPUOP_initialise, id, &ctx);
}

/* Block (events enabled) until *counter exceeds `than`. */
static void wait_count(volatile unsigned long *counter, unsigned long than)
{
    os_irq_disable();
    while (*counter <= than) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
}

static long domctl(uint32_t cmd)
{
    dc.cmd = cmd;
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 0;
    return os_hypercall1(__HYPERVISOR_domctl, &dc);
}

/* --- jobs of vCPU 1 --- */

static void job_note(void *arg)
{
    ran_on = (int)os_vcpu_id();
}

static void job_wait_flag(void *arg)
{
    while (!flag)
        yield();
    ran_on = (int)os_vcpu_id();
}

struct ping { unsigned int to1, to0; unsigned long base1; };

static void job_pong(void *arg)
{
    const struct ping *p = arg;
    struct evtchn_send send = { .port = p->to0 };

    for (unsigned long i = 0; i < PINGS; i++) {
        wait_count(&os_evtchn_count[p->to1], p->base1 + i);
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    }
}

static void note_vcpu(unsigned int port, struct os_regs *regs, void *data)
{
    ran_on = (int)os_vcpu_id();
}

/* A port and its delivery count before: job_wait_port waits for one more. */
struct wait { unsigned int port; unsigned long base; };
static struct wait waiting;

static void *wait_for(unsigned int port)
{
    waiting.port = port;
    waiting.base = os_evtchn_count[port];
    return &waiting;
}

static void job_wait_port(void *arg)
{
    const struct wait *w = arg;

    wait_count(&os_evtchn_count[w->port], w->base);
}

static void job_own_timer(void *arg)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 1 };
    struct evtchn_close cl;
    long rc;

    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 1, NULL);
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
    if (rc) {
        seen = (int)rc;
        return;
    }
    os_evtchn_set_vcpu(bv.port, 1);
    os_evtchn_bind(bv.port, note_vcpu, NULL);
    os_evtchn_unmask(bv.port);
    seen = (int)HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv) == -XEN_EEXIST;
    {
        struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = os_now_ns() + 1000000 };
        unsigned long base = os_evtchn_count[bv.port];
        HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t);
        wait_count(&os_evtchn_count[bv.port], base);
    }
    cl.port = bv.port;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
    os_evtchn_unbind(bv.port);
    os_evtchn_set_vcpu(bv.port, 0);
}

/* vCPU 1 reads the first word of `page` before and after vCPU 0 remapped it. */
static volatile uint64_t *flush_page;
static volatile uint64_t first_read, second_read;

static void job_read_twice(void *arg)
{
    first_read = *flush_page;
    __atomic_store_n(&seen, 1, __ATOMIC_SEQ_CST);
    while (!flag)
        asm volatile ("pause");
    second_read = *flush_page;
}

/* --- bad contexts --- */

static void rip_noncanon(struct vcpu_guest_context *c) { c->user_regs.rip = T_NONCANON_VA; }
static void callback_noncanon(struct vcpu_guest_context *c) { c->event_callback_eip = T_NONCANON_VA; }
static void trap_noncanon(struct vcpu_guest_context *c) { c->trap_ctxt[14].address = T_NONCANON_VA; }
static void ldt_unaligned(struct vcpu_guest_context *c) { c->ldt_base = 0x1008; c->ldt_ents = 1; }
static void gdt_huge(struct vcpu_guest_context *c) { c->gdt_ents = 14 * 512 + 1; }
static void user_no_root(struct vcpu_guest_context *c) { c->flags &= ~(uint64_t)VGCF_in_kernel; }
static void root_missing(struct vcpu_guest_context *c) { c->ctrlreg[3] = PT_MFN_HUGE << 12; }
static void root_not_l4(struct vcpu_guest_context *c) { c->ctrlreg[3] = pt_mfn((const void *)flush_page) << 12; }

static void refusals(void)
{
    long rc;

    t_rc("SMP0001", "is_up of vCPU 1 before its context is 0", is_up(1), 0);
    t_rc("SMP0002", "up of vCPU 1 before its context gives -EINVAL",
         HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), -XEN_EINVAL);
    t_rc("SMP0003", "initialise of vCPU 2 (beyond max) gives -ENOENT", initialise(2, NULL),
         -XEN_ENOENT);
    t_rc("SMP0004", "is_up of vCPU 32 gives -ENOENT", is_up(32), -XEN_ENOENT);
    t_rc("SMP0005", "initialise with a non-canonical rip gives -EINVAL",
         initialise(1, rip_noncanon), -XEN_EINVAL);
    t_rc("SMP0006", "initialise with a non-canonical event callback gives -EINVAL",
         initialise(1, callback_noncanon), -XEN_EINVAL);
    t_rc("SMP0007", "initialise with a non-canonical trap handler gives -EINVAL",
         initialise(1, trap_noncanon), -XEN_EINVAL);
    t_rc("SMP0008", "initialise with an unaligned LDT gives -EINVAL",
         initialise(1, ldt_unaligned), -XEN_EINVAL);
    t_rc("SMP0009", "initialise with too many GDT entries gives -EINVAL",
         initialise(1, gdt_huge), -XEN_EINVAL);
    t_rc("SMP0010", "initialise in user mode without a user root gives -EINVAL",
         initialise(1, user_no_root), -XEN_EINVAL);
    t_rc("SMP0011", "initialise with a root frame that does not exist gives -EINVAL",
         initialise(1, root_missing), -XEN_EINVAL);
    t_rc("SMP0012", "initialise with a writable data page as root gives -EINVAL",
         initialise(1, root_not_l4), -XEN_EINVAL);
    rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, (void *)T_UNMAPPED_VA);
    t_rc("SMP0013", "initialise with an unreadable context gives -EFAULT", rc, -XEN_EFAULT);
    t_rc("SMP0014", "after the refusals vCPU 1 is still down", is_up(1), 0);
}

/* --- the cases --- */

static void start_and_stop(void)
{
    long rc;

    ran_on = -1;
    flag = 0;
    rc = os_vcpu_start(1, job_wait_flag, NULL);
    t_rc("SMP0015", "initialise and up of vCPU 1 give 0", rc, 0);
    if (rc)
        return;
    t_rc("SMP0016", "initialise of vCPU 1 again gives -EEXIST", initialise(1, NULL), -XEN_EEXIST);
    t_rc("SMP0017", "is_up of vCPU 1 while its job runs is 1", is_up(1), 1);
    t_rc("SMP0018", "down of vCPU 1 from vCPU 0 gives 0",
         HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL), 0);
    t_rc("SMP0019", "is_up of vCPU 1 after its down is 0", is_up(1), 0);
    {
        struct vcpu_runstate_info ri;
        /* Taken off its CPU asynchronously (Xen's vcpu_sleep_nosync): until it left it. */
        for (unsigned int i = 0; i < 10000; i++) {
            rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &ri);
            if (rc || ri.state != RUNSTATE_running)
                break;
            yield();
        }
        t_check("SMP0020", "runstate of vCPU 1 while down is offline",
                rc == 0 && ri.state == RUNSTATE_offline, "(rc=%ld state=%d)", rc, ri.state);
    }
    flag = 1;
    for (unsigned int i = 0; i < 50; i++)
        yield();
    t_check("SMP0021", "a vCPU that is down does not run", ran_on == -1 && !os_vcpu_job_done(1),
            "(ran_on=%d)", ran_on);
    t_rc("SMP0022", "up of vCPU 1 again gives 0", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
    os_vcpu_wait(1);
    t_check("SMP0023", "vCPU 1 resumes its job where it went down, on its own stack",
            ran_on == 1, "(ran_on=%d)", ran_on);
    t_rc("SMP0024", "a vCPU that took itself down after its job is down", is_up(1), 0);
    ran_on = -1;
    rc = os_vcpu_run(1, job_note, NULL);
    os_vcpu_wait(1);
    t_check("SMP0025", "up of vCPU 1 runs its next job", rc == 0 && ran_on == 1,
            "(rc=%ld ran_on=%d)", rc, ran_on);
}

static void ipis(void)
{
    struct evtchn_bind_ipi b1 = { .vcpu = 1 }, b0 = { .vcpu = 0 };
    static struct ping p;
    struct evtchn_send send;
    struct evtchn_close cl;
    unsigned long before1, before0;
    long rc;

    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b1);
    rc = rc ? rc : HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b0);
    t_rc("SMP0026", "bind_ipi toward vCPU 1 and toward vCPU 0 give 0", rc, 0);
    if (rc)
        return;
    p.to1 = b1.port;
    p.to0 = b0.port;
    p.base1 = os_evtchn_count[p.to1];
    os_evtchn_set_vcpu(p.to1, 1);
    os_evtchn_bind(p.to1, note_vcpu, NULL);
    os_evtchn_unmask(p.to1);
    os_evtchn_unmask(p.to0);
    before1 = os_evtchn_count[p.to1];
    before0 = os_evtchn_count[p.to0];
    ran_on = -1;
    rc = os_vcpu_run(1, job_pong, &p);
    send.port = p.to1;
    for (unsigned long i = 0; rc == 0 && i < PINGS; i++) {
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
        wait_count(&os_evtchn_count[p.to0], before0 + i);
    }
    os_vcpu_wait(1);
    t_check("SMP0027", "20 IPIs each way between vCPU 0 and vCPU 1 (ping-pong)",
            rc == 0 && os_evtchn_count[p.to1] - before1 == PINGS &&
            os_evtchn_count[p.to0] - before0 == PINGS,
            "(rc=%ld to1=%lu to0=%lu)", rc, os_evtchn_count[p.to1] - before1,
            os_evtchn_count[p.to0] - before0);
    t_rc("SMP0028", "an IPI port bound to vCPU 1 is handled on vCPU 1", ran_on, 1);
    {
        struct evtchn_bind_vcpu bv = { .port = p.to1, .vcpu = 0 };
        t_rc("SMP0029", "bind_vcpu of an IPI port gives -EINVAL",
             HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -XEN_EINVAL);
        bv.vcpu = 2;
        t_rc("SMP0030", "bind_vcpu to vCPU 2 (beyond max) gives -ENOENT",
             HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -XEN_ENOENT);
        bv.port = 1u << 20;
        t_rc("SMP0031", "bind_vcpu with a bad port and a bad vCPU gives -ENOENT (vCPU first)",
             HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &bv), -XEN_ENOENT);
    }
    cl.port = p.to1;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
    cl.port = p.to0;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
    os_evtchn_unbind(p.to1);
    os_evtchn_set_vcpu(p.to1, 0);
}

/* A loopback interdomain channel: a send on `b` raises `a`; a moved to vCPU 1 and back. */
static void moved_event(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi;
    struct evtchn_send send;
    struct evtchn_close cl;
    long rc;

    rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au);
    bi.remote_dom = DOMID_SELF;
    bi.remote_port = au.port;
    rc = rc ? rc : HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi);
    if (rc) {
        t_case("SMP0032", "bind_vcpu moves an interdomain port to vCPU 1", T_FAIL,
               "(loopback channel: rc=%ld)", rc);
        return;
    }
    os_evtchn_bind(au.port, note_vcpu, NULL);
    os_evtchn_clear(au.port);                   /* the bind's own notification */
    rc = os_evtchn_move(au.port, 1);
    ran_on = -1;
    if (rc == 0)
        rc = os_vcpu_run(1, job_wait_port, wait_for(au.port));
    os_evtchn_unmask(au.port);
    send.port = bi.local_port;
    if (rc == 0)
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
    os_vcpu_wait(1);
    t_check("SMP0032", "bind_vcpu moves an interdomain port to vCPU 1", rc == 0 && ran_on == 1,
            "(rc=%ld ran_on=%d)", rc, ran_on);
    rc = os_evtchn_move(au.port, 0);
    ran_on = -1;
    {
        unsigned long base = os_evtchn_count[au.port];
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
        wait_count(&os_evtchn_count[au.port], base);
    }
    t_check("SMP0033", "bind_vcpu moves it back to vCPU 0", rc == 0 && ran_on == 0,
            "(rc=%ld ran_on=%d)", rc, ran_on);
    os_evtchn_unbind(au.port);
    cl.port = bi.local_port;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
    cl.port = au.port;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
}

static void timers(void)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 1 };

    t_rc("SMP0034", "set_singleshot_timer of another vCPU gives -EINVAL",
         HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t), -XEN_EINVAL);
    ran_on = -1;
    seen = 0;
    os_vcpu_run(1, job_own_timer, NULL);
    os_vcpu_wait(1);
    t_check("SMP0035", "VIRQ_TIMER bound on vCPU 1 (bound on vCPU 0 too) fires there; again -EEXIST",
            ran_on == 1 && seen == 1, "(ran_on=%d seen=%d)", ran_on, seen);
}

static long flush_multi(unsigned int cmd, uint64_t va, const uint64_t *mask)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.linear_addr = va;
    op.arg2.vcpumask.p = mask;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * vCPU 1 reads a page, vCPU 0 points its entry at another frame without a
 * flush (mmu_update), then INVLPG_MULTI names both vCPUs: both read the new
 * frame. TLB_FLUSH_MULTI likewise, then the bitmap's own refusals.
 */
static void flushes(void)
{
    static const uint64_t both = 3, beyond = 1ull << 63;
    uint64_t *a = pt_get_page(0), *b = pt_get_page(0);
    uint64_t old_pte, rc;
    unsigned int done;

    if (!a || !b) {
        t_case("SMP0036", "INVLPG_MULTI naming both vCPUs reaches both", T_SKIP, "(no pages)");
        return;
    }
    a[0] = 0xaaaa;
    b[0] = 0xbbbb;
    old_pte = *os_l1e_of((uint64_t)a);
    flush_page = a;
    flag = 0;
    seen = 0;
    os_vcpu_run(1, job_read_twice, NULL);
    while (!__atomic_load_n(&seen, __ATOMIC_SEQ_CST))
        yield();
    (void)*(volatile uint64_t *)a;              /* vCPU 0 holds the translation too */
    rc = (uint64_t)pt_mmu1(pt_l1e_maddr((uint64_t)a), (pt_maddr(b) & OS_PTE_ADDR) | PT_RW, &done);
    rc = rc ? rc : (uint64_t)flush_multi(MMUEXT_INVLPG_MULTI, (uint64_t)a, &both);
    flag = 1;
    os_vcpu_wait(1);
    t_check("SMP0036", "INVLPG_MULTI naming both vCPUs reaches both",
            rc == 0 && first_read == 0xaaaa && second_read == 0xbbbb && *(volatile uint64_t *)a == 0xbbbb,
            "(rc=%ld first=%#lx second=%#lx)", (long)rc, first_read, second_read);
    t_rc("SMP0037", "TLB_FLUSH_MULTI naming both vCPUs gives 0",
         flush_multi(MMUEXT_TLB_FLUSH_MULTI, 0, &both), 0);
    t_rc("SMP0038", "TLB_FLUSH_MULTI with a bit past the last vCPU gives 0",
         flush_multi(MMUEXT_TLB_FLUSH_MULTI, 0, &beyond), 0);
    t_rc("SMP0039", "TLB_FLUSH_MULTI with an unreadable bitmap gives -EINVAL",
         flush_multi(MMUEXT_TLB_FLUSH_MULTI, 0, (const uint64_t *)T_UNMAPPED_VA), -XEN_EINVAL);
    t_rc("SMP0040", "INVLPG_MULTI of a non-canonical address gives 0 (nothing to flush)",
         flush_multi(MMUEXT_INVLPG_MULTI, T_NONCANON_VA, &both), 0);
    /* update_va_mapping reads a UVMF_MULTI bitmap after the change, as Xen. */
    rc = (uint64_t)HYPERVISOR_update_va_mapping((uint64_t)a, (pt_maddr(a) & OS_PTE_ADDR) | PT_RW,
                                                T_UNMAPPED_VA | UVMF_INVLPG);
    t_check("SMP0041", "update_va_mapping with an unreadable vCPU bitmap: -EFAULT, entry changed",
            (long)rc == -XEN_EFAULT && (*os_l1e_of((uint64_t)a) & OS_PTE_ADDR) == (old_pte & OS_PTE_ADDR),
            "(rc=%ld)", (long)rc);
    rc = (uint64_t)HYPERVISOR_update_va_mapping((uint64_t)a, (pt_maddr(a) & OS_PTE_ADDR) | PT_RW,
                                                (uint64_t)&both | UVMF_TLB_FLUSH);
    t_check("SMP0042", "update_va_mapping flushing both vCPUs (UVMF_MULTI) gives 0",
            rc == 0 && *(volatile uint64_t *)a == 0xaaaa, "(rc=%ld)", (long)rc);
    pt_flush_tlb();
    pt_put_page(a);
    pt_put_page(b);
}

static void vcpu_info_of_vcpu1(void)
{
    uint8_t *page = os_alloc_page();
    struct vcpu_register_vcpu_info info;
    struct evtchn_bind_ipi b1 = { .vcpu = 1 };
    struct evtchn_send send;
    struct evtchn_close cl;
    long rc;

    if (!page) {
        t_case("SMP0043", "register_vcpu_info for vCPU 1 while down gives 0", T_SKIP, "(no page)");
        return;
    }
    flag = 0;
    os_vcpu_run(1, job_wait_flag, NULL);
    info = (struct vcpu_register_vcpu_info){ .mfn = os_virt_to_mfn(page), .offset = 64 };
    t_rc("SMP0044", "register_vcpu_info for vCPU 1 while it is up gives -EINVAL",
         HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &info), -XEN_EINVAL);
    flag = 1;
    os_vcpu_wait(1);
    info.offset = 68;
    t_rc("SMP0045", "register_vcpu_info at an offset not 8-byte aligned gives -ENXIO",
         HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &info), -XEN_ENXIO);
    info.offset = 64;
    rc = HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &info);
    t_rc("SMP0043", "register_vcpu_info for vCPU 1 while down gives 0", rc, 0);
    if (rc)
        return;
    os_vcpu_set_info(1, (struct vcpu_info *)(page + 64));
    t_rc("SMP0046", "register_vcpu_info for vCPU 1 again gives -EINVAL",
         HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &info), -XEN_EINVAL);
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b1);
    if (rc == 0) {
        os_evtchn_set_vcpu(b1.port, 1);
        os_evtchn_bind(b1.port, note_vcpu, NULL);
        os_evtchn_unmask(b1.port);
        ran_on = -1;
        rc = os_vcpu_run(1, job_wait_port, wait_for(b1.port));
        send.port = b1.port;
        HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
        os_vcpu_wait(1);
        cl.port = b1.port;
        HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
        os_evtchn_unbind(b1.port);
        os_evtchn_set_vcpu(b1.port, 0);
    }
    t_check("SMP0047", "vCPU 1 gets its events through its new vcpu_info", rc == 0 && ran_on == 1,
            "(rc=%ld ran_on=%d)", rc, ran_on);
}

static void control(void)
{
    long rc;

    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 1, .ctxt = (uint64_t)&ctx } };
    for (unsigned int k = 0; k < sizeof(ctx); k++)
        ((uint8_t *)&ctx)[k] = 0;
    rc = domctl(XEN_DOMCTL_getvcpucontext);
    t_check("SMP0048", "getvcpucontext of our own vCPU 1: its stack and callbacks",
            rc == 0 && ctx.event_callback_eip == (uint64_t)os_hypervisor_callback &&
            ctx.kernel_ss == FLAT_KERNEL_SS && (ctx.flags & VGCF_in_kernel) &&
            !(ctx.flags & VGCF_online), "(rc=%ld flags=%#lx)", rc, (unsigned long)ctx.flags);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 0, .ctxt = (uint64_t)&ctx } };
    t_rc("SMP0049", "getvcpucontext of the calling vCPU gives -EINVAL",
         domctl(XEN_DOMCTL_getvcpucontext), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 2, .ctxt = (uint64_t)&ctx } };
    t_rc("SMP0050", "getvcpucontext of vCPU 2 (beyond max) gives -EINVAL",
         domctl(XEN_DOMCTL_getvcpucontext), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 1, .ctxt = (uint64_t)&ctx } };
    t_rc("SMP0051", "setvcpucontext of our own domain gives -EINVAL",
         domctl(XEN_DOMCTL_setvcpucontext), -XEN_EINVAL);
    dc = (struct xen_domctl){ 0 };
    rc = domctl(XEN_DOMCTL_getdomaininfo);
    t_check("SMP0052", "getdomaininfo: max_vcpu_id 1, one vCPU online while vCPU 1 is down",
            rc == 0 && dc.u.getdomaininfo.max_vcpu_id == 1 && dc.u.getdomaininfo.nr_online_vcpus == 1,
            "(rc=%ld max=%u online=%u)", rc, dc.u.getdomaininfo.max_vcpu_id,
            dc.u.getdomaininfo.nr_online_vcpus);
    flag = 0;
    os_vcpu_run(1, job_wait_flag, NULL);
    dc = (struct xen_domctl){ 0 };
    rc = domctl(XEN_DOMCTL_getdomaininfo);
    flag = 1;
    os_vcpu_wait(1);
    t_check("SMP0053", "getdomaininfo: two vCPUs online while vCPU 1 is up",
            rc == 0 && dc.u.getdomaininfo.nr_online_vcpus == 2, "(rc=%ld online=%u)", rc,
            dc.u.getdomaininfo.nr_online_vcpus);
    /* Xen takes the command and the vCPU id as 32-bit values. */
    t_rc("SMP0054", "vcpu_op is_up of vCPU 2^32+1 answers for vCPU 1",
         os_hypercall3(__HYPERVISOR_vcpu_op, VCPUOP_is_up, (1ul << 32) | 1, 0), 0);
}

/* Another domain's vCPUs through the control interface: created by max_vcpus, all down. */
#define SMP_DOM 0x7e00

static void other_domain(void)
{
    long rc;

    rc = t_create_domain(&dc, SMP_DOM, 4);
    t_rc("SMP0055", "createdomain with max_vcpus 4 gives 0", rc, 0);
    if (rc)
        return;
    dc = (struct xen_domctl){ .u.max_vcpus.max = 4 };
    t_rc("SMP0056", "max_vcpus 4 (createdomain's) gives 0", t_domctl(&dc, XEN_DOMCTL_max_vcpus, SMP_DOM), 0);
    dc = (struct xen_domctl){ 0 };
    rc = t_domctl(&dc, XEN_DOMCTL_getdomaininfo, SMP_DOM);
    t_check("SMP0057", "getdomaininfo of it: max_vcpu_id 3, no vCPU online",
            rc == 0 && dc.u.getdomaininfo.max_vcpu_id == 3 && dc.u.getdomaininfo.nr_online_vcpus == 0,
            "(rc=%ld max=%u online=%u)", rc, dc.u.getdomaininfo.max_vcpu_id,
            dc.u.getdomaininfo.nr_online_vcpus);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 3, .ctxt = (uint64_t)&ctx } };
    t_rc("SMP0058", "getvcpucontext of its vCPU 3 (never set) gives -ENODATA",
         t_domctl(&dc, XEN_DOMCTL_getvcpucontext, SMP_DOM), -XEN_ENODATA);
    dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 4, .ctxt = (uint64_t)&ctx } };
    t_rc("SMP0059", "getvcpucontext of its vCPU 4 (beyond max) gives -EINVAL",
         t_domctl(&dc, XEN_DOMCTL_getvcpucontext, SMP_DOM), -XEN_EINVAL);
    dc = (struct xen_domctl){ 0 };
    t_rc("SMP0060", "destroydomain of it gives 0", t_domctl(&dc, XEN_DOMCTL_destroydomain, SMP_DOM), 0);
}

void suite_smp(void)
{
    if (is_up(1) == -XEN_ENOENT)
        return;                                 /* one vCPU: nothing to print */
    flush_page = pt_get_page(0);
    refusals();
    pt_put_page((void *)flush_page);
    start_and_stop();
    if (!os_vcpu_job_done(1))
        return;                                 /* vCPU 1 never ran: the rest needs it */
    ipis();
    moved_event();
    timers();
    flushes();
    vcpu_info_of_vcpu1();
    control();
    other_domain();
}
