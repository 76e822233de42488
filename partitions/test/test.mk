# The in-tree test kernel: a multiboot-1 ELF32 guest that integration
# scenarios boot as a partition (see partitions/test/README.md). It also
# boots bare-metal (qemu-system-i386 -kernel), so it can be checked
# without the hypervisor.

TESTPART_DIR    := partitions/test
TESTPART_OBJDIR := $(BUILD)/partitions/test
TESTPART_ELF    := $(BUILD)/partitions/testpart.elf

# 32-bit freestanding: no libc, no libgcc (partitions/common/div64.c has
# the 64-bit division helpers), no SSE (the guest never enables it).
TESTPART_CFLAGS := $(REPRO_FLAGS) -std=c11 -m32 -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -O2 -g -Wall -Wextra -Werror \
	-I. -MMD -MP
TESTPART_ASFLAGS := $(REPRO_FLAGS) -m32 -I. -MMD -MP -Wa,--noexecstack
TESTPART_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 \
	-z noexecstack --build-id=none -T $(TESTPART_DIR)/linker.ld

TESTPART_C_SRCS := $(sort $(wildcard $(TESTPART_DIR)/*.c))
TESTPART_S_SRCS := $(sort $(filter-out $(TESTPART_DIR)/hello64.S,$(wildcard $(TESTPART_DIR)/*.S)))
TESTPART_OBJS   := $(TESTPART_S_SRCS:$(TESTPART_DIR)/%.S=$(TESTPART_OBJDIR)/%_S.o) \
	$(TESTPART_C_SRCS:$(TESTPART_DIR)/%.c=$(TESTPART_OBJDIR)/%.o)

# The guest library shared with the RTOS (entry, IDT, console, options,
# hypercalls, helpers), compiled here with this kernel's flags.
TESTPART_COMMON_C := $(sort $(wildcard partitions/common/*.c))
TESTPART_COMMON_S := $(sort $(wildcard partitions/common/*.S))
TESTPART_OBJS     += $(TESTPART_COMMON_S:partitions/common/%.S=$(TESTPART_OBJDIR)/common/%_S.o) \
	$(TESTPART_COMMON_C:partitions/common/%.c=$(TESTPART_OBJDIR)/common/%.o)

# The VMRPC library for general-purpose guests (partitions/gp-os/, see its
# README), compiled with this kernel's flags as well: the test kernel
# serves and calls through it.
TESTPART_GPOS_C := $(sort $(wildcard partitions/gp-os/*.c))
TESTPART_OBJS   += $(TESTPART_GPOS_C:partitions/gp-os/%.c=$(TESTPART_OBJDIR)/gp-os/%.o)

PARTITION_IMAGES += $(TESTPART_ELF)

$(TESTPART_OBJDIR)/%.o: $(TESTPART_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPART_CFLAGS) -c $< -o $@

$(TESTPART_OBJDIR)/%_S.o: $(TESTPART_DIR)/%.S
	@mkdir -p $(dir $@)
	$(CC) $(TESTPART_ASFLAGS) -c $< -o $@

$(TESTPART_OBJDIR)/common/%.o: partitions/common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPART_CFLAGS) -c $< -o $@

$(TESTPART_OBJDIR)/gp-os/%.o: partitions/gp-os/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TESTPART_CFLAGS) -c $< -o $@

$(TESTPART_OBJDIR)/common/%_S.o: partitions/common/%.S
	@mkdir -p $(dir $@)
	$(CC) $(TESTPART_ASFLAGS) -c $< -o $@

$(TESTPART_ELF): $(TESTPART_OBJS) $(TESTPART_DIR)/linker.ld
	$(LD) $(TESTPART_LDFLAGS) -o $@ $(TESTPART_OBJS)

# hello64.elf: a minimal ELF64 guest (hello64.S) that the loader enters in
# 64-bit mode; assembled for x86-64, linked as its own executable.
HELLO64_OBJ := $(BUILD)/partitions/hello64/hello64.o
HELLO64_ELF := $(BUILD)/partitions/hello64.elf

PARTITION_IMAGES += $(HELLO64_ELF)

$(HELLO64_OBJ): $(TESTPART_DIR)/hello64.S
	@mkdir -p $(dir $@)
	$(CC) $(REPRO_FLAGS) -m64 -I. -MMD -MP -Wa,--noexecstack -c $< -o $@

$(HELLO64_ELF): $(HELLO64_OBJ) $(TESTPART_DIR)/hello64.ld
	$(LD) -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none \
		-T $(TESTPART_DIR)/hello64.ld -o $@ $(HELLO64_OBJ)

-include $(wildcard $(TESTPART_OBJDIR)/*.d $(TESTPART_OBJDIR)/common/*.d $(TESTPART_OBJDIR)/gp-os/*.d) $(wildcard $(BUILD)/partitions/hello64/*.d)
