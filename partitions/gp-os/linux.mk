# Linux as the general-purpose partition (partitions/gp-os/linux/README.md):
# Debian's stock kernel (uncompressed vmlinux and a few of its modules,
# fetched with apt-get download), vmrpc.ko built against the installed
# linux-headers, the static vmrpc tool, an ext4 root file system image
# with busybox, cyclictest, the modules and both, and an initramfs that
# only mounts it.
#
#   $(BUILD)/linux/vmlinux            tools/fetch-linux.sh (also writes kver,
#                                     and modules/: disk, ext4, NE2000)
#   $(BUILD)/linux/vmrpc.ko           kbuild in $(BUILD)/linux/vmrpc-ko/
#   $(BUILD)/linux/vmrpc              the user tool
#   $(BUILD)/linux/rootfs.img         mkrootfs.sh (the IDE disk: tools/bochs-run.sh
#                                     --disk COPY; never boot this one, it stays pristine)
#   $(BUILD)/linux/initramfs.cpio.gz  mkinitramfs.sh
#   make linux-selftest               the tool's request handlers on this host

LINUX_DIR  := partitions/gp-os/linux
LINUX_OUT  := $(BUILD)/linux
# The newest installed Debian amd64 headers (linux-headers-amd64).
LINUX_KDIR ?= $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
LINUX_USER_CC ?= gcc

LINUX_KO_FILES := Kbuild vmrpc_main.c vmrpc_call.c vmrpc_serve.c vmrpc_evq.c vmrpc_sysfs.c \
	vmrpc_kmod.h vmrpc_ioctl.h kshim/stdint.h
LINUX_KO_SRCS  := $(LINUX_KO_FILES:%=$(LINUX_DIR)/%) include/hv_abi.h include/vmrpc_abi.h
LINUX_CLI_SRCS := $(LINUX_DIR)/vmrpc_cli.c $(sort $(wildcard $(LINUX_DIR)/cli_*.c))
LINUX_CLI_HDRS := $(LINUX_DIR)/cli.h $(LINUX_DIR)/vmrpc_ioctl.h include/hv_abi.h include/vmrpc_abi.h include/vmrpc_net.h

PARTITION_IMAGES += $(LINUX_OUT)/vmlinux $(LINUX_OUT)/initramfs.cpio.gz $(LINUX_OUT)/rootfs.img

# Idempotent (does nothing when vmlinux and the modules are there and
# valid); the touch keeps make from asking again.
$(LINUX_OUT)/vmlinux: tools/fetch-linux.sh
	tools/fetch-linux.sh $(LINUX_OUT)
	@touch $@

# Sources are copied out so that kbuild writes nothing into the tree.
$(LINUX_OUT)/vmrpc.ko: $(LINUX_KO_SRCS)
	@test -n "$(LINUX_KDIR)" || { echo "no /usr/src/linux-headers-*-amd64: apt-get install linux-headers-amd64" >&2; exit 1; }
	@rm -rf $(LINUX_OUT)/vmrpc-ko
	@mkdir -p $(LINUX_OUT)/vmrpc-ko/kshim
	@for f in $(LINUX_KO_FILES); do cp $(LINUX_DIR)/$$f $(LINUX_OUT)/vmrpc-ko/$$f; done
	$(MAKE) -C $(LINUX_KDIR) M=$(abspath $(LINUX_OUT)/vmrpc-ko) VMRPC_ROOT=$(CURDIR) modules
	cp $(LINUX_OUT)/vmrpc-ko/vmrpc.ko $@

$(LINUX_OUT)/vmrpc: $(LINUX_CLI_SRCS) $(LINUX_CLI_HDRS)
	@mkdir -p $(dir $@)
	$(LINUX_USER_CC) $(REPRO_FLAGS) -static -O2 -Wall -Wextra -Werror -I. -I$(LINUX_DIR) -o $@ $(LINUX_CLI_SRCS) -lpthread

$(LINUX_OUT)/initramfs.cpio.gz: $(LINUX_DIR)/mkinitramfs.sh $(LINUX_DIR)/stage.sh $(LINUX_DIR)/init $(LINUX_OUT)/vmlinux \
		$(LINUX_OUT)/vmrpc.ko $(LINUX_OUT)/vmrpc
	$(LINUX_DIR)/mkinitramfs.sh $@ $(LINUX_OUT)

$(LINUX_OUT)/rootfs.img: $(LINUX_DIR)/mkrootfs.sh $(LINUX_DIR)/stage.sh $(LINUX_DIR)/rootfs-init $(LINUX_DIR)/test.sh \
		$(LINUX_DIR)/udhcpc.script $(LINUX_OUT)/vmlinux $(LINUX_OUT)/vmrpc.ko $(LINUX_OUT)/vmrpc
	$(LINUX_DIR)/mkrootfs.sh $@ $(LINUX_OUT)

.PHONY: linux-guest linux-selftest
linux-guest: $(LINUX_OUT)/vmlinux $(LINUX_OUT)/initramfs.cpio.gz $(LINUX_OUT)/rootfs.img

linux-selftest: $(LINUX_OUT)/vmrpc
	$(LINUX_OUT)/vmrpc selftest
