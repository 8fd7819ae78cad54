// SPDX-License-Identifier: GPL-2.0
/*
 * umdbg-marker: a guest user program for the page-table tests.  It
 * writes a known string into a static buffer, prints where the buffer
 * is, then crashes the kernel through sysrq, so that at the panic
 * umdbg can walk this task's page tables to the buffer (vtop, x -p) and
 * find the string.  Built statically by guest/mkguest into /bin.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static char marker[64];

int main(void)
{
	int fd;

	snprintf(marker, sizeof(marker), "UMDBG-MARKER-%d-%s", 4242,
		 "written-by-the-guest");
	printf("umdbg-marker: pid %d buffer %p holds %s\n", (int)getpid(),
	       (void *)marker, marker);
	fflush(stdout);
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1)
		perror("umdbg-marker: sysrq-trigger");
	return 1;
}
