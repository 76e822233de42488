/* Booting an unmodified Linux kernel (the uncompressed vmlinux ELF) in a
 * partition through the Linux x86 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"; field offsets
 * from "The Real-Mode Kernel Header" and "Zero Page"). Pure and
 * host-tested (tests/unit/test_linux_boot.c).
 *
 * Guest-physical layout:
 *   0x1000  boot_params (the zero page) with the e820 map
 *   0x2000  kernel command line (up to LINUX_CMDLINE_MAX bytes)
 *   0x3000  page tables identity-mapping 0-4 GiB and the GDT (__BOOT_CS
 *           0x10, __BOOT_DS 0x18), 7 pages
 *   0xE0000 the partition's ACPI tables (arch/x86/partition_acpi.h)
 *   kernel  at its p_paddr (16 MiB for Debian's kernels)
 *   initrd  page aligned at the top of the RAM below 2 GiB
 * The e820 map shows [0x1000, 0xA000) and the legacy hole 0xA0000-0xFFFFF
 * reserved, the rest of its RAM usable. */
#ifndef ARCH_X86_LINUX_BOOT_H
#define ARCH_X86_LINUX_BOOT_H

#include "arch/x86/partition_acpi.h"
#include "hv/loader.h"

#define LINUX_BOOT_PARAMS 0x1000u
#define LINUX_CMDLINE 0x2000u
#define LINUX_CMDLINE_MAX 2048u
#define LINUX_TABLES 0x3000u
#define LINUX_ACPI 0xE0000u
#define LINUX_ACPI_SIZE 0x2000u

/* True for an x86-64 ELF that is a Linux kernel: its notes name the
 * guest OS "linux" (Xen note 6, XEN_ELFNOTE_GUEST_OS) or come from owner
 * "Linux". */
bool linux_boot_is_linux(const void *image, uint64_t size);

/* Loads the vmlinux image, the initrd (NULL/0 for none) and the boot
 * structures into ram and fills *entry (64-bit mode, RSI = boot_params).
 * Returns 0, or a negative E_* with a one-line reason in err. Nothing
 * outside ram is written. */
int linux_boot_load(const void *image, uint64_t size, const struct guest_ram *ram, const struct pacpi_board *board,
                    const char *cmdline, const void *initrd, uint64_t initrd_size, struct guest_entry *entry,
                    char *err, size_t errlen);

#endif
