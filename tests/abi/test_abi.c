/*
 * ABI test: Xenolith's include/xen headers against Xen's x86-64 PV ABI.
 *
 * Each table row pairs what our headers say (sizeof/offsetof/a constant)
 * with the value Xen's public headers give on x86-64, taken from
 * xen-project/xen tools/include/xen-foreign/reference.size and the
 * public headers of Xen 4.17 (xen/include/public/).  A wrong field type,
 * a missing pad or a mistyped number shows up as a named mismatch; all
 * mismatches of a group are reported before the group fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include <xen/xen.h>
#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/version.h>
#include <xen/features.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <xen/memory.h>
#include <xen/callback.h>
#include <xen/physdev.h>
#include <xen/grant_table.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>
#include <xen/io/xs_wire.h>
#include <xen/io/xenbus.h>

struct abi_fact {
    const char *what;
    unsigned long long ours;
    unsigned long long xen;
};

#define SIZE(t, n)          { "sizeof(" #t ")", sizeof(t), (n) }
#define OFF(t, f, n)        { "offsetof(" #t ", " #f ")", offsetof(t, f), (n) }
#define VAL(c, n)           { #c, (unsigned long long)(c), (unsigned long long)(n) }
#define FACTS(tbl)          check_facts(#tbl, tbl, sizeof(tbl) / sizeof(tbl[0]))

/* Report every mismatch in tbl, then fail if there was any. */
static void check_facts(const char *name, const struct abi_fact *tbl, size_t n)
{
    size_t bad = 0;

    for (size_t i = 0; i < n; i++) {
        if (tbl[i].ours != tbl[i].xen) {
            print_error("%s: %s is %llu (0x%llx), Xen has %llu (0x%llx)\n", name,
                        tbl[i].what, tbl[i].ours, tbl[i].ours, tbl[i].xen, tbl[i].xen);
            bad++;
        }
    }
    if (bad)
        fail_msg("%s: %zu of %zu facts differ from Xen", name, bad, n);
}

/* reference.size, x86_64 column. */
static const struct abi_fact reference_sizes[] = {
    SIZE(struct start_info, 1168),
    SIZE(struct trap_info, 16),
    SIZE(struct cpu_user_regs, 200),
    SIZE(struct vcpu_guest_context, 5168),
    SIZE(struct arch_vcpu_info, 16),
    SIZE(struct vcpu_time_info, 32),
    SIZE(struct vcpu_info, 64),
    SIZE(struct arch_shared_info, 48),
    SIZE(struct shared_info, 3136),
};

static void test_reference_sizes(void **state)
{
    (void)state;
    FACTS(reference_sizes);
}

static const struct abi_fact core_layout[] = {
    /* start_info */
    OFF(struct start_info, magic, 0),
    OFF(struct start_info, nr_pages, 32),
    OFF(struct start_info, shared_info, 40),
    OFF(struct start_info, flags, 48),
    OFF(struct start_info, store_mfn, 56),
    OFF(struct start_info, store_evtchn, 64),
    OFF(struct start_info, console.domU.mfn, 72),
    OFF(struct start_info, console.domU.evtchn, 80),
    OFF(struct start_info, console.dom0.info_off, 72),
    OFF(struct start_info, console.dom0.info_size, 76),
    OFF(struct start_info, pt_base, 88),
    OFF(struct start_info, nr_pt_frames, 96),
    OFF(struct start_info, mfn_list, 104),
    OFF(struct start_info, mod_start, 112),
    OFF(struct start_info, mod_len, 120),
    OFF(struct start_info, cmd_line, 128),
    OFF(struct start_info, first_p2m_pfn, 1152),
    OFF(struct start_info, nr_p2m_frames, 1160),
    /* shared_info / vcpu_info / vcpu_time_info */
    OFF(struct shared_info, vcpu_info, 0),
    OFF(struct shared_info, evtchn_pending, 2048),
    OFF(struct shared_info, evtchn_mask, 2560),
    OFF(struct shared_info, wc_version, 3072),
    OFF(struct shared_info, wc_sec, 3076),
    OFF(struct shared_info, wc_nsec, 3080),
    OFF(struct shared_info, wc_sec_hi, 3084),
    OFF(struct shared_info, arch.max_pfn, 3088),
    OFF(struct shared_info, arch.pfn_to_mfn_frame_list_list, 3096),
    OFF(struct shared_info, arch.nmi_reason, 3104),
    OFF(struct shared_info, arch.p2m_cr3, 3112),
    OFF(struct shared_info, arch.p2m_vaddr, 3120),
    OFF(struct shared_info, arch.p2m_generation, 3128),
    OFF(struct vcpu_info, evtchn_upcall_pending, 0),
    OFF(struct vcpu_info, evtchn_upcall_mask, 1),
    OFF(struct vcpu_info, evtchn_pending_sel, 8),
    OFF(struct vcpu_info, arch.cr2, 16),
    OFF(struct vcpu_info, time, 32),
    OFF(struct vcpu_time_info, version, 0),
    OFF(struct vcpu_time_info, tsc_timestamp, 8),
    OFF(struct vcpu_time_info, system_time, 16),
    OFF(struct vcpu_time_info, tsc_to_system_mul, 24),
    OFF(struct vcpu_time_info, tsc_shift, 28),
    OFF(struct vcpu_time_info, flags, 29),
    /* trap_info, cpu_user_regs */
    OFF(struct trap_info, vector, 0),
    OFF(struct trap_info, flags, 1),
    OFF(struct trap_info, cs, 2),
    OFF(struct trap_info, address, 8),
    OFF(struct cpu_user_regs, r15, 0),
    OFF(struct cpu_user_regs, rbp, 32),
    OFF(struct cpu_user_regs, r11, 48),
    OFF(struct cpu_user_regs, r8, 72),
    OFF(struct cpu_user_regs, rax, 80),
    OFF(struct cpu_user_regs, rcx, 88),
    OFF(struct cpu_user_regs, rdi, 112),
    OFF(struct cpu_user_regs, error_code, 120),
    OFF(struct cpu_user_regs, entry_vector, 124),
    OFF(struct cpu_user_regs, rip, 128),
    OFF(struct cpu_user_regs, cs, 136),
    OFF(struct cpu_user_regs, saved_upcall_mask, 140),
    OFF(struct cpu_user_regs, rflags, 144),
    OFF(struct cpu_user_regs, rsp, 152),
    OFF(struct cpu_user_regs, ss, 160),
    OFF(struct cpu_user_regs, es, 168),
    OFF(struct cpu_user_regs, ds, 176),
    OFF(struct cpu_user_regs, fs, 184),
    OFF(struct cpu_user_regs, gs, 192),
    /* vcpu_guest_context */
    OFF(struct vcpu_guest_context, fpu_ctxt, 0),
    OFF(struct vcpu_guest_context, flags, 512),
    OFF(struct vcpu_guest_context, user_regs, 520),
    OFF(struct vcpu_guest_context, trap_ctxt, 720),
    OFF(struct vcpu_guest_context, ldt_base, 4816),
    OFF(struct vcpu_guest_context, ldt_ents, 4824),
    OFF(struct vcpu_guest_context, gdt_frames, 4832),
    OFF(struct vcpu_guest_context, gdt_ents, 4960),
    OFF(struct vcpu_guest_context, kernel_ss, 4968),
    OFF(struct vcpu_guest_context, kernel_sp, 4976),
    OFF(struct vcpu_guest_context, ctrlreg, 4984),
    OFF(struct vcpu_guest_context, debugreg, 5048),
    OFF(struct vcpu_guest_context, event_callback_eip, 5112),
    OFF(struct vcpu_guest_context, failsafe_callback_eip, 5120),
    OFF(struct vcpu_guest_context, syscall_callback_eip, 5128),
    OFF(struct vcpu_guest_context, vm_assist, 5136),
    OFF(struct vcpu_guest_context, fs_base, 5144),
    OFF(struct vcpu_guest_context, gs_base_kernel, 5152),
    OFF(struct vcpu_guest_context, gs_base_user, 5160),
    /* MMU, multicall, iret */
    SIZE(struct mmu_update, 16),
    SIZE(struct mmuext_op, 24),
    OFF(struct mmuext_op, arg1.mfn, 8),
    OFF(struct mmuext_op, arg2.nr_ents, 16),
    OFF(struct mmuext_op, arg2.vcpumask, 16),
    SIZE(struct multicall_entry, 64),
    OFF(struct multicall_entry, result, 8),
    OFF(struct multicall_entry, args, 16),
    SIZE(struct iret_context, 72),
    OFF(struct iret_context, rax, 0),
    OFF(struct iret_context, r11, 8),
    OFF(struct iret_context, rcx, 16),
    OFF(struct iret_context, flags, 24),
    OFF(struct iret_context, rip, 32),
    OFF(struct iret_context, cs, 40),
    OFF(struct iret_context, rflags, 48),
    OFF(struct iret_context, rsp, 56),
    OFF(struct iret_context, ss, 64),
    SIZE(struct xen_multiboot_mod_list, 16),
    SIZE(struct dom0_vga_console_info, 40),
    OFF(struct dom0_vga_console_info, u.vesa_lfb.lfb_base, 12),
    OFF(struct dom0_vga_console_info, u.vesa_lfb.gbl_caps, 28),
    OFF(struct dom0_vga_console_info, u.vesa_lfb.ext_lfb_base, 36),
    SIZE(xen_domain_handle_t, 16),
    SIZE(domid_t, 2),
    SIZE(xen_pfn_t, 8),
    SIZE(xen_ulong_t, 8),
    SIZE(xen_callback_t, 8),
    SIZE(XEN_GUEST_HANDLE(void), 8),
    SIZE(XEN_GUEST_HANDLE(mmu_update_t), 8),
};

