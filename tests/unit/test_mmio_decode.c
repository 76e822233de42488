/* Tests for vmx/mmio_decode.c. Every accepted encoding below was produced
 * by GNU as (binutils 2.40) from the AT&T source in its comment, in
 * .code64, .code32 or .code16, and checked with objdump. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "vmx/mmio_decode.h"

struct enc {
    unsigned mode;
    const char *src; /* what as assembled */
    uint8_t n;
    uint8_t b[15];
    struct mmio_insn want; /* length is n */
};

#define RD(sz, r, dsz, zx) {.size = (sz), .reg = (r), .dest_size = (dsz), .zero_extend = (zx)}
#define WR(sz, r) {.write = true, .size = (sz), .reg = (r)}
#define WRH(r) {.write = true, .size = 1, .reg = (r), .high_byte = true}
#define IMM(sz, v) {.write = true, .size = (sz), .has_imm = true, .imm = (v)}

static const struct enc table[] = {
    /* ---------------------------------------------------------- 64-bit */
    {64, "mov %eax,(%rbx)", 2, {0x89, 0x03}, WR(4, 0)},
    {64, "mov %al,(%rbx)", 2, {0x88, 0x03}, WR(1, 0)},
    {64, "mov %ah,(%rbx)", 2, {0x88, 0x23}, WRH(4)},
    {64, "mov %bh,(%rcx)", 2, {0x88, 0x39}, WRH(7)},
    {64, "mov %sil,(%rbx)", 3, {0x40, 0x88, 0x33}, WR(1, 6)},
    {64, "mov %spl,(%rdi)", 3, {0x40, 0x88, 0x27}, WR(1, 4)},
    {64, "mov %r9b,(%rax)", 3, {0x44, 0x88, 0x08}, WR(1, 9)},
    {64, "mov %ax,(%rbx)", 3, {0x66, 0x89, 0x03}, WR(2, 0)},
    {64, "mov %rax,(%rbx)", 3, {0x48, 0x89, 0x03}, WR(8, 0)},
    {64, "mov %r8d,(%r9)", 3, {0x45, 0x89, 0x01}, WR(4, 8)},
    {64, "mov %r15,0x12345678(%r13)", 7, {0x4d, 0x89, 0xbd, 0x78, 0x56, 0x34, 0x12}, WR(8, 15)},
    {64, "mov (%rbx),%ecx", 2, {0x8b, 0x0b}, RD(4, 1, 8, true)},
    {64, "mov (%rbx),%cl", 2, {0x8a, 0x0b}, RD(1, 1, 1, false)},
    {64, "mov (%rbx),%dh", 2, {0x8a, 0x33}, {.size = 1, .reg = 6, .dest_size = 1, .high_byte = true}},
    {64, "mov (%r8),%r11d", 3, {0x45, 0x8b, 0x18}, RD(4, 11, 8, true)},
    {64, "mov (%r12),%r12", 4, {0x4d, 0x8b, 0x24, 0x24}, RD(8, 12, 8, false)},
    {64, "mov 0x10(%rsp),%eax", 4, {0x8b, 0x44, 0x24, 0x10}, RD(4, 0, 8, true)},
    {64, "mov -0x80(%rbp),%rdx", 4, {0x48, 0x8b, 0x55, 0x80}, RD(8, 2, 8, false)},
    {64, "mov 0x1000(%rip),%eax", 6, {0x8b, 0x05, 0x00, 0x10, 0x00, 0x00}, RD(4, 0, 8, true)},
    {64, "mov 0x10(%eip),%eax", 7, {0x67, 0x8b, 0x05, 0x10, 0x00, 0x00, 0x00}, RD(4, 0, 8, true)},
    {64, "mov %eax,0x1234(,%rcx,4)", 7, {0x89, 0x04, 0x8d, 0x34, 0x12, 0x00, 0x00}, WR(4, 0)},
    {64, "mov %eax,(%rax,%r12,8)", 4, {0x42, 0x89, 0x04, 0xe0}, WR(4, 0)},
    {64, "mov %eax,0x7f(%r12,%r13,2)", 5, {0x43, 0x89, 0x44, 0x6c, 0x7f}, WR(4, 0)},
    {64, "mov 0x12345678,%eax", 7, {0x8b, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12}, RD(4, 0, 8, true)},
    {64, "movb $0x80,(%rdi)", 3, {0xc6, 0x07, 0x80}, IMM(1, 0x80)},
    {64, "movw $0x8001,(%rdi)", 5, {0x66, 0xc7, 0x07, 0x01, 0x80}, IMM(2, 0x8001)},
    {64, "movl $0x80000001,(%rdi)", 6, {0xc7, 0x07, 0x01, 0x00, 0x00, 0x80}, IMM(4, 0x80000001)},
    {64, "movq $-2,(%rdi)", 7, {0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff}, IMM(8, 0xfffffffffffffffeull)},
    {64, "movq $0x7fffffff,0x100(%rsi)", 11,
     {0x48, 0xc7, 0x86, 0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f}, IMM(8, 0x7fffffff)},
    {64, "movl $1,0x10(%rip)", 10, {0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00}, IMM(4, 1)},
    {64, "movq $1,0x12345678(%rax,%rbx,8)", 12,
     {0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00}, IMM(8, 1)},
    {64, "movzbl (%rsi),%eax", 3, {0x0f, 0xb6, 0x06}, RD(1, 0, 8, true)},
    {64, "movzwl (%rsi),%eax", 3, {0x0f, 0xb7, 0x06}, RD(2, 0, 8, true)},
    {64, "movzbq (%rsi),%r10", 4, {0x4c, 0x0f, 0xb6, 0x16}, RD(1, 10, 8, true)},
    {64, "movzwq 4(%r9),%rax", 5, {0x49, 0x0f, 0xb7, 0x41, 0x04}, RD(2, 0, 8, true)},
    {64, "movzbw (%rsi),%ax", 4, {0x66, 0x0f, 0xb6, 0x06}, RD(1, 0, 2, true)},
    {64, "movzbl 0x20(%rip),%eax", 7, {0x0f, 0xb6, 0x05, 0x20, 0x00, 0x00, 0x00}, RD(1, 0, 8, true)},
    {64, "mov %fs:(%rax),%eax", 3, {0x64, 0x8b, 0x00}, RD(4, 0, 8, true)},
    {64, "mov %gs:8,%rax", 9, {0x65, 0x48, 0x8b, 0x04, 0x25, 0x08, 0x00, 0x00, 0x00}, RD(8, 0, 8, false)},
    {64, "addr32 mov %eax,(%ebx)", 3, {0x67, 0x89, 0x03}, WR(4, 0)},
    /* Fifteen bytes: three redundant prefixes before a 12-byte store. */
    {64, "ds ds ds movq $1,0x12345678(%rax,%rbx,8)", 15,
     {0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00}, IMM(8, 1)},
    /* MOV moffs (A0-A3): an 8-byte offset, 4 with 67. */
    {64, "movabs 0x1122334455667788,%al", 9, {0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, RD(1, 0, 1, false)},
    {64, "movabs 0x1122334455667788,%eax", 9, {0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, RD(4, 0, 8, true)},
    {64, "movabs 0x1122334455667788,%ax", 10, {0x66, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, RD(2, 0, 2, false)},
    {64, "movabs 0x1122334455667788,%rax", 10, {0x48, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, RD(8, 0, 8, false)},
    {64, "movabs %al,0x1122334455667788", 9, {0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, WR(1, 0)},
    {64, "movabs %eax,0x1122334455667788", 9, {0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, WR(4, 0)},
    {64, "movabs %ax,0x1122334455667788", 10, {0x66, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, WR(2, 0)},
    {64, "movabs %rax,0x1122334455667788", 10, {0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, WR(8, 0)},
    {64, "addr32 movabs 0x12345678,%eax", 6, {0x67, 0xa1, 0x78, 0x56, 0x34, 0x12}, RD(4, 0, 8, true)},
    {64, "addr32 movabs 0x12345678,%al", 6, {0x67, 0xa0, 0x78, 0x56, 0x34, 0x12}, RD(1, 0, 1, false)},
    {64, "addr32 movabs 0x12345678,%ax", 7, {0x67, 0x66, 0xa1, 0x78, 0x56, 0x34, 0x12}, RD(2, 0, 2, false)},
    {64, "addr32 movabs 0x12345678,%rax", 7, {0x67, 0x48, 0xa1, 0x78, 0x56, 0x34, 0x12}, RD(8, 0, 8, false)},
    {64, "addr32 movabs %rax,0x12345678", 7, {0x67, 0x48, 0xa3, 0x78, 0x56, 0x34, 0x12}, WR(8, 0)},
    {64, "addr32 movabs %ax,0x12345678", 7, {0x67, 0x66, 0xa3, 0x78, 0x56, 0x34, 0x12}, WR(2, 0)},
    {64, "movabs %gs:0x1000,%rax", 11, {0x65, 0x48, 0xa1, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
     RD(8, 0, 8, false)},
    {64, "movabs %fs:0x8,%eax", 10, {0x64, 0xa1, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, RD(4, 0, 8, true)},
    /* REX.R and REX.B do not extend AL/eAX (objdump: rex.WRB ... %rax). */
    {64, ".byte 0x4d; movabs 0x1122334455667788,%eax", 10, {0x4d, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, RD(8, 0, 8, false)},
    {64, ".byte 0x41; movabs 0x1122334455667788,%al", 10, {0x41, 0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, RD(1, 0, 1, false)},
    {64, ".byte 0x44; movabs %eax,0x1122334455667788", 10, {0x44, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, WR(4, 0)},
    /* ---------------------------------------------------------- 32-bit */
    {32, "mov %eax,(%ebx)", 2, {0x89, 0x03}, WR(4, 0)},
    {32, "mov %ax,(%ebx)", 3, {0x66, 0x89, 0x03}, WR(2, 0)},
    {32, "mov %dl,0x10(%esi)", 3, {0x88, 0x56, 0x10}, WR(1, 2)},
    {32, "mov 0x12345678,%ecx", 6, {0x8b, 0x0d, 0x78, 0x56, 0x34, 0x12}, RD(4, 1, 4, false)},
    {32, "mov (%ebp),%eax", 3, {0x8b, 0x45, 0x00}, RD(4, 0, 4, false)},
    {32, "mov (%esp),%eax", 3, {0x8b, 0x04, 0x24}, RD(4, 0, 4, false)},
    {32, "mov 0x8(%ebx,%esi,4),%edi", 4, {0x8b, 0x7c, 0xb3, 0x08}, RD(4, 7, 4, false)},
    {32, "mov %eax,0x12345678(,%edx,8)", 7, {0x89, 0x04, 0xd5, 0x78, 0x56, 0x34, 0x12}, WR(4, 0)},
    {32, "movl $0xdeadbeef,0x4(%edi)", 7, {0xc7, 0x47, 0x04, 0xef, 0xbe, 0xad, 0xde}, IMM(4, 0xdeadbeef)},
    {32, "movw $0xfffe,(%edi)", 5, {0x66, 0xc7, 0x07, 0xfe, 0xff}, IMM(2, 0xfffe)},
    {32, "movzbl (%esi),%eax", 3, {0x0f, 0xb6, 0x06}, RD(1, 0, 4, true)},
    {32, "movzwl 0x2(%esi),%edx", 4, {0x0f, 0xb7, 0x56, 0x02}, RD(2, 2, 4, true)},
    {32, "mov %es:(%edi),%eax", 3, {0x26, 0x8b, 0x07}, RD(4, 0, 4, false)},
    {32, "mov (%ebx),%bh", 2, {0x8a, 0x3b}, {.size = 1, .reg = 7, .dest_size = 1, .high_byte = true}},
    {32, "addr16 mov %eax,(%bx,%si)", 3, {0x67, 0x89, 0x00}, WR(4, 0)},
    {32, "addr16 mov 0x1234,%ecx", 5, {0x67, 0x8b, 0x0e, 0x34, 0x12}, RD(4, 1, 4, false)},
    {32, "mov 0x12345678,%al", 5, {0xa0, 0x78, 0x56, 0x34, 0x12}, RD(1, 0, 1, false)},
    {32, "mov 0x12345678,%eax", 5, {0xa1, 0x78, 0x56, 0x34, 0x12}, RD(4, 0, 4, false)},
    {32, "mov 0x12345678,%ax", 6, {0x66, 0xa1, 0x78, 0x56, 0x34, 0x12}, RD(2, 0, 2, false)},
    {32, "mov %al,0x12345678", 5, {0xa2, 0x78, 0x56, 0x34, 0x12}, WR(1, 0)},
    {32, "mov %eax,0x12345678", 5, {0xa3, 0x78, 0x56, 0x34, 0x12}, WR(4, 0)},
    {32, "mov %ax,0x12345678", 6, {0x66, 0xa3, 0x78, 0x56, 0x34, 0x12}, WR(2, 0)},
    {32, "addr16 mov 0x1234,%eax", 4, {0x67, 0xa1, 0x34, 0x12}, RD(4, 0, 4, false)},
    {32, "addr16 mov %al,0x1234", 4, {0x67, 0xa2, 0x34, 0x12}, WR(1, 0)},
    {32, "addr16 mov %ax,0x1234", 5, {0x67, 0x66, 0xa3, 0x34, 0x12}, WR(2, 0)},
    {32, "mov %es:0x10,%eax", 6, {0x26, 0xa1, 0x10, 0x00, 0x00, 0x00}, RD(4, 0, 4, false)},
    {32, "mov %cs:0x1234,%eax", 6, {0x2e, 0xa1, 0x34, 0x12, 0x00, 0x00}, RD(4, 0, 4, false)},
    /* ---------------------------------------------------------- 16-bit */
    {16, "mov %ax,(%bx,%si)", 2, {0x89, 0x00}, WR(2, 0)},
    {16, "mov %al,(%bx,%di)", 2, {0x88, 0x01}, WR(1, 0)},
    {16, "mov (%bp,%si),%cx", 2, {0x8b, 0x0a}, RD(2, 1, 2, false)},
    {16, "mov (%bp,%di),%dx", 2, {0x8b, 0x13}, RD(2, 2, 2, false)},
    {16, "mov (%si),%bx", 2, {0x8b, 0x1c}, RD(2, 3, 2, false)},
    {16, "mov (%di),%sp", 2, {0x8b, 0x25}, RD(2, 4, 2, false)},
    {16, "mov (%bx),%ax", 2, {0x8b, 0x07}, RD(2, 0, 2, false)},
    {16, "mov 0x1234,%cx", 4, {0x8b, 0x0e, 0x34, 0x12}, RD(2, 1, 2, false)},
    {16, "mov 0x12(%bp),%ax", 3, {0x8b, 0x46, 0x12}, RD(2, 0, 2, false)},
    {16, "mov 0x1234(%bx,%si),%ax", 4, {0x8b, 0x80, 0x34, 0x12}, RD(2, 0, 2, false)},
    {16, "mov %eax,(%bx)", 3, {0x66, 0x89, 0x07}, WR(4, 0)},
    {16, "movw $0x1234,(%di)", 4, {0xc7, 0x05, 0x34, 0x12}, IMM(2, 0x1234)},
    {16, "movl $0x12345678,(%di)", 7, {0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12}, IMM(4, 0x12345678)},
    {16, "movb $5,-2(%bp)", 4, {0xc6, 0x46, 0xfe, 0x05}, IMM(1, 5)},
    {16, "movzbw (%si),%ax", 3, {0x0f, 0xb6, 0x04}, RD(1, 0, 2, true)},
    {16, "movzbl (%si),%eax", 4, {0x66, 0x0f, 0xb6, 0x04}, RD(1, 0, 4, true)},
    {16, "mov %eax,(%eax)", 4, {0x67, 0x66, 0x89, 0x00}, WR(4, 0)},
    {16, "mov %eax,0x10(%eax,%ebx,2)", 6, {0x67, 0x66, 0x89, 0x44, 0x58, 0x10}, WR(4, 0)},
    {16, "mov %ds:(%bp),%ax", 4, {0x3e, 0x8b, 0x46, 0x00}, RD(2, 0, 2, false)},
    {16, "mov 0x1234,%al", 3, {0xa0, 0x34, 0x12}, RD(1, 0, 1, false)},
    {16, "mov 0x1234,%ax", 3, {0xa1, 0x34, 0x12}, RD(2, 0, 2, false)},
    {16, "mov 0x1234,%eax", 4, {0x66, 0xa1, 0x34, 0x12}, RD(4, 0, 4, false)},
    {16, "mov %al,0x1234", 3, {0xa2, 0x34, 0x12}, WR(1, 0)},
    {16, "mov %ax,0x1234", 3, {0xa3, 0x34, 0x12}, WR(2, 0)},
    {16, "mov %eax,0x1234", 4, {0x66, 0xa3, 0x34, 0x12}, WR(4, 0)},
    {16, "addr32 mov 0x12345678,%ax", 6, {0x67, 0xa1, 0x78, 0x56, 0x34, 0x12}, RD(2, 0, 2, false)},
    {16, "addr32 mov 0x12345678,%eax", 7, {0x67, 0x66, 0xa1, 0x78, 0x56, 0x34, 0x12}, RD(4, 0, 4, false)},
    {16, "addr32 mov %al,0x12345678", 6, {0x67, 0xa2, 0x78, 0x56, 0x34, 0x12}, WR(1, 0)},
    {16, "addr32 mov %eax,0x12345678", 7, {0x67, 0x66, 0xa3, 0x78, 0x56, 0x34, 0x12}, WR(4, 0)},
    {16, "mov %cs:0x10,%ax", 4, {0x2e, 0xa1, 0x10, 0x00}, RD(2, 0, 2, false)},
};

static bool same(const struct mmio_insn *a, const struct mmio_insn *b)
{
    return a->length == b->length && a->write == b->write && a->size == b->size && a->has_imm == b->has_imm &&
           a->imm == b->imm && a->reg == b->reg && a->high_byte == b->high_byte &&
           a->zero_extend == b->zero_extend && a->dest_size == b->dest_size;
}

static void report(const struct enc *e, const struct mmio_insn *got)
{
    char m[300];
    snprintf(m, sizeof m,
             "%u-bit \"%s\": len %u write %d size %u imm %d/0x%llx reg %u high %d zx %d dest %u", e->mode,
             e->src, got->length, got->write, got->size, got->has_imm, (unsigned long long)got->imm, got->reg,
             got->high_byte, got->zero_extend, got->dest_size);
    unit_fail(__FILE__, __LINE__, m);
}

TEST(decodes_real_encodings)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct enc *e = &table[i];
        struct mmio_insn got, want = e->want;
        memset(&got, 0xa5, sizeof got);
        want.length = e->n;
        int rc = mmio_decode(e->b, e->n, e->mode, &got);
        if (rc != 0 || !same(&got, &want)) {
            CHECK_EQ(rc, 0);
            report(e, &got);
        }
    }
}

TEST(length_ignores_following_bytes)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct enc *e = &table[i];
        uint8_t buf[32];
        struct mmio_insn got;
        memset(buf, 0x89, sizeof buf);
        memcpy(buf, e->b, e->n);
        CHECK_EQ(mmio_decode(buf, sizeof buf, e->mode, &got), 0);
        CHECK_EQ(got.length, e->n);
    }
}

TEST(truncated_at_every_length)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct enc *e = &table[i];
        for (size_t avail = 0; avail < e->n; avail++) {
            struct mmio_insn got;
            memset(&got, 0x5a, sizeof got);
            /* A heap copy of exactly `avail` bytes lets ASan catch any
             * read past the end. */
            uint8_t *copy = malloc(avail ? avail : 1);
            memcpy(copy, e->b, avail);
            int rc = mmio_decode(copy, avail, e->mode, &got);
            free(copy);
            if (rc != -E_INVAL) {
                CHECK_EQ(rc, -E_INVAL);
                printf("  %u-bit \"%s\" with %zu bytes\n", e->mode, e->src, avail);
            }
            CHECK_EQ(got.length, 0x5a); /* *out untouched on failure */
        }
    }
}

struct refusal {
    unsigned mode;
    const char *why;
    uint8_t n;
    uint8_t b[16];
};

static const struct refusal refusals[] = {
    {64, "mov %eax,%ebx (register operand)", 2, {0x89, 0xc3}},
    {64, "mov %ebx,%eax (8B register operand)", 2, {0x8b, 0xc3}},
    {64, "movb $1,%al (C6 register operand)", 3, {0xc6, 0xc0, 0x01}},
    {64, "movzbl %al,%eax", 3, {0x0f, 0xb6, 0xc0}},
    {64, "lock addl $1,(%rbx)", 4, {0xf0, 0x83, 0x03, 0x01}},
    {64, "lock mov %eax,(%rbx)", 3, {0xf0, 0x89, 0x03}},
    {64, "rep mov %eax,(%rbx)", 3, {0xf3, 0x89, 0x03}},
    {64, "repne mov %eax,(%rbx)", 3, {0xf2, 0x89, 0x03}},
    {64, "rep movsb", 2, {0xf3, 0xa4}},
    {64, "lea (%rbx),%eax", 2, {0x8d, 0x03}},
    {64, "add %eax,(%rbx)", 2, {0x01, 0x03}},
    {64, "movsbl (%rsi),%eax", 3, {0x0f, 0xbe, 0x06}},
    {64, "movsl (A5, next to the moffs moves)", 1, {0xa5}},
    {64, "test $1,%al (A8)", 2, {0xa8, 0x01}},
    {64, "mov $1,%al (B0, no memory operand)", 2, {0xb0, 0x01}},
    {64, "rep movabs %eax,moffs", 10, {0xf3, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}},
    {64, "lock movabs %eax,moffs", 10, {0xf0, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}},
    {64, "C6 /1", 3, {0xc6, 0x0f, 0x01}},
    {64, "C7 /7", 6, {0xc7, 0x3f, 0x01, 0x00, 0x00, 0x00}},
    {64, "REX then 66", 4, {0x48, 0x66, 0x89, 0x03}},
    {64, "REX then segment override", 4, {0x48, 0x64, 0x89, 0x03}},
    {64, "two REX", 4, {0x40, 0x48, 0x89, 0x03}},
    {64, "0F alone", 1, {0x0f}},
    {64, "sixteen bytes", 16,
     {0x3e, 0x3e, 0x3e, 0x3e, 0x48, 0xc7, 0x84, 0xd8, 0x78, 0x56, 0x34, 0x12, 0x01, 0x00, 0x00, 0x00}},
    {64, "only prefixes", 16,
     {0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66}},
    {32, "dec %eax; mov (REX is not a prefix outside 64-bit mode)", 3, {0x48, 0x89, 0x03}},
    {32, "movsb (A4)", 1, {0xa4}},
    {32, "mov %eax,%ebx", 2, {0x89, 0xc3}},
    {16, "mov %ax,%bx", 2, {0x89, 0xc3}},
    {16, "lock mov %ax,(%si)", 3, {0xf0, 0x89, 0x04}},
};

TEST(refuses_other_instructions)
{
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const struct refusal *r = &refusals[i];
        struct mmio_insn got;
        int rc = mmio_decode(r->b, r->n, r->mode, &got);
        if (rc != -E_INVAL) {
            CHECK_EQ(rc, -E_INVAL);
            printf("  %u-bit \"%s\" accepted\n", r->mode, r->why);
        }
    }
}

TEST(refuses_bad_arguments)
{
    static const uint8_t mov[] = {0x89, 0x03};
    struct mmio_insn got;
    CHECK_EQ(mmio_decode(mov, 2, 0, &got), -E_INVAL);
    CHECK_EQ(mmio_decode(mov, 2, 8, &got), -E_INVAL);
    CHECK_EQ(mmio_decode(mov, 2, 128, &got), -E_INVAL);
    CHECK_EQ(mmio_decode(NULL, 2, 64, &got), -E_INVAL);
    CHECK_EQ(mmio_decode(mov, 2, 64, NULL), -E_INVAL);
    CHECK_EQ(mmio_decode(mov, 0, 64, &got), -E_INVAL);
}

TEST(same_bytes_differ_by_mode)
{
    /* 66 C7 05 ...: in 64-bit code a RIP-relative 16-bit store (2+4+2
     * bytes after 66), in 16-bit code a 32-bit store to (%di). */
    static const uint8_t b[] = {0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12, 0xaa, 0xbb};
    struct mmio_insn got;
    CHECK_EQ(mmio_decode(b, sizeof b, 64, &got), 0);
    CHECK_EQ(got.length, 9);
    CHECK_EQ(got.size, 2);
    CHECK_EQ(got.imm, 0xbbaa);
    CHECK_EQ(mmio_decode(b, sizeof b, 16, &got), 0);
    CHECK_EQ(got.length, 7);
    CHECK_EQ(got.size, 4);
    CHECK_EQ(got.imm, 0x12345678);
    /* 8B 06 34 12: disp16 in 16-bit code, plain (%esi) in 32-bit code. */
    static const uint8_t c[] = {0x8b, 0x06, 0x34, 0x12};
    CHECK_EQ(mmio_decode(c, sizeof c, 16, &got), 0);
    CHECK_EQ(got.length, 4);
    CHECK_EQ(mmio_decode(c, sizeof c, 32, &got), 0);
    CHECK_EQ(got.length, 2);
    /* A1 moffs: the offset follows the address size, 2, 4 or 8 bytes. */
    static const uint8_t d[] = {0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xaa};
    CHECK_EQ(mmio_decode(d, sizeof d, 16, &got), 0);
    CHECK_EQ(got.length, 3);
    CHECK_EQ(got.size, 2);
    CHECK_EQ(mmio_decode(d, sizeof d, 32, &got), 0);
    CHECK_EQ(got.length, 5);
    CHECK_EQ(got.size, 4);
    CHECK_EQ(mmio_decode(d, sizeof d, 64, &got), 0);
    CHECK_EQ(got.length, 9);
    CHECK_EQ(got.size, 4);
}

TEST(rex_w_overrides_66)
{
    /* 66 48 89 03: REX.W wins over the operand-size prefix (SDM 2A 2.2.1.2). */
    static const uint8_t b[] = {0x66, 0x48, 0x89, 0x03};
    struct mmio_insn got;
    CHECK_EQ(mmio_decode(b, sizeof b, 64, &got), 0);
    CHECK_EQ(got.size, 8);
    CHECK_EQ(got.length, 4);
}

TEST(imm8_and_imm16_not_sign_extended_beyond_size)
{
    static const uint8_t b8[] = {0xc6, 0x07, 0xff};
    static const uint8_t b16[] = {0x66, 0xc7, 0x07, 0x00, 0x80};
    static const uint8_t b32[] = {0xc7, 0x07, 0x00, 0x00, 0x00, 0x80};
    static const uint8_t b64[] = {0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80};
    struct mmio_insn got;
    CHECK_EQ(mmio_decode(b8, sizeof b8, 64, &got), 0);
    CHECK_EQ(got.imm, 0xff);
    CHECK_EQ(mmio_decode(b16, sizeof b16, 64, &got), 0);
    CHECK_EQ(got.imm, 0x8000);
    CHECK_EQ(mmio_decode(b32, sizeof b32, 64, &got), 0);
    CHECK_EQ(got.imm, 0x80000000ull);
    CHECK_EQ(mmio_decode(b64, sizeof b64, 64, &got), 0);
    CHECK_EQ(got.imm, 0xffffffff80000000ull);
}
