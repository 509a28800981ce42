/*
 * SMPM: Dom0 with more vCPUs than shared_info holds (dom0_max_vcpus=64 or
 * 128 on --cpus 4: the hypervisor multiplexes them; with 32 or fewer the
 * suite prints nothing). Every vCPU gets a vcpu_info of ours
 * (VCPUOP_register_vcpu_info, 64 to a page), all are brought up at once,
 * take a "go" IPI from vCPU 0 and then IPIs from three other vCPUs, each on
 * a port bound to it (bind_ipi), and answer; MULTI flushes name vCPUs by
 * bitmaps of several words (one per 64 vCPUs: Xen reads as many as the
 * domain has vCPUs); vCPU ids at or past the count are refused everywhere;
 * another domain is created with the most vCPUs both hypervisors give.
 *
 * Nothing waits for time: vCPU 0 blocks until the events it waits for came
 * or yields until a vCPU is down again.
 */
#include <os/events.h>
#include <os/mm.h>
#include <os/sched.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include "pt_util.h"
#include "smp_util.h"
#include "test.h"

#define SENDERS 3                       /* IPIs each vCPU takes from the others */
#define INFOS_PER_PAGE (OS_PAGE_SIZE / sizeof(struct vcpu_info))
#define MASK_WORDS ((OS_MAX_VCPUS + 63) / 64)
#define MANY_DOM 0x7e10

static unsigned int nr;                 /* Dom0's vCPUs */
static unsigned int ipi_port[OS_MAX_VCPUS];
static volatile unsigned long sent[OS_MAX_VCPUS];      /* IPIs sent to vCPU i so far */
static volatile unsigned long taken[OS_MAX_VCPUS];     /* sent[i] as its handler last saw it */
static volatile int arrived[OS_MAX_VCPUS];             /* the vCPU its job found itself on, + 1 */
static volatile unsigned int misrouted;                /* handlers run on another vCPU */
static struct xen_domctl dc;

static long vcpu_op(int cmd, unsigned int id, void *arg)
{
    return HYPERVISOR_vcpu_op(cmd, id, arg);
}

static unsigned int online_vcpus(void)
{
    dc = (struct xen_domctl){ 0 };
    return t_domctl(&dc, XEN_DOMCTL_getdomaininfo, 0) ? 0 : dc.u.getdomaininfo.nr_online_vcpus;
}

/* --- vcpu_info for every vCPU --- */

static void vcpu_infos(void)
{
    struct vcpu_register_vcpu_info info = { .mfn = 0, .offset = 0 };
    uint8_t *page = NULL;
    unsigned int done = 0;
    long rc = 0;

    static struct vcpu_guest_context ctx;

    os_vcpu_context(32, &ctx);
    t_rc("SMPM0003", "initialise of vCPU 32 (no vcpu_info yet) gives -EINVAL",
         vcpu_op(VCPUOP_initialise, 32, &ctx), -XEN_EINVAL);
    t_rc("SMPM0004", "up of vCPU 32 (no context) gives -EINVAL", vcpu_op(VCPUOP_up, 32, NULL),
         -XEN_EINVAL);
    t_rc("SMPM0005", "register_vcpu_info for the first vCPU we lack gives -ENOENT",
         vcpu_op(VCPUOP_register_vcpu_info, nr, &info), -XEN_ENOENT);
    for (unsigned int id = 0; id < nr && rc == 0; id++) {
        if (id % INFOS_PER_PAGE == 0)
            page = os_alloc_page();
        rc = page ? os_vcpu_register_info(id, page, (id % INFOS_PER_PAGE) * sizeof(struct vcpu_info))
                  : -XEN_ENOMEM;
        done += rc == 0;
    }
    t_check("SMPM0006", "register_vcpu_info for every vCPU (vCPU 0 running, the others down), 64 to a page",
            rc == 0 && done == nr, "(rc=%ld done=%u of %u)", rc, done, nr);
    info.mfn = os_virt_to_mfn(page);
    t_rc("SMPM0007", "register_vcpu_info for the last vCPU again gives -EINVAL",
         vcpu_op(VCPUOP_register_vcpu_info, nr - 1, &info), -XEN_EINVAL);
}

