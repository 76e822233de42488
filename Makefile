# Build, test and run the hypervisor. `make help` lists the targets.
#
# The image is linked as ELF64, then wrapped as ELF32 (hv.elf) because
# QEMU's -kernel refuses ELF64 multiboot images; GRUB loads the same file.

BUILD    ?= build
CC       ?= gcc
HOSTCC   ?= gcc
LD       ?= ld
OBJCOPY  ?= objcopy

# Reproducible builds: no build-directory path in the images (debug info
# would otherwise move file offsets and sizes, and with them boot timing
# under emulation).
REPRO_FLAGS := -ffile-prefix-map=$(CURDIR)=.

# ---------------------------------------------------------------- hypervisor
# Every indirect branch through a retpoline (arch/x86/retpoline.S); no
# jump tables, whose indirect JMP would bypass it.
HV_RETPOLINE_FLAGS := -mindirect-branch=thunk-extern -mindirect-branch-register -fno-jump-tables
HV_CFLAGS := $(REPRO_FLAGS) -std=c11 -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	$(HV_RETPOLINE_FLAGS) -O2 -g -Wall -Wextra -Werror -I. -MMD -MP
HV_ASFLAGS := $(REPRO_FLAGS) -I. -MMD -MP -Wa,--noexecstack
HV_LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none -T linker.ld

