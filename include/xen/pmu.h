/*
 * Xenolith public ABI: xenpmu_op (hypercall 40), the virtual PMU.
 *
 * Xenolith has no virtual PMU: every cmd answers -XEN_EOPNOTSUPP, which is
 * what Xen 4.17 answers when it runs without the "vpmu" option (its default).
 */
#ifndef XEN_PUBLIC_PMU_H
#define XEN_PUBLIC_PMU_H
#include <stdint.h>

#define XENPMU_VER_MAJ         0
#define XENPMU_VER_MIN         1

#define XENPMU_mode_get        0
#define XENPMU_mode_set        1
#define XENPMU_feature_get     2
#define XENPMU_feature_set     3
#define XENPMU_init            4
#define XENPMU_finish          5

struct xen_pmu_params {
    uint32_t version_maj;       /* IN/OUT */
    uint32_t version_min;       /* IN/OUT */
    uint64_t val;               /* IN/OUT */
    uint32_t vcpu;              /* IN */
    uint32_t pad;
};
_Static_assert(sizeof(struct xen_pmu_params) == 24, "xen_pmu_params size");

#endif /* XEN_PUBLIC_PMU_H */
