/* Tests for arch/x86/linux_boot.c and arch/x86/partition_acpi.c: a tiny
 * vmlinux-like ELF64 (a PT_LOAD at 16 MiB, a Xen "linux" note) is loaded
 * into fake guest RAM; boot_params, e820, command line, initrd, entry
 * state and the ACPI tables are checked field by field, and bad inputs
 * fail with a reason and without writing outside the RAM. */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "arch/x86/linux_boot.h"
#include "arch/x86/partition_acpi.h"
#include "unit.h"

#define RAM_SIZE MiB(64)
#define KERNEL_AT MiB(16)
#define IMG_SIZE 0x2000

static uint8_t *ram_buf;

static struct guest_ram make_ram(uint64_t size)
{
    free(ram_buf);
    ram_buf = calloc(1, size);
    return (struct guest_ram){.count = 1, .r = {{0, size, ram_buf}}};
}

static void put(uint8_t *p, size_t off, uint64_t v, unsigned n) { memcpy(p + off, &v, n); }
static uint64_t get(const uint8_t *p, size_t off, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p + off, n);
    return v;
}

/* ELF64: header, two program headers (PT_LOAD of 0x1000 bytes at 16 MiB
 * with 0x3000 of memory, PT_NOTE), the note, the loaded bytes. */
static void make_image(uint8_t *img, bool linux_note)
{
    memset(img, 0, IMG_SIZE);
    memcpy(img, "\177ELF", 4);
    img[4] = 2, img[5] = 1, img[6] = 1;
    put(img, 16, 2, 2), put(img, 18, 62, 2), put(img, 24, KERNEL_AT, 8), put(img, 32, 64, 8);
    put(img, 54, 56, 2), put(img, 56, 2, 2);
    uint8_t *ph = img + 64;
    put(ph, 0, 1, 4), put(ph, 8, 0x1000, 8), put(ph, 16, 0xFFFFFFFF81000000ull, 8), put(ph, 24, KERNEL_AT, 8);
    put(ph, 32, 0x1000, 8), put(ph, 40, 0x3000, 8);
    ph += 56;
    put(ph, 0, 4, 4), put(ph, 8, 0x200, 8), put(ph, 32, 24, 8);
    uint8_t *note = img + 0x200;
    put(note, 0, 4, 4), put(note, 4, 6, 4), put(note, 8, linux_note ? 6 : 5, 4);
    memcpy(note + 12, "Xen", 4), memcpy(note + 16, "linux", 6);
    memset(img + 0x1000, 0x90, 0x1000);
}

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

static const struct pacpi_board board = {.cpu_count = 1, .apic_ids = {0}, .has_ioapic = true, .ioapic_id = 2,
                                         .ioapic_addr = 0xFEC00000, .has_com1 = true};

TEST(linux_image_detected_by_its_note)
{
    static uint8_t img[IMG_SIZE];
    make_image(img, true);
    CHECK(linux_boot_is_linux(img, IMG_SIZE));
    make_image(img, false); /* another Xen note type */
    CHECK(!linux_boot_is_linux(img, IMG_SIZE));
    make_image(img, true);
    CHECK(!linux_boot_is_linux(img, 0x210)); /* note cut off */
    put(img + 64 + 56, 32, ~0ull, 8);        /* note length beyond the image */
    CHECK(!linux_boot_is_linux(img, IMG_SIZE));
    CHECK(!linux_boot_is_linux(NULL, 0));
}

