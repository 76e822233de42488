/* Decoder for the guest moves that touch emulated MMIO (vmx/mmio_decode.h).
 * Intel SDM Vol. 2A chapter 2 (instruction format: prefixes 2.1.1, REX
 * 2.2.1, ModRM/SIB tables 2-1 to 2-3) and the MOV/MOVZX pages of Vol. 2B.
 *
 * The guest-physical address comes from the EPT violation exit, so the
 * effective address is never computed: ModRM, SIB, displacement and the
 * moffs of A0-A3 are only measured to find the immediate and the
 * instruction length. Anything not listed in the header (LOCK, REP, other
 * opcodes, register operands, a REX that is not directly before the
 * opcode) is refused.
 *
 * For reads, dest_size is the number of register bytes the CPU writes
 * (zero_extend: the loaded value zero-extended to that width); the other
 * bytes of the register keep their value. Stores leave dest_size 0. */
#include "vmx/mmio_decode.h"

/* SDM 2A 2.3.11: an instruction is at most 15 bytes. */
#define MAX_INSN_LEN 15

struct cursor {
    const uint8_t *b;
    size_t avail;
    size_t pos;
};

struct prefixes {
    bool opsize; /* 66 */
    bool adsize; /* 67 */
    uint8_t rex; /* 0 when absent */
};

#define REX_W 8u
#define REX_R 4u

static bool next(struct cursor *c, uint8_t *v)
{
    if (c->pos >= c->avail || c->pos >= MAX_INSN_LEN)
        return false;
    *v = c->b[c->pos++];
    return true;
}

/* Skips n bytes (displacement), failing when they are not all there. */
static bool skip(struct cursor *c, size_t n)
{
    if (n > c->avail - c->pos || c->pos + n > MAX_INSN_LEN)
        return false;
    c->pos += n;
    return true;
}

/* Little-endian n-byte immediate, sign-extended to 64 bits. */
static bool read_imm(struct cursor *c, size_t n, int64_t *v)
{
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b;
        if (!next(c, &b))
            return false;
        x |= (uint64_t)b << (8 * i);
    }
    unsigned shift = (unsigned)(64 - 8 * n);
    *v = (int64_t)(x << shift) >> shift;
    return true;
}

