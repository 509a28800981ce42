/*
 * Taking a dying domain's page tables apart (Xen's relinquish_memory passes).
 *
 * A domain's tables hold references on each other (an L2 entry holds a type
 * reference on the L1 it names), on its data frames and on themselves
 * (pins, roots, linear self-references). Dropping pins and roots first, as a
 * live domain would, lets the last type reference of a top-level table
 * devalidate the whole tree below it in one step: not preemptible, and a
 * circular reference would keep it all alive. Destruction instead goes
 * bottom-up, one level per pass over the domain's frames: pass n, for every
 * level-n table of the domain, clears PGT_validated (the count stays: the
 * tables above still hold it) and drops the references its entries hold,
 * then drops its pin. Since every table below was already taken apart,
 * dropping a type count to 0 never devalidates again, so each frame costs at
 * most 512 entry releases and no count can go below zero: the caller may
 * stop between any two frames and continue later. After pass 4 the caller
 * drops the vCPUs' root references; then every frame of the domain that
 * nobody else references has no count, type count or pin left.
 */
#ifndef HV_PT_RELINQUISH_H
#define HV_PT_RELINQUISH_H
#include <stdbool.h>
#include <stdint.h>
#include <asm/pt_types.h>

#define PT_RELINQUISH_PASSES 4          /* levels 1, 2, 3, 4, in that order */

/*
 * Pass `level` (1-4) of `domid`'s destruction, on one frame: if `mfn` is a
 * level-`level` table of domid, take it apart and unpin it. Returns true if
 * it was one (the caller counts that as 512 entries' work), false for any
 * other frame (nothing changed). The domain must no longer run or be
 * reachable for new references (dying).
 */
bool pt_relinquish_frame(const struct pt_env *env, uint16_t domid, uint64_t mfn,
                         unsigned int level);

#endif
