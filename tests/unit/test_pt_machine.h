/*
 * A fake machine for the page-type tests: a frame table and the frames' bytes
 * in host arrays, two domains, firmware, hypervisor and free frames, and an
 * independent recount of every reference (it walks the trees from pins and
 * roots instead of scanning validated frames, as pt_audit does).
 */
#ifndef TEST_PT_MACHINE_H
#define TEST_PT_MACHINE_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/pt_types.h>

#define M_FRAMES     112
#define M_DOM_A      1
#define M_DOM_B      2
/* Layout: 0-7 firmware (OWNER_NONE), 8-11 hypervisor, 12-55 A, 56-99 B, 100-111 free. */
#define M_FW_FIRST   0
#define M_HV_FIRST   8
#define M_A_FIRST    12
#define M_B_FIRST    56
#define M_FREE_FIRST 100
#define M_A_SHINFO   (M_B_FIRST - 1)       /* the last frame of each domain is shared_info */
#define M_B_SHINFO   (M_FREE_FIRST - 1)
#define M_HV_SLOT(i) (0x8000000000000063UL | ((uint64_t)(i) << 12))   /* what init writes */
#define M_ROOTS      2                      /* kernel and user root per domain */
#define M_MSG        256

struct machine {
    struct page_info frames[M_FRAMES];
    uint64_t mem[M_FRAMES][PT_ENTRIES];
    struct pt_env env;
    uint64_t scratch[M_FRAMES];
    uint64_t roots[3][M_ROOTS];             /* [domid][which], PT_ROOT_NONE if none */
    unsigned int flushes;
    bool iomem_ok, cache_ok;
    bool privileged[3];                     /* [domid]: its tables may map the other's frames */
    bool iomem_denied[3];                   /* [domid]: no I/O frames even with iomem_ok */
    bool m2p_ok;                            /* hypervisor frame M_HV_FIRST is shared read-only */
    unsigned int last_refs[M_FRAMES];       /* env->last_ref calls per frame */
    uint64_t iomem_ro_mfn;                  /* an I/O frame mapped read-only only (0: none) */
    const char *last_why;                   /* last env->explain text */
    char msg[M_MSG];                        /* first problem found by a check */
};

/* Fresh machine: every frame zero, types none, counts 0, no roots. */
void machine_init(struct machine *m);

/* Run pt_audit for `dom` with its roots; returns the number of reports, first in m->msg. */
int machine_audit(struct machine *m, uint16_t dom);
/* The report callback machine_audit gives pt_audit: the first report's text into m->msg. */
void machine_audit_report(void *rctx, uint64_t mfn, const char *what);

/*
 * Independent recount over both domains: every frame's general and type
 * count equals the references found by walking pins and roots; no frame is
 * both writable-mapped and a table, or a table of two levels; no table maps
 * another owner's frame, except an L1 of a privileged domain mapping the
 * other domain's frames (counted on those frames); live L4s carry the
 * hypervisor slots.  Returns the number of problems, the first described in
 * m->msg.
 */
int machine_recount(struct machine *m);

/* An entry naming `mfn` with `flags`. */
static inline uint64_t m_pte(uint64_t mfn, uint64_t flags) { return (mfn << 12) | flags; }

#endif