static void test_core_layout(void **state)
{
    (void)state;
    FACTS(core_layout);
}

static const struct abi_fact op_layout[] = {
    /* version.h */
    SIZE(xen_extraversion_t, 16),
    SIZE(struct xen_compile_info, 144),
    OFF(struct xen_compile_info, compile_by, 64),
    OFF(struct xen_compile_info, compile_domain, 80),
    OFF(struct xen_compile_info, compile_date, 112),
    SIZE(xen_capabilities_info_t, 1024),
    SIZE(xen_changeset_info_t, 64),
    SIZE(xen_commandline_t, 1024),
    SIZE(struct xen_platform_parameters, 8),
    SIZE(struct xen_feature_info, 8),
    OFF(struct xen_feature_info, submap, 4),
    /* sched.h */
    SIZE(struct sched_shutdown, 4),
    SIZE(struct sched_poll, 24),
    OFF(struct sched_poll, nr_ports, 8),
    OFF(struct sched_poll, timeout, 16),
    SIZE(struct sched_remote_shutdown, 8),
    OFF(struct sched_remote_shutdown, reason, 4),
    SIZE(struct sched_watchdog, 8),
    /* event_channel.h */
    SIZE(evtchn_port_t, 4),
    SIZE(struct evtchn_alloc_unbound, 8),
    OFF(struct evtchn_alloc_unbound, remote_dom, 2),
    OFF(struct evtchn_alloc_unbound, port, 4),
    SIZE(struct evtchn_bind_interdomain, 12),
    OFF(struct evtchn_bind_interdomain, remote_port, 4),
    OFF(struct evtchn_bind_interdomain, local_port, 8),
    SIZE(struct evtchn_bind_virq, 12),
    OFF(struct evtchn_bind_virq, port, 8),
    SIZE(struct evtchn_bind_pirq, 12),
    SIZE(struct evtchn_bind_ipi, 8),
    SIZE(struct evtchn_close, 4),
    SIZE(struct evtchn_send, 4),
    SIZE(struct evtchn_status, 24),
    OFF(struct evtchn_status, port, 4),
    OFF(struct evtchn_status, status, 8),
    OFF(struct evtchn_status, vcpu, 12),
    OFF(struct evtchn_status, u.interdomain.port, 20),
    SIZE(struct evtchn_bind_vcpu, 8),
    SIZE(struct evtchn_unmask, 4),
    SIZE(struct evtchn_reset, 2),
    SIZE(struct evtchn_init_control, 24),
    SIZE(struct evtchn_expand_array, 8),
    SIZE(struct evtchn_set_priority, 8),
    SIZE(struct evtchn_op, 28),
    OFF(struct evtchn_op, u, 4),
    SIZE(struct evtchn_fifo_control_block, 72),
    /* vcpu.h */
    SIZE(struct vcpu_runstate_info, 48),
    OFF(struct vcpu_runstate_info, state_entry_time, 8),
    OFF(struct vcpu_runstate_info, time, 16),
    SIZE(struct vcpu_register_runstate_memory_area, 8),
    SIZE(struct vcpu_set_periodic_timer, 8),
    SIZE(struct vcpu_set_singleshot_timer, 16),
    OFF(struct vcpu_set_singleshot_timer, flags, 8),
    SIZE(struct vcpu_register_vcpu_info, 16),
    OFF(struct vcpu_register_vcpu_info, offset, 8),
    SIZE(struct vcpu_get_physid, 8),
    SIZE(struct vcpu_register_time_memory_area, 8),
    /* memory.h */
    SIZE(struct xen_memory_reservation, 32),
    OFF(struct xen_memory_reservation, nr_extents, 8),
    OFF(struct xen_memory_reservation, extent_order, 16),
    OFF(struct xen_memory_reservation, mem_flags, 20),
    OFF(struct xen_memory_reservation, domid, 24),
    SIZE(struct xen_memory_exchange, 72),
    OFF(struct xen_memory_exchange, nr_exchanged, 64),
    SIZE(struct xen_machphys_mfn_list, 24),
    OFF(struct xen_machphys_mfn_list, extent_start, 8),
    OFF(struct xen_machphys_mfn_list, nr_extents, 16),
    SIZE(struct xen_machphys_mapping, 24),
    OFF(struct xen_machphys_mapping, max_mfn, 16),
    SIZE(struct xen_add_to_physmap, 24),
    OFF(struct xen_add_to_physmap, space, 4),
    OFF(struct xen_add_to_physmap, idx, 8),
    OFF(struct xen_add_to_physmap, gpfn, 16),
    SIZE(struct xen_add_to_physmap_batch, 32),
    OFF(struct xen_add_to_physmap_batch, idxs, 8),
    SIZE(struct xen_remove_from_physmap, 16),
    SIZE(struct xen_memory_map, 16),
    OFF(struct xen_memory_map, buffer, 8),
    SIZE(struct xen_foreign_memory_map, 24),
    OFF(struct xen_foreign_memory_map, map, 8),
    SIZE(struct xen_e820_entry, 20),
    OFF(struct xen_e820_entry, type, 16),
    SIZE(struct xen_pod_target, 40),
    /* callback.h */
    SIZE(struct callback_register, 16),
    OFF(struct callback_register, flags, 2),
    OFF(struct callback_register, address, 8),
    SIZE(struct callback_unregister, 4),
    /* physdev.h */
    SIZE(struct physdev_eoi, 4),
    SIZE(struct physdev_pirq_eoi_gmfn, 8),
    SIZE(struct physdev_irq_status_query, 8),
    SIZE(struct physdev_set_iopl, 4),
    SIZE(struct physdev_set_iobitmap, 16),
    OFF(struct physdev_set_iobitmap, nr_ports, 8),
    SIZE(struct physdev_apic, 16),
    SIZE(struct physdev_irq, 8),
    SIZE(struct physdev_map_pirq, 40),
    OFF(struct physdev_map_pirq, type, 4),
    OFF(struct physdev_map_pirq, entry_nr, 24),
    OFF(struct physdev_map_pirq, table_base, 32),
    SIZE(struct physdev_unmap_pirq, 8),
    /* grant_table.h */
    SIZE(grant_ref_t, 4),
    SIZE(grant_handle_t, 4),
    SIZE(struct grant_entry_v1, 8),
    OFF(struct grant_entry_v1, domid, 2),
    OFF(struct grant_entry_v1, frame, 4),
    SIZE(struct gnttab_map_grant_ref, 32),
    OFF(struct gnttab_map_grant_ref, flags, 8),
    OFF(struct gnttab_map_grant_ref, ref, 12),
    OFF(struct gnttab_map_grant_ref, dom, 16),
    OFF(struct gnttab_map_grant_ref, status, 18),
    OFF(struct gnttab_map_grant_ref, handle, 20),
    OFF(struct gnttab_map_grant_ref, dev_bus_addr, 24),
    SIZE(struct gnttab_unmap_grant_ref, 24),
    OFF(struct gnttab_unmap_grant_ref, handle, 16),
    OFF(struct gnttab_unmap_grant_ref, status, 20),
    SIZE(struct gnttab_setup_table, 24),
    OFF(struct gnttab_setup_table, nr_frames, 4),
    OFF(struct gnttab_setup_table, status, 8),
    OFF(struct gnttab_setup_table, frame_list, 16),
    SIZE(struct gnttab_dump_table, 4),
    SIZE(struct gnttab_transfer, 24),
    OFF(struct gnttab_transfer, ref, 12),
    OFF(struct gnttab_transfer, status, 16),
    SIZE(struct gnttab_copy, 40),
    OFF(struct gnttab_copy, source.domid, 8),
    OFF(struct gnttab_copy, source.offset, 10),
    OFF(struct gnttab_copy, dest, 16),
    OFF(struct gnttab_copy, len, 32),
    OFF(struct gnttab_copy, flags, 34),
    OFF(struct gnttab_copy, status, 36),
    SIZE(struct gnttab_query_size, 16),
    OFF(struct gnttab_query_size, nr_frames, 4),
    OFF(struct gnttab_query_size, max_nr_frames, 8),
    OFF(struct gnttab_query_size, status, 12),
    SIZE(struct gnttab_unmap_and_replace, 24),
    SIZE(struct gnttab_set_version, 4),
    SIZE(struct gnttab_get_status_frames, 16),
    SIZE(struct gnttab_get_version, 8),
    SIZE(struct gnttab_swap_grant_ref, 12),
    SIZE(struct gnttab_cache_flush, 16),
};

