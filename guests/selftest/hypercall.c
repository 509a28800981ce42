/*
 * HCALL: the hypercall table itself, and the hypercalls Xenolith answers
 * without serving them: each answers a PV Dom0 as Xen 4.17 does for a bad
 * interface version, an unknown sub-operation and the harmless queries.
 */
#include <xen/xen.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/hvm_op.h>
#include <xen/hypfs.h>
#include <xen/kexec.h>
#include <xen/nmi.h>
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/pmu.h>
#include <xen/sched.h>
#include <xen/sysctl.h>
#include <xen/xenoprof.h>
#include "test.h"

#define H(nr, a1, a2, a3, a4, a5) \
    os_hypercall_dyn(nr, (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5))

#define UNKNOWN_CMD 0x7777u     /* a sub-operation number nobody uses */

static void control_envelopes(void)
{
    static struct xen_sysctl sc;
    static struct xen_platform_op pf;
    static struct xen_domctl dc;
    static struct xen_mc mc;
    static uint8_t record[4096];

    sc = (struct xen_sysctl){ .cmd = UNKNOWN_CMD, .interface_version = 0x14 };
    t_rc("HCALL0005", "sysctl with an older interface version gives -EACCES",
         H(__HYPERVISOR_sysctl, &sc, 0, 0, 0, 0), -XEN_EACCES);
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    t_rc("HCALL0006", "sysctl with an unknown cmd gives -ENOSYS",
         H(__HYPERVISOR_sysctl, &sc, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0007", "sysctl from an unmapped address gives -EFAULT",
         H(__HYPERVISOR_sysctl, T_UNMAPPED_VA, 0, 0, 0, 0), -XEN_EFAULT);

    pf = (struct xen_platform_op){ .cmd = UNKNOWN_CMD, .interface_version = 0x03000000 };
    t_rc("HCALL0008", "platform_op with another interface version gives -EACCES",
         H(__HYPERVISOR_platform_op, &pf, 0, 0, 0, 0), -XEN_EACCES);
    pf.interface_version = XENPF_INTERFACE_VERSION;
    t_rc("HCALL0009", "platform_op with an unknown cmd gives -ENOSYS",
         H(__HYPERVISOR_platform_op, &pf, 0, 0, 0, 0), -XEN_ENOSYS);

    dc = (struct xen_domctl){ .cmd = UNKNOWN_CMD, .interface_version = 0x14, .domain = 0 };
    t_rc("HCALL0010", "domctl with an older interface version gives -EACCES",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_EACCES);
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    t_rc("HCALL0011", "domctl (4.17 version) with an unknown cmd on domain 0 gives -ENOSYS",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ENOSYS);
    dc.domain = DOMID_SELF;
    t_rc("HCALL0012", "domctl naming DOMID_SELF gives -ESRCH",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ESRCH);
    dc.domain = 77;
    t_rc("HCALL0013", "domctl naming a missing domain gives -ESRCH",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ESRCH);
    t_rc("HCALL0014", "domctl from an unmapped address gives -EFAULT",
         H(__HYPERVISOR_domctl, T_UNMAPPED_VA, 0, 0, 0, 0), -XEN_EFAULT);

    dc = (struct xen_domctl){ .cmd = XEN_DOMCTL_shadow_op, .interface_version = 0x14 };
    t_rc("HCALL0015", "paging_domctl_cont with an older version gives -EOPNOTSUPP",
         H(__HYPERVISOR_arch_1, &dc, 0, 0, 0, 0), -XEN_EOPNOTSUPP);
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.cmd = UNKNOWN_CMD;
    t_rc("HCALL0016", "paging_domctl_cont of another cmd gives -EOPNOTSUPP",
         H(__HYPERVISOR_arch_1, &dc, 0, 0, 0, 0), -XEN_EOPNOTSUPP);
    dc.cmd = XEN_DOMCTL_shadow_op;
    dc.domain = 77;
    t_rc("HCALL0017", "paging_domctl_cont of a missing domain gives -ESRCH",
         H(__HYPERVISOR_arch_1, &dc, 0, 0, 0, 0), -XEN_ESRCH);

    mc = (struct xen_mc){ .cmd = XEN_MC_fetch, .interface_version = 0x01ecc002 };
    t_rc("HCALL0018", "mca with another interface version gives -EACCES",
         H(__HYPERVISOR_arch_0, &mc, 0, 0, 0, 0), -XEN_EACCES);
    mc.interface_version = XEN_MCA_INTERFACE_VERSION;
    mc.cmd = UNKNOWN_CMD;
    t_rc("HCALL0019", "mca with an unknown cmd gives -EINVAL",
         H(__HYPERVISOR_arch_0, &mc, 0, 0, 0, 0), -XEN_EINVAL);
    mc.cmd = XEN_MC_fetch;
    mc.u.mc_fetch = (struct xen_mc_fetch){ .flags = XEN_MC_NONURGENT | XEN_MC_URGENT,
                                           .data = (uint64_t)record };
    t_rc("HCALL0020", "mca fetch naming both queues gives -EINVAL",
         H(__HYPERVISOR_arch_0, &mc, 0, 0, 0, 0), -XEN_EINVAL);
    mc.u.mc_fetch.flags = XEN_MC_NONURGENT;
    long rc = H(__HYPERVISOR_arch_0, &mc, 0, 0, 0, 0);
    t_check("HCALL0021", "mca fetch of the non-urgent queue reports no data",
            rc == 0 && mc.u.mc_fetch.flags == XEN_MC_NODATA && mc.u.mc_fetch.fetch_id == 0,
            "(rc=%ld flags=%#x)", rc, mc.u.mc_fetch.flags);
}

static void hvm_interfaces(void)
{
    static struct xen_hvm_param p;
    static struct xen_hvm_get_time t;
    static struct xen_hvm_pagetable_dying pd;
    static struct xen_dm_op_buf bufs[3];

    t_rc("HCALL0022", "hvm_op with an unknown cmd gives -ENOSYS",
         H(__HYPERVISOR_hvm_op, 99, 0, 0, 0, 0), -XEN_ENOSYS);
    p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = 2 };
    t_rc("HCALL0023", "hvm_op get_param of a PV domain gives -EINVAL",
         H(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0, 0, 0), -XEN_EINVAL);
    p.domid = 77;
    t_rc("HCALL0024", "hvm_op get_param of a missing domain gives -ESRCH",
         H(__HYPERVISOR_hvm_op, HVMOP_get_param, &p, 0, 0, 0), -XEN_ESRCH);
    p.index = HVM_NR_PARAMS;
    t_rc("HCALL0025", "hvm_op set_param index past the last is -EINVAL before the domain",
         H(__HYPERVISOR_hvm_op, HVMOP_set_param, &p, 0, 0, 0), -XEN_EINVAL);
    t_rc("HCALL0026", "hvm_op get_param from an unmapped address gives -EFAULT",
         H(__HYPERVISOR_hvm_op, HVMOP_get_param, T_UNMAPPED_VA, 0, 0, 0), -XEN_EFAULT);
    t_rc("HCALL0027", "hvm_op flush_tlbs from a PV domain gives -EINVAL",
         H(__HYPERVISOR_hvm_op, HVMOP_flush_tlbs, 0, 0, 0, 0), -XEN_EINVAL);
    t.now = 0;
    long rc = H(__HYPERVISOR_hvm_op, HVMOP_get_time, &t, 0, 0, 0);
    t_check("HCALL0028", "hvm_op get_time gives the system time", rc == 0 && t.now != 0,
            "(rc=%ld now=%lu)", rc, (unsigned long)t.now);
    pd = (struct xen_hvm_pagetable_dying){ .domid = DOMID_SELF };
    t_rc("HCALL0029", "hvm_op pagetable_dying of a PV domain gives -EINVAL",
         H(__HYPERVISOR_hvm_op, HVMOP_pagetable_dying, &pd, 0, 0, 0), -XEN_EINVAL);

    t_rc("HCALL0030", "dm_op without buffers gives -ENODATA",
         H(__HYPERVISOR_dm_op, 0, 0, bufs, 0, 0), -XEN_ENODATA);
    t_rc("HCALL0031", "dm_op with three buffers gives -E2BIG",
         H(__HYPERVISOR_dm_op, 0, 3, bufs, 0, 0), -XEN_E2BIG);
    t_rc("HCALL0032", "dm_op on the caller itself gives -EPERM",
         H(__HYPERVISOR_dm_op, 0, 1, bufs, 0, 0), -XEN_EPERM);
    t_rc("HCALL0033", "dm_op on a missing domain gives -ESRCH",
         H(__HYPERVISOR_dm_op, 77, 1, bufs, 0, 0), -XEN_ESRCH);
    t_rc("HCALL0034", "dm_op with an unmapped buffer list gives -EFAULT",
         H(__HYPERVISOR_dm_op, 77, 1, T_UNMAPPED_VA, 0, 0), -XEN_EFAULT);
}