static bool is_segment_override(uint8_t b)
{
    return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/* Legacy prefixes, then REX in 64-bit mode; leaves *op at the first opcode
 * byte. LOCK (F0) and REP (F2/F3) are refused: they make no sense on the
 * accepted moves (LOCK MOV is #UD). */
static int parse_prefixes(struct cursor *c, unsigned mode, struct prefixes *p, uint8_t *op)
{
    for (;;) {
        if (!next(c, op))
            return -E_INVAL;
        if (*op == 0x66)
            p->opsize = true;
        else if (*op == 0x67)
            p->adsize = true;
        else if (!is_segment_override(*op))
            break;
    }
    if (mode == 64 && (*op & 0xf0) == 0x40) {
        p->rex = *op;
        if (!next(c, op))
            return -E_INVAL;
        /* A REX followed by another prefix is ignored by the CPU (SDM 2A
         * 2.2.1); compilers never emit that, so refuse it. */
        if ((*op & 0xf0) == 0x40 || *op == 0x66 || *op == 0x67 || is_segment_override(*op))
            return -E_INVAL;
    }
    return E_OK;
}

/* Effective operand size for the non-byte forms (SDM 2A 2.2.1.2 and
 * Vol. 1 3.6): REX.W gives 8; otherwise 66 toggles the default (2 in
 * 16-bit code, else 4). */
static uint8_t operand_size(unsigned mode, const struct prefixes *p)
{
    if (p->rex & REX_W)
        return 8;
    if (mode == 16)
        return p->opsize ? 4 : 2;
    return p->opsize ? 2 : 4;
}

/* Address size in bytes (SDM 2A 2.2.1.3, Vol. 1 3.6): 67 toggles the
 * default; in 64-bit code it gives 32-bit addressing (there is no 16-bit
 * addressing there). */
static uint8_t address_size(unsigned mode, const struct prefixes *p)
{
    if (mode == 64)
        return p->adsize ? 4 : 8;
    if (mode == 32)
        return p->adsize ? 2 : 4;
    return p->adsize ? 4 : 2;
}

/* 16-bit addressing (SDM 2A Table 2-1): mod 00 rm 110 is disp16; mod 01
 * adds disp8, mod 10 disp16; no SIB. */
static bool skip_modrm16(struct cursor *c, unsigned mod, unsigned rm)
{
    if (mod == 0)
        return rm == 6 ? skip(c, 2) : true;
    return skip(c, mod == 1 ? 1 : 2);
}

/* 32/64-bit addressing (SDM 2A Tables 2-2, 2-3): rm 100 brings a SIB whose
 * base 101 under mod 00 means disp32 without base; mod 00 rm 101 is disp32
 * (RIP-relative in 64-bit mode, SDM 2A 2.2.1.6). */
static bool skip_modrm32(struct cursor *c, unsigned mod, unsigned rm)
{
    uint8_t sib = 0;
    if (rm == 4 && !next(c, &sib))
        return false;
    if (mod == 0) {
        if (rm == 5 || (rm == 4 && (sib & 7) == 5))
            return skip(c, 4);
        return true;
    }
    return skip(c, mod == 1 ? 1 : 4);
}

/* Reads ModRM and the memory operand after it; returns the reg field
 * (without REX.R). A register operand (mod 11) is refused. */
static int parse_modrm(struct cursor *c, unsigned mode, const struct prefixes *p, unsigned *reg)
{
    uint8_t modrm;
    if (!next(c, &modrm))
        return -E_INVAL;
    unsigned mod = modrm >> 6, rm = modrm & 7;
    *reg = (modrm >> 3) & 7;
    if (mod == 3)
        return -E_INVAL;
    /* 32-bit addressing (67 in 64-bit code) is encoded like 64-bit. */
    bool addr16 = address_size(mode, p) == 2;
    bool ok = addr16 ? skip_modrm16(c, mod, rm) : skip_modrm32(c, mod, rm);
    return ok ? E_OK : -E_INVAL;
}

/* Opcode map entries accepted here. */
enum kind { K_NONE, K_STORE, K_LOAD, K_STORE_IMM, K_MOVZX };

struct opcode {
    enum kind kind;
    bool byte;      /* 8-bit memory operand */
    uint8_t mem_sz; /* MOVZX: source width */
    bool moffs;     /* A0-A3: no ModRM, an absolute offset, register AL/eAX */
};

static int parse_opcode(struct cursor *c, uint8_t op, struct opcode *o)
{
    *o = (struct opcode){.kind = K_NONE};
    switch (op) {
    case 0x88: case 0x89: /* MOV r/m, r */
        *o = (struct opcode){K_STORE, op == 0x88, 0, false};
        return E_OK;
    case 0x8a: case 0x8b: /* MOV r, r/m */
        *o = (struct opcode){K_LOAD, op == 0x8a, 0, false};
        return E_OK;
    case 0xc6: case 0xc7: /* MOV r/m, imm (/0) */
        *o = (struct opcode){K_STORE_IMM, op == 0xc6, 0, false};
        return E_OK;
    case 0xa0: case 0xa1: /* MOV AL/eAX, moffs */
        *o = (struct opcode){K_LOAD, op == 0xa0, 0, true};
        return E_OK;
    case 0xa2: case 0xa3: /* MOV moffs, AL/eAX */
        *o = (struct opcode){K_STORE, op == 0xa2, 0, true};
        return E_OK;
    case 0x0f:
        if (!next(c, &op) || (op != 0xb6 && op != 0xb7))
            return -E_INVAL;
        *o = (struct opcode){K_MOVZX, false, op == 0xb6 ? 1 : 2, false};
        return E_OK;
    default:
        return -E_INVAL;
    }
}

/* Immediate of C6/C7: imm8, imm16 or imm32 (sign-extended to 64 bits
 * with REX.W, SDM 2B MOV), kept to the access width. */
static bool parse_imm(struct cursor *c, struct mmio_insn *out)
{
    int64_t v;
    if (!read_imm(c, out->size == 8 ? 4 : out->size, &v))
        return false;
    out->has_imm = true;
    out->imm = out->size == 8 ? (uint64_t)v : (uint64_t)v & ((1ull << (8 * out->size)) - 1);
    return true;
}

/* Bytes of the destination register a read writes: in 64-bit mode a
 * 32-bit destination is zero-extended to all 64 bits (SDM 1 3.4.1.1), so
 * it writes 8; 8- and 16-bit destinations keep the register's other bits. */
static uint8_t written_size(unsigned mode, uint8_t size)
{
    return mode == 64 && size == 4 ? 8 : size;
}

/* Fills the register side of out from the opcode kind. */
static int fill(struct cursor *c, unsigned mode, const struct prefixes *p, const struct opcode *o,
                unsigned reg, struct mmio_insn *out)
{
    uint8_t vsize = operand_size(mode, p);
    out->size = o->kind == K_MOVZX ? o->mem_sz : o->byte ? 1 : vsize;
    /* A0-A3 always name AL/eAX: without a ModRM there is nothing for
     * REX.R (or REX.B) to extend. */
    out->reg = o->moffs ? GPR_RAX : (uint8_t)(reg | ((p->rex & REX_R) ? 8 : 0));
    /* AH/CH/DH/BH are encodable only without REX (SDM 2A 2.2.1.2). */
    out->high_byte = o->byte && !p->rex && reg >= 4 && o->kind != K_STORE_IMM && !o->moffs;
    switch (o->kind) {
    case K_STORE:
        out->write = true;
        return E_OK;
    case K_STORE_IMM:
        out->write = true;
        out->reg = 0;
        if (reg != 0) /* C6/C7 /1-/7 are not MOV */
            return -E_INVAL;
        return parse_imm(c, out) ? E_OK : -E_INVAL;
    case K_LOAD:
        out->dest_size = written_size(mode, out->size);
        out->zero_extend = out->dest_size > out->size;
        return E_OK;
    case K_MOVZX:
        out->dest_size = written_size(mode, vsize);
        out->zero_extend = true;
        return E_OK;
    default:
        return -E_INVAL;
    }
}

int mmio_decode(const uint8_t *bytes, size_t avail, unsigned mode_bits, struct mmio_insn *out)
{
    struct cursor c = {.b = bytes, .avail = avail, .pos = 0};
    struct prefixes p = {0};
    struct opcode o;
    struct mmio_insn insn = {0};
    unsigned reg;
    uint8_t op;
    int err;

    if (!bytes || !out || (mode_bits != 16 && mode_bits != 32 && mode_bits != 64))
        return -E_INVAL;
    err = parse_prefixes(&c, mode_bits, &p, &op);
    if (!err)
        err = parse_opcode(&c, op, &o);
    if (!err && o.moffs) {
        /* The offset is as wide as the address size (SDM 2B MOV, note on
         * moffs): 8 bytes in 64-bit code, 4 with 67 there. */
        reg = GPR_RAX;
        err = skip(&c, address_size(mode_bits, &p)) ? E_OK : -E_INVAL;
    } else if (!err) {
        err = parse_modrm(&c, mode_bits, &p, &reg);
    }
    if (!err)
        err = fill(&c, mode_bits, &p, &o, reg, &insn);
    if (err)
        return err;
    insn.length = (uint8_t)c.pos;
    *out = insn;
    return E_OK;
}
