/*
 * VERSION: xen_version (hypercall 17).
 */
#include <xl/string.h>
#include <xen/version.h>
#include "test.h"

static int terminated(const char *s, size_t n)
{
    return strnlen(s, n) < n;
}

static void strings(void)
{
    static xen_extraversion_t extra;
    static struct xen_compile_info ci;
    static xen_capabilities_info_t caps;
    static xen_changeset_info_t cs;
    long rc;

    rc = HYPERVISOR_xen_version(XENVER_extraversion, extra);
    t_check("VERSION0002", "extraversion is a terminated string", rc == 0 &&
            terminated(extra, sizeof(extra)), "(rc=%ld \"%.16s\")", rc, extra);
    rc = HYPERVISOR_xen_version(XENVER_compile_info, &ci);
    t_check("VERSION0003", "compile_info has a compiler string", rc == 0 &&
            terminated(ci.compiler, sizeof(ci.compiler)) && ci.compiler[0],
            "(rc=%ld)", rc);
    rc = HYPERVISOR_xen_version(XENVER_capabilities, caps);
    t_check("VERSION0004", "capabilities list xen-3.0-x86_64", rc == 0 &&
            terminated(caps, sizeof(caps)) &&
            memcmp(caps, "xen-3.0-x86_64", 14) == 0, "(rc=%ld)", rc);
    rc = HYPERVISOR_xen_version(XENVER_changeset, cs);
    t_check("VERSION0005", "changeset is a terminated string", rc == 0 &&
            terminated(cs, sizeof(cs)), "(rc=%ld)", rc);
}

static void features(void)
{
    struct xen_feature_info fi = { .submap_idx = 0 };
    long rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
    uint32_t want = (1u << XENFEAT_dom0) | (1u << XENFEAT_mmu_pt_update_preserve_ad);
    uint32_t never = (1u << XENFEAT_writable_page_tables) |
                     (1u << XENFEAT_auto_translated_physmap) |
                     (1u << XENFEAT_hvm_callback_vector);

    t_check("VERSION0007", "get_features(0) reports dom0 and preserve_ad, no translation",
            rc == 0 && (fi.submap & want) == want && !(fi.submap & never),
            "(rc=%ld submap=%#x)", rc, fi.submap);
    fi.submap_idx = 1;
    fi.submap = 0xdead;
    rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
    t_rc("VERSION0008", "get_features of submap 1 gives -EINVAL", rc, -XEN_EINVAL);
    fi.submap_idx = 0;
    rc = HYPERVISOR_xen_version(XENVER_get_features, &fi);
    t_check("VERSION0013", "get_features(0) reports gnttab_map_avail_bits and highmem_assist",
            rc == 0 && (fi.submap & (1u << XENFEAT_gnttab_map_avail_bits)) &&
            (fi.submap & (1u << XENFEAT_highmem_assist)), "(rc=%ld submap=%#x)", rc, fi.submap);
    t_check("VERSION0014", "get_features(0) reports direct_mapped, not not_direct_mapped",
            rc == 0 && (fi.submap & (1u << XENFEAT_direct_mapped)) &&
            !(fi.submap & (1u << XENFEAT_not_direct_mapped)), "(rc=%ld submap=%#x)", rc,
            fi.submap);
}

void suite_version(void)
{
    struct xen_platform_parameters pp = { 0 };
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);
    long rc;

    t_check("VERSION0001", "version is (major << 16) | minor, major >= 3",
            v > 0 && (v >> 16) >= 3, "(%ld.%ld)", v >> 16, v & 0xffff);
    strings();
    rc = HYPERVISOR_xen_version(XENVER_platform_parameters, &pp);
    t_check("VERSION0006", "platform_parameters gives HYPERVISOR_VIRT_START",
            rc == 0 && pp.virt_start == HYPERVISOR_VIRT_START,
            "(rc=%ld virt_start=%#lx)", rc, (unsigned long)pp.virt_start);
    features();
    t_rc("VERSION0009", "pagesize is 4096",
         HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    t_rc("VERSION0010", "extraversion to an unmapped buffer gives -EFAULT",
         HYPERVISOR_xen_version(XENVER_extraversion, (void *)T_UNMAPPED_VA),
         -XEN_EFAULT);
    t_rc("VERSION0011", "get_features from an unmapped buffer gives -EFAULT",
         HYPERVISOR_xen_version(XENVER_get_features, (void *)T_UNMAPPED_VA),
         -XEN_EFAULT);
    t_rc("VERSION0012", "unknown sub-op gives -ENOSYS",
         HYPERVISOR_xen_version(0x7fff, NULL), -XEN_ENOSYS);
}
