/*
 * Xenolith public ABI: xenoprof_op (hypercall 31), the oprofile interface.
 *
 * cmd outside 0..XENOPROF_last_op: -XEN_EINVAL. Every cmd but init,
 * get_buffer, enable_virq and disable_virq is for the primary profiler only:
 * -XEN_EPERM, as there never is one on Xenolith. init reads its argument
 * (-XEN_EFAULT) and answers -XEN_ENODEV: no counter model is supported, which
 * is Xen's answer on a CPU it cannot profile; the other three answer
 * -XEN_ENODEV as well.
 */
#ifndef XEN_PUBLIC_XENOPROF_H
#define XEN_PUBLIC_XENOPROF_H
#include <stdint.h>

#define XENOPROF_init                0
#define XENOPROF_set_active          3
#define XENOPROF_enable_virq         8
#define XENOPROF_disable_virq       11
#define XENOPROF_get_buffer         14
#define XENOPROF_last_op            17

/* init: OUT the number of counters and the CPU model. */
#define XENOPROF_CPU_TYPE_SIZE      64
struct xenoprof_init {
    int32_t num_events;         /* OUT */
    int32_t is_primary;         /* OUT */
    char    cpu_type[XENOPROF_CPU_TYPE_SIZE];   /* OUT */
};
_Static_assert(sizeof(struct xenoprof_init) == 72, "xenoprof_init size");

/* get_buffer: argument size (the struct itself is not used by Xenolith). */
#define XENOPROF_GET_BUFFER_SIZE    24

#endif /* XEN_PUBLIC_XENOPROF_H */
