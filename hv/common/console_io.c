/* HYPERVISOR_console_io: a guest's debug output to the serial console. */
#include <xen/xen.h>
#include <xen/errno.h>
#include <hv/console.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

#define CONSOLE_CHUNK 256

long do_console_io(uint64_t cmd, uint64_t count, XEN_GUEST_HANDLE_PARAM(char) buf)
{
    char chunk[CONSOLE_CHUNK];

    switch (cmd) {
    case CONSOLEIO_write:
        if ((int64_t)(int32_t)count < 0)
            return -XEN_EINVAL;
        count = (uint32_t)count;
        if (!guest_handle_okay(buf, count))
            return -XEN_EFAULT;
        while (count) {
            size_t n = count < CONSOLE_CHUNK ? count : CONSOLE_CHUNK;
            if (copy_from_guest(chunk, buf, n))
                return -XEN_EFAULT;
            console_guest_write(current->domain->id, chunk, n);
            guest_handle_add_offset(buf, n);
            count -= n;
        }
        return 0;
    case CONSOLEIO_read: {
        /* Serial input buffered for Dom0 (common/console_input.c). */
        unsigned int got;
        if (!domain_is_privileged(current->domain))
            return -XEN_EPERM;
        if ((int64_t)(int32_t)count < 0)
            return -XEN_EINVAL;
        if (count > CONSOLE_CHUNK)
            count = CONSOLE_CHUNK;
        if (!guest_handle_okay(buf, count))
            return -XEN_EFAULT;
        got = console_read(chunk, (unsigned int)count);
        if (copy_to_guest(buf, chunk, got))
            return -XEN_EFAULT;
        return got;
    }
    default:
        return -XEN_ENOSYS;
    }
}
