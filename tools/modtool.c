/* Host helper for boot-module tests.
 *   modtool gen SIZE SEED FILE   write SIZE pseudo-random bytes (xorshift64)
 *   modtool crc FILE             print the file's CRC-32 as 0x%08x
 * The CRC is the hypervisor's own (hv/crc32.c), whose known-answer test
 * runs in the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/crc32.h"

static int gen(const char *size_s, const char *seed_s, const char *path)
{
    unsigned long size = strtoul(size_s, NULL, 0);
    uint64_t x = strtoull(seed_s, NULL, 0) | 1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    for (unsigned long i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        fputc((int)(x & 0xFF), f);
    }
    return fclose(f) ? 1 : 0;
}

static int crc(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc(n ? (size_t)n : 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "%s: read failed\n", path);
        return 1;
    }
    printf("0x%08x\n", crc32(buf, (size_t)n));
    free(buf);
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return gen(argv[2], argv[3], argv[4]);
    if (argc == 3 && strcmp(argv[1], "crc") == 0)
        return crc(argv[2]);
    fprintf(stderr, "usage: modtool gen SIZE SEED FILE | modtool crc FILE\n");
    return 2;
}
