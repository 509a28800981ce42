/*
 * XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity (Xen: vcpu_affinity_domctl
 * and the xenctl_bitmap helpers of common/bitmap.c): a vCPU's hard and soft
 * CPU maps, read from and written to guest bitmaps with Xen's rules for
 * their sizes. The maps are kept in the vCPU; the scheduler runs a vCPU only
 * on the online CPUs of its hard map and prefers those of its soft map when
 * it places the vCPU and when an idle CPU takes work (common/sched.c,
 * hv/placement.h).
 */
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/errno.h>
#include <hv/smp.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <xl/string.h>

#define MAP_BYTES (NR_CPUS / 8 + 1)     /* a CPU map as bytes, with room to spare */

/* Xen's DIV_ROUND_UP on unsigned int: a count of bits near 2^32 wraps to a few bytes. */
static uint32_t bits_to_bytes(uint32_t nr_bits)
{
    return (uint32_t)(nr_bits + 7u) / 8u;
}

/*
 * Xen's xenctl_bitmap_to_bitmap for a CPU map: the first bytes of the
 * guest's bitmap, as many as the CPUs need and it holds, the bits past its
 * nr_bits in the last one it holds dropped; the rest 0.
 */
static int map_from_guest(cpumask_t *mask, const struct xenctl_bitmap *b)
{
    uint8_t bytes[MAP_BYTES] = { 0 };
    uint32_t guest_bytes = bits_to_bytes(b->nr_bits);
    uint32_t ours = bits_to_bytes(arch_nr_cpu_ids());
    uint32_t n = guest_bytes < ours ? guest_bytes : ours;

    if (n) {
        if (copy_from_guest(bytes, b->bitmap, n))
            return -XEN_EFAULT;
        if ((b->nr_bits & 7) && guest_bytes == n)
            bytes[n - 1] &= (uint8_t)~(0xffu << (b->nr_bits & 7));
    }
    *mask = 0;
    for (uint32_t i = 0; i < n && i < sizeof(*mask); i++)
        *mask |= (cpumask_t)bytes[i] << (8 * i);
    return 0;
}

/*
 * Xen's bitmap_to_xenctl_bitmap: the map's bytes (the CPUs there are, none
 * past them) into as many bytes as the guest's nr_bits allow, then zeros up
 * to the end of its bitmap.
 */
static int map_to_guest(const struct xenctl_bitmap *b, cpumask_t mask)
{
    static const uint8_t zeros[256];
    uint32_t nbits = arch_nr_cpu_ids();
    uint32_t guest_bytes = bits_to_bytes(b->nr_bits);
    uint32_t ours = bits_to_bytes(nbits);
    uint32_t n = guest_bytes < ours ? guest_bytes : ours;
    uint8_t bytes[MAP_BYTES] = { 0 };

    if (nbits < 64)
        mask &= (1ull << nbits) - 1;
    for (uint32_t i = 0; i < ours && i < sizeof(mask); i++)
        bytes[i] = (uint8_t)(mask >> (8 * i));
    if (n && copy_to_guest(b->bitmap, bytes, n))
        return -XEN_EFAULT;
    for (uint64_t at = n; at < guest_bytes; at += sizeof(zeros)) {
        uint64_t len = guest_bytes - at < sizeof(zeros) ? guest_bytes - at : sizeof(zeros);

        if (copy_to_guest_offset(b->bitmap, at, zeros, len))
            return -XEN_EFAULT;
    }
    return 0;
}

/* Xen's vcpuaffinity_params_invalid: no map named, or a named one with no bitmap. */
static bool params_invalid(const struct xen_domctl_vcpuaffinity *a)
{
    return a->flags == 0 ||
           ((a->flags & XEN_VCPUAFFINITY_HARD) && guest_handle_is_null(a->cpumap_hard.bitmap)) ||
           ((a->flags & XEN_VCPUAFFINITY_SOFT) && guest_handle_is_null(a->cpumap_soft.bitmap));
}

/*
 * Set: hard first (refused when no online CPU is in it; its effective map,
 * with the online CPUs, written back), then soft (a bitmap that cannot be
 * read puts the old hard map back; its effective map is soft & online &
 * hard). The answer is that of the last step, as Xen's.
 */
static long set_affinity(struct vcpu *v, const struct xen_domctl_vcpuaffinity *a)
{
    cpumask_t old_hard = ~v->cpu_hard_excluded, mask;
    long rc = 0;

    if (a->flags & XEN_VCPUAFFINITY_HARD) {
        rc = map_from_guest(&mask, &a->cpumap_hard);
        if (rc == 0 && !(mask & cpu_online_mask))
            rc = -XEN_EINVAL;
        if (rc)
            return rc;
        sched_set_hard_affinity(v, ~mask);
        rc = map_to_guest(&a->cpumap_hard, mask & cpu_online_mask);
    }
    if (a->flags & XEN_VCPUAFFINITY_SOFT) {
        rc = map_from_guest(&mask, &a->cpumap_soft);
        if (rc) {
            if (a->flags & XEN_VCPUAFFINITY_HARD)
                sched_set_hard_affinity(v, ~old_hard);
            return rc;
        }
        sched_set_soft_affinity(v, ~mask);
        rc = map_to_guest(&a->cpumap_soft, mask & cpu_online_mask & ~v->cpu_hard_excluded);
    }
    return rc;
}

long vcpu_affinity_domctl(struct domain *d, uint32_t cmd, const struct xen_domctl_vcpuaffinity *a)
{
    struct vcpu *v;
    long rc = 0;

    if (a->vcpu >= d->max_vcpus)
        return -XEN_EINVAL;
    v = d->vcpus_created ? d->vcpu[a->vcpu] : NULL;
    if (!v)
        return -XEN_ESRCH;
    if (params_invalid(a))
        return -XEN_EINVAL;
    if (cmd == XEN_DOMCTL_setvcpuaffinity)
        return set_affinity(v, a);
    if (a->flags & XEN_VCPUAFFINITY_HARD)
        rc = map_to_guest(&a->cpumap_hard, ~v->cpu_hard_excluded);
    if (a->flags & XEN_VCPUAFFINITY_SOFT)
        rc = map_to_guest(&a->cpumap_soft, ~v->cpu_soft_excluded);
    return rc;
}
