/* `vmrpc console PARTITION`: prints what PARTITION sent through its
 * emulated UART (VMRPC_IOC_CONSOLE, HC_CONSOLE_READ), the newest 4 KiB.
 * Only a manager partition may read it. Bytes other than printable
 * ASCII, tab and newline are shown as '.', so a partition's terminal
 * escapes cannot drive this terminal. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

static const char *console_error(int err)
{
	switch (err) {
	case EPERM: return "refused: this partition is not the manager";
	case ENOENT: return "no such partition, or it has no emulated UART";
	default: return err_name(err);
	}
}

int cmd_console(int argc, char **argv)
{
	static char buf[VMRPC_IOC_CONSOLE_MAX];
	struct vmrpc_ioc_console c = { .buf = (uintptr_t)buf, .cap = sizeof(buf) };
	int fd, n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(c.name)) {
		fprintf(stderr, "usage: vmrpc console PARTITION\n");
		return 2;
	}
	strcpy(c.name, argv[1]);
	fd = dev_open();
	n = ioctl(fd, VMRPC_IOC_CONSOLE, &c);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "vmrpc: console %s: %s\n", argv[1], console_error(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char ch = buf[i];
		if (ch == '\r')
			continue;
		putchar((ch >= 0x20 && ch < 0x7F) || ch == '\n' || ch == '\t' ? ch : '.');
	}
	if (n > 0 && buf[n - 1] != '\n')
		putchar('\n');
	return 0;
}
