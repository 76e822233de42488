UNIT_TESTS += page_alloc
UNIT_SRCS_page_alloc := hv/page_alloc.c
