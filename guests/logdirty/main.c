/*
 * logdirty: Xenolith's log-dirty tracking, checked from inside the domain.
 *
 * Dom0 turns log-dirty on for itself through Xenolith's domctl (so this guest
 * runs on Xenolith only: the control sub-ops are ours), dirties a known set of
 * pages in an arena it touches nowhere else, and reads the bitmap back: within
 * the arena it must be exactly that set. Also: clean empties it, reads do not
 * dirty, a later write shows again, bad requests get their error codes, and
 * the MMU audit is clean at the end. One "CASE" line per check, XTF-style.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/mm.h>
#include <os/os.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <xen/sched.h>

#define ARENA_PAGES 24

static uint8_t *arena[ARENA_PAGES];
static uint64_t arena_pfn[ARENA_PAGES];
static uint64_t *bitmap;
static unsigned long nr_pages;
static int failures;

static void check(const char *id, const char *what, int ok, long detail)
{
    os_printf("CASE %s %s: %s", id, what, ok ? "PASS" : "FAIL");
    if (!ok)
        os_printf(" (%ld)", detail);
    os_printf("\n");
    failures += !ok;
}

static long domctl(struct xen_domctl *op)
{
    return os_hypercall_dyn(__HYPERVISOR_domctl, (long)op, 0, 0, 0, 0);
}

static long log_dirty(uint32_t what, uint64_t *dirty)
{
    struct xen_domctl op = {
        .cmd = XENOLITH_DOMCTL_log_dirty,
        .interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION,
        .domain = DOMID_SELF,
    };
    long rc;

    op.u.log_dirty.op = what;
    op.u.log_dirty.bitmap = (uint64_t)bitmap;
    op.u.log_dirty.nr_pages = nr_pages;
    rc = domctl(&op);
    if (dirty)
        *dirty = op.u.log_dirty.dirty;
    return rc;
}

static int bit(uint64_t pfn)
{
    return (bitmap[pfn / 64] >> (pfn % 64)) & 1;
}

/* Does the bitmap, restricted to the arena, equal `want` (bit i = arena page i)? */
static long arena_mismatch(uint32_t want)
{
    for (unsigned int i = 0; i < ARENA_PAGES; i++)
        if (bit(arena_pfn[i]) != (int)((want >> i) & 1))
            return (long)i + 1;
    return 0;
}

static void setup(void)
{
    nr_pages = os_start_info->nr_pages;
    bitmap = os_alloc_page();                   /* 4096 bytes: enough bits for 128 MiB */
    for (unsigned int i = 0; i < ARENA_PAGES; i++) {
        arena[i] = os_alloc_page();
        arena[i][0] = 1;                        /* mapped and written before tracking starts */
        arena_pfn[i] = os_mfn_to_pfn(os_virt_to_mfn(arena[i]));
    }
}

static void tracking(void)
{
    const uint32_t set = 0x924925;              /* pages 0, 3, 6, ... 21, 23 */
    uint64_t dirty = 0;
    long rc;
    volatile uint8_t sink = 0;

    check("LOGDIRTY0001", "enable log-dirty on ourselves", log_dirty(XENOLITH_LOG_DIRTY_ENABLE, 0) == 0, 0);
    rc = log_dirty(XENOLITH_LOG_DIRTY_CLEAN, &dirty);
    check("LOGDIRTY0002", "clean returns 0", rc == 0, rc);

    for (unsigned int i = 0; i < ARENA_PAGES; i++) {
        if ((set >> i) & 1)
            arena[i][100] = (uint8_t)i;         /* a write */
        else
            sink += arena[i][100];              /* only a read */
    }
    rc = log_dirty(XENOLITH_LOG_DIRTY_PEEK, &dirty);
    check("LOGDIRTY0003", "peek returns 0 and counts dirty pages", rc == 0 && dirty >= 9, rc ? rc : (long)dirty);
    check("LOGDIRTY0004", "in the arena exactly the written pages are dirty", !arena_mismatch(set),
          arena_mismatch(set));

    rc = log_dirty(XENOLITH_LOG_DIRTY_CLEAN, &dirty);
    check("LOGDIRTY0005", "clean reports the same pages again", rc == 0 && !arena_mismatch(set),
          rc ? rc : arena_mismatch(set));
    rc = log_dirty(XENOLITH_LOG_DIRTY_PEEK, &dirty);
    check("LOGDIRTY0006", "after clean the arena is clean", rc == 0 && !arena_mismatch(0),
          rc ? rc : arena_mismatch(0));

    arena[1][7] = 7;
    arena[1][8] = 8;                            /* second write to the same page */
    rc = log_dirty(XENOLITH_LOG_DIRTY_PEEK, &dirty);
    check("LOGDIRTY0007", "a new write after clean is seen once more", rc == 0 && !arena_mismatch(1u << 1),
          rc ? rc : arena_mismatch(1u << 1));
    (void)sink;
}

