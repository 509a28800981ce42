/*
 * Xenolith public ABI: feature bits reported by XENVER_get_features.
 *
 * Bit numbers index the feature bitmap; submap i holds bits 32*i..32*i+31.
 * Guests also name these (without the XENFEAT_ prefix) in their
 * XEN_ELFNOTE_FEATURES string and list them in XEN_ELFNOTE_SUPPORTED_FEATURES.
 */
#ifndef XEN_PUBLIC_FEATURES_H
#define XEN_PUBLIC_FEATURES_H

#define XENFEAT_writable_page_tables        0  /* guest need not write-protect its page tables */
#define XENFEAT_writable_descriptor_tables  1  /* same for GDT/LDT */
#define XENFEAT_auto_translated_physmap     2  /* hypervisor does PFN->MFN translation */
#define XENFEAT_supervisor_mode_kernel      3  /* guest kernel runs in ring 0 */
#define XENFEAT_pae_pgdir_above_4gb         4  /* 32-bit PAE: L3 may live above 4 GiB */
#define XENFEAT_mmu_pt_update_preserve_ad   5  /* MMU_PT_UPDATE_PRESERVE_AD available */
#define XENFEAT_highmem_assist              6  /* MMUEXT_CLEAR_PAGE / COPY_PAGE available */
#define XENFEAT_gnttab_map_avail_bits       7  /* grant maps honour GNTMAP_guest_avail bits */
#define XENFEAT_hvm_callback_vector         8  /* HVM: events by vector */
#define XENFEAT_hvm_safe_pvclock            9  /* HVM: pvclock is safe */
#define XENFEAT_hvm_pirqs                  10  /* HVM: PIRQs as event channels */
#define XENFEAT_dom0                       11  /* this is the hardware domain */
#define XENFEAT_grant_map_identity         12  /* ARM: grant maps at the 1:1 address */
#define XENFEAT_memory_op_vnode_supported  13  /* XENMEM_get_vnumainfo takes vnodes */
#define XENFEAT_ARM_SMCCC_supported        14  /* ARM: SMCCC 1.1 */
#define XENFEAT_linux_rsdp_unrestricted    15  /* PVH: RSDP may be anywhere */
#define XENFEAT_not_direct_mapped          16  /* guest memory is not 1:1 machine */
#define XENFEAT_direct_mapped              17  /* guest memory is 1:1 machine (PV) */
#define XENFEAT_runstate_phys_area         18  /* VCPUOP_register_runstate_phys_area */
#define XENFEAT_vcpu_time_phys_area        19  /* VCPUOP_register_vcpu_time_phys_area */
#define XENFEAT_dm_msix_all_writes         20  /* device models see all MSI-X writes */

/* Number of 32-bit submaps XENVER_get_features accepts. */
#define XENFEAT_NR_SUBMAPS                  1

#endif /* XEN_PUBLIC_FEATURES_H */