static void test_op_layout(void **state)
{
    (void)state;
    FACTS(op_layout);
}

/* Split-driver protocols (io/): ring slots, console and xenstore pages. */
static const struct abi_fact io_layout[] = {
    OFF(struct blkif_sring, req_prod, 0),
    OFF(struct blkif_sring, req_event, 4),
    OFF(struct blkif_sring, rsp_prod, 8),
    OFF(struct blkif_sring, rsp_event, 12),
    OFF(struct blkif_sring, pvt, 16),
    OFF(struct blkif_sring, ring, 64),
    SIZE(union blkif_sring_entry, 112),
    VAL(XEN_RING_ENTRIES(4096, sizeof(union blkif_sring_entry)), 32),
    SIZE(struct blkif_request, 112),
    OFF(struct blkif_request, nr_segments, 1),
    OFF(struct blkif_request, handle, 2),
    OFF(struct blkif_request, id, 8),
    OFF(struct blkif_request, sector_number, 16),
    OFF(struct blkif_request, seg, 24),
    SIZE(struct blkif_request_segment, 8),
    OFF(struct blkif_request_segment, first_sect, 4),
    OFF(struct blkif_request_segment, last_sect, 5),
    OFF(struct blkif_request_discard, nr_sectors, 24),
    SIZE(struct blkif_request_indirect, 64),
    OFF(struct blkif_request_indirect, handle, 24),
    OFF(struct blkif_request_indirect, indirect_grefs, 28),
    SIZE(struct blkif_response, 16),
    OFF(struct blkif_response, operation, 8),
    OFF(struct blkif_response, status, 10),
    VAL(BLKIF_SEGS_PER_INDIRECT_FRAME, 512),
    VAL(BLKIF_OP_READ, 0), VAL(BLKIF_OP_WRITE, 1), VAL(BLKIF_OP_WRITE_BARRIER, 2),
    VAL(BLKIF_OP_FLUSH_DISKCACHE, 3), VAL(BLKIF_OP_DISCARD, 5), VAL(BLKIF_OP_INDIRECT, 6),
    VAL(BLKIF_MAX_SEGMENTS_PER_REQUEST, 11), VAL(VDISK_CDROM, 1), VAL(VDISK_REMOVABLE, 2),
    VAL(VDISK_READONLY, 4),
    SIZE(struct netif_tx_request, 12),
    OFF(struct netif_tx_request, offset, 4),
    OFF(struct netif_tx_request, flags, 6),
    OFF(struct netif_tx_request, id, 8),
    OFF(struct netif_tx_request, size, 10),
    SIZE(struct netif_tx_response, 4),
    SIZE(struct netif_rx_request, 8),
    OFF(struct netif_rx_request, gref, 4),
    SIZE(struct netif_rx_response, 8),
    OFF(struct netif_rx_response, status, 6),
    SIZE(struct netif_extra_info, 8),
    OFF(struct netif_extra_info, u.gso.size, 2),
    OFF(struct netif_extra_info, u.gso.type, 4),
    OFF(struct netif_extra_info, u.gso.features, 6),
    SIZE(union netif_tx_sring_entry, 12),
    SIZE(union netif_rx_sring_entry, 8),
    VAL(XEN_RING_ENTRIES(4096, sizeof(union netif_tx_sring_entry)), 256),
    VAL(XEN_RING_ENTRIES(4096, sizeof(union netif_rx_sring_entry)), 256),
    VAL(NETTXF_csum_blank, 1), VAL(NETTXF_data_validated, 2), VAL(NETTXF_more_data, 4),
    VAL(NETTXF_extra_info, 8), VAL(NETRXF_data_validated, 1), VAL(NETRXF_csum_blank, 2),
    VAL(NETRXF_more_data, 4), VAL(NETRXF_extra_info, 8), VAL(NETRXF_gso_prefix, 16),
    VAL(NETIF_RSP_OKAY, 0), VAL(NETIF_RSP_NULL, 1), VAL(XEN_NETIF_NR_SLOTS_MIN, 18),
    VAL(XEN_NETIF_EXTRA_TYPE_GSO, 1), VAL(XEN_NETIF_EXTRA_TYPE_HASH, 4),
    OFF(struct xencons_interface, in, 0),
    OFF(struct xencons_interface, out, 1024),
    OFF(struct xencons_interface, in_cons, 3072),
    OFF(struct xencons_interface, in_prod, 3076),
    OFF(struct xencons_interface, out_cons, 3080),
    OFF(struct xencons_interface, out_prod, 3084),
    OFF(struct xencons_interface, connection, 3088),
    SIZE(struct xsd_sockmsg, 16),
    OFF(struct xsd_sockmsg, req_id, 4),
    OFF(struct xsd_sockmsg, tx_id, 8),
    OFF(struct xsd_sockmsg, len, 12),
    OFF(struct xenstore_domain_interface, rsp, 1024),
    OFF(struct xenstore_domain_interface, req_cons, 2048),
    OFF(struct xenstore_domain_interface, req_prod, 2052),
    OFF(struct xenstore_domain_interface, rsp_cons, 2056),
    OFF(struct xenstore_domain_interface, rsp_prod, 2060),
    OFF(struct xenstore_domain_interface, server_features, 2064),
    OFF(struct xenstore_domain_interface, connection, 2068),
    OFF(struct xenstore_domain_interface, error, 2072),
    OFF(struct xenstore_domain_interface, evtchn_port, 2076),
    VAL(XS_CONTROL, 0), VAL(XS_DIRECTORY, 1), VAL(XS_READ, 2), VAL(XS_GET_PERMS, 3),
    VAL(XS_WATCH, 4), VAL(XS_UNWATCH, 5), VAL(XS_TRANSACTION_START, 6),
    VAL(XS_TRANSACTION_END, 7), VAL(XS_INTRODUCE, 8), VAL(XS_RELEASE, 9),
    VAL(XS_GET_DOMAIN_PATH, 10), VAL(XS_WRITE, 11), VAL(XS_MKDIR, 12), VAL(XS_RM, 13),
    VAL(XS_SET_PERMS, 14), VAL(XS_WATCH_EVENT, 15), VAL(XS_ERROR, 16),
    VAL(XS_IS_DOMAIN_INTRODUCED, 17), VAL(XS_RESUME, 18), VAL(XS_SET_TARGET, 19),
    VAL(XS_RESET_WATCHES, 21), VAL(XS_DIRECTORY_PART, 22), VAL(XS_GET_FEATURE, 23),
    VAL(XS_SET_QUOTA, 26), VAL(XS_INVALID, 0xffff),
    VAL(XENSTORE_RING_SIZE, 1024), VAL(XENSTORE_PAYLOAD_MAX, 4096),
    VAL(XenbusStateUnknown, 0), VAL(XenbusStateInitialising, 1), VAL(XenbusStateInitWait, 2),
    VAL(XenbusStateInitialised, 3), VAL(XenbusStateConnected, 4), VAL(XenbusStateClosing, 5),
    VAL(XenbusStateClosed, 6), VAL(XenbusStateReconfiguring, 7),
    VAL(XenbusStateReconfigured, 8),
};

