# VMRPC (rpc/) on the host: fake CPU and partitions in tests/unit/rpc_fake.c.
RPC_HOST_SRCS := $(sort $(wildcard rpc/*.c)) tests/unit/rpc_fake.c hv/loader.c hv/fmt.c hv/multiboot.c
UNIT_TESTS += rpc rpc_evq
UNIT_SRCS_rpc := $(RPC_HOST_SRCS)
UNIT_SRCS_rpc_evq := $(RPC_HOST_SRCS)
# Regression tests for defects found in rpc/ (one binary: UBSan may end it).
UNIT_TESTS += rpc_regress
UNIT_SRCS_rpc_regress := $(RPC_HOST_SRCS)
