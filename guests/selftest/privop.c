/*
 * PRIV: privileged instructions in a PV kernel. The kernel runs in ring 3,
 * so each of them faults (#GP) and the hypervisor emulates it, or not, as
 * Xen 4.17's emul-priv-op.c does: mov to/from CR0/2/3/4 and DR0-7, CLTS,
 * WBINVD, RDTSC under CR4.TSD, CLI/STI and port I/O under the virtual IOPL
 * (with and without VMASST_TYPE_architectural_iopl), INS/OUTS; HLT, LGDT,
 * INVLPG and unknown MSRs get #GP(0). From guest user mode the ring-0 ones
 * must fault. (INVD and WBINVD at CPL 3 do not fault under QEMU's TCG, so
 * they never reach the hypervisor there and are not tested from ring 3.)
 */
#include <xen/physdev.h>
#include <os/mm.h>
#include <os/traps.h>
#include <os/user.h>
#include "test.h"

#define CR0_TS          (1ul << 3)
#define CR0_WP          (1ul << 16)
#define CR4_TSD         (1ul << 2)
#define CR4_DE          (1ul << 3)
#define CR4_PAE         (1ul << 5)
#define CR4_MCE         (1ul << 6)
#define CR4_PGE         (1ul << 7)
#define CR4_OSFXSR      (1ul << 9)
#define CR4_OSXMMEXCPT  (1ul << 10)
#define CR4_FSGSBASE    (1ul << 16)
#define CR4_VISIBLE     (CR4_PAE | CR4_MCE | CR4_OSFXSR | CR4_OSXMMEXCPT)
/* Xen's own CR0: PE MP ET NE WP AM PG. */
#define XEN_CR0         0x80050033ul
#define PORT            0x80            /* POST diagnostic port: Dom0 may use it on Xen */

static inline int FAULTED(uint64_t ex) { return ex >> 63; }
static inline int IS_GP0(uint64_t ex)
{
    return FAULTED(ex) && OS_EXINFO_VEC(ex) == 13 && OS_EXINFO_ERR(ex) == 0;
}
static inline int IS_UD(uint64_t ex) { return FAULTED(ex) && OS_EXINFO_VEC(ex) == 6; }

/* ---- kernel-mode probes: rax = 0 unless the instruction faulted ------------- */

#define RD_CR(n) \
    static uint64_t rd_cr##n(uint64_t *val) \
    { \
        uint64_t ex = 0, v = 0; \
        asm volatile("1: mov %%cr" #n ", %1\n2:\n" OS_EXTABLE(1b, 2b) \
                     : "+a"(ex), "+r"(v) :: "memory"); \
        *val = v; \
        return ex; \
    }
#define WR_CR(n) \
    static uint64_t wr_cr##n(uint64_t v) \
    { \
        uint64_t ex = 0; \
        asm volatile("1: mov %1, %%cr" #n "\n2:\n" OS_EXTABLE(1b, 2b) \
                     : "+a"(ex) : "r"(v) : "memory"); \
        return ex; \
    }
#define RD_DR(n) \
    static uint64_t rd_dr##n(uint64_t *val) \
    { \
        uint64_t ex = 0, v = 0; \
        asm volatile("1: mov %%db" #n ", %1\n2:\n" OS_EXTABLE(1b, 2b) \
                     : "+a"(ex), "+r"(v) :: "memory"); \
        *val = v; \
        return ex; \
    }
#define WR_DR(n) \
    static uint64_t wr_dr##n(uint64_t v) \
    { \
        uint64_t ex = 0; \
        asm volatile("1: mov %1, %%db" #n "\n2:\n" OS_EXTABLE(1b, 2b) \
                     : "+a"(ex) : "r"(v) : "memory"); \
        return ex; \
    }
