/* bench=cpuid / bench=vmcall: cost of one exit, in TSC ticks. */
#ifndef TESTPART_BENCH_H
#define TESTPART_BENCH_H

void bench_cpuid(void);
void bench_vmcall(void);

struct options;
/* bench=devices: emul_uart_out_ticks, pci_cfg_read_ticks, unowned_port_ticks. */
void bench_devices(const struct options *o);

#endif
