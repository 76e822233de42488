/* configs/demo.c on a 3-CPU, 512 MiB machine with 'gpos' on two CPUs:
 * the RTOS partition on CPU 1, the general-purpose partition (Debian's
 * Linux in the Linux scenarios and the bench) on CPUs 0 and 2. Linux's
 * boot CPU starts the other with INIT-SIPI-SIPI through the hypervisor
 * (vmx/apic_ipi.c) and finds both in its ACPI MADT
 * (arch/x86/partition_acpi.c). Everything else is demo.c's. */
#define DEMO_NAME "linux-smp"
#define DEMO_CPU_COUNT 3
#define DEMO_GPOS_CPUS ((1u << 0) | (1u << 2))
/* Linux idles with sti;hlt and powers off through ACPI: trapping its idle
 * HLT would buy nothing but an exit per idle period. With dynamic ticks
 * its busy CPU kicks the idle one by IPI (a checked ICR exit) about every
 * 32 ms for load balancing; with nohz=off the idle CPU keeps its own tick,
 * which costs no exit (TSC-deadline and EOI pass through). The two go
 * together: with HLT exits on, every tick would exit. */
#define DEMO_GPOS_HLT_EXITS false
#define DEMO_GPOS_CMDLINE "console=com1 nohz=off"
#include "configs/demo.c"
