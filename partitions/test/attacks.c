/* Hostile actions; see attacks.h. MSR accesses always run with
 * gp=continue: a #GP is the expected refusal and must not stop the
 * kernel. Memory, port and IOAPIC accesses halt on #GP unless the
 * command line says gp=continue, so an unexpected fault stays visible. */
#include "partitions/test/attacks.h"
#include "partitions/common/console.h"
#include "partitions/common/cpu.h"
#include "partitions/common/hv.h"
#include "partitions/common/lib.h"
#include "partitions/test/idt.h"

#define IOAPIC_REGSEL 0xFEC00000u
#define IOAPIC_WIN 0xFEC00010u
#define IOAPIC_REDIR(pin) (0x10u + 2u * (pin))

#define ICR_FIXED 0x000u
#define ICR_NMI 0x400u
#define ICR_INIT 0x500u
#define ICR_SIPI 0x600u
#define ICR_ASSERT 0x4000u
#define ICR_ALL_BUT_SELF (3u << 18)
#define IPI_VECTOR 0xF0u
#define SIPI_VECTOR 0x08u /* start-up at 0x8000 */

static const char *spec; /* the whole attack=... value, for messages */

static const char *refusal(int faulted) { return faulted ? "#GP (refused)" : "no fault"; }

static const char *err_name(int32_t r)
{
    switch (r) {
    case HV_EPERM: return "EPERM";
    case HV_EFAULT: return "EFAULT";
    case HV_EINVAL: return "EINVAL";
    case HV_ENOSYS: return "ENOSYS";
    default: return r >= 0 ? "SUCCESS" : "error";
    }
}

static void attack_read(uint32_t addr)
{
    uint32_t v = 0;
    say("attack %s: 32-bit load from guest-physical 0x%08x", spec, addr);
    int f = load32_safe(addr, &v);
    say("attack %s: survived, %s, read 0x%08x", spec, refusal(f), v);
}

static void attack_write(uint32_t addr)
{
    const uint32_t pattern = 0xDEADBEEF;
    uint32_t back = 0;
    say("attack %s: 32-bit store of 0x%08x to guest-physical 0x%08x", spec, pattern, addr);
    int f = store32_safe(addr, pattern);
    if (!f)
        f = load32_safe(addr, &back);
    say("attack %s: survived, %s, reads back 0x%08x", spec, refusal(f), back);
}

static void attack_io(int out, uint16_t port)
{
    uint8_t v = 0xFF;
    int f;
    if (out) {
        say("attack %s: outb 0x55 to port 0x%x", spec, port);
        f = outb_safe(port, 0x55);
        say("attack %s: survived, %s", spec, refusal(f));
    } else {
        say("attack %s: inb from port 0x%x", spec, port);
        f = inb_safe(port, &v);
        say("attack %s: survived, %s, read 0x%02x", spec, refusal(f), v);
    }
}

static void attack_ipi(const char *what, uint32_t dest, uint32_t icr_lo)
{
    say("attack %s: %s IPI to x2APIC id %u (wrmsr 0x%x = 0x%08x:%08x)", spec, what, dest, MSR_X2APIC_ICR,
        dest, icr_lo);
    gp_set_mode(GP_CONTINUE);
    int f = wrmsr_safe(MSR_X2APIC_ICR, (uint64_t)dest << 32 | icr_lo);
    say("attack %s: survived, %s", spec, refusal(f));
}

static void attack_ioapic(uint32_t pin, int write)
{
    uint32_t lo = 0, hi = 0;
    int f;
    if (write) {
        say("attack %s: IOAPIC redirection entry %u := vector 0x%x, unmasked (IOREGSEL 0x%x)", spec, pin, IPI_VECTOR,
            IOAPIC_REDIR(pin));
        f = store32_safe(IOAPIC_REGSEL, IOAPIC_REDIR(pin)) || store32_safe(IOAPIC_WIN, IPI_VECTOR) ||
            store32_safe(IOAPIC_REGSEL, IOAPIC_REDIR(pin)) || load32_safe(IOAPIC_WIN, &lo);
        say("attack %s: survived, %s, entry low now 0x%08x", spec, refusal(f), lo);
    } else {
        say("attack %s: read IOAPIC redirection entry %u", spec, pin);
        f = store32_safe(IOAPIC_REGSEL, IOAPIC_REDIR(pin)) || load32_safe(IOAPIC_WIN, &lo) ||
            store32_safe(IOAPIC_REGSEL, IOAPIC_REDIR(pin) + 1) || load32_safe(IOAPIC_WIN, &hi);
        say("attack %s: survived, %s, entry 0x%08x%08x", spec, refusal(f), hi, lo);
    }
}

