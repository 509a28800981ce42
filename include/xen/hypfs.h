/*
 * Xenolith public ABI: hypfs_op (hypercall 42), the hypervisor file system.
 *
 * hypfs_op(cmd, path, path_len, buf, buf_len). Privileged callers only
 * (-XEN_EPERM first). get_version takes no arguments (-XEN_EINVAL otherwise)
 * and returns XEN_HYPFS_VERSION. Any other cmd first checks the path:
 * path_len above XEN_HYPFS_MAX_PATHLEN or a path whose only NUL is not its
 * last byte -XEN_EINVAL, unreadable -XEN_EFAULT, not starting with '/'
 * -XEN_EINVAL. Xenolith's tree has no entries yet, so every path then answers
 * -XEN_ENOENT (docs/differences-from-xen.md).
 */
#ifndef XEN_PUBLIC_HYPFS_H
#define XEN_PUBLIC_HYPFS_H

#define XEN_HYPFS_VERSION          1
#define XEN_HYPFS_MAX_PATHLEN      1024

#define XEN_HYPFS_OP_get_version   0
#define XEN_HYPFS_OP_read          1
#define XEN_HYPFS_OP_write_contents 2

#endif /* XEN_PUBLIC_HYPFS_H */
