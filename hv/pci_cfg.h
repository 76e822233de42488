/* A partition's PCI configuration space, as its CPUs reach it through
 * configuration mechanism #1 (PCI Local Bus Specification 3.0, 3.2.2.3.2):
 * CONFIG_ADDRESS at port 0xCF8 (dword accesses only) selects bus, device,
 * function and register; CONFIG_DATA at 0xCFC-0xCFF reads or writes it.
 * No port of the pair is ever given to a partition (hv/config_check.c):
 * each partition has its own, emulated by the hypervisor (vmx/exit_io.c).
 *
 * What a partition sees on bus 0: an emulated host bridge at 00:00.0
 * (its identity only: writes to its header change nothing, unlogged, as
 * kernels size its BARs; writes to its chipset registers are refused and
 * logged) and the machine's functions its config assigns (cfg_pci), each
 * at its guest address; every other function is absent (all ones, writes
 * refused and logged). A function's registers are the real ones, read and written
 * through a backend (the machine's mechanism #1, drivers/pci_conf1.h; a
 * fake device in tests/unit/test_pci_cfg.c), except:
 *  - BARs stay where the firmware put them: a sizing probe (all ones
 *    written, then read) is answered from the sizes probed at boot with
 *    decode off, restoring the value ends it, any other value is refused
 *    and logged; the expansion ROM BAR reads 0;
 *  - Command: I/O and memory decode and INTx disable pass; Bus Master
 *    Enable only for a partition trusted with DMA (cfg_dma);
 *  - an IDE controller (class 01:01) without DMA hides its bus-master
 *    BAR4 and prog-if bit 7, so drivers use PIO;
 *  - an IDE controller in compatibility mode may be shown in native
 *    mode (pci_ide_show_native): its channel's fixed ports as BARs, its
 *    ISA IRQ as INTA;
 *  - Interrupt Line is the partition's own scratch byte;
 *  - MSI: address and data must be a fixed, physical, edge message to
 *    one of the partition's CPUs, and MSI is enabled only with such a
 *    message programmed; without DMA the MSI capability is unlinked
 *    from the list and refuses writes (a message is a memory write: with
 *    Bus Master Enable refused the function could never send one, and a
 *    driver that enabled it would wait for interrupts forever); the
 *    MSI-X capability is always unlinked and refuses writes (its table
 *    lives in a BAR page that is not mediated); both start disabled;
 *  - the header type's multi-function bit says whether the partition has
 *    another function at that device.
 * Registers 0x40-0xFF outside MSI and MSI-X pass through (drivers keep
 * device-specific timing registers there). A partition whose config has
 * an ECAM window (cfg_partition.pci_ecam) reaches the same space there
 * too, with extended registers (pci_cfg_ecam_read, below). Pure: also
 * compiled into the host unit test. */
#ifndef HV_PCI_CFG_H
#define HV_PCI_CFG_H

#include "hv/config.h"
#include "hv/spinlock.h"
#include "hv/types.h"

#define PCI_CFG_ADDRESS_PORT 0xCF8
#define PCI_CFG_DATA_PORT 0xCFC

#define PCI_CFG_BARS 6
#define PCI_CFG_MAX_CPUS 16
#define PCI_CFG_LOG_LIMIT 16 /* refusals logged per partition */
#define PCI_HIDDEN_CAPS 2    /* MSI-X, and MSI without DMA */

/* Registers of a type 0 header (PCI Local Bus 3.0, 6.1). */
#define PCI_REG_ID 0x00
#define PCI_REG_COMMAND 0x04
#define PCI_REG_STATUS 0x06
#define PCI_REG_CLASS_REV 0x08
#define PCI_REG_HEADER 0x0C /* cache line, latency, header type, BIST */
#define PCI_REG_BAR0 0x10
#define PCI_REG_SUBSYSTEM 0x2C
#define PCI_REG_ROM 0x30
#define PCI_REG_CAP_PTR 0x34
#define PCI_REG_INTERRUPT 0x3C /* line, pin, min_gnt, max_lat */
#define PCI_CMD_IO 0x0001
#define PCI_CMD_MEMORY 0x0002
#define PCI_CMD_BUS_MASTER 0x0004
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST 0x0010
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_CAP_MSI 0x05
#define PCI_CAP_MSIX 0x11