static void attack_msr_write(uint32_t msr, uint64_t v)
{
    say("attack %s: wrmsr 0x%x = 0x%llx", spec, msr, v);
    gp_set_mode(GP_CONTINUE);
    int f = wrmsr_safe(msr, v);
    say("attack %s: survived, %s", spec, refusal(f));
}

static void attack_msr_read(uint32_t msr)
{
    uint64_t v = 0;
    say("attack %s: rdmsr 0x%x", spec, msr);
    gp_set_mode(GP_CONTINUE);
    int f = rdmsr_safe(msr, &v);
    say("attack %s: survived, %s, value 0x%llx", spec, refusal(f), v);
}

static int garbage_call(const char *what, uint32_t op, uint32_t a1, uint32_t a2)
{
    int32_t r = hc(op, a1, a2, 0, 0);
    say("attack %s: %s -> %d (%s)", spec, what, r, err_name(r));
    return r < 0;
}

static void attack_vmcall_garbage(uint64_t ram_end)
{
    static const char msg[16] = "garbage garbage";
    static struct hv_partition_info info;
    say("attack %s: VMCALLs with bad operations, lengths and addresses", spec);
    if (!hv_present()) {
        say("attack %s: survived, no hypervisor: no calls made", spec);
        return;
    }
    uint32_t end = ram_end > 0xFFFFF000u ? 0xFFFFF000u : (uint32_t)ram_end;
    int n = 0, refused = 0;
    refused += garbage_call("unknown op 0x7fffffff", 0x7fffffff, 0, 0), n++;
    refused += garbage_call("console_write gpa 0xfffff000 len 16", HC_CONSOLE_WRITE, 0xFFFFF000u, 16), n++;
    refused += garbage_call("console_write len 100000", HC_CONSOLE_WRITE, (uint32_t)msg, 100000), n++;
    refused += garbage_call("console_write gpa = RAM end", HC_CONSOLE_WRITE, end, 16), n++;
    refused += garbage_call("console_write straddling RAM end", HC_CONSOLE_WRITE, end - 8, 16), n++;
    refused += garbage_call("partition_info size 1", HC_PARTITION_INFO, (uint32_t)&info, 1), n++;
    refused += garbage_call("partition_info gpa 0xfffffff0", HC_PARTITION_INFO, 0xFFFFFFF0u, sizeof info), n++;
    say("attack %s: survived, %d/%d refused", spec, refused, n);
}

static void attack_triple_fault(void)
{
    say("attack %s: empty IDT (limit 0), then int3", spec);
    idt_load_empty();
    __asm__ __volatile__("int3");
    say("attack %s: survived, int3 returned (?)", spec);
}

static void attack_cpuid_vmx(void)
{
    say("attack %s: reading CPUID.1:ECX and CPUID.0Bh", spec);
    uint32_t ecx = cpuid(1, 0).ecx;
    uint32_t max = cpuid(0, 0).eax;
    say("attack %s: CPUID.1:ECX 0x%08x vmx(5)=%u x2apic(21)=%u tsc_deadline(24)=%u hypervisor(31)=%u", spec, ecx,
        (ecx >> 5) & 1, (ecx >> 21) & 1, (ecx >> 24) & 1, ecx >> 31);
    if (max >= 0xB)
        say("attack %s: CPUID.0Bh EDX (x2APIC id) %u", spec, cpuid(0xB, 0).edx);
    else
        say("attack %s: CPUID.0Bh not available (max leaf 0x%x)", spec, max);
    say("attack %s: survived, %s", spec, (ecx >> 5) & 1 ? "VMX VISIBLE" : "VMX hidden");
}

