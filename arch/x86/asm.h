/* Constants shared by assembly and C (Intel SDM Vol. 3A 2.5, 4.5). */
#ifndef ARCH_X86_ASM_H
#define ARCH_X86_ASM_H

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_VMXE (1 << 13)

#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define PTE_P (1 << 0)
#define PTE_W (1 << 1)
#define PTE_PS (1 << 7)

/* Segment selectors of the boot GDT and of the per-CPU GDT (same values). */
#define BOOT_CS64 0x08
#define BOOT_DS 0x10

#define BOOT_STACK_SIZE 16384

/* AP start-up: the real-mode trampoline is copied to this page and its
 * parameters to the next one (SIPI vector = page number, SDM 10.4.4.1). */
#define AP_TRAMPOLINE_PA 0x8000
#define AP_PARAMS_PA 0x9000
#define AP_PARAM_CR3 0x00   /* u32 */
#define AP_PARAM_STACK 0x08 /* u64 */
#define AP_PARAM_ENTRY 0x10 /* u64: void (*)(void) in 64-bit code */
#define AP_PARAM_EFER 0x18  /* u32: EFER low bits to set (LME, NXE) */

#endif
