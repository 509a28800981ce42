/*
 * Xenolith public ABI: kexec_op (hypercall 37), loading and starting a
 * replacement or crash kernel.
 *
 * Only a privileged domain may call it (-XEN_EPERM, checked first). Xenolith
 * cannot load an image: load and load_v1 read their argument (-XEN_EFAULT)
 * and answer -XEN_EOPNOTSUPP. status answers 0 (not loaded), exec -XEN_ENOENT
 * (nothing to start), unload 0; all three refuse a type other than
 * KEXEC_TYPE_DEFAULT/CRASH with -XEN_EINVAL. get_range reports an empty crash
 * area (start = size = 0) and -XEN_EOPNOTSUPP for the other ranges. An unknown
 * cmd answers 0, as Xen 4.17 does.
 */
#ifndef XEN_PUBLIC_KEXEC_H
#define XEN_PUBLIC_KEXEC_H
#include <stdint.h>
#include <stddef.h>

#define KEXEC_CMD_kexec            0
#define KEXEC_CMD_kexec_load_v1    1
#define KEXEC_CMD_kexec_unload_v1  2
#define KEXEC_CMD_kexec_get_range  3
#define KEXEC_CMD_kexec_load       4
#define KEXEC_CMD_kexec_unload     5
#define KEXEC_CMD_kexec_status     6

#define KEXEC_TYPE_DEFAULT         0
#define KEXEC_TYPE_CRASH           1

#define KEXEC_RANGE_MA_CRASH       0

/* exec: start the loaded image of this type. */
struct xen_kexec_exec {
    int32_t type;               /* IN: KEXEC_TYPE_* */
};
_Static_assert(sizeof(struct xen_kexec_exec) == 4, "xen_kexec_exec size");

/* status (OUT: 1 loaded, 0 not) and unload. */
struct xen_kexec_status {
    uint8_t type;               /* IN: KEXEC_TYPE_* */
};
_Static_assert(sizeof(struct xen_kexec_status) == 1, "xen_kexec_status size");

/* get_range: where a machine range lies. */
struct xen_kexec_range {
    int32_t  range;             /* IN: KEXEC_RANGE_* */
    int32_t  nr;                /* IN: CPU number for per-CPU ranges */
    uint64_t size;              /* OUT */
    uint64_t start;             /* OUT */
};
_Static_assert(sizeof(struct xen_kexec_range) == 24, "xen_kexec_range size");

/* load: the (current) image description. */
struct xen_kexec_load {
    uint8_t  type;
    uint8_t  pad;
    uint16_t arch;
    uint32_t nr_segments;
    uint64_t segments;          /* guest address of the segment list */
    uint64_t entry_maddr;
};
_Static_assert(sizeof(struct xen_kexec_load) == 24, "xen_kexec_load size");

/* Bytes of the obsolete load_v1/unload_v1 argument. */
#define XEN_KEXEC_LOAD_V1_SIZE 160

#endif /* XEN_PUBLIC_KEXEC_H */