/* Splits "kind:a:b" (at most two arguments) in a local copy. */
struct parsed {
    char buf[96];
    const char *kind, *arg[2];
    int nargs;
};

static void split(const char *s, struct parsed *p)
{
    size_t n = 0;
    for (; s[n] && n < sizeof p->buf - 1; n++)
        p->buf[n] = s[n];
    p->buf[n] = 0;
    p->kind = p->buf;
    p->nargs = 0;
    for (char *c = p->buf; *c; c++) {
        if (*c == ':' && p->nargs < 2) {
            *c = 0;
            p->arg[p->nargs++] = c + 1;
        }
    }
}

static int arg32(const struct parsed *p, int i, unsigned base, uint32_t *v)
{
    uint64_t x;
    if (i >= p->nargs || parse_u64(p->arg[i], base, &x) || x > UINT32_MAX)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

void attack_run(const char *s, const struct attack_ctx *ctx)
{
    struct parsed p;
    uint32_t a = 0;
    uint64_t v = 0;
    spec = s;
    split(s, &p);
    gp_set_mode(ctx->gp_continue ? GP_CONTINUE : GP_HALT);

    static const struct {
        const char *kind;
        uint32_t icr;
    } ipis[] = {
        {"ipi-init", ICR_INIT | ICR_ASSERT},
        {"ipi-sipi", ICR_SIPI | ICR_ASSERT | SIPI_VECTOR},
        {"ipi-nmi", ICR_NMI | ICR_ASSERT},
        {"ipi-fixed", ICR_FIXED | ICR_ASSERT | IPI_VECTOR},
    };
    for (unsigned i = 0; i < sizeof ipis / sizeof ipis[0]; i++) {
        if (kstreq(p.kind, ipis[i].kind)) {
            if (arg32(&p, 0, 10, &a))
                goto bad;
            attack_ipi(ipis[i].kind + 4, a, ipis[i].icr);
            goto done;
        }
    }

    if (kstreq(p.kind, "read") && !arg32(&p, 0, 16, &a))
        attack_read(a);
    else if (kstreq(p.kind, "write") && !arg32(&p, 0, 16, &a))
        attack_write(a);
    else if ((kstreq(p.kind, "io-out") || kstreq(p.kind, "io-in")) && !arg32(&p, 0, 16, &a) && a <= 0xFFFF)
        attack_io(kstreq(p.kind, "io-out"), (uint16_t)a);
    else if (kstreq(p.kind, "ipi-broadcast"))
        attack_ipi("INIT (all but self)", 0, ICR_INIT | ICR_ASSERT | ICR_ALL_BUT_SELF);
    else if ((kstreq(p.kind, "ioapic") || kstreq(p.kind, "ioapic-read")) && !arg32(&p, 0, 10, &a) && a < 120)
        attack_ioapic(a, kstreq(p.kind, "ioapic"));
    else if (kstreq(p.kind, "msr-write") && !arg32(&p, 0, 16, &a) && p.nargs == 2 && !parse_u64(p.arg[1], 16, &v))
        attack_msr_write(a, v);
    else if (kstreq(p.kind, "msr-read") && !arg32(&p, 0, 16, &a))
        attack_msr_read(a);
    else if (kstreq(p.kind, "vmcall-garbage"))
        attack_vmcall_garbage(ctx->ram_end);
    else if (kstreq(p.kind, "triple-fault"))
        attack_triple_fault();
    else if (kstreq(p.kind, "cpuid-vmx"))
        attack_cpuid_vmx();
    else {
        const struct attack_args args = {s, p.kind, {p.nargs > 0 ? p.arg[0] : 0, p.nargs > 1 ? p.arg[1] : 0},
                                         p.nargs, ctx};
        if (!attack_hpet_run(&args) && !attack_ioapic_run(&args) && !attack_intr_run(&args) &&
            !attack_cpu_run(&args) && !attack_cache_run(&args) && !attack_pci_run(&args))
            goto bad;
    }
    goto done;
bad:
    say("attack %s: unknown kind or bad argument (nothing done)", spec);
done:
    gp_set_mode(GP_HALT);
}