TEST(linux_boot_params_e820_cmdline_initrd_entry)
{
    static uint8_t img[IMG_SIZE], initrd[0x3000];
    make_image(img, true);
    memset(initrd, 0xAB, sizeof initrd);
    struct guest_ram ram = make_ram(RAM_SIZE);
    struct guest_entry e;
    char err[160];
    CHECK_EQ(linux_boot_load(img, IMG_SIZE, &ram, &board, "console=ttyS0", initrd, sizeof initrd, &e, err, sizeof err),
             0);
    CHECK_EQ(e.mode, GUEST_ENTRY_LONG64);
    CHECK_EQ(e.rip, KERNEL_AT);
    CHECK_EQ(e.rsi, LINUX_BOOT_PARAMS);
    CHECK_EQ(e.code_sel, 0x10);
    CHECK_EQ(e.data_sel, 0x18);
    CHECK_EQ(e.cr3, LINUX_TABLES);
    CHECK_EQ(get(ram_buf, e.gdt_base + 0x10, 8), 0x00AF9B000000FFFFull);
    CHECK_EQ(ram_buf[KERNEL_AT], 0x90);
    CHECK_EQ(ram_buf[KERNEL_AT + 0x2FFF], 0); /* bss zeroed */
    const uint8_t *bp = ram_buf + LINUX_BOOT_PARAMS;
    CHECK_EQ(get(bp, 0x1FE, 2), 0xAA55);
    CHECK(memcmp(bp + 0x202, "HdrS", 4) == 0);
    CHECK_EQ(bp[0x210], 0xFF);
    CHECK_EQ(get(bp, 0x228, 4), LINUX_CMDLINE);
    CHECK_STR((const char *)ram_buf + LINUX_CMDLINE, "console=ttyS0");
    uint64_t rd = get(bp, 0x218, 4);
    CHECK_EQ(rd, RAM_SIZE - sizeof initrd); /* top of RAM, page aligned */
    CHECK_EQ(get(bp, 0x21C, 4), sizeof initrd);
    CHECK_EQ(ram_buf[rd], 0xAB);
    /* e820: [0,0x1000) RAM, boot area reserved, low RAM, hole, the rest. */
    CHECK_EQ(bp[0x1E8], 5);
    static const uint64_t want[5][3] = {{0, 0x1000, 1}, {0x1000, 0x9000, 2}, {0xA000, 0x96000, 1},
                                        {0xA0000, 0x60000, 2}, {0x100000, RAM_SIZE - 0x100000, 1}};
    for (int i = 0; i < 5; i++) {
        CHECK_EQ(get(bp, 0x2D0 + i * 20, 8), want[i][0]);
        CHECK_EQ(get(bp, 0x2D0 + i * 20 + 8, 8), want[i][1]);
        CHECK_EQ(get(bp, 0x2D0 + i * 20 + 16, 4), want[i][2]);
    }
    CHECK(get(bp, 0x070, 8) >= LINUX_ACPI && get(bp, 0x070, 8) < LINUX_ACPI + LINUX_ACPI_SIZE);
}

/* Finds table sig through RSDP -> XSDT; checks its checksum. */
static const uint8_t *find_table(const uint8_t *mem, uint64_t rsdp, const char *sig)
{
    const uint8_t *r = mem + rsdp;
    if (memcmp(r, "RSD PTR ", 8) || checksum(r, 20) || checksum(r, 36))
        return NULL;
    const uint8_t *x = mem + get(r, 24, 8);
    if (memcmp(x, "XSDT", 4) || checksum(x, get(x, 4, 4)))
        return NULL;
    for (uint64_t i = 36; i < get(x, 4, 4); i += 8) {
        const uint8_t *t = mem + get(x, i, 8);
        if (!memcmp(t, sig, 4))
            return checksum(t, get(t, 4, 4)) ? NULL : t;
    }
    return NULL;
}

TEST(partition_acpi_tables)
{
    static uint8_t mem[LINUX_ACPI + LINUX_ACPI_SIZE];
    struct pacpi_board b = board;
    b.cpu_count = 2, b.apic_ids[1] = 300; /* an x2APIC-sized id */
    uint64_t rsdp;
    int64_t used = pacpi_build(mem + LINUX_ACPI, LINUX_ACPI, LINUX_ACPI_SIZE, &b, &rsdp);
    CHECK(used > 0 && used <= LINUX_ACPI_SIZE);
    const uint8_t *fadt = find_table(mem, rsdp, "FACP"), *madt = find_table(mem, rsdp, "APIC");
    CHECK(fadt && madt);
    if (!fadt || !madt)
        return;
    CHECK_EQ(get(fadt, 4, 4), 276);
    CHECK(get(fadt, 112, 4) & (1u << 20)); /* hardware-reduced */
    CHECK(get(fadt, 109, 2) & (1u << 5));  /* no CMOS RTC */
    CHECK_EQ(get(fadt, 244 + 4, 8), PACPI_SLEEP_CONTROL_PORT);
    const uint8_t *dsdt = mem + get(fadt, 140, 8);
    CHECK(!memcmp(dsdt, "DSDT", 4) && !checksum(dsdt, get(dsdt, 4, 4)));
    CHECK(memmem(dsdt, get(dsdt, 4, 4), "_S5_", 4) != NULL);
    CHECK(memmem(dsdt, get(dsdt, 4, 4), "COM1", 4) != NULL);
    /* MADT: LAPIC id 0 (type 0), x2APIC id 300 (type 9), IOAPIC id 2. */
    CHECK_EQ(get(madt, 36, 4), 0xFEE00000u);
    CHECK_EQ(get(madt, 40, 4), 0); /* no 8259s */
    CHECK_EQ(madt[44], 0);
    CHECK_EQ(madt[47], 0);
    CHECK_EQ(madt[52], 9);
    CHECK_EQ(get(madt, 56, 4), 300);
    CHECK_EQ(madt[68], 1);
    CHECK_EQ(madt[70], 2);
    CHECK_EQ(get(madt, 72, 4), 0xFEC00000u);
    CHECK_EQ(get(madt, 4, 4), 80);
    CHECK(find_table(mem, rsdp, "MCFG") == NULL); /* no ECAM window */
    /* Bad boards and a buffer too small. */
    b.cpu_count = 0;
    CHECK(pacpi_build(mem, 0, LINUX_ACPI_SIZE, &b, &rsdp) < 0);
    b.cpu_count = 1;
    CHECK(pacpi_build(mem, 0, 100, &b, &rsdp) < 0);
}