static void test_io_layout(void **state)
{
    (void)state;
    FACTS(io_layout);
}

/* Hypercall numbers (xen.h), which the hypercall page indexes. */
static const struct abi_fact hypercall_numbers[] = {
    VAL(__HYPERVISOR_set_trap_table, 0),
    VAL(__HYPERVISOR_mmu_update, 1),
    VAL(__HYPERVISOR_set_gdt, 2),
    VAL(__HYPERVISOR_stack_switch, 3),
    VAL(__HYPERVISOR_set_callbacks, 4),
    VAL(__HYPERVISOR_fpu_taskswitch, 5),
    VAL(__HYPERVISOR_sched_op_compat, 6),
    VAL(__HYPERVISOR_platform_op, 7),
    VAL(__HYPERVISOR_set_debugreg, 8),
    VAL(__HYPERVISOR_get_debugreg, 9),
    VAL(__HYPERVISOR_update_descriptor, 10),
    VAL(__HYPERVISOR_memory_op, 12),
    VAL(__HYPERVISOR_multicall, 13),
    VAL(__HYPERVISOR_update_va_mapping, 14),
    VAL(__HYPERVISOR_set_timer_op, 15),
    VAL(__HYPERVISOR_event_channel_op_compat, 16),
    VAL(__HYPERVISOR_xen_version, 17),
    VAL(__HYPERVISOR_console_io, 18),
    VAL(__HYPERVISOR_physdev_op_compat, 19),
    VAL(__HYPERVISOR_grant_table_op, 20),
    VAL(__HYPERVISOR_vm_assist, 21),
    VAL(__HYPERVISOR_update_va_mapping_otherdomain, 22),
    VAL(__HYPERVISOR_iret, 23),
    VAL(__HYPERVISOR_vcpu_op, 24),
    VAL(__HYPERVISOR_set_segment_base, 25),
    VAL(__HYPERVISOR_mmuext_op, 26),
    VAL(__HYPERVISOR_xsm_op, 27),
    VAL(__HYPERVISOR_nmi_op, 28),
    VAL(__HYPERVISOR_sched_op, 29),
    VAL(__HYPERVISOR_callback_op, 30),
    VAL(__HYPERVISOR_xenoprof_op, 31),
    VAL(__HYPERVISOR_event_channel_op, 32),
    VAL(__HYPERVISOR_physdev_op, 33),
    VAL(__HYPERVISOR_hvm_op, 34),
    VAL(__HYPERVISOR_sysctl, 35),
    VAL(__HYPERVISOR_domctl, 36),
    VAL(__HYPERVISOR_kexec_op, 37),
    VAL(__HYPERVISOR_tmem_op, 38),
    VAL(__HYPERVISOR_argo_op, 39),
    VAL(__HYPERVISOR_xenpmu_op, 40),
    VAL(__HYPERVISOR_dm_op, 41),
    VAL(__HYPERVISOR_hypfs_op, 42),
    VAL(__HYPERVISOR_arch_0, 48),
    VAL(__HYPERVISOR_arch_7, 55),
    VAL(__HYPERVISOR_mca, 48),
};

