/*
 * Hypercalls whose facility Xenolith does not have: xenoprof_op (31),
 * kexec_op (37), xenpmu_op (40) and hypfs_op (42). Each checks its caller and
 * argument in Xen 4.17's order and then answers what is true here (no
 * profiling counters, no kexec image, no virtual PMU, an empty hypfs tree).
 * The public headers list every answer; docs/differences-from-xen.md says
 * where Xen would serve more.
 */
#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/hypfs.h>
#include <xen/kexec.h>
#include <xen/xenoprof.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

long do_xenoprof_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    int32_t op = (int32_t)cmd;
    uint8_t buf[sizeof(struct xenoprof_init)];

    if (op < 0 || op > XENOPROF_last_op)
        return -XEN_EINVAL;
    switch (op) {
    case XENOPROF_init:
        if (copy_from_guest(buf, arg, sizeof(struct xenoprof_init)))
            return -XEN_EFAULT;
        return -XEN_ENODEV;                     /* no counter model we drive */
    case XENOPROF_get_buffer:
        if (copy_from_guest(buf, arg, XENOPROF_GET_BUFFER_SIZE))
            return -XEN_EFAULT;
        return -XEN_ENODEV;
    case XENOPROF_enable_virq:
    case XENOPROF_disable_virq:
        return -XEN_ENODEV;
    default:
        return -XEN_EPERM;                      /* only the primary profiler; there is none */
    }
}

/* KEXEC_TYPE_DEFAULT or KEXEC_TYPE_CRASH, else -EINVAL. */
static long kexec_type_ok(int type)
{
    return type == KEXEC_TYPE_DEFAULT || type == KEXEC_TYPE_CRASH ? 0 : -XEN_EINVAL;
}

/* The caller is privileged (hypercall table). No image is ever loaded. */
long do_kexec_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    uint8_t v1[XEN_KEXEC_LOAD_V1_SIZE];

    switch (cmd) {
    case KEXEC_CMD_kexec: {
        struct xen_kexec_exec e;
        if (copy_from_guest(&e, arg, 1))
            return -XEN_EFAULT;
        return kexec_type_ok(e.type) ?: -XEN_ENOENT;
    }
    case KEXEC_CMD_kexec_status:
    case KEXEC_CMD_kexec_unload: {
        struct xen_kexec_status s;
        if (copy_from_guest(&s, arg, 1))
            return -XEN_EFAULT;
        return kexec_type_ok(s.type);           /* status: 0 = not loaded */
    }
    case KEXEC_CMD_kexec_unload_v1: {
        if (copy_from_guest(v1, arg, 1))
            return -XEN_EFAULT;
        return kexec_type_ok((int32_t)(v1[0] | v1[1] << 8 | v1[2] << 16 | (uint32_t)v1[3] << 24));
    }
    case KEXEC_CMD_kexec_get_range: {
        struct xen_kexec_range r;
        if (copy_from_guest(&r, arg, 1))
            return -XEN_EFAULT;
        if (r.range != KEXEC_RANGE_MA_CRASH)
            return -XEN_EOPNOTSUPP;
        r.start = r.size = 0;                   /* no crash area is reserved */
        return copy_to_guest(arg, &r, 1) ? -XEN_EFAULT : 0;
    }
    case KEXEC_CMD_kexec_load: {
        struct xen_kexec_load l;
        if (copy_from_guest(&l, arg, 1))
            return -XEN_EFAULT;
        return -XEN_EOPNOTSUPP;
    }
    case KEXEC_CMD_kexec_load_v1:
        if (copy_from_guest(v1, arg, 1))
            return -XEN_EFAULT;
        return -XEN_EOPNOTSUPP;
    default:
        return 0;                               /* Xen 4.17 answers an unknown cmd with 0 */
    }
}

/* Xen without the "vpmu" boot option (its default) answers every cmd so. */
long do_xenpmu_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(void) arg)
{
    return -XEN_EOPNOTSUPP;
}

/* The caller is privileged (hypercall table). The tree has no entries yet. */
long do_hypfs_op(uint64_t cmd, XEN_GUEST_HANDLE_PARAM(char) path, uint64_t len,
                 XEN_GUEST_HANDLE_PARAM(void) buf, uint64_t buf_len)
{
    char chunk[64], first = 0;
    uint64_t nul = len;                         /* position of the first NUL */

    if ((uint32_t)cmd == XEN_HYPFS_OP_get_version)
        return !guest_handle_is_null(path) || len || !guest_handle_is_null(buf) || buf_len
               ? -XEN_EINVAL : XEN_HYPFS_VERSION;
    if (len > XEN_HYPFS_MAX_PATHLEN)
        return -XEN_EINVAL;
    if (!guest_handle_okay(path, len))
        return -XEN_EFAULT;
    for (uint64_t at = 0; at < len; at += sizeof(chunk)) {
        uint64_t n = len - at < sizeof(chunk) ? len - at : sizeof(chunk);
        if (copy_from_guest_offset(chunk, path, at, n))
            return -XEN_EFAULT;
        if (at == 0)
            first = chunk[0];
        for (uint64_t i = 0; i < n && nul == len; i++)
            if (chunk[i] == '\0')
                nul = at + i;
    }
    if (len == 0 || nul != len - 1)             /* the one NUL ends the path */
        return -XEN_EINVAL;
    if (first != '/')
        return -XEN_EINVAL;
    return -XEN_ENOENT;
}