#define SIMPLE(name, insn) \
    static uint64_t name(void) \
    { \
        uint64_t ex = 0; \
        asm volatile("1: " insn "\n2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex) :: "rdx", "rcx", "memory"); \
        return ex; \
    }

RD_CR(0) RD_CR(2) RD_CR(3) RD_CR(4) RD_CR(8)
WR_CR(0) WR_CR(2) WR_CR(3) WR_CR(4) WR_CR(8)
RD_DR(0) RD_DR(4) RD_DR(6) RD_DR(7)
WR_DR(0) WR_DR(1) WR_DR(4) WR_DR(6) WR_DR(7)
SIMPLE(do_cli, "cli")
SIMPLE(do_sti, "sti")
SIMPLE(do_inb, "inb $0x80, %%al")
SIMPLE(do_outb, "outb %%al, $0x80")
SIMPLE(do_clts, "clts")
SIMPLE(do_wbinvd, "wbinvd")
SIMPLE(do_hlt, "hlt")
SIMPLE(do_int3, "int3")

static uint64_t do_rdtsc(uint64_t *tsc)
{
    uint64_t ex = 0, hi = 0;

    asm volatile("1: rdtsc\n2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex), "+d"(hi) :: "memory");
    *tsc = FAULTED(ex) ? 0 : (hi << 32) | (uint32_t)ex;
    return FAULTED(ex) ? ex : 0;
}

static uint64_t do_rdtscp(void)
{
    uint64_t ex = 0;

    asm volatile("1: rdtscp\n2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex) :: "rdx", "rcx", "memory");
    return FAULTED(ex) ? ex : 0;
}

static uint64_t do_wrmsr(uint32_t msr, uint64_t val)
{
    uint64_t ex = (uint32_t)val;

    asm volatile("1: wrmsr\n 2:\n" OS_EXTABLE(1b, 2b)
                 : "+a"(ex) : "c"(msr), "d"((uint32_t)(val >> 32)) : "memory");
    return FAULTED(ex) ? ex : 0;
}

static uint64_t do_rdmsr(uint32_t msr)
{
    uint64_t ex = 0;

    asm volatile("1: rdmsr\n 2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex) : "c"(msr) : "rdx", "memory");
    return FAULTED(ex) ? ex : 0;
}

static uint64_t do_lgdt(void)
{
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr;
    uint64_t ex = 0;

    asm volatile("1: lgdt %1\n2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex) : "m"(gdtr) : "memory");
    return ex;
}

static uint64_t do_invlpg(void *va)
{
    uint64_t ex = 0;

    asm volatile("1: invlpg (%1)\n2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex) : "r"(va) : "memory");
    return ex;
}

static uint64_t do_rdfsbase(void)
{
    uint64_t ex = 0, v = 0;

    asm volatile("1: rdfsbase %1\n2:\n" OS_EXTABLE(1b, 2b) : "+a"(ex), "+r"(v) :: "memory");
    return ex;
}

/* String I/O: registers in and out. */
struct sio { uint64_t rsi, rdi, rcx, ex; };

#define STRING_IO(name, insn) \
    static struct sio name(uint64_t rsi, uint64_t rdi, uint64_t rcx) \
    { \
        uint64_t ex = 0; \
        asm volatile("1: " insn "\n2:\n" OS_EXTABLE(1b, 2b) \
                     : "+a"(ex), "+S"(rsi), "+D"(rdi), "+c"(rcx) : "d"(PORT) : "memory"); \
        return (struct sio){ rsi, rdi, rcx, ex }; \
    }
STRING_IO(rep_outsb, "rep outsb")
STRING_IO(rep_insb, "rep insb")
STRING_IO(insw_once, "insw")
STRING_IO(rep_outsw, "rep outsw")
STRING_IO(rep_outsb32, "addr32 rep outsb")
STRING_IO(fs_outsb, "fs outsb")

/* ---- user-mode stubs: the result (rax after the fixup) goes back in rdi ------ */

#define USER_STUB2(name, pre, insn) \
    ".globl " #name "\n" #name ":\n" \
    "    xor %eax, %eax\n" \
    "    " pre "\n" \
    "1:  " insn "\n" \
    "2:  mov %rax, %rdi\n" \
    "    mov $0x51, %eax\n" \
    "    syscall\n" \
    "    ud2\n" \
    OS_EXTABLE(1b, 2b)
#define USER_STUB(name, insn) USER_STUB2(name, "", insn)

__asm__(".text\n"
    USER_STUB(u_rd_cr0, "mov %cr0, %rbx")
    USER_STUB(u_rd_cr2, "mov %cr2, %rbx")
    USER_STUB(u_rd_cr3, "mov %cr3, %rbx")
    USER_STUB(u_rd_cr4, "mov %cr4, %rbx")
    USER_STUB(u_wr_cr4, "mov %rbx, %cr4")
    USER_STUB(u_rd_dr7, "mov %db7, %rbx")
    USER_STUB(u_wr_dr0, "mov %rbx, %db0")
    USER_STUB(u_clts, "clts")
    USER_STUB2(u_wrmsr, "mov $0xc0000100, %ecx; xor %edx, %edx", "wrmsr")
    USER_STUB(u_hlt, "hlt")
    USER_STUB(u_cli, "cli")
    USER_STUB(u_sti, "sti")
    USER_STUB(u_inb, "inb $0x80, %al")
    USER_STUB2(u_int3_cli, "int3", "cli")
    USER_STUB(u_rdtsc, "rdtsc")
    USER_STUB2(u_rdmsr, "mov $0xc0000100, %ecx", "rdmsr")
    USER_STUB2(u_xsetbv, "xor %ecx, %ecx; xor %edx, %edx; mov $3, %eax", "xsetbv")
    ".previous\n");

extern char u_rd_cr0[], u_rd_cr2[], u_rd_cr3[], u_rd_cr4[], u_wr_cr4[], u_rd_dr7[];
extern char u_wr_dr0[], u_clts[], u_wrmsr[], u_hlt[], u_cli[], u_sti[], u_inb[];
extern char u_int3_cli[], u_rdtsc[], u_rdmsr[], u_xsetbv[];

static char user_stack[4096] __attribute__((aligned(16)));
static uint8_t buf[64] __attribute__((aligned(16)));

static uint64_t user(char *stub)
{
    return os_exec_user(stub, user_stack + sizeof(user_stack));
}

static long set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl s = { .iopl = iopl };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &s);
}

static long arch_iopl(int on)
{
    return HYPERVISOR_vm_assist(on ? VMASST_CMD_enable : VMASST_CMD_disable,
                                VMASST_TYPE_architectural_iopl);
}

/* ---- control registers ------------------------------------------------------ */

static void control_registers(void)
{
    uint64_t v = 0, v2 = 0, ex, cr4;
    uint64_t root = os_virt_to_mfn((void *)os_start_info->pt_base) << 12;
    void *page;

    HYPERVISOR_fpu_taskswitch(0);
    ex = rd_cr0(&v);
    t_check("PRIV0001", "mov %cr0 shows Xen's CR0 (PE MP ET NE WP AM PG) with TS clear",
            !FAULTED(ex) && v == XEN_CR0, "(ex=%#lx cr0=%#lx)", (unsigned long)ex,
            (unsigned long)v);
    HYPERVISOR_fpu_taskswitch(1);
    ex = rd_cr0(&v);
    t_check("PRIV0002", "after fpu_taskswitch(1) mov %cr0 shows TS",
            !FAULTED(ex) && v == (XEN_CR0 | CR0_TS), "(cr0=%#lx)", (unsigned long)v);
    ex = do_clts();
    rd_cr0(&v);
    t_check("PRIV0003", "clts clears the virtual TS", !FAULTED(ex) && v == XEN_CR0,
            "(ex=%#lx cr0=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = wr_cr0(XEN_CR0 | CR0_TS);
    rd_cr0(&v);
    t_check("PRIV0004", "mov to %cr0 may set TS", !FAULTED(ex) && v == (XEN_CR0 | CR0_TS),
            "(ex=%#lx cr0=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = wr_cr0(XEN_CR0);
    rd_cr0(&v);
    t_check("PRIV0005", "mov to %cr0 may clear TS", !FAULTED(ex) && v == XEN_CR0,
            "(ex=%#lx cr0=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = wr_cr0(XEN_CR0 & ~CR0_WP);
    t_check("PRIV0006", "mov to %cr0 changing WP raises #GP(0)", IS_GP0(ex),
            "(ex=%#lx)", (unsigned long)ex);

    /* CR2: the last page fault, then what we write. */
    {
        uint64_t pf = 0;
        asm volatile("1: movq (%1), %%rbx\n2:\n" OS_EXTABLE(1b, 2b)
                     : "+a"(pf) : "r"(T_UNMAPPED_VA + 0x28) : "rbx", "memory");
        ex = rd_cr2(&v);
        t_check("PRIV0007", "mov %cr2 gives the address of the last page fault",
                OS_EXINFO_VEC(pf) == 14 && !FAULTED(ex) && v == T_UNMAPPED_VA + 0x28,
                "(pf=%#lx ex=%#lx cr2=%#lx)", (unsigned long)pf, (unsigned long)ex,
                (unsigned long)v);
    }
    ex = wr_cr2(0x1234567000ul);
    rd_cr2(&v);
    t_check("PRIV0008", "mov to %cr2 reads back and shows in vcpu_info arch.cr2",
            !FAULTED(ex) && v == 0x1234567000ul && os_vcpu_info->arch.cr2 == 0x1234567000ul,
            "(ex=%#lx cr2=%#lx vcpu_info=%#lx)", (unsigned long)ex, (unsigned long)v,
            (unsigned long)os_vcpu_info->arch.cr2);

    /* CR3: the kernel root as a machine address. */
    ex = rd_cr3(&v);
    t_check("PRIV0009", "mov %cr3 gives the kernel root's machine frame << 12",
            !FAULTED(ex) && v == root, "(ex=%#lx cr3=%#lx root=%#lx)", (unsigned long)ex,
            (unsigned long)v, (unsigned long)root);
    ex = wr_cr3(root);
    rd_cr3(&v2);
    t_check("PRIV0010", "mov to %cr3 of the same root reloads it", !FAULTED(ex) && v2 == root,
            "(ex=%#lx cr3=%#lx)", (unsigned long)ex, (unsigned long)v2);
    page = os_alloc_page();
    ex = page ? wr_cr3(os_virt_to_mfn(page) << 12) : 0;
    t_check("PRIV0011", "mov to %cr3 of a data frame raises #GP(0)", page && IS_GP0(ex),
            "(ex=%#lx)", (unsigned long)ex);
    if (page)
        os_free_page(page);
    ex = wr_cr3(0);
    t_check("PRIV0012", "mov to %cr3 of frame 0 raises #GP(0)", IS_GP0(ex),
            "(ex=%#lx)", (unsigned long)ex);
    ex = wr_cr3(1ul << 63);
    t_check("PRIV0013", "mov to %cr3 with bit 63 set raises #GP(0)", IS_GP0(ex),
            "(ex=%#lx)", (unsigned long)ex);
    rd_cr3(&v);
    t_check("PRIV0014", "after the refusals the root is unchanged", v == root,
            "(cr3=%#lx)", (unsigned long)v);

    /* CR4: the guest's bits plus what it may see of the real one. */
    ex = rd_cr4(&cr4);
    t_check("PRIV0015", "mov %cr4 shows only PAE, MCE, OSFXSR, OSXMMEXCPT (PAE, OSFXSR set)",
            !FAULTED(ex) && !(cr4 & ~CR4_VISIBLE) && (cr4 & CR4_PAE) && (cr4 & CR4_OSFXSR),
            "(ex=%#lx cr4=%#lx)", (unsigned long)ex, (unsigned long)cr4);
    ex = wr_cr4(cr4 | CR4_PGE | (1ul << 4) | (1ul << 20) | (1ul << 0));
    rd_cr4(&v);
    t_check("PRIV0016", "mov to %cr4 of PGE, PSE, SMEP, VME: no fault, bits dropped",
            !FAULTED(ex) && v == cr4, "(ex=%#lx cr4=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = wr_cr4(cr4 & ~CR4_PAE);
    rd_cr4(&v);
    t_check("PRIV0017", "mov to %cr4 clearing PAE: no fault, PAE still shown",
            !FAULTED(ex) && v == cr4, "(ex=%#lx cr4=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = wr_cr4(cr4 | CR4_DE);
    rd_cr4(&v);
    t_check("PRIV0018", "mov to %cr4 may set DE", !FAULTED(ex) && v == (cr4 | CR4_DE),
            "(ex=%#lx cr4=%#lx)", (unsigned long)ex, (unsigned long)v);
    wr_cr4(cr4);
    ex = rd_cr8(&v);
    t_check("PRIV0019", "mov %cr8 raises #GP(0)", IS_GP0(ex), "(ex=%#lx)", (unsigned long)ex);
    ex = wr_cr8(0);
    t_check("PRIV0020", "mov to %cr8 raises #GP(0)", IS_GP0(ex), "(ex=%#lx)", (unsigned long)ex);

    /* FSGSBASE: off until the kernel turns it on, for this vCPU. */
    {
        uint32_t b7 = 0, a = 7, c = 0, d = 0, b = 0;
        asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        b7 = b;
        if (!(b7 & 1)) {
            t_case("PRIV0021", "CR4.FSGSBASE turns rdfsbase on and off", T_SKIP,
                   "(no FSGSBASE in CPUID)");
        } else {
            uint64_t off = do_rdfsbase(), on;
            wr_cr4(cr4 | CR4_FSGSBASE);
            rd_cr4(&v);
            on = do_rdfsbase();
            wr_cr4(cr4);
            t_check("PRIV0021", "CR4.FSGSBASE turns rdfsbase on and off",
                    IS_UD(off) && !FAULTED(on) && v == (cr4 | CR4_FSGSBASE) && IS_UD(do_rdfsbase()),
                    "(off=%#lx on=%#lx cr4=%#lx)", (unsigned long)off, (unsigned long)on,
                    (unsigned long)v);
        }
    }

    /* From guest user mode every one of them faults. */
    t_check("PRIV0022", "user mode: mov %cr0 raises #GP(0)", IS_GP0(user(u_rd_cr0)), NULL);
    t_check("PRIV0023", "user mode: mov %cr2 raises #GP(0)", IS_GP0(user(u_rd_cr2)), NULL);
    t_check("PRIV0024", "user mode: mov %cr3 raises #GP(0)", IS_GP0(user(u_rd_cr3)), NULL);
    t_check("PRIV0025", "user mode: mov %cr4 raises #GP(0)", IS_GP0(user(u_rd_cr4)), NULL);
    t_check("PRIV0026", "user mode: mov to %cr4 raises #GP(0)", IS_GP0(user(u_wr_cr4)), NULL);
    t_check("PRIV0027", "user mode: clts raises #GP(0)", IS_GP0(user(u_clts)), NULL);
    t_check("PRIV0028", "user mode: wrmsr raises #GP(0)", IS_GP0(user(u_wrmsr)), NULL);
    t_check("PRIV0029", "user mode: rdmsr raises #GP(0)", IS_GP0(user(u_rdmsr)), NULL);
}

/* ---- debug registers --------------------------------------------------------- */

static volatile uint64_t watched;
static volatile unsigned long db_hits;
static volatile uint64_t db_dr6;

static int db_hook(struct os_regs *r)
{
    db_hits++;
    db_dr6 = HYPERVISOR_get_debugreg(6);
    return 1;
}

static void debug_registers(void)
{
    uint64_t v = 0, ex, cr4 = 0;
    /* DR7: L0 and an I/O breakpoint (R/W0 = 10) of one byte. */
    uint64_t io_dr7 = 1 | (2ul << 16);

    ex = wr_dr0((uint64_t)&watched);
    rd_dr0(&v);
    t_check("PRIV0030", "mov to %db0 of a guest address reads back (mov and get_debugreg)",
            !FAULTED(ex) && v == (uint64_t)&watched &&
            HYPERVISOR_get_debugreg(0) == (long)&watched, "(ex=%#lx dr0=%#lx)",
            (unsigned long)ex, (unsigned long)v);
    t_check("PRIV0031", "mov to %db1 of a hypervisor address raises #GP(0)",
            IS_GP0(wr_dr1(HYPERVISOR_VIRT_START)), NULL);
    ex = rd_dr7(&v);
    t_check("PRIV0032", "mov %db7 reads 0x400 at rest", !FAULTED(ex) && v == 0x400,
            "(ex=%#lx dr7=%#lx)", (unsigned long)ex, (unsigned long)v);
    t_check("PRIV0033", "mov to %db7 with upper bits raises #GP(0)",
            IS_GP0(wr_dr7(1ul << 32)), NULL);
    t_check("PRIV0034", "mov to %db7 with GD raises #GP(0)", IS_GP0(wr_dr7(1ul << 13)), NULL);
    t_rc("PRIV0035", "set_debugreg(7) with GD gives -EPERM",
         HYPERVISOR_set_debugreg(7, 1ul << 13), -XEN_EPERM);
    ex = wr_dr7(0xd800);
    rd_dr7(&v);
    t_check("PRIV0036", "mov to %db7 of reserved bits 11, 12, 14, 15: dropped, reads 0x400",
            !FAULTED(ex) && v == 0x400, "(ex=%#lx dr7=%#lx)", (unsigned long)ex,
            (unsigned long)v);
    t_check("PRIV0037", "mov to %db6 with upper bits raises #GP(0)",
            IS_GP0(wr_dr6(1ul << 32)), NULL);
    ex = wr_dr6(0);
    rd_dr6(&v);
    t_check("PRIV0038", "mov to %db6 of 0 reads 0xffff0ff0", !FAULTED(ex) && v == 0xffff0ff0,
            "(ex=%#lx dr6=%#lx)", (unsigned long)ex, (unsigned long)v);
    ex = rd_dr4(&v);
    t_check("PRIV0039", "without CR4.DE, mov %db4 reads DR6", !FAULTED(ex) && v == 0xffff0ff0,
            "(ex=%#lx dr4=%#lx)", (unsigned long)ex, (unsigned long)v);
    t_check("PRIV0040", "without CR4.DE, an I/O breakpoint in %db7 raises #GP(0)",
            IS_GP0(wr_dr7(io_dr7)), NULL);
    t_rc("PRIV0041", "without CR4.DE, set_debugreg(7) of an I/O breakpoint gives -EPERM",
         HYPERVISOR_set_debugreg(7, io_dr7), -XEN_EPERM);

    rd_cr4(&cr4);
    wr_cr4(cr4 | CR4_DE);
    t_check("PRIV0042", "with CR4.DE, mov %db4 raises #UD", IS_UD(rd_dr4(&v)), NULL);
    t_check("PRIV0043", "with CR4.DE, mov to %db4 raises #UD", IS_UD(wr_dr4(0)), NULL);
    t_rc("PRIV0044", "with CR4.DE, get_debugreg(5) gives -ENODEV",
         HYPERVISOR_get_debugreg(5), -XEN_ENODEV);
    ex = wr_dr0(PORT);
    ex = ex ? ex : wr_dr7(io_dr7);
    rd_dr7(&v);
    t_check("PRIV0045", "with CR4.DE, an I/O breakpoint is taken and reads back",
            !FAULTED(ex) && v == (io_dr7 | 0x400), "(ex=%#lx dr7=%#lx)", (unsigned long)ex,
            (unsigned long)v);
    {
        os_trap_hook_t old = os_set_trap_hook(1, db_hook);
        set_iopl(1);
        wr_dr6(0);
        db_hits = 0;
        ex = do_outb();
        os_set_trap_hook(1, old);
        t_check("PRIV0046", "outb to the watched port raises #DB with B0 in DR6",
                !FAULTED(ex) && db_hits == 1 && (db_dr6 & 0xf) == 1,
                "(ex=%#lx hits=%lu dr6=%#lx)", (unsigned long)ex, db_hits,
                (unsigned long)db_dr6);
        set_iopl(0);
    }
    wr_dr7(0);
    wr_dr0(0);
    wr_dr6(0);
    wr_cr4(cr4);
    t_check("PRIV0047", "user mode: mov %db7 raises #GP(0)", IS_GP0(user(u_rd_dr7)), NULL);
    t_check("PRIV0048", "user mode: mov to %db0 raises #GP(0)", IS_GP0(user(u_wr_dr0)), NULL);
}

/* ---- CLI/STI and port I/O under the virtual IOPL --------------------------------- */

static volatile uint64_t bp_rflags;
static volatile uint64_t bp_set_iopl;   /* 1 + IOPL to put in the frame, or 0 */

static int bp_hook(struct os_regs *r)
{
    bp_rflags = r->rflags;
    if (bp_set_iopl)
        r->rflags = (r->rflags & ~0x3000ul) | ((bp_set_iopl - 1) << 12);
    return 1;
}

static void iopl_level(const char *id, const char *desc, unsigned int iopl, int arch)
{
    uint8_t mask = os_vcpu_info->evtchn_upcall_mask;
    uint64_t cli, sti, in;
    int allowed = arch || iopl >= 1;

    arch_iopl(arch);
    set_iopl(iopl);
    cli = do_cli();
    sti = do_sti();
    in = do_inb();
    set_iopl(0);
    arch_iopl(0);
    t_check(id, desc,
            allowed ? !FAULTED(cli) && !FAULTED(sti) && !FAULTED(in) &&
                      os_vcpu_info->evtchn_upcall_mask == mask
                    : IS_GP0(cli) && IS_GP0(sti) && IS_GP0(in),
            "(cli=%#lx sti=%#lx in=%#lx mask %u->%u)", (unsigned long)cli, (unsigned long)sti,
            (unsigned long)in, mask, os_vcpu_info->evtchn_upcall_mask);
}

static void iopl_cases(void)
{
    os_trap_hook_t old;

    iopl_level("PRIV0050", "kernel, vIOPL 0: cli, sti, inb raise #GP(0)", 0, 0);
    iopl_level("PRIV0051", "kernel, vIOPL 1: cli, sti, inb allowed (no event mask change)", 1, 0);
    iopl_level("PRIV0052", "kernel, vIOPL 2: cli, sti, inb allowed", 2, 0);
    iopl_level("PRIV0053", "kernel, vIOPL 3: cli, sti, inb allowed", 3, 0);
    iopl_level("PRIV0054", "architectural_iopl, vIOPL 0: the kernel is ring 0, allowed", 0, 1);
    iopl_level("PRIV0055", "architectural_iopl, vIOPL 1: allowed", 1, 1);
    iopl_level("PRIV0056", "architectural_iopl, vIOPL 2: allowed", 2, 1);
    iopl_level("PRIV0057", "architectural_iopl, vIOPL 3: allowed", 3, 1);

    set_iopl(2);
    t_check("PRIV0058", "user mode, vIOPL 2: cli, sti, inb raise #GP(0)",
            IS_GP0(user(u_cli)) && IS_GP0(user(u_sti)) && IS_GP0(user(u_inb)), NULL);
    set_iopl(3);
    t_check("PRIV0059", "user mode, vIOPL 3: cli, sti, inb allowed",
            !FAULTED(user(u_cli)) && !FAULTED(user(u_sti)) && !FAULTED(user(u_inb)), NULL);

    /* The bounce frame's IOPL: only with architectural_iopl. */
    old = os_set_trap_hook(3, bp_hook);
    bp_set_iopl = 0;
    do_int3();
    t_check("PRIV0060", "without architectural_iopl a bounce frame shows IOPL 0",
            (bp_rflags & 0x3000) == 0, "(rflags=%#lx)", (unsigned long)bp_rflags);
    arch_iopl(1);
    do_int3();
    t_check("PRIV0061", "with architectural_iopl the bounce frame shows the vIOPL (3)",
            (bp_rflags & 0x3000) == 0x3000, "(rflags=%#lx)", (unsigned long)bp_rflags);
    bp_set_iopl = 1 + 1;
    do_int3();
    bp_set_iopl = 0;
    do_int3();
    t_check("PRIV0062", "with architectural_iopl, iret with IOPL 1 in the frame sets the vIOPL",
            (bp_rflags & 0x3000) == 0x1000, "(rflags=%#lx)", (unsigned long)bp_rflags);
    /* os_exec_user irets with IOPL 0: user mode then has vIOPL 0, even after set_iopl(3). */
    set_iopl(3);
    t_check("PRIV0063", "architectural_iopl: iret to user with IOPL 0 makes user cli fault",
            IS_GP0(user(u_cli)), NULL);
    bp_set_iopl = 1 + 3;
    t_check("PRIV0064", "architectural_iopl: after an iret with IOPL 3, user cli is allowed",
            !FAULTED(user(u_int3_cli)), NULL);
    bp_set_iopl = 0;
    os_set_trap_hook(3, old);
    arch_iopl(0);
    set_iopl(0);
}

/* ---- string I/O -------------------------------------------------------------------- */

static void string_io(void)
{
    uint64_t b = (uint64_t)buf;
    struct sio r;

    r = rep_outsb(b, 0, 4);
    t_check("PRIV0070", "without permission, rep outsb raises #GP(0) and changes nothing",
            IS_GP0(r.ex) && r.rsi == b && r.rcx == 4, "(ex=%#lx rsi=%#lx rcx=%lu)",
            (unsigned long)r.ex, (unsigned long)r.rsi, (unsigned long)r.rcx);
    set_iopl(1);
    r = rep_outsb(b, 0, 4);
    t_check("PRIV0071", "rep outsb of 4 bytes to port 0x80: rsi += 4, rcx = 0",
            !FAULTED(r.ex) && r.rsi == b + 4 && r.rcx == 0, "(ex=%#lx rsi=%#lx rcx=%lu)",
            (unsigned long)r.ex, (unsigned long)r.rsi, (unsigned long)r.rcx);
    r = rep_insb(0, b, 3);
    t_check("PRIV0072", "rep insb of 3 bytes from port 0x80: rdi += 3, rcx = 0",
            !FAULTED(r.ex) && r.rdi == b + 3 && r.rcx == 0, "(ex=%#lx rdi=%#lx rcx=%lu)",
            (unsigned long)r.ex, (unsigned long)r.rdi, (unsigned long)r.rcx);
    r = rep_insb(0, b, 0);
    t_check("PRIV0073", "rep insb with rcx 0 does nothing", !FAULTED(r.ex) && r.rdi == b,
            "(ex=%#lx rdi=%#lx)", (unsigned long)r.ex, (unsigned long)r.rdi);
    r = insw_once(0, b + 8, 77);
    t_check("PRIV0074", "insw without rep: rdi += 2, rcx untouched",
            !FAULTED(r.ex) && r.rdi == b + 10 && r.rcx == 77, "(ex=%#lx rdi=%#lx rcx=%lu)",
            (unsigned long)r.ex, (unsigned long)r.rdi, (unsigned long)r.rcx);
    asm volatile("std");
    r = rep_outsw(b + 32, 0, 5);
    asm volatile("cld");
    t_check("PRIV0075", "rep outsw with DF set: rsi -= 10", !FAULTED(r.ex) && r.rsi == b + 22 &&
            r.rcx == 0, "(ex=%#lx rsi=%#lx rcx=%lu)", (unsigned long)r.ex,
            (unsigned long)r.rsi, (unsigned long)r.rcx);
    if (b >> 32) {
        t_case("PRIV0076", "addr32 rep outsb counts %ecx and zero-extends rsi/rcx", T_SKIP,
               "(buffer above 4 GiB)");
    } else {
        r = rep_outsb32(b | (7ul << 32), 0, (9ul << 32) | 2);
        t_check("PRIV0076", "addr32 rep outsb counts %ecx and zero-extends rsi/rcx",
                !FAULTED(r.ex) && r.rsi == b + 2 && r.rcx == 0, "(ex=%#lx rsi=%#lx rcx=%#lx)",
                (unsigned long)r.ex, (unsigned long)r.rsi, (unsigned long)r.rcx);
    }
    r = rep_insb(0, T_UNMAPPED_VA + 0x40, 2);
    t_check("PRIV0077", "rep insb into an unmapped page raises #PF(W) at its address",
            FAULTED(r.ex) && OS_EXINFO_VEC(r.ex) == 14 && OS_EXINFO_ERR(r.ex) == 2 &&
            os_vcpu_info->arch.cr2 == T_UNMAPPED_VA + 0x40 && r.rcx == 2,
            "(ex=%#lx cr2=%#lx rcx=%lu)", (unsigned long)r.ex,
            (unsigned long)os_vcpu_info->arch.cr2, (unsigned long)r.rcx);
    r = rep_outsb(T_UNMAPPED_VA + 0x50, 0, 1);
    t_check("PRIV0078", "outsb from an unmapped page raises #PF(R) at its address",
            FAULTED(r.ex) && OS_EXINFO_VEC(r.ex) == 14 && OS_EXINFO_ERR(r.ex) == 0 &&
            os_vcpu_info->arch.cr2 == T_UNMAPPED_VA + 0x50, "(ex=%#lx cr2=%#lx)",
            (unsigned long)r.ex, (unsigned long)os_vcpu_info->arch.cr2);
    r = rep_insb(0, T_NONCANON_VA, 1);
    t_check("PRIV0079", "insb to a non-canonical address raises #GP(0)", IS_GP0(r.ex),
            "(ex=%#lx)", (unsigned long)r.ex);
    {
        uint8_t pic = 0, uart = 0;
        asm volatile("inb $0x21, %0" : "=a"(pic));
        asm volatile("inb %1, %0" : "=a"(uart) : "Nd"((uint16_t)0x3fd));
        t_check("PRIV0081", "ports the hypervisor keeps (PIC 0x21, its UART 0x3fd) read 0xff",
                pic == 0xff && uart == 0xff, "(pic=%#x uart=%#x)", pic, uart);
    }
    {
        uint8_t idx = 0, regd = 0, regb = 0, regb2 = 0;
        asm volatile("outb %%al, $0x70" :: "a"(0x0d));
        asm volatile("inb $0x70, %0" : "=a"(idx));
        asm volatile("inb $0x71, %0" : "=a"(regd));
        asm volatile("outb %%al, $0x70" :: "a"(0x0b));
        asm volatile("inb $0x71, %0" : "=a"(regb));
        asm volatile("inb $0x71, %0" : "=a"(regb2));
        t_check("PRIV0082", "CMOS: Dom0's index at 0x70 reads back, 0x71 reads the register",
                idx == 0x0d && regd == 0x80 && regb == regb2 && regb != 0xff,
                "(idx=%#x regD=%#x regB=%#x/%#x)", idx, regd, regb, regb2);
    }
    HYPERVISOR_set_segment_base(SEGBASE_FS, T_UNMAPPED_VA);
    r = fs_outsb(0x60, 0, 0);
    HYPERVISOR_set_segment_base(SEGBASE_FS, 0);
    t_check("PRIV0080", "fs outsb reads through the FS base",
            FAULTED(r.ex) && OS_EXINFO_VEC(r.ex) == 14 &&
            os_vcpu_info->arch.cr2 == T_UNMAPPED_VA + 0x60, "(ex=%#lx cr2=%#lx)",
            (unsigned long)r.ex, (unsigned long)os_vcpu_info->arch.cr2);
    set_iopl(0);
}

/* ---- XSETBV: each vCPU's own XCR0 -------------------------------------------------------- */

static uint64_t do_xsetbv(uint32_t xcr, uint64_t val)
{
    uint64_t ex = (uint32_t)val;

    asm volatile("1: xsetbv\n2:\n" OS_EXTABLE(1b, 2b)
                 : "+a"(ex) : "c"(xcr), "d"((uint32_t)(val >> 32)) : "memory");
    return FAULTED(ex) ? ex : 0;
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static uint64_t do_vpxor_ymm(void)
{
    uint64_t ex = 0;

    asm volatile("1: vpxor %%ymm1, %%ymm1, %%ymm1\n2:\n" OS_EXTABLE(1b, 2b)
                 : "+a"(ex) :: "memory");
    return ex;
}

static void xcr0_cases(void)
{
    uint32_t a = 1, b, c = 0, d;
    uint64_t cr4 = 0, max, ex;

    asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (!(c & (1u << 26))) {
        t_case("PRIV0110", "XCR0 starts as x87 and SSE", T_SKIP, "(no XSAVE)");
        return;
    }
    a = 0xd;
    c = 0;
    asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    max = ((uint64_t)d << 32) | a;
    t_check("PRIV0110", "XCR0 starts as x87 and SSE", xgetbv0() == 3,
            "(xcr0=%#lx)", (unsigned long)xgetbv0());
    rd_cr4(&cr4);
    ex = do_xsetbv(0, 3);
    t_check("PRIV0111", "xsetbv without the guest's CR4.OSXSAVE raises #UD", IS_UD(ex),
            "(ex=%#lx)", (unsigned long)ex);
    wr_cr4(cr4 | (1ul << 18));
    t_check("PRIV0112", "xsetbv of XCR0 without x87 raises #GP(0)", IS_GP0(do_xsetbv(0, 2)), NULL);
    t_check("PRIV0113", "xsetbv of XCR0 with YMM but not SSE raises #GP(0)",
            IS_GP0(do_xsetbv(0, 5)), NULL);
    t_check("PRIV0114", "xsetbv of XCR1 raises #GP(0)", IS_GP0(do_xsetbv(1, 3)), NULL);
    t_check("PRIV0115", "xsetbv of a feature CPUID leaf 0xd lacks raises #GP(0)",
            IS_GP0(do_xsetbv(0, max | (1ul << 9) | (1ul << 62))), NULL);
    if (!(max & 4)) {
        t_case("PRIV0116", "xsetbv of x87|SSE|YMM turns AVX on", T_SKIP, "(no AVX)");
    } else {
        uint64_t before = do_vpxor_ymm();
        ex = do_xsetbv(0, 7);
        t_check("PRIV0116", "xsetbv of x87|SSE|YMM turns AVX on",
                IS_UD(before) && !ex && xgetbv0() == 7 && !FAULTED(do_vpxor_ymm()),
                "(before=%#lx ex=%#lx xcr0=%#lx)", (unsigned long)before, (unsigned long)ex,
                (unsigned long)xgetbv0());
    }
    ex = do_xsetbv(0, 3);
    t_check("PRIV0117", "xsetbv back to x87|SSE", !ex && xgetbv0() == 3, "(ex=%#lx)",
            (unsigned long)ex);
    t_check("PRIV0118", "user mode: xsetbv raises #GP(0)", IS_GP0(user(u_xsetbv)), NULL);
    wr_cr4(cr4);
}

/* ---- TF: the single-step #DB after an emulated instruction -------------------------------- */

static volatile unsigned long step_hits;
static volatile uint64_t step_rip, step_dr6;

static int step_hook(struct os_regs *r)
{
    if (!step_hits++) {
        step_rip = r->rip;
        step_dr6 = HYPERVISOR_get_debugreg(6);
    }
    r->rflags &= ~0x100ul;                      /* one step is enough */
    return 1;
}

/* Set TF, run `insn` (which faults and is emulated), then two nops; where did #DB come? */
#define STEP_PROBE(name, insn) \
    static void name(uint64_t *after_insn, uint64_t *after_nop) \
    { \
        uint64_t a, b; \
        asm volatile("lea 1f(%%rip), %0\n lea 2f(%%rip), %1\n" \
                     "pushfq\n orq $0x100, (%%rsp)\n popfq\n" \
                     insn "\n1: nop\n2: nop\n" \
                     : "=&r"(a), "=&r"(b) :: "rax", "rbx", "rcx", "rdx", "memory"); \
        *after_insn = a; \
        *after_nop = b; \
    }
STEP_PROBE(step_mov_cr2, "mov %%cr2, %%rbx")
STEP_PROBE(step_outb, "outb %%al, $0x80")
STEP_PROBE(step_cli, "cli")

static uint64_t step_rep_outsb(uint64_t *after_insn)
{
    uint64_t a, rsi = (uint64_t)buf, rcx = 2;

    asm volatile("lea 1f(%%rip), %0\n pushfq\n orq $0x100, (%%rsp)\n popfq\n"
                 "rep outsb\n1: nop\n"
                 : "=&r"(a), "+S"(rsi), "+c"(rcx) : "d"(PORT) : "memory");
    *after_insn = a;
    return rcx;
}

static void single_step(void)
{
    os_trap_hook_t old = os_set_trap_hook(1, step_hook);
    uint64_t a, b;

    HYPERVISOR_set_debugreg(6, 0xffff0ff0);
    step_hits = 0;
    step_mov_cr2(&a, &b);
    t_check("PRIV0120", "TF: an emulated mov %cr2 ends in one #DB right after it, DR6.BS set",
            step_hits == 1 && step_rip == a && (step_dr6 & 0x4000),
            "(hits=%lu rip=%#lx want %#lx dr6=%#lx)", step_hits, (unsigned long)step_rip,
            (unsigned long)a, (unsigned long)step_dr6);
    set_iopl(1);
    HYPERVISOR_set_debugreg(6, 0xffff0ff0);
    step_hits = 0;
    step_outb(&a, &b);
    t_check("PRIV0121", "TF: after an emulated outb to a real port the #DB comes one later",
            step_hits == 1 && step_rip == b, "(hits=%lu rip=%#lx want %#lx)", step_hits,
            (unsigned long)step_rip, (unsigned long)b);
    HYPERVISOR_set_debugreg(6, 0xffff0ff0);
    step_hits = 0;
    step_cli(&a, &b);
    t_check("PRIV0122", "TF: after an emulated cli the #DB comes one later",
            step_hits == 1 && step_rip == b, "(hits=%lu rip=%#lx want %#lx)", step_hits,
            (unsigned long)step_rip, (unsigned long)b);
    HYPERVISOR_set_debugreg(6, 0xffff0ff0);
    step_hits = 0;
    b = step_rep_outsb(&a);
    t_check("PRIV0123", "TF: rep outsb of 2 steps after the first iteration",
            step_hits == 1 && step_rip == a - 2 && b == 0, "(hits=%lu rip=%#lx want %#lx rcx=%lu)",
            step_hits, (unsigned long)step_rip, (unsigned long)(a - 2), (unsigned long)b);
    set_iopl(0);
    HYPERVISOR_set_debugreg(6, 0xffff0ff0);
    os_set_trap_hook(1, old);
}

/* ---- TSC, HLT, INVD and what nobody emulates ------------------------------------------- */

static void tsc_and_refusals(void)
{
    uint64_t t1 = 0, t2 = 0, ex1, ex2, cr4 = 0, v = 0;

    ex1 = do_rdtsc(&t1);
    ex2 = do_rdtsc(&t2);
    t_check("PRIV0090", "rdtsc in the kernel runs natively (no TSD for a PV Dom0)",
            !ex1 && !ex2 && t2 >= t1, "(ex=%#lx/%#lx)", (unsigned long)ex1, (unsigned long)ex2);
    t_check("PRIV0091", "rdtsc in user mode runs too", !FAULTED(user(u_rdtsc)), NULL);
    rd_cr4(&cr4);
    wr_cr4(cr4 | CR4_TSD);
    rd_cr4(&v);
    ex1 = do_rdtsc(&t1);
    ex2 = do_rdtsc(&t2);
    t_check("PRIV0092", "with CR4.TSD the kernel's rdtsc still works (emulated)",
            v == (cr4 | CR4_TSD) && !ex1 && !ex2 && t2 >= t1 && t1 != 0,
            "(cr4=%#lx ex=%#lx/%#lx)", (unsigned long)v, (unsigned long)ex1,
            (unsigned long)ex2);
    ex1 = do_rdtscp();
    t_check("PRIV0093", "with CR4.TSD the kernel's rdtscp works", !ex1, "(ex=%#lx)",
            (unsigned long)ex1);
    t_check("PRIV0094", "with CR4.TSD user-mode rdtsc raises #GP(0)", IS_GP0(user(u_rdtsc)),
            NULL);
    wr_cr4(cr4);
    t_check("PRIV0095", "CR4.TSD cleared: user-mode rdtsc runs again",
            !FAULTED(user(u_rdtsc)), NULL);

    t_check("PRIV0096", "hlt in the kernel raises #GP(0)", IS_GP0(do_hlt()), NULL);
    set_iopl(3);
    t_check("PRIV0097", "hlt in the kernel with vIOPL 3 raises #GP(0) too", IS_GP0(do_hlt()),
            NULL);
    set_iopl(0);
    t_check("PRIV0098", "hlt in user mode raises #GP(0)", IS_GP0(user(u_hlt)), NULL);
    t_check("PRIV0099", "wbinvd in the kernel is allowed", !FAULTED(do_wbinvd()), NULL);
    t_check("PRIV0100", "lgdt raises #GP(0)", IS_GP0(do_lgdt()), NULL);
    t_check("PRIV0101", "invlpg raises #GP(0)", IS_GP0(do_invlpg(buf)), NULL);
    t_check("PRIV0102", "wrmsr of an unknown MSR (0xabc) raises #GP(0)",
            IS_GP0(do_wrmsr(0xabc, 1)), NULL);
    t_check("PRIV0103", "rdmsr of an unknown MSR (0xabc) raises #GP(0)",
            IS_GP0(do_rdmsr(0xabc)), NULL);
    t_check("PRIV0104", "rdmsr of FS_BASE in the kernel works", !do_rdmsr(0xc0000100), NULL);
    /* A burst (tests/system/test_privop.py: Xenolith logs only a few of them). */
    {
        unsigned int gp = 0;
        for (unsigned int i = 0; i < 200; i++) {
            uint64_t ex = 0;
            asm volatile("1: lgdt (%1)\n2:\n" OS_EXTABLE(1b, 2b)
                         : "+a"(ex) : "b"(buf) : "memory");
            gp += IS_GP0(ex);
        }
        t_check("PRIV0105", "200 lgdt in a row: each raises #GP(0)", gp == 200, "(%u)", gp);
    }
}

void suite_privop(void)
{
    os_printf("selftest: privileged instructions\n");
    if (!t_rc("PRIV0000", "user mode is available (os_user_init)", os_user_init(), 0))
        return;
    control_registers();
    debug_registers();
    iopl_cases();
    string_io();
    xcr0_cases();
    single_step();
    tsc_and_refusals();
}
