/*
 * Xenolith public ABI: xen_version (hypercall 17).
 *
 * xen_version(cmd, arg).  Any domain may call it.  Unless noted the
 * result is 0 and the answer is copied to arg; -XEN_EFAULT if arg is
 * bad, -XEN_ENOSYS for an unknown cmd.
 */
#ifndef XEN_PUBLIC_VERSION_H
#define XEN_PUBLIC_VERSION_H

#include <stdint.h>

#include "xen.h"
#include "features.h"

/* arg ignored; returns (major << 16) | minor.  Also a cheap no-op call. */
#define XENVER_version              0

/* arg: xen_extraversion_t, e.g. ".0" (NUL-terminated). */
#define XENVER_extraversion         1
typedef char xen_extraversion_t[16];
#define XEN_EXTRAVERSION_LEN        (sizeof(xen_extraversion_t))

/* arg: struct xen_compile_info, four NUL-terminated strings. */
#define XENVER_compile_info         2
struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
typedef struct xen_compile_info xen_compile_info_t;
_Static_assert(sizeof(struct xen_compile_info) == 144, "xen_compile_info size");

/* arg: xen_capabilities_info_t, space-separated, e.g. "xen-3.0-x86_64". */
#define XENVER_capabilities         3
typedef char xen_capabilities_info_t[1024];
#define XEN_CAPABILITIES_INFO_LEN   (sizeof(xen_capabilities_info_t))

/* arg: xen_changeset_info_t, source revision string. */
#define XENVER_changeset            4
typedef char xen_changeset_info_t[64];
#define XEN_CHANGESET_INFO_LEN      (sizeof(xen_changeset_info_t))

/* arg: struct xen_platform_parameters; start of the hypervisor hole. */
#define XENVER_platform_parameters  5
struct xen_platform_parameters {
    xen_ulong_t virt_start;
};
typedef struct xen_platform_parameters xen_platform_parameters_t;
_Static_assert(sizeof(struct xen_platform_parameters) == 8, "xen_platform_parameters size");

/*
 * arg: struct xen_feature_info.  IN submap_idx selects 32 feature bits
 * (XENFEAT_* / 32); OUT submap receives them.  -XEN_EINVAL if
 * submap_idx >= XENFEAT_NR_SUBMAPS.
 */
#define XENVER_get_features         6
struct xen_feature_info {
    uint32_t submap_idx;    /* IN */
    uint32_t submap;        /* OUT */
};
typedef struct xen_feature_info xen_feature_info_t;
_Static_assert(sizeof(struct xen_feature_info) == 8, "xen_feature_info size");

/* arg ignored; returns the page size (4096). */
#define XENVER_pagesize             7

/* arg: xen_domain_handle_t (16 bytes); the caller's UUID. */
#define XENVER_guest_handle         8

/* arg: xen_commandline_t; hypervisor command line (privileged only, else -EPERM). */
#define XENVER_commandline          9
typedef char xen_commandline_t[1024];

/*
 * Sub-ops 10..14 take a struct xen_varbuf: IN len = size of buf, OUT the
 * data (not NUL-terminated).  They return the number of bytes written;
 * with a NULL arg they return the size needed.
 */
#define XENVER_build_id             10
#define XENVER_extraversion2        11
#define XENVER_capabilities2        12
#define XENVER_changeset2           13
#define XENVER_commandline2         14

struct xen_varbuf {
    uint32_t len;           /* IN: bytes available in buf */
    unsigned char buf[];    /* OUT: the data */
};
typedef struct xen_varbuf xen_varbuf_t;
/* Older name of the same layout, for XENVER_build_id. */
typedef struct xen_varbuf xen_build_id_t;
_Static_assert(offsetof(struct xen_varbuf, buf) == 4, "xen_varbuf.buf");

#endif /* XEN_PUBLIC_VERSION_H */
