/* The machine's PCI functions given to partitions, at boot: each one is
 * found, its BARs probed and made the partition's (I/O BARs in its I/O
 * bitmap, memory BARs in its EPT, uncached, guest == host), its INTx line
 * checked, and its partition's configuration space (hv/pci_cfg.h) filled.
 * A function missing or a check failing stops that partition from
 * starting, with the reason logged; the others still start. */
#ifndef HV_PCI_ASSIGN_H
#define HV_PCI_ASSIGN_H

#include "hv/partition.h"
#include "hv/pci_cfg.h"

#define PCI_MAX_IO_BARS (CFG_MAX_PCI * PCI_CFG_BARS)

/* Boot CPU, in partitions_setup before build_tables: probes and checks
 * the functions of p's config and fills its configuration space. */
bool pci_assign_partition(struct partition *p, char *err, size_t errlen);

/* Its static ports and its functions' I/O BARs, for its I/O bitmap:
 * returns the count written to io (at most CFG_MAX_IO + PCI_MAX_IO_BARS). */
uint32_t pci_partition_io(const struct partition *p, struct cfg_io *io);

/* Maps its functions' memory BARs into its EPT (after ept_build). */
bool pci_map_bars(struct partition *p, char *err, size_t errlen);

/* Whether port is in one of p's functions' I/O BARs. */
bool pci_owns_port(const struct partition *p, uint16_t port);

/* What p's ACPI tables show of its functions (arch/x86/partition_acpi.h):
 * a host bridge when it has any, and the INTx wires to its own pins. */
struct pacpi_board;
void pci_describe_board(const struct partition *p, struct pacpi_board *b);

/* The configuration space its CPUs see (vmx/exit_io.c). */
struct pci_cfg_space *pci_space_of(const struct partition *p);

#endif
