# The in-tree RTOS (partitions/rtos/README.md): one multiboot-1 ELF32 image
# that boots bare metal (GRUB, Bochs, QEMU) and as the hypervisor's 'rtos'
# partition. Kernel (portable), VMRPC library (portable), i386 port,
# applications.

RTOS_DIR    := partitions/rtos
RTOS_OBJDIR := $(BUILD)/partitions/rtos
RTOS_ELF    := $(BUILD)/partitions/rtos.elf

# 32-bit freestanding: no libc, no libgcc (partitions/common/div64.c has
# the 64-bit division helpers), no SSE (never enabled).
RTOS_CFLAGS := $(REPRO_FLAGS) -m32 -ffreestanding -nostdinc -isystem $(shell $(CC) -print-file-name=include) \
	-fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-O2 -g -Wall -Wextra -Werror -I. -I$(RTOS_DIR)/include -MMD -MP
RTOS_ASFLAGS := $(REPRO_FLAGS) -m32 -I. -MMD -MP -Wa,--noexecstack
RTOS_LDFLAGS := -m elf_i386 -nostdlib -static -z max-page-size=0x1000 -z noexecstack --build-id=none \
	-T $(RTOS_DIR)/arch/x86/linker.ld

RTOS_C_SRCS := $(sort $(wildcard $(RTOS_DIR)/kernel/*.c $(RTOS_DIR)/rpc/*.c $(RTOS_DIR)/arch/x86/*.c $(RTOS_DIR)/app/*.c \
	$(RTOS_DIR)/drivers/*.c))
RTOS_S_SRCS := $(sort $(wildcard $(RTOS_DIR)/arch/x86/*.S))
RTOS_OBJS   := $(RTOS_S_SRCS:$(RTOS_DIR)/%.S=$(RTOS_OBJDIR)/%_S.o) $(RTOS_C_SRCS:$(RTOS_DIR)/%.c=$(RTOS_OBJDIR)/%.o)

# The guest library shared with the test kernel (entry, IDT, console,
# options, hypercalls, helpers), compiled here with this image's flags.
RTOS_COMMON_C := $(sort $(wildcard partitions/common/*.c))
RTOS_COMMON_S := $(sort $(wildcard partitions/common/*.S))
RTOS_OBJS     += $(RTOS_COMMON_S:partitions/common/%.S=$(RTOS_OBJDIR)/common/%_S.o) \
	$(RTOS_COMMON_C:partitions/common/%.c=$(RTOS_OBJDIR)/common/%.o)

PARTITION_IMAGES += $(RTOS_ELF)

$(RTOS_OBJDIR)/%.o: $(RTOS_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_CFLAGS) -c $< -o $@

$(RTOS_OBJDIR)/%_S.o: $(RTOS_DIR)/%.S
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_ASFLAGS) -c $< -o $@

$(RTOS_OBJDIR)/common/%.o: partitions/common/%.c
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_CFLAGS) -c $< -o $@

$(RTOS_OBJDIR)/common/%_S.o: partitions/common/%.S
	@mkdir -p $(dir $@)
	$(CC) $(RTOS_ASFLAGS) -c $< -o $@

$(RTOS_ELF): $(RTOS_OBJS) $(RTOS_DIR)/arch/x86/linker.ld
	$(LD) $(RTOS_LDFLAGS) -o $@ $(RTOS_OBJS)

-include $(wildcard $(RTOS_OBJDIR)/*/*.d $(RTOS_OBJDIR)/*/*/*.d)
