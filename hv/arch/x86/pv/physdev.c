/* HYPERVISOR_physdev_op: the virtual I/O privilege level and the I/O bitmap. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/physdev.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/ioports.h>

long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -XEN_EFAULT;
        if (s.iopl > 3)
            return -XEN_EINVAL;
        current->iopl = s.iopl;
        return 0;
    }
    case PHYSDEVOP_set_iobitmap: {
        struct physdev_set_iobitmap s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -XEN_EFAULT;
        return physdev_set_iobitmap(current, s.bitmap.addr, s.nr_ports);
    }
    default:
        return -XEN_ENOSYS;
    }
}