static void absent_facilities(void)
{
    static struct xen_kexec_status ks;
    static struct xen_kexec_exec ke;
    static struct xen_pmu_params pmu;
    static const char missing[] = "/xenolith-no-such-entry";
    static const char relative[] = "buildinfo";
    static char longpath[XEN_HYPFS_MAX_PATHLEN + 8];

    t_rc("HCALL0035", "xsm_op gives -ENOSYS (no XSM)",
         H(__HYPERVISOR_xsm_op, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0036", "argo_op gives -ENOSYS (no Argo)",
         H(__HYPERVISOR_argo_op, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0037", "xenoprof_op past the last cmd gives -EINVAL",
         H(__HYPERVISOR_xenoprof_op, XENOPROF_last_op + 1, 0, 0, 0, 0), -XEN_EINVAL);
    t_rc("HCALL0038", "xenoprof_op set_active without being the profiler gives -EPERM",
         H(__HYPERVISOR_xenoprof_op, XENOPROF_set_active, 0, 0, 0, 0), -XEN_EPERM);
    t_rc("HCALL0039", "xenpmu_op mode_get without a vPMU gives -EOPNOTSUPP",
         H(__HYPERVISOR_xenpmu_op, XENPMU_mode_get, &pmu, 0, 0, 0), -XEN_EOPNOTSUPP);

    ks.type = KEXEC_TYPE_DEFAULT;
    t_rc("HCALL0040", "kexec_op status of the default image gives 0 (not loaded)",
         H(__HYPERVISOR_kexec_op, KEXEC_CMD_kexec_status, &ks, 0, 0, 0), 0);
    ks.type = 5;
    t_rc("HCALL0041", "kexec_op status of an unknown type gives -EINVAL",
         H(__HYPERVISOR_kexec_op, KEXEC_CMD_kexec_status, &ks, 0, 0, 0), -XEN_EINVAL);
    ke.type = KEXEC_TYPE_DEFAULT;
    t_rc("HCALL0042", "kexec_op exec with no image loaded gives -ENOENT",
         H(__HYPERVISOR_kexec_op, KEXEC_CMD_kexec, &ke, 0, 0, 0), -XEN_ENOENT);
    t_rc("HCALL0043", "kexec_op with an unknown cmd gives 0 (as Xen 4.17)",
         H(__HYPERVISOR_kexec_op, 99, 0, 0, 0, 0), 0);

    t_rc("HCALL0044", "hypfs_op get_version gives 1",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_get_version, 0, 0, 0, 0), XEN_HYPFS_VERSION);
    t_rc("HCALL0045", "hypfs_op get_version with arguments gives -EINVAL",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_get_version, 0, 1, 0, 0), -XEN_EINVAL);
    t_rc("HCALL0046", "hypfs_op read of a missing entry gives -ENOENT",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_read, missing, sizeof(missing), 0, 0),
         -XEN_ENOENT);
    t_rc("HCALL0047", "hypfs_op read of a relative path gives -EINVAL",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_read, relative, sizeof(relative), 0, 0),
         -XEN_EINVAL);
    t_rc("HCALL0048", "hypfs_op path without its final NUL gives -EINVAL",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_read, missing, sizeof(missing) - 1, 0, 0),
         -XEN_EINVAL);
    t_rc("HCALL0049", "hypfs_op path longer than 1024 bytes gives -EINVAL",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_read, longpath, sizeof(longpath), 0, 0),
         -XEN_EINVAL);
    t_rc("HCALL0050", "hypfs_op path at an unmapped address gives -EFAULT",
         H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_read, T_UNMAPPED_VA, 8, 0, 0), -XEN_EFAULT);
}