/* --- all vCPUs up, IPIs between them --- */

static void ipi_taken(unsigned int port, struct os_regs *regs, void *data)
{
    unsigned int id = (unsigned int)(uintptr_t)data;

    if (os_vcpu_id() != id)
        __atomic_add_fetch(&misrouted, 1, __ATOMIC_SEQ_CST);
    taken[id] = __atomic_load_n(&sent[id], __ATOMIC_SEQ_CST);
}

static void send_ipi(unsigned int to)
{
    struct evtchn_send s = { .port = ipi_port[to] };

    __atomic_add_fetch(&sent[to], 1, __ATOMIC_SEQ_CST);
    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

/* The vCPUs that send to vCPU i's port after the go: the 1st, 2nd and nr/2-th before it. */
static unsigned int sender_shift(unsigned int k)
{
    static const unsigned int small[] = { 1, 2 };

    return k < OS_ARRAY_SIZE(small) ? small[k] : nr / 2;
}

/* A vCPU's part: wait for the go, send to the three after it, wait for its three. */
static void job_ring(void *arg)
{
    unsigned int id = (unsigned int)(uintptr_t)arg;

    arrived[id] = (int)os_vcpu_id() + 1;
    smp_block_until(&taken[id], 0);
    for (unsigned int k = 0; k < SENDERS; k++)
        send_ipi((id + sender_shift(k)) % nr);
    smp_block_until(&taken[id], SENDERS);
}

static void all_up(void)
{
    unsigned int started = 0, here = 0, good = 0, down = 0, online;
    long rc = 0;

    for (unsigned int id = 0; id < nr && rc == 0; id++) {
        struct evtchn_bind_ipi b = { .vcpu = id };

        rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
        if (rc)
            break;
        ipi_port[id] = b.port;
        os_evtchn_set_vcpu(b.port, id);
        os_evtchn_bind(b.port, ipi_taken, (void *)(uintptr_t)id);
        os_evtchn_unmask(b.port);
    }
    t_rc("SMPM0008", "bind_ipi toward every vCPU gives 0", rc, 0);
    if (rc)
        return;
    sent[0] = taken[0] = 1;             /* vCPU 0 needs no go */
    for (unsigned int id = 1; id < nr; id++)
        started += smp_run(id, job_ring, (void *)(uintptr_t)id) == 0;
    t_check("SMPM0009", "initialise and up of every other vCPU give 0", started == nr - 1,
            "(started %u of %u)", started, nr - 1);
    /* Each job blocks for the go once it ran: all are up then. */
    for (unsigned int id = 1; id < nr; id++)
        while (!arrived[id] && vcpu_op(VCPUOP_is_up, id, NULL) == 1)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    for (unsigned int id = 1; id < nr; id++)
        here += arrived[id] == (int)id + 1;
    t_check("SMPM0010", "every vCPU runs its job on its own stack", here == nr - 1,
            "(%u of %u)", here, nr - 1);
    online = online_vcpus();
    t_check("SMPM0011", "getdomaininfo: every vCPU online while the jobs wait", online == nr,
            "(online=%u of %u)", online, nr);
    for (unsigned int id = 1; id < nr; id++)
        send_ipi(id);
    job_ring((void *)0);
    for (unsigned int id = 1; id < nr; id++)
        os_vcpu_wait(id);
    for (unsigned int id = 0; id < nr; id++) {
        good += taken[id] == 1 + SENDERS;
        down += id == 0 || vcpu_op(VCPUOP_is_up, id, NULL) == 0;
    }
    t_check("SMPM0012", "every vCPU took the go and three IPIs of other vCPUs, each on its own port",
            good == nr, "(%u of %u; vCPU 1 took %lu)", good, nr, taken[1]);
    t_check("SMPM0013", "every IPI handler ran on the vCPU its port is bound to", misrouted == 0,
            "(%u elsewhere)", misrouted);
    t_check("SMPM0014", "every vCPU answered and went down again", down == nr && online_vcpus() == 1,
            "(down %u of %u)", down, nr);
    for (unsigned int id = 0; id < nr; id++) {
        struct evtchn_close cl = { .port = ipi_port[id] };

        HYPERVISOR_event_channel_op(EVTCHNOP_close, &cl);
        os_evtchn_unbind(ipi_port[id]);
        os_evtchn_set_vcpu(ipi_port[id], 0);
    }
}

/* --- flushes by vCPU bitmaps of several words --- */

static volatile uint64_t *read_page;
static volatile uint64_t before, after;
static volatile int ready, go_on;

static void job_read_twice(void *arg)
{
    before = *read_page;
    __atomic_store_n(&ready, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&go_on, __ATOMIC_SEQ_CST))
        asm volatile ("pause");
    after = *read_page;
}

