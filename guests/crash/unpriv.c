/*
 * mode=unpriv: run as a DomU, ask the privileged interfaces and print one
 * "unpriv: <what> = <rc>" line each, then power off. The system test checks
 * the answers are Xen 4.17's for an unprivileged caller: each interface's own
 * checks (envelope, version, target) come before the privilege check exactly
 * where Xen puts them.
 */
#include <os/console.h>
#include <os/hypercall.h>
#include <os/sched.h>
#include <xen/xen.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/domctl.h>
#include <xen/hvm_op.h>
#include <xen/hypfs.h>
#include <xen/kexec.h>
#include <xen/platform.h>
#include <xen/sysctl.h>
#include <xen/xenoprof.h>
#include "crash.h"

#define H(nr, a1, a2, a3) os_hypercall_dyn(nr, (long)(a1), (long)(a2), (long)(a3), 0, 0)

static void show(const char *what, long rc)
{
    os_printf("unpriv: %s = %ld\n", what, rc);
}

void crash_unpriv(void)
{
    static struct xen_sysctl sc;
    static struct xen_platform_op pf;
    static struct xen_domctl dc;
    static struct xen_mc mc;
    static struct xen_kexec_status ks;
    static struct xen_hvm_get_mem_type mt;
    static struct xen_dm_op_buf buf;

    sc = (struct xen_sysctl){ .cmd = 0x7777, .interface_version = 0x14 };
    show("sysctl old version", H(__HYPERVISOR_sysctl, &sc, 0, 0));
    sc.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    show("sysctl", H(__HYPERVISOR_sysctl, &sc, 0, 0));
    pf = (struct xen_platform_op){ .cmd = XENPF_core_parking, .interface_version = 1 };
    show("platform_op old version", H(__HYPERVISOR_platform_op, &pf, 0, 0));
    pf.interface_version = XENPF_INTERFACE_VERSION;
    show("platform_op", H(__HYPERVISOR_platform_op, &pf, 0, 0));

    dc = (struct xen_domctl){ .cmd = 0x7777, .interface_version = 0x14, .domain = 0 };
    show("domctl old version", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    dc.domain = 77;
    show("domctl missing domain", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.domain = 0;
    show("domctl domain 0", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.cmd = XEN_DOMCTL_createdomain;
    dc.domain = 77;
    show("domctl createdomain", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.cmd = XEN_DOMCTL_destroydomain;
    dc.domain = 0;
    show("domctl destroydomain of domain 0", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.domain = 1;
    show("domctl destroydomain of itself", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.domain = 77;
    show("domctl destroydomain missing domain", H(__HYPERVISOR_domctl, &dc, 0, 0));
    dc.cmd = XEN_DOMCTL_shadow_op;
    show("paging_domctl_cont missing domain", H(__HYPERVISOR_arch_1, &dc, 0, 0));
    dc.domain = 0;
    show("paging_domctl_cont domain 0", H(__HYPERVISOR_arch_1, &dc, 0, 0));

    mc = (struct xen_mc){ .cmd = XEN_MC_fetch, .interface_version = 0 };
    show("mca old version", H(__HYPERVISOR_arch_0, &mc, 0, 0));
    ks.type = KEXEC_TYPE_DEFAULT;
    show("kexec status", H(__HYPERVISOR_kexec_op, KEXEC_CMD_kexec_status, &ks, 0));
    show("hypfs get_version", H(__HYPERVISOR_hypfs_op, XEN_HYPFS_OP_get_version, 0, 0));
    show("xenoprof set_active", H(__HYPERVISOR_xenoprof_op, XENOPROF_set_active, 0, 0));

    mt = (struct xen_hvm_get_mem_type){ .domid = 0 };
    show("hvm get_mem_type of domain 0", H(__HYPERVISOR_hvm_op, HVMOP_get_mem_type, &mt, 0));
    mt.domid = DOMID_SELF;
    show("hvm get_mem_type of itself", H(__HYPERVISOR_hvm_op, HVMOP_get_mem_type, &mt, 0));
    show("dm_op on domain 0", H(__HYPERVISOR_dm_op, 0, 1, &buf));
    os_poweroff();
}
