/* Boot command line options (hv/cmdline.c), pure and host-tested.
 * The line is words separated by spaces: "key=value" or a bare "flag".
 * Words whose key (the part before any '=') contains '/' are taken as the
 * loader's kernel path (QEMU passes it) and skipped; "log=/x" is an option. */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include "hv/types.h"

/* Finds option `key`. For "key=value" copies value into buf (truncated,
 * terminated) and returns true; for a bare "key" sets buf to "" and
 * returns true. Returns false when absent. The last occurrence wins. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

/* True when `key` is present (bare or with a value). */
bool cmdline_has(const char *cmdline, const char *key);

/* Parses an unsigned number value ("123", "0x7b"); returns false when the
 * key is absent or the value is not a number (then *out is unchanged). */
bool cmdline_get_u64(const char *cmdline, const char *key, uint64_t *out);

/* Calls fn for each word that is not a path (see above); used to warn
 * about unknown options. key_len is the length up to '=' or the end. */
void cmdline_for_each(const char *cmdline, void (*fn)(const char *word, size_t key_len, size_t word_len, void *ctx), void *ctx);

#endif