static long flush_multi(unsigned int cmd, uint64_t va, const uint64_t *mask)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.linear_addr = va;
    op.arg2.vcpumask.p = mask;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * The last vCPU reads a page; vCPU 0 points the entry at another frame
 * without a flush and INVLPG_MULTI names vCPU 0 and the last one (with 128
 * vCPUs: bit 63 of the second word): the last vCPU then reads the new frame.
 */
static void invlpg_last(void)
{
    static uint64_t mask[MASK_WORDS];
    unsigned int last = nr - 1;
    uint64_t *a = pt_get_page(0), *b = pt_get_page(0);
    unsigned int done;
    long rc;

    if (!a || !b) {
        t_case("SMPM0015", "INVLPG_MULTI naming vCPU 0 and the last vCPU reaches the last", T_SKIP,
               "(no pages)");
        return;
    }
    a[0] = 0xaaaa;
    b[0] = 0xbbbb;
    read_page = a;
    ready = go_on = 0;
    rc = smp_run(last, job_read_twice, NULL);
    while (rc == 0 && !__atomic_load_n(&ready, __ATOMIC_SEQ_CST))
        HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
    (void)*(volatile uint64_t *)a;
    rc = rc ? rc : pt_mmu1(pt_l1e_maddr((uint64_t)a), (pt_maddr(b) & OS_PTE_ADDR) | PT_RW, &done);
    mask[0] = 1;
    mask[last / 64] |= 1ull << (last % 64);
    rc = rc ? rc : flush_multi(MMUEXT_INVLPG_MULTI, (uint64_t)a, mask);
    __atomic_store_n(&go_on, 1, __ATOMIC_SEQ_CST);
    os_vcpu_wait(last);
    t_check("SMPM0015", "INVLPG_MULTI naming vCPU 0 and the last vCPU reaches the last",
            rc == 0 && before == 0xaaaa && after == 0xbbbb, "(rc=%ld before=%#lx after=%#lx)", rc,
            before, after);
    HYPERVISOR_update_va_mapping((uint64_t)a, (pt_maddr(a) & OS_PTE_ADDR) | PT_RW, UVMF_INVLPG | UVMF_ALL);
    pt_put_page(a);
    pt_put_page(b);
}

/*
 * A bitmap whose first word ends a page and whose second word is on the
 * next page, unmapped meanwhile: Xen reads a second word only for a domain
 * with more than 64 vCPUs.
 */
