/*
 * replay/syscalls.c - the syscall policy table (replay/syscalls.def),
 * shared by the recorder, the replayer and `umdbg trace dump`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/syscall.h>

#include "internal.h"

const struct rr_sys rr_sys_table[] = {
#define SYSCALL(n, p, a, l, sz) { #n, SYS_##n, RR_P_##p, a, RR_##l, sz },
#include "syscalls.def"
#undef SYSCALL
};
const size_t rr_sys_count = sizeof(rr_sys_table) / sizeof(rr_sys_table[0]);

const struct rr_sys *rr_sys_lookup(long nr)
{
	size_t i;

	for (i = 0; i < rr_sys_count; i++)
		if (rr_sys_table[i].nr == nr)
			return &rr_sys_table[i];
	return NULL;
}

/* A result the kernel gives a syscall a signal interrupted (the four
 * ERESTART* codes of include/linux/errno.h, and EINTR). */
bool rr_is_interrupt(int64_t res)
{
	return res == -EINTR || res == -512 || res == -513 || res == -514 ||
	       res == -516;
}


int rr_path_arg(long nr)
{
	switch (nr) {
	case SYS_open: case SYS_statfs: case SYS_access: case SYS_readlink:
		return 0;
	case SYS_openat: case SYS_newfstatat:
		return 1;
	default:
		return -1;
	}
}
