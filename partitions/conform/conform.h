/* The conformance kernel's API (partitions/conform/README.md): what each
 * probe file uses to print its facts and to survive the exceptions its
 * probing raises. Every fact is one line "CONF <key> <value>" on the
 * console; scenario 97 compares the lines of a bare boot with those of a
 * boot in a partition, so values must be deterministic: "ok", "#GP",
 * "fired", counts of things, never raw TSC readings or addresses that
 * differ between the two. Each probe file owns its keys' prefix. */
#ifndef CONFORM_H
#define CONFORM_H

#include <stdint.h>

/* Prints "CONF key value", value formatted as by say() (%d %u %x %c %s,
 * width, 0 flag, l/ll). Callable on any CPU. */
void conf(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* RDMSR / WRMSR that survive a refusal: 0, or the vector of the exception
 * the instruction raised (13 = #GP); *value is left alone then. */
int conf_rdmsr(uint32_t msr, uint64_t *value);
int conf_wrmsr(uint32_t msr, uint64_t value);

/* For conf_rdmsr/conf_wrmsr results: "ok" for 0 (and -1), "#GP",
 * "#UD", ... for an exception vector, "v<N>" for other vectors. */
const char *conf_fault_name(int vector);
/* For conf_try results: "ok" for -1, "#DE" for 0, else as above. */
const char *conf_try_name(int result);

struct conf_cpuid {
    uint32_t eax, ebx, ecx, edx;
};
struct conf_cpuid conf_cpuid(uint32_t leaf, uint32_t subleaf);

uint64_t conf_rdtsc(void);

/* Runs fn(arg) on the boot CPU. Returns -1 if it returned normally, or
 * the vector of the first exception (0-31) it raised: fn is abandoned at
 * that point (registers and stack are back as at the call, like longjmp),
 * so fn must leave nothing half-done that matters. Nests. Interrupt
 * handlers installed with conf_set_handler are not affected. */
int conf_try(void (*fn)(void *), void *arg);

/* Installs fn for interrupt vector 32..255 (NULL removes it); the
 * kernel's IDT entry calls it with interrupts masked. Sending EOI is
 * the handler's job. A vector without a handler prints
 * "CONF unexpected.vector.<N> fired" once. */
void conf_set_handler(unsigned vector, void (*fn)(void));

/* One probe group per file, each called once by main on the boot CPU, in
 * this order. */
void probe_cpu_features(void); /* probe_cpu_features.c */
void probe_pmu(void);          /* probe_pmu.c */
void probe_xapic(void);        /* probe_xapic.c */
void probe_tsc(void);          /* probe_tsc.c */
void probe_exceptions(void);   /* probe_exceptions.c */
void probe_smp(void);          /* probe_smp.c */
void probe_pci(void);          /* probe_pci.c */
void probe_rtc(void);          /* probe_rtc.c */
void probe_realmode(void);     /* probe_realmode.c */

#endif
