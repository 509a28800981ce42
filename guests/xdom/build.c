/*
 * Dom0 builds domain 1 from the image with the toolstack's PV domain
 * builder (toolstack/xc: xc_dom_build, Xen 4.17's domctls), the same on
 * Xen 4.17 and Xenolith.
 */
#include <xc/xc.h>
#include "xdom.h"

long xdom_build_domu(const void *image, unsigned long len, unsigned long nr_pages)
{
    static struct xc_dom_image dom;
    long rc;

    dom = (struct xc_dom_image){ .kernel = image, .kernel_len = len, .nr_pages = nr_pages,
                                 .max_vcpus = 1, .domid = XDOM_DOMU };
    if ((rc = xc_dom_build(&dom))) {
        os_printf("xdom build: %s\n", dom.reason);
        return rc;
    }
    os_printf("xdom build: domain %u: %lu pages, entry %#lx, region %#lx-%#lx\n", dom.domid,
              nr_pages, (unsigned long)dom.entry, (unsigned long)dom.v_start,
              (unsigned long)dom.v_end);
    return 0;
}