static void legacy_forms(void)
{
    static struct evtchn_op eo;
    static struct physdev_op po;
    static struct xennmi_callback cb;

    t_rc("HCALL0051", "sched_op_compat with an unknown cmd gives -ENOSYS",
         H(__HYPERVISOR_sched_op_compat, 99, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0052", "sched_op_compat yield gives 0",
         H(__HYPERVISOR_sched_op_compat, SCHEDOP_yield, 0, 0, 0, 0), 0);

    eo = (struct evtchn_op){ .cmd = EVTCHNOP_alloc_unbound,
                             .u.alloc_unbound = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF } };
    long rc = H(__HYPERVISOR_event_channel_op_compat, &eo, 0, 0, 0, 0);
    evtchn_port_t port = eo.u.alloc_unbound.port;
    t_check("HCALL0053", "event_channel_op_compat alloc_unbound gives a port",
            rc == 0 && port != 0, "(rc=%ld port=%u)", rc, port);
    eo = (struct evtchn_op){ .cmd = EVTCHNOP_close, .u.close = { .port = port } };
    t_rc("HCALL0054", "event_channel_op_compat close of that port gives 0",
         H(__HYPERVISOR_event_channel_op_compat, &eo, 0, 0, 0, 0), 0);
    eo.cmd = EVTCHNOP_reset;
    t_rc("HCALL0055", "event_channel_op_compat of a newer cmd (reset) gives -ENOSYS",
         H(__HYPERVISOR_event_channel_op_compat, &eo, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0056", "event_channel_op_compat from an unmapped address gives -EFAULT",
         H(__HYPERVISOR_event_channel_op_compat, T_UNMAPPED_VA, 0, 0, 0, 0), -XEN_EFAULT);

    po.cmd = 99;
    t_rc("HCALL0057", "physdev_op_compat with an unknown cmd gives -ENOSYS",
         H(__HYPERVISOR_physdev_op_compat, &po, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0058", "physdev_op_compat from an unmapped address gives -EFAULT",
         H(__HYPERVISOR_physdev_op_compat, T_UNMAPPED_VA, 0, 0, 0, 0), -XEN_EFAULT);

    t_rc("HCALL0059", "nmi_op with an unknown cmd gives -ENOSYS",
         H(__HYPERVISOR_nmi_op, 7, 0, 0, 0, 0), -XEN_ENOSYS);
    cb.handler_address = T_NONCANON_VA;
    t_rc("HCALL0060", "nmi_op register of a non-canonical handler gives -EINVAL",
         H(__HYPERVISOR_nmi_op, XENNMI_register_callback, &cb, 0, 0, 0), -XEN_EINVAL);
    t_rc("HCALL0061", "nmi_op unregister gives 0",
         H(__HYPERVISOR_nmi_op, XENNMI_unregister_callback, 0, 0, 0, 0), 0);
}

/* XEN_DOMCTL_destroydomain where Dom0 alone can check it: itself and domains that do not exist. */
static void destroy_domain(void)
{
    static struct xen_domctl dc;

    dc = (struct xen_domctl){ .cmd = XEN_DOMCTL_destroydomain,
                              .interface_version = XEN_DOMCTL_INTERFACE_VERSION, .domain = 0 };
    t_rc("HCALL0062", "destroydomain of domain 0 (ourselves) gives -EINVAL",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_EINVAL);
    dc.domain = DOMID_SELF;
    t_rc("HCALL0063", "destroydomain of DOMID_SELF gives -ESRCH",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ESRCH);
    dc.domain = 77;
    t_rc("HCALL0064", "destroydomain of a missing domain gives -ESRCH",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ESRCH);
    dc.domain = DOMID_XEN;
    t_rc("HCALL0065", "destroydomain of DOMID_XEN gives -ESRCH",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ESRCH);
    dc.domain = DOMID_IDLE;
    t_rc("HCALL0066", "destroydomain of DOMID_IDLE gives -ESRCH",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_ESRCH);
    dc.domain = 0;
    dc.interface_version = 0x14;
    t_rc("HCALL0067", "destroydomain with an older interface version gives -EACCES",
         H(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_EACCES);
}

void suite_hypercall(void)
{
    t_rc("HCALL0001", "unused hypercall 11 gives -ENOSYS",
         os_hypercall_dyn(11, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0002", "unassigned hypercall 56 gives -ENOSYS",
         os_hypercall_dyn(56, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0003", "hypercall 127 (last slot) gives -ENOSYS",
         os_hypercall_dyn(127, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    t_rc("HCALL0004", "retired tmem_op (38) gives -ENOSYS",
         os_hypercall_dyn(38, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    control_envelopes();
    destroy_domain();
    hvm_interfaces();
    absent_facilities();
    legacy_forms();
}
