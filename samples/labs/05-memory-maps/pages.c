// SPDX-License-Identifier: GPL-2.0
/*
 * pages: the program of lab 5 (docs/labs/05-memory-maps.md).  It maps
 * four pages of anonymous memory at a fixed address, writes to the first
 * and the third only, prints its own /proc/self/maps line for them, and
 * then crashes the kernel through sysrq, so that umdbg stops with this
 * task current and its page tables as they are.  Built on the host with
 * gcc -static (the guest has no compiler).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BASE ((void *)0x20000000)
#define PAGE 4096

int main(void)
{
	char line[256], *p;
	FILE *maps;
	int fd;

	p = mmap(BASE, 4 * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		perror("pages: mmap");
		return 1;
	}
	strcpy(p, "LAB5-PAGE-0");
	strcpy(p + 2 * PAGE, "LAB5-PAGE-2");
	printf("pages: mapped 4 pages at %p, wrote to pages 0 and 2\n",
	       (void *)p);
	maps = fopen("/proc/self/maps", "r");
	while (maps && fgets(line, sizeof(line), maps))
		if (!strncmp(line, "20000000-", 9))
			printf("pages: /proc/self/maps: %s", line);
	fflush(stdout);
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1)
		perror("pages: sysrq-trigger");
	return 1;
}
