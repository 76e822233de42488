# hv/spinlock.h (header only): the ticket lock, on host threads.
UNIT_TESTS += spinlock
UNIT_SRCS_spinlock :=
