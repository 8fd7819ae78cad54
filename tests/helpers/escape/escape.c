// SPDX-License-Identifier: GPL-2.0
/*
 * escape: a hostile guest kernel, for t5021-confine.  UML's kernel is a
 * host process, and its host-side helpers (os_open_file,
 * os_connect_socket, ...) and the C library's syscall() are exported to
 * modules, so guest root can make any host system call it likes.  This
 * module tries to reach what a confined guest must not
 * (docs/security.md) and prints each result: 0 or a file descriptor where
 * the host let it, -errno from UML's helpers, -1 from syscall() (whose
 * errno lives in the host's C library).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <asm/unistd.h>
#include <os.h>

/* The host C library's, exported by arch/um/kernel/ksyms.c. */
extern long syscall(long nr, ...);

static char *secret = "/etc/shadow";
module_param(secret, charp, 0444);
MODULE_PARM_DESC(secret, "a host file the guest must not read");

static char *plant = "";
module_param(plant, charp, 0444);
MODULE_PARM_DESC(plant, "a host file the guest must not create");

static char *sock = "";
module_param(sock, charp, 0444);
MODULE_PARM_DESC(sock, "a host unix socket the guest must not reach");

static int port;
module_param(port, int, 0444);
MODULE_PARM_DESC(port, "a TCP port on the host's 127.0.0.1 likewise");

static int victim;
module_param(victim, int, 0444);
MODULE_PARM_DESC(victim, "a host process the guest must not kill");

/* 0 when the host let the guest do it, else the error. */
static int done(int ret)
{
	return ret < 0 ? ret : 0;
}

static void try_tcp(void)
{
	/* struct sockaddr_in for 127.0.0.1:port, in network order */
	unsigned char sin[16] = { 2, 0, (unsigned char)(port >> 8),
				  (unsigned char)port, 127, 0, 0, 1 };
	long fd = syscall(__NR_socket, 2 /* AF_INET */, 1 /* STREAM */, 0);
	long ret = fd < 0 ? fd : syscall(__NR_connect, fd, sin, sizeof(sin));

	if (fd >= 0)
		os_close_file((int)fd);
	pr_info("escape: connect 127.0.0.1:%d: %ld\n", port, ret);
}

static int __init escape_init(void)
{
	char buf[16];
	int fd, n = 0;

	fd = os_open_file(secret, of_read(OPENFLAGS()), 0);
	if (fd >= 0) {
		n = os_read_file(fd, buf, sizeof(buf));
		os_close_file(fd);
	}
	pr_info("escape: read %s: %d\n", secret, done(fd < 0 ? fd : n));
	if (*plant) {
		fd = os_open_file(plant, of_create(of_write(OPENFLAGS())),
				  0644);
		if (fd >= 0)
			os_close_file(fd);
		pr_info("escape: create %s: %d\n", plant, done(fd));
	}
	if (*sock) {
		fd = os_connect_socket(sock);
		if (fd >= 0)
			os_close_file(fd);
		pr_info("escape: connect %s: %d\n", sock, done(fd));
	}
	if (port)
		try_tcp();
	if (victim)
		pr_info("escape: kill %d: %ld\n", victim,
			syscall(__NR_kill, victim, 9));
	pr_info("escape: host uid %ld\n", syscall(__NR_getuid));
	return 0;
}

static void __exit escape_exit(void)
{
}

module_init(escape_init);
module_exit(escape_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tries to leave a confined umdbg guest");
