/*
 * Xenolith public ABI: names a front end writes to its "protocol" key to
 * say which structure layout its rings use.
 */
#ifndef XEN_PUBLIC_IO_PROTOCOLS_H
#define XEN_PUBLIC_IO_PROTOCOLS_H

#define XEN_IO_PROTO_ABI_X86_32     "x86_32-abi"
#define XEN_IO_PROTO_ABI_X86_64     "x86_64-abi"
#define XEN_IO_PROTO_ABI_ARM        "arm-abi"
/* Xenolith builds only the 64-bit x86 ABI. */
#define XEN_IO_PROTO_ABI_NATIVE     XEN_IO_PROTO_ABI_X86_64

#endif /* XEN_PUBLIC_IO_PROTOCOLS_H */