/* How the space reaches the machine and the log. read and write take a
 * machine BDF (PCI_BDF layout), a register 0-0xFF and a naturally aligned
 * size 1, 2 or 4; refused gets one line (without the partition's name).
 * read_ext, optional, reads extended registers 0x100-0xFFF the same way
 * (the machine's ECAM); without it they read 0. */
struct pci_cfg_backend {
    uint32_t (*read)(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size);
    void (*write)(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size, uint32_t value);
    void (*refused)(void *ctx, const char *msg);
    void *ctx;
    uint32_t (*read_ext)(void *ctx, uint16_t bdf, uint32_t reg, uint32_t size);
};

/* A BAR as decoded at boot. */
enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64 };
struct pci_bar {
    enum pci_bar_kind kind;
    bool hidden; /* a DMA engine's registers, hidden without DMA */
    uint64_t base, size;
    bool legacy; /* an IDE channel's fixed ports shown as a BAR: the partition's by its config already */
};

/* A machine function as one partition sees it. */
struct pci_vfunc {
    uint16_t host, guest;          /* PCI_BDF on the machine and in the partition */
    uint32_t id, class_rev;        /* registers 0x00 and 0x08, as the machine has them */
    uint8_t header;                /* header type as the partition sees it */
    uint8_t interrupt_pin, line;   /* line: the partition's scratch copy */
    bool ide_pio;                  /* IDE without DMA: BAR4 and prog-if bit 7 hidden */
    uint8_t prog_if_native;        /* IDE: channels shown in native mode (prog-if bits 0 and 2) */
    uint8_t bar_legacy;            /* bit i: BAR i shows an IDE channel's fixed ports (pci_ide_show_native) */
    uint32_t bar[PCI_CFG_BARS];    /* values at boot (0 where hidden) */
    uint32_t probe[PCI_CFG_BARS];  /* what all ones read back at boot (0: none or hidden) */
    uint8_t bar_upper;             /* bit i: dword i is the upper half of a 64-bit BAR */
    uint8_t sizing;                /* bit i: all ones written, the probe answers reads */
    uint8_t msi, msix;             /* capability offsets, 0 if none */
    bool msi_hidden;               /* no DMA: MSI (a memory write) cannot be sent, so it is not shown */
    uint8_t cap_link[PCI_HIDDEN_CAPS]; /* registers holding a pointer to a hidden capability (0: none) */
    uint8_t cap_next[PCI_HIDDEN_CAPS]; /* what each reads instead: the next capability shown */
};

struct pci_cfg_space {
    uint32_t config_address; /* the last dword written to CONFIG_ADDRESS; 0 at reset */
    spinlock_t lock;         /* its CPUs' data accesses (sizing state, refusal count) */
    const struct pci_cfg_backend *backend;
    bool dma;                /* cfg_dma trusted: Bus Master Enable passes */
    bool bus_master_logged;
    uint32_t refusals;       /* logged so far, up to PCI_CFG_LOG_LIMIT */
    uint32_t apic_count;
    uint32_t apic_ids[PCI_CFG_MAX_CPUS]; /* its CPUs: MSI destinations */
    uint32_t bridge_id, bridge_class_rev, bridge_subsystem; /* the emulated 00:00.0 */
    uint32_t fn_count;
    struct pci_vfunc fn[CFG_MAX_PCI];
};

/* Sets up a space with no function yet: its host bridge copies the
 * identity of the machine's 00:00.0 when that is a host bridge (class
 * 06:00), else an Intel 440FX's. A space left zero-filled (no backend)
 * is an empty bus without even a host bridge. */
void pci_cfg_init(struct pci_cfg_space *s, const struct pci_cfg_backend *b, bool dma, const uint32_t *apic_ids,
                  uint32_t apic_count);

/* Adds the machine's function host as guest, at boot: checks it is there
 * with a type 0 header, probes its BARs' sizes with decode off, clears
 * Bus Master Enable when the partition has no DMA, and finds its MSI and
 * MSI-X capabilities. False with why filled when the function cannot be
 * given (absent, a bridge, too many, guest address taken). */
bool pci_cfg_add_function(struct pci_cfg_space *s, uint16_t host, uint16_t guest, char *why, size_t whylen);

