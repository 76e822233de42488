/* Decoding the guest instruction that caused an MMIO exit (EPT violation
 * on a trapped page), so the hypervisor can emulate it (vmx/mmio_decode.c,
 * pure and host-tested). Only the moves compilers emit for volatile device
 * accesses are accepted; anything else is refused, never guessed. */
#ifndef VMX_MMIO_DECODE_H
#define VMX_MMIO_DECODE_H

#include "hv/types.h"

/* Guest general registers in the SDM encoding order (RAX=0 ... R15=15). */
enum gpr { GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
           GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15, GPR_COUNT };

struct mmio_insn {
    uint8_t length;    /* bytes, to advance RIP */
    bool write;        /* store to the device */
    uint8_t size;      /* access width: 1, 2, 4 or 8 */
    bool has_imm;      /* store of an immediate (C6/C7) */
    uint64_t imm;      /* sign-extended to size */
    uint8_t reg;       /* source (write) or destination (read) GPR */
    bool high_byte;    /* AH/CH/DH/BH (8-bit, no REX, reg 4-7) */
    bool zero_extend;  /* read into reg: MOVZX, or a 32-bit destination in 64-bit mode */
    uint8_t dest_size; /* read: width written to reg (MOVZX: 2 or 4/8) */
};

/* mode_bits: 16, 32 or 64 (the guest's code-segment default size; 64 when
 * CS.L in IA-32e mode). Accepted: MOV 88/89/8A/8B, MOV imm C6/C7 (/0),
 * MOVZX 0F B6/B7, MOV moffs A0/A1 (read into AL/eAX) and A2/A3 (store of
 * AL/eAX; the offset is 2, 4 or 8 bytes as the address size), with
 * prefixes 66, 67, REX (40-4F) and segment overrides, any ModRM memory
 * form (SIB, displacements, RIP-relative). Returns 0, or
 * -E_INVAL for a register-only ModRM, an unknown opcode or truncated bytes
 * (avail counts the bytes readable at RIP). */
int mmio_decode(const uint8_t *bytes, size_t avail, unsigned mode_bits, struct mmio_insn *out);

#endif