static void test_hypercall_numbers(void **state)
{
    (void)state;
    FACTS(hypercall_numbers);
}

/* Constants guests and the builder exchange. */
static const struct abi_fact constants[] = {
    VAL(FLAT_KERNEL_CS, 0xe033),
    VAL(FLAT_KERNEL_DS, 0x0000),
    VAL(FLAT_KERNEL_SS, 0xe02b),
    VAL(FLAT_USER_CS, 0xe033),
    VAL(FLAT_USER_DS, 0x0000),
    VAL(FLAT_USER_SS, 0xe02b),
    VAL(FLAT_KERNEL_CS32, 0xe023),
    VAL(FLAT_KERNEL_DS32, 0xe02b),
    VAL(HYPERVISOR_VIRT_START, 0xffff800000000000ull),
    VAL(HYPERVISOR_VIRT_END, 0xffff880000000000ull),
    VAL(MACH2PHYS_VIRT_START, 0xffff800000000000ull),
    VAL(MACH2PHYS_VIRT_END, 0xffff804000000000ull),
    VAL(MACH2PHYS_NR_ENTRIES, 1ull << 35),
    VAL(SEGBASE_FS, 0), VAL(SEGBASE_GS_USER, 1),
    VAL(SEGBASE_GS_KERNEL, 2), VAL(SEGBASE_GS_USER_SEL, 3),
    VAL(VGCF_i387_valid, 1), VAL(VGCF_in_kernel, 4),
    VAL(VGCF_failsafe_disables_events, 8), VAL(VGCF_syscall_disables_events, 16),
    VAL(VGCF_online, 32), VAL(VGCF_in_syscall, 256),
    VAL(SIF_PRIVILEGED, 1), VAL(SIF_INITDOMAIN, 2), VAL(SIF_MULTIBOOT_MOD, 4),
    VAL(SIF_MOD_START_PFN, 8), VAL(SIF_VIRT_P2M_4TOOLS, 16), VAL(SIF_PM_MASK, 0xff00),
    VAL(MAX_GUEST_CMDLINE, 1024), VAL(XEN_LEGACY_MAX_VCPUS, 32),
    VAL(NR_EVENT_CHANNELS, 4096), VAL(EVTCHN_2L_NR_CHANNELS, 4096),
    VAL(DOMID_FIRST_RESERVED, 0x7ff0), VAL(DOMID_SELF, 0x7ff0), VAL(DOMID_IO, 0x7ff1),
    VAL(DOMID_XEN, 0x7ff2), VAL(DOMID_COW, 0x7ff3), VAL(DOMID_INVALID, 0x7ff4),
    VAL(DOMID_IDLE, 0x7fff),
    VAL(MMU_NORMAL_PT_UPDATE, 0), VAL(MMU_MACHPHYS_UPDATE, 1),
    VAL(MMU_PT_UPDATE_PRESERVE_AD, 2), VAL(MMU_PT_UPDATE_NO_TRANSLATE, 3),
    VAL(MMUEXT_PIN_L1_TABLE, 0), VAL(MMUEXT_PIN_L4_TABLE, 3), VAL(MMUEXT_UNPIN_TABLE, 4),
    VAL(MMUEXT_NEW_BASEPTR, 5), VAL(MMUEXT_TLB_FLUSH_LOCAL, 6), VAL(MMUEXT_INVLPG_LOCAL, 7),
    VAL(MMUEXT_TLB_FLUSH_MULTI, 8), VAL(MMUEXT_INVLPG_MULTI, 9), VAL(MMUEXT_TLB_FLUSH_ALL, 10),
    VAL(MMUEXT_INVLPG_ALL, 11), VAL(MMUEXT_FLUSH_CACHE, 12), VAL(MMUEXT_SET_LDT, 13),
    VAL(MMUEXT_NEW_USER_BASEPTR, 15), VAL(MMUEXT_CLEAR_PAGE, 16), VAL(MMUEXT_COPY_PAGE, 17),
    VAL(MMUEXT_FLUSH_CACHE_GLOBAL, 18), VAL(MMUEXT_MARK_SUPER, 19), VAL(MMUEXT_UNMARK_SUPER, 20),
    VAL(UVMF_TLB_FLUSH, 1), VAL(UVMF_INVLPG, 2), VAL(UVMF_FLUSHTYPE_MASK, 3), VAL(UVMF_ALL, 4),
    VAL(CONSOLEIO_write, 0), VAL(CONSOLEIO_read, 1),
    VAL(VMASST_CMD_enable, 0), VAL(VMASST_CMD_disable, 1),
    VAL(VMASST_TYPE_writable_pagetables, 2), VAL(VMASST_TYPE_pae_extended_cr3, 3),
    VAL(VMASST_TYPE_architectural_iopl, 4), VAL(VMASST_TYPE_runstate_update_flag, 5),
    VAL(VMASST_TYPE_m2p_strict, 32),
    VAL(VIRQ_TIMER, 0), VAL(VIRQ_DEBUG, 1), VAL(VIRQ_CONSOLE, 2), VAL(VIRQ_DOM_EXC, 3),
    VAL(VIRQ_TBUF, 4), VAL(VIRQ_DEBUGGER, 6), VAL(VIRQ_XENOPROF, 7), VAL(VIRQ_CON_RING, 8),
    VAL(VIRQ_PCPU_STATE, 9), VAL(VIRQ_MEM_EVENT, 10), VAL(VIRQ_ARGO, 11), VAL(VIRQ_ENOMEM, 12),
    VAL(VIRQ_XENPMU, 13), VAL(VIRQ_ARCH_0, 16), VAL(VIRQ_ARCH_7, 23), VAL(NR_VIRQS, 24),
    VAL(XEN_PVCLOCK_TSC_STABLE_BIT, 1), VAL(XEN_PVCLOCK_GUEST_STOPPED, 2),
    /* elfnote.h */
    VAL(XEN_ELFNOTE_INFO, 0), VAL(XEN_ELFNOTE_ENTRY, 1), VAL(XEN_ELFNOTE_HYPERCALL_PAGE, 2),
    VAL(XEN_ELFNOTE_VIRT_BASE, 3), VAL(XEN_ELFNOTE_PADDR_OFFSET, 4),
    VAL(XEN_ELFNOTE_XEN_VERSION, 5), VAL(XEN_ELFNOTE_GUEST_OS, 6),
    VAL(XEN_ELFNOTE_GUEST_VERSION, 7), VAL(XEN_ELFNOTE_LOADER, 8),
    VAL(XEN_ELFNOTE_PAE_MODE, 9), VAL(XEN_ELFNOTE_FEATURES, 10),
    VAL(XEN_ELFNOTE_BSD_SYMTAB, 11), VAL(XEN_ELFNOTE_HV_START_LOW, 12),
    VAL(XEN_ELFNOTE_L1_MFN_VALID, 13), VAL(XEN_ELFNOTE_SUSPEND_CANCEL, 14),
    VAL(XEN_ELFNOTE_INIT_P2M, 15), VAL(XEN_ELFNOTE_MOD_START_PFN, 16),
    VAL(XEN_ELFNOTE_SUPPORTED_FEATURES, 17), VAL(XEN_ELFNOTE_PHYS32_ENTRY, 18),
    VAL(XEN_ELFNOTE_PHYS32_RELOC, 19),
    /* version.h, features.h */
    VAL(XENVER_version, 0), VAL(XENVER_extraversion, 1), VAL(XENVER_compile_info, 2),
    VAL(XENVER_capabilities, 3), VAL(XENVER_changeset, 4), VAL(XENVER_platform_parameters, 5),
    VAL(XENVER_get_features, 6), VAL(XENVER_pagesize, 7), VAL(XENVER_guest_handle, 8),
    VAL(XENVER_commandline, 9), VAL(XENVER_build_id, 10), VAL(XENVER_commandline2, 14),
    VAL(XENFEAT_writable_page_tables, 0), VAL(XENFEAT_auto_translated_physmap, 2),
    VAL(XENFEAT_mmu_pt_update_preserve_ad, 5), VAL(XENFEAT_highmem_assist, 6),
    VAL(XENFEAT_gnttab_map_avail_bits, 7), VAL(XENFEAT_hvm_callback_vector, 8),
    VAL(XENFEAT_dom0, 11), VAL(XENFEAT_memory_op_vnode_supported, 13),
    VAL(XENFEAT_not_direct_mapped, 16), VAL(XENFEAT_direct_mapped, 17),
    VAL(XENFEAT_runstate_phys_area, 18), VAL(XENFEAT_vcpu_time_phys_area, 19),
    VAL(XENFEAT_NR_SUBMAPS, 1),
    /* sched.h */
    VAL(SCHEDOP_yield, 0), VAL(SCHEDOP_block, 1), VAL(SCHEDOP_shutdown, 2), VAL(SCHEDOP_poll, 3),
    VAL(SCHEDOP_remote_shutdown, 4), VAL(SCHEDOP_shutdown_code, 5), VAL(SCHEDOP_watchdog, 6),
    VAL(SCHEDOP_pin_override, 7),
    VAL(SHUTDOWN_poweroff, 0), VAL(SHUTDOWN_reboot, 1), VAL(SHUTDOWN_suspend, 2),
    VAL(SHUTDOWN_crash, 3), VAL(SHUTDOWN_watchdog, 4), VAL(SHUTDOWN_soft_reset, 5),
    /* event_channel.h */
    VAL(EVTCHNOP_bind_interdomain, 0), VAL(EVTCHNOP_bind_virq, 1), VAL(EVTCHNOP_bind_pirq, 2),
    VAL(EVTCHNOP_close, 3), VAL(EVTCHNOP_send, 4), VAL(EVTCHNOP_status, 5),
    VAL(EVTCHNOP_alloc_unbound, 6), VAL(EVTCHNOP_bind_ipi, 7), VAL(EVTCHNOP_bind_vcpu, 8),
    VAL(EVTCHNOP_unmask, 9), VAL(EVTCHNOP_reset, 10), VAL(EVTCHNOP_init_control, 11),
    VAL(EVTCHNOP_expand_array, 12), VAL(EVTCHNOP_set_priority, 13),
    VAL(EVTCHNSTAT_closed, 0), VAL(EVTCHNSTAT_unbound, 1), VAL(EVTCHNSTAT_interdomain, 2),
    VAL(EVTCHNSTAT_pirq, 3), VAL(EVTCHNSTAT_virq, 4), VAL(EVTCHNSTAT_ipi, 5),
    /* vcpu.h */
    VAL(VCPUOP_initialise, 0), VAL(VCPUOP_up, 1), VAL(VCPUOP_down, 2), VAL(VCPUOP_is_up, 3),
    VAL(VCPUOP_get_runstate_info, 4), VAL(VCPUOP_register_runstate_memory_area, 5),
    VAL(VCPUOP_set_periodic_timer, 6), VAL(VCPUOP_stop_periodic_timer, 7),
    VAL(VCPUOP_set_singleshot_timer, 8), VAL(VCPUOP_stop_singleshot_timer, 9),
    VAL(VCPUOP_register_vcpu_info, 10), VAL(VCPUOP_send_nmi, 11), VAL(VCPUOP_get_physid, 12),
    VAL(VCPUOP_register_vcpu_time_memory_area, 13),
    VAL(VCPUOP_register_runstate_phys_area, 14), VAL(VCPUOP_register_vcpu_time_phys_area, 15),
    VAL(RUNSTATE_running, 0), VAL(RUNSTATE_runnable, 1), VAL(RUNSTATE_blocked, 2),
    VAL(RUNSTATE_offline, 3), VAL(VCPU_SSHOTTMR_future, 1),
    VAL(XEN_RUNSTATE_UPDATE, 0x8000000000000000ull),
    /* memory.h */
    VAL(XENMEM_increase_reservation, 0), VAL(XENMEM_decrease_reservation, 1),
    VAL(XENMEM_maximum_ram_page, 2), VAL(XENMEM_current_reservation, 3),
    VAL(XENMEM_maximum_reservation, 4), VAL(XENMEM_machphys_mfn_list, 5),
    VAL(XENMEM_populate_physmap, 6), VAL(XENMEM_add_to_physmap, 7),
    VAL(XENMEM_memory_map, 9), VAL(XENMEM_machine_memory_map, 10), VAL(XENMEM_exchange, 11),
    VAL(XENMEM_machphys_mapping, 12), VAL(XENMEM_set_memory_map, 13),
    VAL(XENMEM_maximum_gpfn, 14), VAL(XENMEM_remove_from_physmap, 15),
    VAL(XENMEM_add_to_physmap_batch, 23), VAL(XENMEM_claim_pages, 24),
    VAL(XENMEM_machphys_compat_mfn_list, 25), VAL(XENMEM_get_vnumainfo, 26),
    VAL(XENMEM_acquire_resource, 28),
    VAL(XENMAPSPACE_shared_info, 0), VAL(XENMAPSPACE_grant_table, 1), VAL(XENMAPSPACE_gmfn, 2),
    /* callback.h */
    VAL(CALLBACKTYPE_event, 0), VAL(CALLBACKTYPE_failsafe, 1), VAL(CALLBACKTYPE_syscall, 2),
    VAL(CALLBACKTYPE_nmi, 4), VAL(CALLBACKTYPE_sysenter, 5), VAL(CALLBACKTYPE_syscall32, 7),
    VAL(CALLBACKF_mask_events, 1), VAL(CALLBACKOP_register, 0), VAL(CALLBACKOP_unregister, 1),
    /* physdev.h */
    VAL(PHYSDEVOP_irq_status_query, 5), VAL(PHYSDEVOP_set_iopl, 6),
    VAL(PHYSDEVOP_set_iobitmap, 7), VAL(PHYSDEVOP_apic_read, 8), VAL(PHYSDEVOP_eoi, 12),
    VAL(PHYSDEVOP_map_pirq, 13), VAL(PHYSDEVOP_unmap_pirq, 14),
    VAL(PHYSDEVOP_pirq_eoi_gmfn_v1, 17), VAL(PHYSDEVOP_pirq_eoi_gmfn_v2, 28),
    VAL(XENIRQSTAT_needs_eoi, 1), VAL(XENIRQSTAT_shared, 2),
    /* grant_table.h */
    VAL(GNTTABOP_map_grant_ref, 0), VAL(GNTTABOP_unmap_grant_ref, 1),
    VAL(GNTTABOP_setup_table, 2), VAL(GNTTABOP_dump_table, 3), VAL(GNTTABOP_transfer, 4),
    VAL(GNTTABOP_copy, 5), VAL(GNTTABOP_query_size, 6), VAL(GNTTABOP_unmap_and_replace, 7),
    VAL(GNTTABOP_set_version, 8), VAL(GNTTABOP_get_status_frames, 9),
    VAL(GNTTABOP_get_version, 10), VAL(GNTTABOP_swap_grant_ref, 11),
    VAL(GNTTABOP_cache_flush, 12),
    VAL(GTF_permit_access, 1), VAL(GTF_accept_transfer, 2), VAL(GTF_transitive, 3),
    VAL(GTF_readonly, 4), VAL(GTF_reading, 8), VAL(GTF_writing, 16), VAL(GTF_sub_page, 256),
    VAL(GNTMAP_device_map, 1), VAL(GNTMAP_host_map, 2), VAL(GNTMAP_readonly, 4),
    VAL(GNTMAP_application_map, 8), VAL(GNTMAP_contains_pte, 16),
    VAL(GNTMAP_guest_avail_mask, 0xffff0000u),
    VAL(GNTCOPY_source_gref, 1), VAL(GNTCOPY_dest_gref, 2),
    VAL(GNTTAB_NR_RESERVED_ENTRIES, 8), VAL(GNTTAB_RESERVED_CONSOLE, 0),
    VAL(GNTTAB_RESERVED_XENSTORE, 1),
};