# The scenario compiled in: configs/$(CONFIG).c, checked before linking.
CONFIG     ?= demo
HV_C_SRCS  := $(sort $(wildcard hv/*.c arch/x86/*.c vmx/*.c rpc/*.c drivers/*.c)) configs/$(CONFIG).c
HV_S_SRCS  := $(sort $(wildcard arch/x86/*.S vmx/*.S))
HV_OBJS    := $(HV_C_SRCS:%.c=$(BUILD)/obj/%.o) $(HV_S_SRCS:%.S=$(BUILD)/obj/%.o)
# The port -> device model dispatch, generated from the config (below).
HV_OBJS    += $(BUILD)/obj/gen/io_dispatch-$(CONFIG).o

# Partition images: each partitions/*/*.mk adds its targets to PARTITION_IMAGES.
PARTITION_IMAGES :=
include $(sort $(wildcard partitions/*/*.mk))

.PHONY: all iso deps unit test integration run bench clean help
all: $(BUILD)/hv.elf $(BUILD)/hv.iso $(PARTITION_IMAGES)

# Objects depend on the Makefile: a change of flags (retpolines) rebuilds them.
$(BUILD)/obj/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: %.S Makefile
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/hv64.elf: $(HV_OBJS) linker.ld $(BUILD)/config-$(CONFIG).ok
	$(LD) $(HV_LDFLAGS) -o $@.tmp $(HV_OBJS)
	tools/check-indirect-branches.sh $@.tmp
	mv $@.tmp $@

# Build-time check of the static configuration (same checker as at boot).
CONFIG_CHECK_SRCS := tools/config_check_main.c hv/config_check.c hv/config_check_uart.c hv/fmt.c configs/$(CONFIG).c
$(BUILD)/tools/config-check-$(CONFIG): $(CONFIG_CHECK_SRCS) hv/config.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(CONFIG_CHECK_SRCS)

$(BUILD)/config-$(CONFIG).ok: $(BUILD)/tools/config-check-$(CONFIG)
	$(BUILD)/tools/config-check-$(CONFIG)
	@touch $@

# Port -> device model dispatch resolved at build time (the LilyVM seed):
# a host tool compiled with the config writes C switches calling each
# partition's models directly (tools/gen_io_dispatch_main.c).
GEN_IO_DISPATCH_SRCS := tools/gen_io_dispatch_main.c tools/gen_io_dispatch.c configs/$(CONFIG).c
$(BUILD)/tools/gen-io-dispatch-$(CONFIG): $(GEN_IO_DISPATCH_SRCS) tools/gen_io_dispatch.h hv/emul_ports.h hv/config.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $(GEN_IO_DISPATCH_SRCS)

$(BUILD)/gen/io_dispatch-$(CONFIG).c: $(BUILD)/tools/gen-io-dispatch-$(CONFIG)
	@mkdir -p $(dir $@)
	$< $@

$(BUILD)/obj/gen/io_dispatch-$(CONFIG).o: $(BUILD)/gen/io_dispatch-$(CONFIG).c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv.elf: $(BUILD)/hv64.elf
	$(OBJCOPY) -O elf32-i386 $< $@

# ------------------------------------------------------------- host tools
HOST_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(BUILD)/tools/modtool: tools/modtool.c hv/crc32.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -o $@ $^

# Test module carried on the ISO: the boot test checks that it arrives
# intact after the hypervisor moved it (GRUB loads modules right after us).
$(BUILD)/modules/selftest.bin: $(BUILD)/tools/modtool
	@mkdir -p $(dir $@)
	$(BUILD)/tools/modtool gen 200000 12345 $@

# The demo image: the RTOS in partition 'rtos', the test kernel in 'gpos'
# (serving sysinfo and echo, which the RTOS demo calls). Entries are shell
# words: quote one whose arguments have spaces.
TESTPART    := $(BUILD)/partitions/testpart.elf
ISO_MODULES ?= $(BUILD)/modules/selftest.bin $(BUILD)/partitions/rtos.elf@rtos.elf:app=demo \
	'$(TESTPART)@gpos.elf:heartbeat=2000 rpc_serve=doorbell'
HV_CMDLINE  ?=

$(BUILD)/hv.iso: $(BUILD)/hv.elf $(BUILD)/modules/selftest.bin $(PARTITION_IMAGES) tools/mkiso.sh
	tools/mkiso.sh $@ $(BUILD)/hv.elf "$(HV_CMDLINE)" $(ISO_MODULES)

iso: $(BUILD)/hv.iso

# ------------------------------------------------------------- unit tests
# Each tests/unit/*.mk adds a name to UNIT_TESTS and lists the sources the
# test tests/unit/test_<name>.c needs in UNIT_SRCS_<name>.
UNIT_TESTS :=
include $(sort $(wildcard tests/unit/*.mk))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/unit/test_%)

define unit_rule
$(BUILD)/unit/test_$(1): tests/unit/unit_main.c tests/unit/test_$(1).c $$(UNIT_SRCS_$(1)) tests/unit/unit.h
	@mkdir -p $$(dir $$@)
	$$(HOSTCC) $$(HOST_CFLAGS) -DHOST_TEST -o $$@ tests/unit/unit_main.c tests/unit/test_$(1).c $$(UNIT_SRCS_$(1))
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

unit: $(UNIT_BINS)
	tools/run-unit.sh $(UNIT_BINS)

# ---------------------------------------------------------- VMRPC fuzzing
# libFuzzer harness for rpc/ (tests/fuzz/fuzz_rpc.c, docs/TESTING.md):
# `make fuzz` runs it FUZZ_TIME seconds; `make test` runs a short pass
# (tools/test-all.sh -> tools/fuzz.sh --short).
FUZZ_CC   ?= clang
FUZZ_TIME ?= 600
FUZZ_SRCS := tests/fuzz/fuzz_rpc.c tests/unit/rpc_fake.c $(sort $(wildcard rpc/*.c)) hv/loader.c hv/fmt.c hv/multiboot.c

$(BUILD)/fuzz/fuzz_rpc: $(FUZZ_SRCS) $(wildcard rpc/*.h include/*.h) tests/unit/rpc_fake.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Werror -I. -DHOST_TEST \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -o $@ $(FUZZ_SRCS)

.PHONY: fuzz
fuzz: deps
	BUILD=$(BUILD) tools/fuzz.sh $(FUZZ_TIME)

# ------------------------------------------------------------ entry points
deps:
	tools/setup-deps.sh

# Scenarios also boot an image built with configs/smp.c (one partition
# on both CPUs), in $(BUILD)/smp, one built with configs/dma.c (a
# partition trusted with DMA, identity-mapped RAM), in $(BUILD)/dma, and
# the Linux ones (and the bench) one built with configs/linux-smp.c
# (Linux on two of three CPUs), in $(BUILD)/linux-smp.
test: deps
	$(MAKE) --no-print-directory all $(UNIT_BINS)
	$(MAKE) --no-print-directory CONFIG=smp BUILD=$(BUILD)/smp $(BUILD)/smp/hv.elf
	$(MAKE) --no-print-directory CONFIG=dma BUILD=$(BUILD)/dma $(BUILD)/dma/hv.elf
	$(MAKE) --no-print-directory CONFIG=linux-smp BUILD=$(BUILD)/linux-smp $(BUILD)/linux-smp/hv.elf
	tools/test-all.sh

integration: deps all
	tools/run-integration.sh

# make run [DEMO=testkernel] [GPOS_KERNEL=FILE GPOS_CMDLINE='...' GPOS_MODULES='a b' TIMEOUT=S]
run: deps all
	BUILD=$(BUILD) DEMO="$(DEMO)" GPOS_KERNEL="$(GPOS_KERNEL)" GPOS_CMDLINE="$(GPOS_CMDLINE)" \
		GPOS_MODULES="$(GPOS_MODULES)" TIMEOUT="$(TIMEOUT)" tools/run.sh

bench: deps all
	$(MAKE) --no-print-directory CONFIG=linux-smp BUILD=$(BUILD)/linux-smp $(BUILD)/linux-smp/hv.elf
	BUILD=$(BUILD) tools/bench.sh

clean:
	rm -rf $(BUILD)

help:
	@echo "make run    boot hv.iso in Bochs (2 CPUs) and stream the hypervisor console"
	@echo "make test   unit tests (host, ASan/UBSan) + Bochs and QEMU boot scenarios"
	@echo "make bench  benchmarks: BENCH lines, also in $(BUILD)/bench/results.txt"
	@echo "make        build $(BUILD)/hv.elf and $(BUILD)/hv.iso"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
