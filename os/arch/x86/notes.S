/*
 * Xen ELF notes: how the domain builder learns what this image is.
 *
 * Contract (Xen's libelf, see shared/docs/xen-pv-abi-map.md 1.3): the
 * loader accepts the image only if XEN_VERSION starts with "xen-3.0" and
 * LOADER with "generic".  No VIRT_BASE note: VA 0 == pseudo-physical 0.
 * SUPPORTED_FEATURES must include XENFEAT_dom0 (bit 11), or Xen refuses
 * to build us as the initial domain.
 */
#include <xen/elfnote.h>

#define XENFEAT_BIT_dom0 11

/* Open a note of the given type; the descriptor follows, then note_end. */
.macro note_begin type
    .pushsection .note.xen, "a", @note
    .p2align 2
    .long 2f - 1f           /* namesz */
    .long 4f - 3f           /* descsz */
    .long \type
1:  .asciz "Xen"
2:  .p2align 2
3:
.endm

.macro note_end
4:  .p2align 2
    .popsection
.endm

note_begin XEN_ELFNOTE_XEN_VERSION
    .asciz "xen-3.0"
note_end
note_begin XEN_ELFNOTE_LOADER
    .asciz "generic"
note_end
note_begin XEN_ELFNOTE_GUEST_OS
    .asciz "Xenolith-os"
note_end
note_begin XEN_ELFNOTE_GUEST_VERSION
    .asciz "0.1"
note_end
note_begin XEN_ELFNOTE_HYPERCALL_PAGE
    .quad hypercall_page
note_end
note_begin XEN_ELFNOTE_SUPPORTED_FEATURES
    .long 1 << XENFEAT_BIT_dom0
note_end
