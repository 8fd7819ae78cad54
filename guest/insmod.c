// SPDX-License-Identifier: GPL-2.0
/*
 * insmod for the umdbg guest: load one module with finit_module(2), once.
 *
 * busybox's insmod retries a failed finit_module() with init_module(), so
 * a module whose init fails runs its init twice, and the second result
 * is the one the shell sees.  The labs load modules whose init fails on
 * purpose, so the guest has this one instead: guest/mkguest installs it
 * as /usr/lib/umdbg/insmod, and guest/init gives every shell an insmod
 * function that runs it (busybox's shell would run its own applet
 * whatever PATH says).
 *
 * usage: insmod FILE [PARAM=VALUE]...
 * Exit status: 0, or the errno of the failure (as busybox's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t len = 1;
	char *params;
	int fd, i, err;

	if (argc < 2) {
		fprintf(stderr, "usage: insmod FILE [PARAM=VALUE]...\n");
		return 1;
	}
	for (i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	params = calloc(1, len);
	if (!params) {
		perror("insmod");
		return ENOMEM;
	}
	for (i = 2; i < argc; i++) {
		if (i > 2)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "insmod: can't open '%s': %s\n", argv[1],
			strerror(err));
		return err;
	}
	if (syscall(SYS_finit_module, fd, params, 0) != 0) {
		err = errno;
		fprintf(stderr, "insmod: can't insert '%s': %s\n", argv[1],
			strerror(err));
		return err;
	}
	return 0;
}