static void mask_words(void)
{
    static uint64_t every[MASK_WORDS + 1];
    uint8_t *a = os_alloc_page(), *b = os_alloc_page();
    uint64_t *first, b_pte;
    long want = nr > 64 ? -XEN_EINVAL : 0, rc;

    if (a && b && a == b + OS_PAGE_SIZE) {      /* the free list may hand them out downwards */
        a = b;
        b = a + OS_PAGE_SIZE;
    }
    first = (uint64_t *)(a + OS_PAGE_SIZE - 8);
    b_pte = (pt_maddr(b) & OS_PTE_ADDR) | PT_RW;

    for (unsigned int id = 0; id < nr; id++)
        every[id / 64] |= 1ull << (id % 64);
    every[MASK_WORDS] = ~0ull;               /* a word past the last: never read */
    t_rc("SMPM0016", "TLB_FLUSH_MULTI naming every vCPU (and bits of a word past them) gives 0",
         flush_multi(MMUEXT_TLB_FLUSH_MULTI, 0, every), 0);
    if (!a || !b || b != a + OS_PAGE_SIZE) {
        t_case("SMPM0017", "TLB_FLUSH_MULTI reads a second mask word only past 64 vCPUs", T_SKIP,
               "(no adjacent pages)");
        return;
    }
    *first = 1;
    rc = HYPERVISOR_update_va_mapping((uint64_t)b, 0, UVMF_INVLPG);
    t_rc("SMPM0017", "TLB_FLUSH_MULTI reads a second mask word only past 64 vCPUs (unreadable: -EINVAL)",
         rc ? rc : flush_multi(MMUEXT_TLB_FLUSH_MULTI, 0, first), want);
    want = nr > 64 ? -XEN_EFAULT : 0;
    t_rc("SMPM0018", "update_va_mapping with UVMF_MULTI likewise (unreadable: -EFAULT)",
         HYPERVISOR_update_va_mapping((uint64_t)a, (pt_maddr(a) & OS_PTE_ADDR) | PT_RW,
                                      (uint64_t)first | UVMF_TLB_FLUSH), want);
    HYPERVISOR_update_va_mapping((uint64_t)b, b_pte, UVMF_INVLPG);
    os_free_page(a);
    os_free_page(b);
}

/* --- vCPU ids at or past the count --- */

static void refusals(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = nr };
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = nr };
    struct vcpu_runstate_info ri;
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 1 };

    t_rc("SMPM0019", "bind_ipi toward the first vCPU we lack gives -ENOENT",
         HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi), -XEN_ENOENT);
    t_rc("SMPM0020", "bind_virq VIRQ_TIMER on the first vCPU we lack gives -ENOENT",
         HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv), -XEN_ENOENT);
    t_rc("SMPM0021", "get_runstate_info of the first vCPU we lack gives -ENOENT",
         vcpu_op(VCPUOP_get_runstate_info, nr, &ri), -XEN_ENOENT);
    t_rc("SMPM0022", "set_singleshot_timer of the last vCPU (not ours to set) gives -EINVAL",
         vcpu_op(VCPUOP_set_singleshot_timer, nr - 1, &t), -XEN_EINVAL);
    t_rc("SMPM0023", "is_up of vCPU 4095 gives -ENOENT", vcpu_op(VCPUOP_is_up, 4095, NULL),
         -XEN_ENOENT);
    t_rc("SMPM0024", "is_up of vCPU 2^32-1 gives -ENOENT", vcpu_op(VCPUOP_is_up, 0xffffffffu, NULL),
         -XEN_ENOENT);
    dc = (struct xen_domctl){ .u.getvcpuinfo.vcpu = nr };
    t_rc("SMPM0025", "getvcpuinfo of the first vCPU we lack gives -EINVAL",
         t_domctl(&dc, XEN_DOMCTL_getvcpuinfo, 0), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.getvcpuinfo.vcpu = nr - 1 };
    t_check("SMPM0026", "getvcpuinfo of the last vCPU: offline now",
            t_domctl(&dc, XEN_DOMCTL_getvcpuinfo, 0) == 0 && !dc.u.getvcpuinfo.online, "(online=%u)",
            dc.u.getvcpuinfo.online);
}

/* --- another domain with 128 vCPUs, and the counts createdomain refuses --- */

static long create(uint32_t max_vcpus)
{
    return t_create_domain(&dc, MANY_DOM, max_vcpus);
}

