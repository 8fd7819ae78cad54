// SPDX-License-Identifier: GPL-2.0
/*
 * umdbg-many: the load for bench/kmodel.  Starts N sleeping threads (guest
 * tasks; default 1000) and maps M separate pages (VMAs; default 10000,
 * alternating protections so none merge), says so, then crashes the
 * kernel through sysrq so the benchmark can time umdbg's ps and vma on
 * a stopped guest.  Usage: umdbg-many [THREADS [VMAS]]
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 1000;
	int vmas = argc > 2 ? atoi(argv[2]) : 10000, i, fd;
	pthread_attr_t attr;
	pthread_t t;
	char *base;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < threads; i++)
		if (pthread_create(&t, &attr, sleeper, NULL)) {
			perror("umdbg-many: pthread_create");
			return 1;
		}
	base = mmap(NULL, (size_t)vmas * 4096, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		perror("umdbg-many: mmap");
		return 1;
	}
	/* Every other page readable: 10000 VMAs that cannot merge. */
	for (i = 0; i < vmas; i += 2)
		mprotect(base + (size_t)i * 4096, 4096, PROT_READ);
	printf("umdbg-many: pid %d with %d threads and %d+ mappings\n",
	       (int)getpid(), threads + 1, vmas);
	fflush(stdout);
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd < 0 || write(fd, "c", 1) != 1)
		perror("umdbg-many: sysrq-trigger");
	return 1;
}
