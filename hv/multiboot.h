/* Multiboot-1 boot information (hv/multiboot.c), pure and host-tested.
 * The loader's structures hold 32-bit physical addresses; the parser reads
 * them through a caller-supplied mapping so host tests can feed it buffers. */
#ifndef HV_MULTIBOOT_H
#define HV_MULTIBOOT_H

#include "hv/types.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

#define BOOT_MAX_MMAP 64
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 512
#define BOOT_NAME_MAX 64
#define BOOT_ARGS_MAX 256

/* Memory map entry types, as in the multiboot / e820 map. */
#define MEM_USABLE 1
#define MEM_RESERVED 2
#define MEM_ACPI_RECLAIM 3
#define MEM_ACPI_NVS 4
#define MEM_BAD 5

struct mem_range {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

struct boot_module {
    uint64_t start; /* physical, inclusive */
    uint64_t end;   /* physical, exclusive */
    /* The module string is "NAME ARGS" or "PATH/NAME ARGS" (QEMU keeps the
     * path): name is the basename of the first word, args the rest. */
    char name[BOOT_NAME_MAX];
    char args[BOOT_ARGS_MAX];
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader_name[BOOT_NAME_MAX];
    uint32_t mmap_count;
    struct mem_range mmap[BOOT_MAX_MMAP];
    uint32_t module_count;
    struct boot_module modules[BOOT_MAX_MODULES];
    uint64_t mem_lower_kb, mem_upper_kb; /* when the loader gave them */
};

/* Maps [pa, pa+len) of loader memory for reading; returns NULL when the
 * range is not accessible (the parser then fails with -E_RANGE). */
typedef const void *(*phys_reader_fn)(uint64_t pa, size_t len);

/* Fills *out from the multiboot-1 info at mbi_pa. Fails with -E_INVAL on a
 * wrong magic or malformed info, -E_RANGE on unreadable pointers. Too many
 * map entries or modules are an error (-E_NOMEM), never silently dropped.
 * Overlong strings are truncated (terminated). */
int multiboot_parse(uint32_t magic, uint64_t mbi_pa, phys_reader_fn read, struct boot_info *out);

/* Sum of MEM_USABLE lengths. */
uint64_t boot_usable_bytes(const struct boot_info *bi);

const char *mem_type_name(uint32_t type);

#endif