static void bad_requests(void)
{
    struct xen_domctl op = {
        .cmd = XENOLITH_DOMCTL_log_dirty,
        .interface_version = 0x1234,
        .domain = DOMID_SELF,
    };
    uint64_t *saved = bitmap;

    check("LOGDIRTY0010", "wrong interface version gives -EACCES", domctl(&op) == -XEN_EACCES, domctl(&op));
    op.interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION;
    op.cmd = 0x7fff;
    op.domain = 0;                      /* Xen's cmds name a real id (DOMID_SELF: -ESRCH) */
    check("LOGDIRTY0011", "unknown domctl gives -ENOSYS", domctl(&op) == -XEN_ENOSYS, domctl(&op));
    op.cmd = XENOLITH_DOMCTL_log_dirty;
    op.domain = 77;
    check("LOGDIRTY0012", "an absent domain gives -ESRCH", domctl(&op) == -XEN_ESRCH, domctl(&op));
    bitmap = (uint64_t *)0xffff800000000000UL;
    check("LOGDIRTY0013", "a bitmap in hypervisor space gives -EFAULT",
          log_dirty(XENOLITH_LOG_DIRTY_PEEK, 0) == -XEN_EFAULT, log_dirty(XENOLITH_LOG_DIRTY_PEEK, 0));
    bitmap = saved;
    nr_pages += 1;
    check("LOGDIRTY0014", "more bits than the domain has pages gives -EINVAL",
          log_dirty(XENOLITH_LOG_DIRTY_PEEK, 0) == -XEN_EINVAL, log_dirty(XENOLITH_LOG_DIRTY_PEEK, 0));
    nr_pages -= 1;
    check("LOGDIRTY0015", "disable returns 0", log_dirty(XENOLITH_LOG_DIRTY_DISABLE, 0) == 0, 0);
    check("LOGDIRTY0016", "peek while disabled gives -EINVAL",
          log_dirty(XENOLITH_LOG_DIRTY_PEEK, 0) == -XEN_EINVAL, log_dirty(XENOLITH_LOG_DIRTY_PEEK, 0));
}

static void audit(void)
{
    struct xen_domctl op = {
        .cmd = XENOLITH_DOMCTL_mmu_audit,
        .interface_version = XENOLITH_DOMCTL_INTERFACE_VERSION,
        .domain = DOMID_SELF,
    };
    long rc = domctl(&op);
    check("LOGDIRTY0020", "the MMU audit is clean afterwards", rc == 0 && op.u.mmu_audit.mismatches == 0,
          rc ? rc : (long)op.u.mmu_audit.mismatches);
}

void os_main(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    os_printf("logdirty: Xenolith log-dirty tracking\n");
    setup();
    tracking();
    bad_requests();
    audit();
    os_printf("Test result: %s\n", failures ? "FAILURE" : "SUCCESS");
    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}
