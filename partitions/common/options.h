/* Multiboot command-line parsing shared by the guests: splitting into
 * words and key=value, and the value parsers both use. Each kernel keeps
 * its own table of keys (its README lists them). */
#ifndef GUEST_OPTIONS_H
#define GUEST_OPTIONS_H

#include <stdint.h>

#define OPT_MAX_BAD 4

/* One word: key and val split at the first '=' (val NULL for a word
 * without one: the kernel path QEMU puts first, or a flag). val may be
 * written to. Returns non-zero for an unknown or malformed word. */
typedef int (*opt_word_fn)(const char *key, char *val, void *ctx);

/* Splits a copy of cmdline (NULL = empty; one static copy, so words and
 * values stay valid) at spaces and tabs and hands each word to fn. Words
 * fn refuses go whole ("k=v") into bad[] (at most OPT_MAX_BAD, counted in
 * *nbad), for the kernel to warn about once its console is up. */
void opt_parse(const char *cmdline, opt_word_fn fn, void *ctx, const char **bad, uint32_t *nbad);

/* A number in [min, max] (see parse_u64 for bases); 0 or -1. */
int opt_u32(const char *v, unsigned base, uint32_t min, uint32_t max, uint32_t *out);

/* v must be one of names[0..n); its index goes to *out. 0 or -1. */
int opt_choice(const char *v, const char *const *names, unsigned n, unsigned *out);

/* console=: com1..com4, none (port 0) or a hexadecimal I/O port. */
int opt_console(const char *v, uint16_t *port);

#endif
