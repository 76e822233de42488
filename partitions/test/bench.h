/* bench=cpuid / bench=vmcall: cost of one exit, in TSC ticks. */
#ifndef TESTPART_BENCH_H
#define TESTPART_BENCH_H

void bench_cpuid(void);
void bench_vmcall(void);

#endif