/* BAR i of f as probed (an upper half of a 64-bit BAR, an absent or a
 * hidden one: kind NONE, or hidden set). */
struct pci_bar pci_vfunc_bar(const struct pci_vfunc *f, uint32_t i);

/* An IDE channel in compatibility mode (PCI IDE Controller Specification
 * 1.0, 2.1): its command block (8 ports), its device control / alternate
 * status port, its ISA IRQ. */
#define PCI_IDE_CHANNELS 2
struct pci_ide_legacy {
    uint16_t command, control;
    uint8_t irq;
};
extern const struct pci_ide_legacy pci_ide_legacy[PCI_IDE_CHANNELS]; /* primary, secondary */

/* Whether f is an IDE controller with both channels in compatibility
 * mode (programming interface bits 0 and 2 clear), as the PIIX's are. */
bool pci_ide_is_compat(const struct pci_vfunc *f);

/* Shows f (pci_ide_is_compat) with both channels in native mode
 * (programming interface 0x05, not switchable): channel (0 primary, 1
 * secondary, -1 neither) at its fixed ports as BARs 2*channel (command
 * block, 8 ports) and 2*channel+1 (control block, 4 ports: the control
 * port is its +2), sized and immovable like the other BARs; the other
 * channel's BARs read 0 (no resources: drivers leave it alone); INTA on
 * Interrupt Line = the channel's ISA IRQ. Why: an OS without legacy
 * interrupts (hardware-reduced ACPI) cannot take a compatibility-mode
 * channel's ISA IRQ, but takes a native channel's INTx through its
 * Interrupt Line. The device is not touched: only the view changes. */
void pci_ide_show_native(struct pci_vfunc *f, int channel);

/* True when an access of size bytes (1, 2 or 4) at port is the
 * configuration mechanism's: a dword at CONFIG_ADDRESS, any size in
 * CONFIG_DATA. A byte or word at 0xCF8-0xCFB is an ordinary I/O cycle,
 * as on a real host bridge (the spec; i440FX), which reaches no device:
 * so a probe for configuration mechanism #2 (byte accesses at 0xCF8 and
 * 0xCFA) finds none. */
bool pci_cfg_handles(uint16_t port, uint32_t size);

/* An IN of size bytes at a port pci_cfg_handles() accepts: the value,
 * zero-extended (the caller merges it into RAX as IN does). */
uint32_t pci_cfg_read(struct pci_cfg_space *s, uint16_t port, uint32_t size);

/* An OUT of size bytes of value at a port pci_cfg_handles() accepts. */
void pci_cfg_write(struct pci_cfg_space *s, uint16_t port, uint32_t size, uint32_t value);

/* ECAM (PCI Express Base 7.2.2), a partition's window for bus 0
 * (cfg_partition.pci_ecam): offset = device << 15 | function << 12 |
 * register, below PCI_ECAM_BUS_BYTES. Registers 0x00-0xFF get exactly
 * the mediation of mechanism #1 above. A configuration request is at
 * most a naturally aligned dword (7.2.2: accesses must not cross a
 * DWORD boundary), so an 8-byte or misaligned access reads all ones and
 * a write is refused and logged. Extended registers 0x100-0xFFF: the
 * host bridge's read 0, a function's come from the machine where the
 * backend has read_ext (else 0: no extended capabilities, as a
 * conventional PCI function shows), and writes there are refused and
 * logged (extended capabilities such as SR-IOV and Resizable BAR would
 * add or move BARs). A space without functions is an empty bus here too. */
#define PCI_ECAM_BUS_BYTES 0x100000u
#define PCI_ECAM_REGS 0x1000u

/* A read of size bytes (1, 2, 4 or 8) at offset: zero-extended. */
uint64_t pci_cfg_ecam_read(struct pci_cfg_space *s, uint32_t offset, uint32_t size);

/* A write of size bytes of value at offset. */
void pci_cfg_ecam_write(struct pci_cfg_space *s, uint32_t offset, uint32_t size, uint64_t value);

/* Whether an MSI address and data are a message the partition may send:
 * NULL, or why not. Pure rule (MSI format: Intel SDM Vol. 3A 11.11). */
const char *pci_msi_check(const struct pci_cfg_space *s, uint64_t address, uint32_t data);

#endif
