/*
 * hello: the smoke-test guest.
 *
 * Prints a greeting and the start_info fields one per line, then powers
 * off.  Lines starting "mfn:" carry machine frame numbers, which differ
 * between hypervisors; everything else (VAs, counts, flags) is expected to
 * be identical on Xen 4.17 and on Xenolith for the same dom0 layout, so a
 * test compares the two outputs line by line, skipping "mfn:" lines.
 *
 * The domain id: a PV domain has no hypercall that returns its own id.
 * The initial domain (SIF_INITDOMAIN) is domain 0; a domU would read
 * "domid" from xenstore, which this guest does not do yet (it prints
 * "unknown" then).
 */
#include <os/console.h>
#include <os/os.h>

static void print_domid(void)
{
    if (os_domid == 0)
        os_printf("Hello from Xenolith domain 0\n");
    else
        os_printf("Hello from Xenolith domain unknown\n");
}

void os_main(void)
{
    const start_info_t *si = os_start_info;

    print_domid();
    os_printf("start_info: magic=%.32s\n", si->magic);
    os_printf("start_info: nr_pages=%#lx\n", (unsigned long)si->nr_pages);
    os_printf("mfn: shared_info=%#lx\n", (unsigned long)si->shared_info);
    os_printf("start_info: flags=%#x\n", si->flags);
    if (si->flags & SIF_INITDOMAIN) {
        os_printf("start_info: console.dom0.info_off=%#x info_size=%#x\n",
                  si->console.dom0.info_off, si->console.dom0.info_size);
    } else {
        os_printf("mfn: store_mfn=%#lx\n", (unsigned long)si->store_mfn);
        os_printf("start_info: store_evtchn=%u\n", si->store_evtchn);
        os_printf("mfn: console_mfn=%#lx\n",
                  (unsigned long)si->console.domU.mfn);
        os_printf("start_info: console_evtchn=%u\n", si->console.domU.evtchn);
    }
    os_printf("start_info: pt_base=%#lx\n", (unsigned long)si->pt_base);
    os_printf("start_info: nr_pt_frames=%#lx\n",
              (unsigned long)si->nr_pt_frames);
    os_printf("start_info: mfn_list=%#lx\n", (unsigned long)si->mfn_list);
    os_printf("start_info: mod_start=%#lx\n", (unsigned long)si->mod_start);
    os_printf("start_info: mod_len=%#lx\n", (unsigned long)si->mod_len);
    os_printf("start_info: first_p2m_pfn=%#lx\n",
              (unsigned long)si->first_p2m_pfn);
    os_printf("start_info: nr_p2m_frames=%#lx\n",
              (unsigned long)si->nr_p2m_frames);
    os_printf("start_info: cmd_line=%.1024s\n", (const char *)si->cmd_line);
#ifdef HELLO_P2M_CHECK
    /* Every entry of the P2M list, read where start_info says it is. */
    const volatile unsigned long *list = (const volatile unsigned long *)si->mfn_list;
    unsigned long filled = 0;
    for (unsigned long pfn = 0; pfn < si->nr_pages; pfn++)
        filled += list[pfn] != 0 && list[pfn] != ~0UL;
    os_printf("hello: P2M list has %#lx valid entries of %#lx\n", filled,
              (unsigned long)si->nr_pages);
#endif
    os_printf("hello: start_info at %p\n", (const void *)si);
    os_printf("hello: powering off\n");
}
