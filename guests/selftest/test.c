/*
 * Helpers of the selftest guest (its CASE lines are os/cases.h).
 */
#include <stdarg.h>
#include <xl/format.h>
#include <xen/vcpu.h>
#include "test.h"

unsigned int t_vcpu_absent(void)
{
    unsigned int id = 1;

    while (id < 8192 && HYPERVISOR_vcpu_op(VCPUOP_is_up, id, NULL) != -XEN_ENOENT)
        id++;
    return id;
}