static void other_domain(void)
{
    struct vcpu_guest_context *ctx = os_alloc_page();
    long rc;

    t_rc("SMPM0027", "createdomain with max_vcpus 0 gives -EINVAL", create(0), -XEN_EINVAL);
    t_rc("SMPM0028", "createdomain with max_vcpus 8193 (past Xen's PV limit) gives -EINVAL",
         create(8193), -XEN_EINVAL);
    rc = create(128);
    t_rc("SMPM0029", "createdomain with max_vcpus 128 gives 0", rc, 0);
    if (rc)
        return;
    dc = (struct xen_domctl){ .u.max_vcpus.max = 127 };
    t_rc("SMPM0030", "max_vcpus 127 (not createdomain's count) gives -EINVAL",
         t_domctl(&dc, XEN_DOMCTL_max_vcpus, MANY_DOM), -XEN_EINVAL);
    dc = (struct xen_domctl){ .u.max_vcpus.max = 128 };
    t_rc("SMPM0031", "max_vcpus 128 gives 0", t_domctl(&dc, XEN_DOMCTL_max_vcpus, MANY_DOM), 0);
    dc = (struct xen_domctl){ 0 };
    rc = t_domctl(&dc, XEN_DOMCTL_getdomaininfo, MANY_DOM);
    t_check("SMPM0032", "getdomaininfo of it: max_vcpu_id 127, no vCPU online",
            rc == 0 && dc.u.getdomaininfo.max_vcpu_id == 127 && dc.u.getdomaininfo.nr_online_vcpus == 0,
            "(rc=%ld max=%u online=%u)", rc, dc.u.getdomaininfo.max_vcpu_id,
            dc.u.getdomaininfo.nr_online_vcpus);
    if (ctx) {
        /* The context is bigger than a page: only its head is ever written before the refusal. */
        dc = (struct xen_domctl){ .u.vcpucontext = { .vcpu = 128, .ctxt = (uint64_t)ctx } };
        t_rc("SMPM0033", "getvcpucontext of its vCPU 128 gives -EINVAL",
             t_domctl(&dc, XEN_DOMCTL_getvcpucontext, MANY_DOM), -XEN_EINVAL);
    }
    dc = (struct xen_domctl){ .u.getvcpuinfo.vcpu = 127 };
    t_check("SMPM0034", "getvcpuinfo of its vCPU 127: created, offline",
            t_domctl(&dc, XEN_DOMCTL_getvcpuinfo, MANY_DOM) == 0 && !dc.u.getvcpuinfo.online,
            "(online=%u)", dc.u.getvcpuinfo.online);
    dc = (struct xen_domctl){ 0 };
    t_rc("SMPM0035", "destroydomain of it gives 0", t_domctl(&dc, XEN_DOMCTL_destroydomain, MANY_DOM), 0);
    if (ctx)
        os_free_page(ctx);
}

void suite_smp_many(void)
{
    long rc;

    nr = t_vcpu_absent();
    if (nr <= XEN_LEGACY_MAX_VCPUS)
        return;                                 /* shared_info holds them all: smp.c's ground */
    dc = (struct xen_domctl){ 0 };
    rc = t_domctl(&dc, XEN_DOMCTL_getdomaininfo, 0);
    t_check("SMPM0001", "getdomaininfo of ourselves: max_vcpu_id one below our vCPU count, one online",
            rc == 0 && dc.u.getdomaininfo.max_vcpu_id == nr - 1 &&
            dc.u.getdomaininfo.nr_online_vcpus == 1, "(rc=%ld max=%u online=%u)", rc,
            dc.u.getdomaininfo.max_vcpu_id, dc.u.getdomaininfo.nr_online_vcpus);
    if (nr > os_vcpu_limit()) {
        t_case("SMPM0002", "every vCPU has a stack here", T_FAIL, "(%u vCPUs, stacks for %u)", nr,
               os_vcpu_limit());
        return;
    }
    t_case("SMPM0002", "every vCPU has a stack here", T_PASS, NULL);
    vcpu_infos();
    all_up();
    invlpg_last();
    mask_words();
    refusals();
    other_domain();
}
