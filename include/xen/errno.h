/*
 * Xenolith public ABI: error numbers.
 *
 * Hypercalls fail by returning the negative of one of these values
 * (e.g. -XEN_EINVAL).  The numbering follows x86 Linux, as Xen's does,
 * so Linux guests can pass the values through unchanged.  Plain
 * #defines, so they are usable from assembly and #if as well.
 */
#ifndef XEN_PUBLIC_ERRNO_H
#define XEN_PUBLIC_ERRNO_H

#define XEN_EPERM            1   /* operation not permitted */
#define XEN_ENOENT           2   /* no such entry */
#define XEN_ESRCH            3   /* no such domain / process */
#define XEN_EINTR            4   /* hypervisor-internal only, never seen by a guest */
#define XEN_EIO              5   /* I/O error */
#define XEN_ENXIO            6   /* no such device or address */
#define XEN_E2BIG            7   /* argument list too long */
#define XEN_ENOEXEC          8   /* bad executable format */
#define XEN_EBADF            9   /* bad handle */
#define XEN_ECHILD          10   /* no child */
#define XEN_EAGAIN          11   /* try again */
#define XEN_ENOMEM          12   /* out of memory */
#define XEN_EACCES          13   /* permission denied */
#define XEN_EFAULT          14   /* bad guest address */
#define XEN_EBUSY           16   /* resource busy */
#define XEN_EEXIST          17   /* already exists */
#define XEN_EXDEV           18   /* cross-domain operation refused */
#define XEN_ENODEV          19   /* no such device */
#define XEN_EINVAL          22   /* invalid argument */
#define XEN_ENFILE          23   /* table overflow */
#define XEN_EMFILE          24   /* too many open handles */
#define XEN_ENOSPC          28   /* no space left */
#define XEN_EMLINK          31   /* too many links */
#define XEN_EDOM            33   /* argument out of domain */
#define XEN_ERANGE          34   /* result out of range */
#define XEN_EDEADLK         35   /* deadlock would occur */
#define XEN_ENAMETOOLONG    36   /* name too long */
#define XEN_ENOLCK          37   /* no locks available */
#define XEN_ENOSYS          38   /* function not implemented */
#define XEN_EBADRQC         56   /* invalid request code */
#define XEN_EBADSLT         57   /* invalid slot */
#define XEN_ENODATA         61   /* no data available */
#define XEN_ETIME           62   /* timer expired / time already past */
#define XEN_EBADMSG         74   /* not a data message */
#define XEN_EOVERFLOW       75   /* value too large */
#define XEN_EILSEQ          84   /* illegal byte sequence */
#define XEN_ERESTART        85   /* hypervisor-internal only: restart the call */
#define XEN_EUSERS          87   /* too many users */
#define XEN_ENOTSOCK        88   /* not a socket */
#define XEN_EOPNOTSUPP      95   /* operation not supported */
#define XEN_EADDRINUSE      98   /* address already in use */
#define XEN_EADDRNOTAVAIL   99   /* cannot assign address */
#define XEN_ENOBUFS        105   /* no buffer space */
#define XEN_EISCONN        106   /* already connected */
#define XEN_ENOTCONN       107   /* not connected */
#define XEN_ESHUTDOWN      108   /* endpoint shut down */
#define XEN_ETOOMANYREFS   109   /* too many references */
#define XEN_ETIMEDOUT      110   /* timed out */

#define XEN_EWOULDBLOCK    XEN_EAGAIN
#define XEN_EDEADLOCK      XEN_EDEADLK

/*
 * Xenolith additions, not in Xen's public list: x86 Linux numbers that
 * our xenstored and back ends use internally.  Hypercalls never return
 * them (a Xen guest would not know them).
 */
#define XEN_EROFS           30   /* read-only */
#define XEN_ENOTEMPTY       39   /* directory not empty (xenstore) */
#define XEN_ECONNREFUSED   111   /* connection refused */

#endif /* XEN_PUBLIC_ERRNO_H */
