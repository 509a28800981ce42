/*
 * Xenolith public ABI: physdev_op (hypercall 33).
 *
 * physdev_op(cmd, arg): I/O privilege, physical IRQs (PIRQs) and PCI
 * devices.  Returns 0 or -XEN_E*: -XEN_EFAULT bad pointer, -XEN_EINVAL
 * bad argument, -XEN_EPERM the caller lacks the resource, -XEN_ENOSYS
 * unknown cmd.
 */
#ifndef XEN_PUBLIC_PHYSDEV_H
#define XEN_PUBLIC_PHYSDEV_H

#include <stdint.h>

#include "xen.h"

/* Signal end-of-interrupt for a PIRQ.  arg: physdev_eoi. */
#define PHYSDEVOP_eoi                   12
struct physdev_eoi {
    uint32_t irq;           /* IN: PIRQ */
};
typedef struct physdev_eoi physdev_eoi_t;

/*
 * Register a page of "needs EOI" bits, one per PIRQ.  v2 also leaves
 * the PIRQs unmasked (v1 semantics mask them).  arg: physdev_pirq_eoi_gmfn.
 */
#define PHYSDEVOP_pirq_eoi_gmfn_v1      17
#define PHYSDEVOP_pirq_eoi_gmfn_v2      28
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;         /* IN */
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;

/* Ask whether a PIRQ needs an EOI / is shared.  arg: physdev_irq_status_query. */
#define PHYSDEVOP_irq_status_query      5
struct physdev_irq_status_query {
    uint32_t irq;           /* IN */
    uint32_t flags;         /* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;
_Static_assert(sizeof(struct physdev_irq_status_query) == 8, "physdev_irq_status_query size");

#define _XENIRQSTAT_needs_eoi   0
#define XENIRQSTAT_needs_eoi    (1u << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared      1
#define XENIRQSTAT_shared       (1u << _XENIRQSTAT_shared)

/*
 * Set the vCPU's virtual I/O privilege level (0..3; the kernel runs at
 * 1, so iopl >= 1 lets it use port I/O it was granted).  -XEN_EINVAL if
 * iopl > 3.
 */
#define PHYSDEVOP_set_iopl              6
struct physdev_set_iopl {
    uint32_t iopl;          /* IN */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

/* Install a per-vCPU I/O permission bitmap (1 bit = port denied). */
#define PHYSDEVOP_set_iobitmap          7
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8_t) bitmap;   /* IN */
    uint32_t nr_ports;                  /* IN */
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;
_Static_assert(sizeof(struct physdev_set_iobitmap) == 16, "physdev_set_iobitmap size");
_Static_assert(offsetof(struct physdev_set_iobitmap, nr_ports) == 8, "set_iobitmap.nr_ports");

/* IO-APIC register access (hardware domain). */
#define PHYSDEVOP_apic_read             8
#define PHYSDEVOP_apic_write            9
struct physdev_apic {
    uint64_t apic_physbase; /* IN */
    uint32_t reg;           /* IN */
    uint32_t value;         /* IN/OUT */
};
typedef struct physdev_apic physdev_apic_t;
_Static_assert(sizeof(struct physdev_apic) == 16, "physdev_apic size");

#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_free_irq_vector       11
struct physdev_irq {
    uint32_t irq;           /* IN */
    uint32_t vector;        /* IN/OUT */
};
typedef struct physdev_irq physdev_irq_t;

/* Map a GSI or MSI to a PIRQ of domid (hardware domain). */
#define MAP_PIRQ_TYPE_MSI               0x0
#define MAP_PIRQ_TYPE_GSI               0x1
#define MAP_PIRQ_TYPE_UNKNOWN           0x2
#define MAP_PIRQ_TYPE_MSI_SEG           0x3
#define MAP_PIRQ_TYPE_MULTI_MSI         0x4
#define PHYSDEVOP_map_pirq              13
struct physdev_map_pirq {
    domid_t  domid;         /* IN */
    int32_t  type;          /* IN: MAP_PIRQ_TYPE_* */
    int32_t  index;         /* IN: GSI, or MSI entry */
    int32_t  pirq;          /* IN/OUT */
    int32_t  bus;           /* IN: high 16 bits = PCI segment for *_MSI_SEG */
    int32_t  devfn;         /* IN */
    int32_t  entry_nr;      /* IN (OUT for MULTI_MSI) */
    uint64_t table_base;    /* IN: MSI-X table base */
};
typedef struct physdev_map_pirq physdev_map_pirq_t;
_Static_assert(sizeof(struct physdev_map_pirq) == 40, "physdev_map_pirq size");
_Static_assert(offsetof(struct physdev_map_pirq, table_base) == 32, "map_pirq.table_base");

#define PHYSDEVOP_unmap_pirq            14
struct physdev_unmap_pirq {
    domid_t domid;          /* IN */
    int32_t pirq;           /* IN */
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;
_Static_assert(sizeof(struct physdev_unmap_pirq) == 8, "physdev_unmap_pirq size");

/* PCI device management (hardware domain): numbers only for now. */
#define PHYSDEVOP_manage_pci_add        15
#define PHYSDEVOP_manage_pci_remove     16
#define PHYSDEVOP_restore_msi           19
#define PHYSDEVOP_manage_pci_add_ext    20
#define PHYSDEVOP_setup_gsi             21
struct physdev_setup_gsi {
    int32_t  gsi;
    uint8_t  triggering;    /* 1: level */
    uint8_t  polarity;      /* 1: active low */
};
#define PHYSDEVOP_get_free_pirq         23
#define PHYSDEVOP_pci_mmcfg_reserved    24
#define PHYSDEVOP_pci_device_add        25
#define PHYSDEVOP_pci_device_remove     26
#define PHYSDEVOP_restore_msi_ext       27
#define PHYSDEVOP_dbgp_op               29
#define PHYSDEVOP_prepare_msix          30
#define PHYSDEVOP_release_msix          31

struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;

/* pci_device_add: a PCI device the hardware domain found (flags XEN_PCI_DEV_*). */
#define XEN_PCI_DEV_EXTFN   0x1
#define XEN_PCI_DEV_VIRTFN  0x2
#define XEN_PCI_DEV_PXM     0x4
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
    uint32_t optarr[];      /* with XEN_PCI_DEV_PXM: optarr[0] is the proximity domain */
};
_Static_assert(sizeof(struct physdev_pci_device_add) == 12, "physdev_pci_device_add size");

/*
 * Argument of the old physdev_op_compat (hypercall 19): the command and its
 * argument in one block.  The hypervisor reads the whole block (-XEN_EFAULT
 * if it cannot), then runs physdev_op(cmd, &u) for any cmd.
 */
struct physdev_op {
    uint32_t cmd;               /* PHYSDEVOP_* */
    uint32_t pad;
    union {
        physdev_irq_status_query_t irq_status_query;
        physdev_set_iobitmap_t     set_iobitmap;
        uint8_t                    pad[16];
    } u;
};
typedef struct physdev_op physdev_op_t;
XEN_DEFINE_GUEST_HANDLE(physdev_op_t);
_Static_assert(offsetof(struct physdev_op, u) == 8, "physdev_op.u");
_Static_assert(sizeof(struct physdev_op) == 24, "physdev_op size");

#endif /* XEN_PUBLIC_PHYSDEV_H */
