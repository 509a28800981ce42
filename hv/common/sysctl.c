/*
 * HYPERVISOR_sysctl (35): host-wide control for the toolstack. Xenolith
 * answers Xen 4.17's envelope checks in Xen's order and serves no
 * sub-operation yet (issue 10): a privileged caller with the right version
 * hears -ENOSYS for every cmd, which toolstacks read as "not available".
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sysctl.h>
#include <hv/domain.h>
#include <hv/hypercall.h>

long do_sysctl(uint64_t arg, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct xen_sysctl op;
    long rc = hypercall_envelope(arg, &op, sizeof(op), XEN_SYSCTL_INTERFACE_VERSION);

    if (rc)
        return rc;
    if (!domain_is_privileged(current->domain))
        return -XEN_EPERM;
    return -XEN_ENOSYS;
}