TEST(linux_bad_inputs_fail_with_a_reason)
{
    static uint8_t img[IMG_SIZE], big[MiB(1)];
    make_image(img, true);
    struct guest_entry e;
    char err[160], line[LINUX_CMDLINE_MAX + 8];
    struct guest_ram ram = make_ram(MiB(17)); /* ends just past the kernel */
    CHECK(linux_boot_load(img, IMG_SIZE, &ram, &board, "", big, sizeof big, &e, err, sizeof err) < 0);
    CHECK(strstr(err, "initrd") != NULL);
    ram = make_ram(RAM_SIZE);
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    CHECK(linux_boot_load(img, IMG_SIZE, &ram, &board, line, NULL, 0, &e, err, sizeof err) < 0);
    CHECK(strstr(err, "command line") != NULL);
    ram = make_ram(MiB(8)); /* the kernel's 16 MiB is not there */
    CHECK(linux_boot_load(img, IMG_SIZE, &ram, &board, "", NULL, 0, &e, err, sizeof err) < 0);
    CHECK(strstr(err, "outside the partition's RAM") != NULL);
    ram = (struct guest_ram){.count = 1, .r = {{MiB(1), MiB(64), calloc(1, MiB(64))}}}; /* nothing low */
    CHECK(linux_boot_load(img, IMG_SIZE, &ram, &board, "", NULL, 0, &e, err, sizeof err) < 0);
    CHECK(strstr(err, "boot structures") != NULL);
    free(ram.r[0].host);
    CHECK(linux_boot_load(NULL, 0, &ram, &board, "", NULL, 0, &e, err, sizeof err) < 0);
}

/* An ECAM window: reserved in the e820 map (Linux uses an MCFG window
 * only where the firmware reserved it) and described by an MCFG. */
TEST(linux_ecam_window_reserved_and_in_mcfg)
{
    static uint8_t img[IMG_SIZE];
    make_image(img, true);
    struct guest_ram ram = make_ram(RAM_SIZE);
    struct pacpi_board b = board;
    b.pci_ecam = 0xB0000000;
    struct guest_entry e;
    char err[160];
    CHECK_EQ(linux_boot_load(img, IMG_SIZE, &ram, &b, "", NULL, 0, &e, err, sizeof err), 0);
    const uint8_t *bp = ram_buf + LINUX_BOOT_PARAMS;
    CHECK_EQ(bp[0x1E8], 6);
    CHECK_EQ(get(bp, 0x2D0 + 5 * 20, 8), 0xB0000000);
    CHECK_EQ(get(bp, 0x2D0 + 5 * 20 + 8, 8), 0x100000);
    CHECK_EQ(get(bp, 0x2D0 + 5 * 20 + 16, 4), 2); /* reserved */
    const uint8_t *mcfg = find_table(ram_buf, get(bp, 0x070, 8), "MCFG");
    CHECK(mcfg != NULL);
    if (mcfg)
        CHECK_EQ(get(mcfg, 44, 8), 0xB0000000);
}
