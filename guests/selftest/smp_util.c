/*
 * See smp_util.h.
 */
#include <os/events.h>
#include <os/mm.h>
#include <xen/vcpu.h>
#include "smp_util.h"
#include "test.h"

#define INFOS_PER_PAGE (OS_PAGE_SIZE / sizeof(struct vcpu_info))

/* Stacks for as many vCPUs as Xenolith gives a domain. */
OS_VCPU_STACKS(OS_MAX_VCPUS - 1);

long smp_give_info(unsigned int id)
{
    static uint8_t *page;
    static unsigned int used = INFOS_PER_PAGE;

    if (id < XEN_LEGACY_MAX_VCPUS || os_vcpu_info_of(id))
        return 0;
    if (used == INFOS_PER_PAGE) {
        page = os_alloc_page();
        if (!page)
            return -XEN_ENOMEM;
        used = 0;
    }
    long rc = os_vcpu_register_info(id, page, used * sizeof(struct vcpu_info));
    if (rc == 0)
        used++;
    return rc;
}

long smp_run(unsigned int id, os_vcpu_fn_t fn, void *arg)
{
    long rc = smp_give_info(id);

    if (rc)
        return rc;
    /* A vCPU never started has no context: up refuses it, so start it. */
    rc = os_vcpu_run(id, fn, arg);
    return rc == -XEN_EINVAL ? os_vcpu_start(id, fn, arg) : rc;
}

void smp_block_until(volatile unsigned long *counter, unsigned long than)
{
    os_irq_disable();
    while (*counter <= than) {
        os_block();
        os_irq_disable();
    }
    os_irq_enable();
}
