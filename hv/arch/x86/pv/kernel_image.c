/*
 * From a boot module to an ELF image: a plain ELF is used in place; a
 * bzImage or a compressed ELF (gzip, xz, lz4, zstd) is decompressed into hypervisor
 * frames sized by the payload's trailing 4-byte length, which are given
 * back once the domain is built. As Xen's bzimage_parse() (facts only).
 */
#include <asm/bzimage.h>
#include <hv/console.h>
#include <xl/string.h>
#include <hv/mm.h>
#include <asm/pv.h>
#include <xen/errno.h>

static struct decomp_work work;

/* See pv.h. */
int pv_kernel_unpack(unsigned int domid, const struct pv_image *img, unsigned long reserve,
                     struct pv_kernel *k)
{
    struct bzimage_info bi;
    struct decomp_result r;
    int rc;

    k->elf = img->kernel;
    k->len = img->kernel_len;
    k->scratch = INVALID_MFN;
    k->scratch_pages = 0;

    rc = bzimage_probe(img->kernel, img->kernel_len, &bi);
    if (rc) {
        log_err("d%u: kernel image rejected: %s", domid, bi.reason);
        return rc;
    }
    if (bi.format == DECOMP_UNKNOWN) {          /* an ELF payload */
        k->elf = bi.payload;
        k->len = bi.payload_len;
        return 0;
    }

    unsigned long pages = (unsigned long)((bi.out_len + PAGE_SIZE - 1) >> PAGE_SHIFT);
    unsigned long free = frames_free();
    if (pages > free || free - pages < reserve) {
        log_err("d%u: kernel image rejected: its %s payload unpacks to %lu KiB, more than the "
                "%lu KiB free beside the domain's %lu KiB", domid, decomp_name(bi.format),
                (unsigned long)(bi.out_len >> 10), (free > reserve ? free - reserve : 0) << 2,
                reserve << 2);
        return -XEN_ENOMEM;
    }
    k->scratch = alloc_frames(pages, OWNER_HV);
    if (k->scratch == INVALID_MFN) {
        log_err("d%u: kernel image rejected: no %lu contiguous free frames to unpack it into",
                domid, pages);
        return -XEN_ENOMEM;
    }
    k->scratch_pages = pages;
    log_info("d%u: %s kernel, %s payload of %lu KiB unpacks to %lu KiB", domid,
             bi.has_setup_header ? "bzImage" : "compressed", decomp_name(bi.format),
             (unsigned long)(bi.payload_len >> 10), (unsigned long)(bi.out_len >> 10));
    rc = bzimage_decompress(&bi, mfn_to_virt(k->scratch), (size_t)bi.out_len, &work, &r);
    if (rc) {
        log_err("d%u: kernel image rejected: %s payload is corrupt: %s (after %lu bytes)",
                domid, decomp_name(bi.format), r.reason, (unsigned long)r.out_len);
        pv_kernel_release(k);
        return rc;
    }
    k->elf = mfn_to_virt(k->scratch);
    k->len = (size_t)bi.out_len;
    return 0;
}

/* See pv.h. */
void pv_kernel_release(struct pv_kernel *k)
{
    for (unsigned long i = 0; i < k->scratch_pages; i++)
        free_frame(k->scratch + i);
    k->scratch = INVALID_MFN;
    k->scratch_pages = 0;
}
