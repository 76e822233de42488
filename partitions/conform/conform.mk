# The conformance kernel (partitions/conform/README.md): a multiboot-1
# ELF32 that probes what ordinary kernels use at boot and prints one
# "CONF key value" line per fact; scenario 97 boots it bare and in a
# partition and compares the lines.

CONFORM_DIR    := partitions/conform
CONFORM_OBJDIR := $(BUILD)/partitions/conform
CONFORM_ELF    := $(BUILD)/partitions/conform.elf

# 32-bit freestanding like the test kernel: no libc, no libgcc
# (partitions/common/div64.c), no SSE in compiled code (probes that touch
# XSAVE state do so in inline assembly).
CONFORM_CFLAGS := $(REPRO_FLAGS) -std=c11 -m32 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror \
	-I. -MMD -MP
CONFORM_ASFLAGS := $(REPRO_FLAGS) -m32 -I. -MMD -MP -Wa,--noexecstack
CONFORM_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 \
	-z noexecstack --build-id=none -T $(CONFORM_DIR)/linker.ld

CONFORM_C_SRCS := $(sort $(wildcard $(CONFORM_DIR)/*.c))
CONFORM_S_SRCS := $(sort $(wildcard $(CONFORM_DIR)/*.S))
CONFORM_OBJS   := $(CONFORM_S_SRCS:$(CONFORM_DIR)/%.S=$(CONFORM_OBJDIR)/%_S.o) \
	$(CONFORM_C_SRCS:$(CONFORM_DIR)/%.c=$(CONFORM_OBJDIR)/%.o)

# The shared guest library (entry, IDT, console, options, power-off,
# hypervisor detection), compiled with this kernel's flags.
CONFORM_COMMON_C := $(sort $(wildcard partitions/common/*.c))
CONFORM_COMMON_S := $(sort $(wildcard partitions/common/*.S))
CONFORM_OBJS     += $(CONFORM_COMMON_S:partitions/common/%.S=$(CONFORM_OBJDIR)/common/%_S.o) \
	$(CONFORM_COMMON_C:partitions/common/%.c=$(CONFORM_OBJDIR)/common/%.o)

PARTITION_IMAGES += $(CONFORM_ELF)

$(CONFORM_OBJDIR)/%.o: $(CONFORM_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CONFORM_CFLAGS) -c $< -o $@

$(CONFORM_OBJDIR)/%_S.o: $(CONFORM_DIR)/%.S
	@mkdir -p $(dir $@)
	$(CC) $(CONFORM_ASFLAGS) -c $< -o $@

$(CONFORM_OBJDIR)/common/%.o: partitions/common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CONFORM_CFLAGS) -c $< -o $@

$(CONFORM_OBJDIR)/common/%_S.o: partitions/common/%.S
	@mkdir -p $(dir $@)
	$(CC) $(CONFORM_ASFLAGS) -c $< -o $@

$(CONFORM_ELF): $(CONFORM_OBJS) $(CONFORM_DIR)/linker.ld
	$(LD) $(CONFORM_LDFLAGS) -o $@ $(CONFORM_OBJS)

-include $(wildcard $(CONFORM_OBJDIR)/*.d $(CONFORM_OBJDIR)/common/*.d)
