UNIT_TESTS += crc32
UNIT_SRCS_crc32 := hv/crc32.c