static void test_constants(void **state)
{
    (void)state;
    FACTS(constants);
}

/* GNTST_* are negative; compare them as signed values. */
static void test_grant_status_codes(void **state)
{
    static const struct { const char *n; int ours, xen; } st[] = {
        { "GNTST_okay", GNTST_okay, 0 },
        { "GNTST_general_error", GNTST_general_error, -1 },
        { "GNTST_bad_domain", GNTST_bad_domain, -2 },
        { "GNTST_bad_gntref", GNTST_bad_gntref, -3 },
        { "GNTST_bad_handle", GNTST_bad_handle, -4 },
        { "GNTST_bad_virt_addr", GNTST_bad_virt_addr, -5 },
        { "GNTST_bad_dev_addr", GNTST_bad_dev_addr, -6 },
        { "GNTST_no_device_space", GNTST_no_device_space, -7 },
        { "GNTST_permission_denied", GNTST_permission_denied, -8 },
        { "GNTST_bad_page", GNTST_bad_page, -9 },
        { "GNTST_bad_copy_arg", GNTST_bad_copy_arg, -10 },
        { "GNTST_address_too_big", GNTST_address_too_big, -11 },
        { "GNTST_eagain", GNTST_eagain, -12 },
        { "GNTST_no_space", GNTST_no_space, -13 },
    };
    size_t bad = 0;

    (void)state;
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        if (st[i].ours != st[i].xen) {
            print_error("%s is %d, Xen has %d\n", st[i].n, st[i].ours, st[i].xen);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Xen's public errno.h (values from x86 Linux). */
static const struct abi_fact errnos[] = {
    VAL(XEN_EPERM, 1), VAL(XEN_ENOENT, 2), VAL(XEN_ESRCH, 3), VAL(XEN_EINTR, 4),
    VAL(XEN_EIO, 5), VAL(XEN_ENXIO, 6), VAL(XEN_E2BIG, 7), VAL(XEN_ENOEXEC, 8),
    VAL(XEN_EBADF, 9), VAL(XEN_ECHILD, 10), VAL(XEN_EAGAIN, 11), VAL(XEN_ENOMEM, 12),
    VAL(XEN_EACCES, 13), VAL(XEN_EFAULT, 14), VAL(XEN_EBUSY, 16), VAL(XEN_EEXIST, 17),
    VAL(XEN_EXDEV, 18), VAL(XEN_ENODEV, 19), VAL(XEN_EINVAL, 22), VAL(XEN_ENFILE, 23),
    VAL(XEN_EMFILE, 24), VAL(XEN_ENOSPC, 28), VAL(XEN_EMLINK, 31), VAL(XEN_EDOM, 33),
    VAL(XEN_ERANGE, 34), VAL(XEN_EDEADLK, 35), VAL(XEN_ENAMETOOLONG, 36),
    VAL(XEN_ENOLCK, 37), VAL(XEN_ENOSYS, 38), VAL(XEN_EBADRQC, 56), VAL(XEN_EBADSLT, 57),
    VAL(XEN_ENODATA, 61), VAL(XEN_ETIME, 62), VAL(XEN_EBADMSG, 74), VAL(XEN_EOVERFLOW, 75),
    VAL(XEN_EILSEQ, 84), VAL(XEN_ERESTART, 85), VAL(XEN_EUSERS, 87), VAL(XEN_ENOTSOCK, 88),
    VAL(XEN_EOPNOTSUPP, 95), VAL(XEN_EADDRINUSE, 98), VAL(XEN_EADDRNOTAVAIL, 99),
    VAL(XEN_ENOBUFS, 105), VAL(XEN_EISCONN, 106), VAL(XEN_ENOTCONN, 107),
    VAL(XEN_ESHUTDOWN, 108), VAL(XEN_ETOOMANYREFS, 109), VAL(XEN_ETIMEDOUT, 110),
    VAL(XEN_EWOULDBLOCK, 11), VAL(XEN_EDEADLOCK, 35),
};

static void test_errno(void **state)
{
    (void)state;
    FACTS(errnos);
}

/*
 * Behaviour of the header helpers, not just numbers: a guest handle set
 * through the macro yields the pointer's address in .addr, and the
 * trap_info flag accessors touch only their own bits.
 */
static void test_helpers(void **state)
{
    static int target;
    XEN_GUEST_HANDLE(int) h;
    struct trap_info ti = { .flags = 0 };

    (void)state;
    xen_set_guest_handle(h, &target);
    assert_int_equal(h.addr, (uint64_t)(uintptr_t)&target);

    TI_SET_DPL(&ti, 3);
    assert_int_equal(TI_GET_DPL(&ti), 3);
    assert_int_equal(TI_GET_IF(&ti), 0);
    TI_SET_IF(&ti, 1);
    assert_int_equal(TI_GET_IF(&ti), 4);
    TI_SET_DPL(&ti, 1);
    assert_int_equal(ti.flags, 5);
    TI_SET_IF(&ti, 0);
    assert_int_equal(ti.flags, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_sizes),
        cmocka_unit_test(test_core_layout),
        cmocka_unit_test(test_op_layout),
        cmocka_unit_test(test_io_layout),
        cmocka_unit_test(test_hypercall_numbers),
        cmocka_unit_test(test_constants),
        cmocka_unit_test(test_grant_status_codes),
        cmocka_unit_test(test_errno),
        cmocka_unit_test(test_helpers),
    };

    return cmocka_run_group_tests_name("abi", tests, NULL, NULL);
}
