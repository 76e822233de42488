/* Loading a partition's kernel into its RAM (hv/loader.c), pure and
 * host-tested: guest memory is reached only through struct guest_ram.
 *
 * Kernels: multiboot-1 (Multiboot spec 0.6.96 §3.1: a.out-kludge header or
 * ELF32 segments; entry in 32-bit protected mode, paging off, EAX =
 * 0x2BADB002, EBX = the multiboot info) and ELF64 (x86-64 executables
 * without a multiboot header; entry in 64-bit mode with an identity map of
 * the first 4 GiB built by the loader, RAX = 0x2BADB002, RBX = the same
 * multiboot info). The multiboot info the guest gets lists only its own RAM
 * (the legacy 0xA0000-0xFFFFF hole is shown reserved), its command line,
 * its modules and the loader name "microhypervisor". */
#ifndef HV_LOADER_H
#define HV_LOADER_H

#include "hv/types.h"

#define GUEST_RAM_MAX_REGIONS 8
#define LOADER_MAX_MODULES 8

struct guest_ram_region {
    uint64_t guest; /* guest-physical base */
    uint64_t size;
    uint8_t *host;  /* where the hypervisor reaches it */
};

struct guest_ram {
    uint32_t count;
    struct guest_ram_region r[GUEST_RAM_MAX_REGIONS];
};

/* Host pointer for [gpa, gpa+len) when it lies inside one region, else
 * NULL. len 0 is treated as 1. */
void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa, uint64_t len);

enum guest_entry_mode {
    GUEST_ENTRY_PROTECTED32, /* multiboot-1 */
    GUEST_ENTRY_LONG64,      /* ELF64 */
};

struct guest_entry {
    enum guest_entry_mode mode;
    uint64_t rip;
    uint64_t rax, rbx, rsi;
    uint64_t cr3;      /* LONG64: guest-physical root of the identity map */
    uint64_t gdt_base; /* LONG64: the GDT holding code_sel and data_sel */
    uint16_t gdt_limit;
    uint16_t code_sel, data_sel; /* LONG64: 0x08/0x10, or Linux's 0x10/0x18 */
};

struct loader_module {
    const char *name;
    const void *data;
    uint64_t size;
    const char *args; /* the module string is "name args" */
};

/* Loads `image` (size bytes) into ram, with the guest's command line and
 * modules, and fills *entry. On error returns a negative E_* code and
 * writes a one-line reason into err (e.g. "segment [0x100000, 0x180000)
 * outside the partition's RAM", "no multiboot header or ELF64 image").
 * Nothing outside ram is ever written. */
int loader_load(const void *image, uint64_t size, const struct guest_ram *ram, const char *cmdline,
                const struct loader_module *mods, uint32_t nmods, struct guest_entry *entry, char *err,
                size_t errlen);

#endif
