/*
 * HYPERVISOR_xen_version. Xenolith implements the Xen 4.17 guest ABI and says
 * so (major 4, minor 17) so that guests choose the same paths as on Xen; the
 * extraversion and compile information name Xenolith.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/features.h>
#include <xen/version.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <xl/string.h>

#define XENOLITH_ABI_MAJOR 4
#define XENOLITH_ABI_MINOR 17

static inline __attribute__((always_inline)) long put_string(XEN_GUEST_HANDLE_PARAM(void) arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    memcpy(buf, s, strnlen(s, size - 1));
    return copy_to_guest(arg, buf, size) ? -XEN_EFAULT : 0;
}

/* Feature bits we actually implement; see docs/ for how this differs from Xen. */
static uint32_t feature_submap0(const struct domain *d)
{
    /* preserve_ad: mmu_update's PRESERVE_AD; highmem_assist: CLEAR_PAGE/COPY_PAGE;
       gnttab_map_avail_bits: GNTMAP_guest_avail bits land in a grant PTE's bits 9-11. */
    uint32_t map = (1u << XENFEAT_mmu_pt_update_preserve_ad) | (1u << XENFEAT_highmem_assist) |
                   (1u << XENFEAT_gnttab_map_avail_bits) |
                   (1u << XENFEAT_direct_mapped);   /* PV: pseudo-physical frames are machine ones */
    if (domain_is_privileged(d))
        map |= 1u << XENFEAT_dom0;
    return map;
}

long do_xen_version(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    switch (cmd) {
    case XENVER_version:
        return (XENOLITH_ABI_MAJOR << 16) | XENOLITH_ABI_MINOR;
    case XENVER_extraversion:
        return put_string(arg, "-xenolith", sizeof(xen_extraversion_t));
    case XENVER_compile_info: {
        struct xen_compile_info ci;
        memset(&ci, 0, sizeof(ci));
        memcpy(ci.compiler, "gcc " __VERSION__, strnlen("gcc " __VERSION__, sizeof(ci.compiler) - 1));
        memcpy(ci.compile_by, "xenolith", 8);
        memcpy(ci.compile_domain, "localdomain", 11);
        memcpy(ci.compile_date, __DATE__, strnlen(__DATE__, sizeof(ci.compile_date) - 1));
        return copy_to_guest(arg, &ci, 1) ? -XEN_EFAULT : 0;
    }
    case XENVER_capabilities:
        return put_string(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return put_string(arg, "xenolith", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        struct xen_platform_parameters pp = { .virt_start = HYPERVISOR_VIRT_START };
        return copy_to_guest(arg, &pp, 1) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest(&fi, arg, 1))
            return -XEN_EFAULT;
        if (fi.submap_idx != 0)
            return -XEN_EINVAL;
        fi.submap = feature_submap0(current->domain);
        return copy_to_guest(arg, &fi, 1) ? -XEN_EFAULT : 0;
    }
    case XENVER_pagesize:
        return guest_handle_is_null(arg) ? (long)PAGE_SIZE : -XEN_EINVAL;
    case XENVER_guest_handle: {
        uint8_t handle[16] = { 0 };
        return copy_to_guest(arg, handle, sizeof(handle)) ? -XEN_EFAULT : 0;
    }
    case XENVER_commandline:
        if (!domain_is_privileged(current->domain))
            return -XEN_EPERM;
        return put_string(arg, hv_command_line, sizeof(xen_commandline_t));
    default:
        return -XEN_ENOSYS;
    }
}
