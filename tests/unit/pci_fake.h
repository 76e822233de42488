/* A fake machine for hv/pci_cfg.c's tests: PCI functions with a
 * configuration space of bytes, write masks and BARs that decode sizes as
 * hardware does, behind a pci_cfg_backend; refusals are captured. */
#ifndef TESTS_UNIT_PCI_FAKE_H
#define TESTS_UNIT_PCI_FAKE_H

#include "hv/pci_cfg.h"

#define FAKE_FNS 4
#define FAKE_MSGS 32

struct fake_fn {
    uint16_t bdf;
    bool present;
    uint8_t cfg[256];
    uint8_t wmask[256];          /* writable bits */
    uint32_t bar_size[6];        /* 0: not implemented */
    uint32_t bar_writes;         /* BAR writes that reached the function */
    uint32_t writes;             /* all writes */
    uint32_t ext_header;         /* extended register 0x100 (read_ext); the rest of 0x100-0xFFF reads 0 */
};

struct fake_machine {
    struct fake_fn fn[FAKE_FNS];
    uint32_t msg_count;
    char msg[FAKE_MSGS][200];
    struct pci_cfg_backend backend;
};

void fake_init(struct fake_machine *m);
/* Gives the backend read_ext (a machine with ECAM), answering from ext_header. */
void fake_with_ecam(struct fake_machine *m);
/* Adds a function with IDs, class_rev, and returns it for more set-up. */
struct fake_fn *fake_add(struct fake_machine *m, uint16_t bdf, uint32_t id, uint32_t class_rev);
void fake_bar(struct fake_fn *f, uint32_t i, uint32_t value, uint32_t size);
/* Adds a capability at offset at with id, linked at the end of the list;
 * its bytes from at+2 to at+len are writable. */
void fake_cap(struct fake_fn *f, uint8_t at, uint8_t id, uint32_t len);
uint32_t fake_get(const struct fake_fn *f, uint32_t reg, uint32_t size);
void fake_set(struct fake_fn *f, uint32_t reg, uint32_t size, uint32_t value);
/* The last refusal logged, "" if none. */
const char *fake_last_msg(const struct fake_machine *m);

#endif
