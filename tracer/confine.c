/*
 * tracer/confine.c - what a namespaced child sees of the host, and who it
 * runs as (docs/security.md).
 *
 * The parent clones every given file or directory as a detached mount
 * (open_tree) and sets its attributes there: read-only, nosuid, nodev, and
 * for a writable entry owned by someone else an id mapping, so the
 * unprivileged child can write to it and what it creates keeps the real
 * owner.  The parent does it because making the user namespace that
 * carries the mapping needs the host's /proc.  The child, in its own
 * mount namespace, either attaches them under the private tmpfs (not
 * confined) or builds a new root on that tmpfs, attaches them there and
 * pivots into it (confined).  The program then drops to the confined id
 * just before its exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

/* Where the new root is assembled before the pivot, under the tmpfs. */
#define NEW_ROOT_OLD ".host"

/* mkdir -p, in the child (which may not allocate much). */
static int confine_make_dirs(const char *path)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -1;
		buf[i] = path[i];
	}
	return 0;
}

/* An empty file to mount a file on, its directories made (or the file
 * already there, as under the read-only /usr). */
static int make_file(const char *path)
{
	char dir[4096], *slash;
	struct stat stb;
	int fd;

	if (stat(path, &stb) == 0)
		return 0;

	if (strlen(path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (confine_make_dirs(dir) < 0)
			return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno == EISDIR ? 0 : -1;
	close(fd);
	return 0;
}

/*
 * A user namespace whose uid and gid maps show on-disk owner uid:gid as
 * to:to, for an idmapped mount.  The fd of its /proc entry, or -errno.
 */
static int idmap_userns(uid_t uid, gid_t gid, uid_t to)
{
	int hold[2], fd = -1, err = 0, i;
	char path[64], map[64];
	pid_t pid;

	if (pipe2(hold, O_CLOEXEC) < 0)
		return -errno;
	pid = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL,
			     NULL, 0);
	if (pid == 0) {
		char c;

		close(hold[1]);
		if (read(hold[0], &c, 1) < 0) {
			/* the parent is done with us either way */
		}
		_exit(0);
	}
	close(hold[0]);
	if (pid < 0) {
		err = -errno;
		close(hold[1]);
		return err;
	}
	for (i = 0; i < 2 && !err; i++) {
		int mfd;

		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid,
			 i ? "gid_map" : "uid_map");
		snprintf(map, sizeof(map), "%u %u 1\n",
			 i ? (unsigned)gid : (unsigned)uid, (unsigned)to);
		mfd = open(path, O_WRONLY | O_CLOEXEC);
		if (mfd < 0 || write(mfd, map, strlen(map)) !=
		    (ssize_t)strlen(map))
			err = -errno;
		if (mfd >= 0)
			close(mfd);
	}
	if (!err) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err = -errno;
	}
	close(hold[1]);
	waitpid(pid, NULL, 0);
	return err ? err : fd;
}

/* Give the detached mount fd the id mapping; false where it cannot be. */
static bool idmap_mount(int fd, const struct stat *stb, uid_t to)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	int ns = idmap_userns(stb->st_uid, stb->st_gid, to);
	int ret;

	if (ns < 0)
		return false;
	attr.userns_fd = (unsigned)ns;
	ret = mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
			    sizeof(attr));
	close(ns);
	return ret == 0;
}

void confine_release(struct confine_mounts *m)
{
	int i;

	for (i = 0; i < m->n; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
	free(m->fd);
	free(m->is_dir);
	memset(m, 0, sizeof(*m));
}

int confine_prepare(const struct tracer_launch *l, struct confine_mounts *m,
		    char **cause)
{
	struct mount_attr attr;
	struct stat stb;
	int i, err;

	memset(m, 0, sizeof(*m));
	if (!l->ngive)
		return 0;
	m->fd = xcalloc((size_t)l->ngive, sizeof(*m->fd));
	m->is_dir = xcalloc((size_t)l->ngive, sizeof(*m->is_dir));
	m->n = l->ngive;
	for (i = 0; i < l->ngive; i++)
		m->fd[i] = -1;
	for (i = 0; i < l->ngive; i++) {
		struct tracer_give *g = &l->give[i];

		if (stat(g->src, &stb) < 0) {
			err = -errno;
			goto fail;
		}
		m->is_dir[i] = S_ISDIR(stb.st_mode);
		m->fd[i] = open_tree(AT_FDCWD, g->src, OPEN_TREE_CLONE |
				     OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (m->fd[i] < 0) {
			err = -errno;
			goto fail;
		}
		memset(&attr, 0, sizeof(attr));
		attr.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			(g->writable ? 0 : MOUNT_ATTR_RDONLY);
		if (mount_setattr(m->fd[i], "", AT_EMPTY_PATH | AT_RECURSIVE,
				  &attr, sizeof(attr)) < 0) {
			err = -errno;
			goto fail;
		}
		g->idmapped = false;
		if (l->confine && g->writable &&
		    (stb.st_uid != l->confine_id ||
		     stb.st_gid != (gid_t)l->confine_id))
			g->idmapped = idmap_mount(m->fd[i], &stb,
						  l->confine_id);
	}
	return 0;

fail:
	set_cause(cause, err, "'%s': %s", l->give[i].src, errstr(-err));
	confine_release(m);
	return err;
}

/* Attach the prepared mounts under root ("" when there is no new root). */
static int attach_given(const struct tracer_launch *l,
			const struct confine_mounts *m, const char *root)
{
	char path[4096];
	int i;

	for (i = 0; i < m->n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", root,
				     l->give[i].dst) >= sizeof(path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if ((m->is_dir[i] ? confine_make_dirs(path) :
		     make_file(path)) < 0 ||
		    move_mount(m->fd[i], "", AT_FDCWD, path,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return -1;
	}
	return 0;
}

/* Bind host path at root/path, read-only, or copy it when it is a link. */
static int mirror(const char *root, const char *path, bool must)
{
	char dst[4096], target[4096];
	struct stat stb;
	ssize_t n;

	snprintf(dst, sizeof(dst), "%s%s", root, path);
	if (lstat(path, &stb) < 0)
		return must ? -1 : 0;
	if (S_ISLNK(stb.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		return symlink(target, dst);
	}
	if ((S_ISDIR(stb.st_mode) ? confine_make_dirs(dst) : make_file(dst)) <
	    0 || mount(path, dst, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
		  MS_NOSUID, NULL) < 0)
		return -1;
	return 0;
}

/* The confined root, assembled on the tmpfs at root, then pivoted into. */
static int build_root(const struct tracer_launch *l,
		      const struct confine_mounts *m, const char *root)
{
	static const char *const devs[] = {
		"/dev/null", "/dev/zero", "/dev/full", "/dev/random",
		"/dev/urandom",
	};
	static const char *const sys[] = {
		"/usr", "/lib", "/lib64", "/lib32", "/libx32", "/bin", "/sbin",
	};
	char path[4096], cwd[4096];
	size_t i;

	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (mount("umdbg-root", root, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0755") < 0)
		return -1;
	for (i = 0; i < sizeof(sys) / sizeof(sys[0]); i++)
		if (mirror(root, sys[i], i == 0) < 0)
			return -1;
	snprintf(path, sizeof(path), "%s/etc", root);
	if (confine_make_dirs(path) < 0 ||
	    mirror(root, "/etc/ld.so.cache", false) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/proc", root);
	if (confine_make_dirs(path) < 0 ||
	    mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/dev/shm", root);
	if (confine_make_dirs(path) < 0 ||
	    mount("umdbg", path, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/dev/pts", root);
	if (confine_make_dirs(path) < 0 ||
	    mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/dev/ptmx", root);
	if (symlink("pts/ptmx", path) < 0)
		return -1;
	for (i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
		if (mirror(root, devs[i], false) < 0)
			return -1;
	snprintf(path, sizeof(path), "%s%s", root, cwd);
	if (confine_make_dirs(path) < 0 || attach_given(l, m, root) < 0)
		return -1;

	snprintf(path, sizeof(path), "%s/" NEW_ROOT_OLD, root);
	if (mkdir(path, 0700) < 0 || chdir(root) < 0 ||
	    syscall(SYS_pivot_root, ".", NEW_ROOT_OLD) < 0 ||
	    chdir("/") < 0 || umount2("/" NEW_ROOT_OLD, MNT_DETACH) < 0 ||
	    rmdir("/" NEW_ROOT_OLD) < 0)
		return -1;
	/* Nothing of the root itself is the guest's to change. */
	if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
		  MS_NOSUID | MS_NODEV, NULL) < 0)
		return -1;
	return chdir(cwd) < 0 && chdir("/") < 0 ? -1 : 0;
}

int confine_enter(const struct tracer_launch *l,
		  const struct confine_mounts *m)
{
	/* Nothing mounted here may leak back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	if (l->confine)
		return build_root(l, m, l->private_tmpfs);
	if (mount("umdbg", l->private_tmpfs, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") < 0)
		return -1;
	return attach_given(l, m, "");
}

#ifndef SYS_FCHMODAT2
#define SYS_FCHMODAT2 452	/* Linux 6.6; glibc 2.36 lacks the name */
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

/* seccomp_data.args[i], its low 32 bits (x86-64 is little-endian). */
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

/*
 * No set-user-ID or set-group-ID bits: a file the guest creates or changes
 * in a writable share may belong to root on the host (the share's owner,
 * through the id mapping), and the host does not mount it nosuid.  chmod
 * and friends, mknod, and an open that creates fail with EPERM when the
 * mode has either bit; openat2 (whose mode the filter cannot see) with
 * ENOSYS, so a caller falls back to openat.  Writing to an existing
 * set-ID file already clears the bits (the guest lacks CAP_FSETID).
 */
static int deny_setid_bits(void)
{
#define STMT(code, k) (struct sock_filter)BPF_STMT(code, k)
#define JUMP(code, k, jt, jf) (struct sock_filter)BPF_JUMP(code, k, jt, jf)
#define ERRNO(e) STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (e))
#define ALLOW STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
	/* Jump offsets count from the next instruction; the numbers on
	 * the left are the instructions' own. */
	static struct sock_filter prog[] = {
		/* 0 */ STMT(BPF_LD | BPF_W | BPF_ABS,
			     offsetof(struct seccomp_data, arch)),
		/* 1 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		/* 2 */ ERRNO(EPERM),
		/* 3 */ STMT(BPF_LD | BPF_W | BPF_ABS,
			     offsetof(struct seccomp_data, nr)),
		/* 4: an x32 call */
		JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		/* 5 */ ERRNO(EPERM),
		/* 6 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_open, 10, 0),
		/* 7 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 11, 0),
		/* 8 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_chmod, 12, 0),
		/* 9 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fchmod, 11, 0),
		/* 10 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mknod, 10, 0),
		/* 11 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_creat, 9, 0),
		/* 12 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fchmodat, 10, 0),
		/* 13 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_FCHMODAT2, 9, 0),
		/* 14 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mknodat, 8, 0),
		/* 15 */ JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 12),
		/* 16 */ ERRNO(ENOSYS),
		/* 17: open(path, flags, mode) */
		STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)),
		/* 18 */ JUMP(BPF_JMP | BPF_JSET | BPF_K, O_CREAT | __O_TMPFILE,
			      4, 9),
		/* 19: openat(dir, path, flags, mode) */
		STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
		/* 20 */ JUMP(BPF_JMP | BPF_JSET | BPF_K, O_CREAT | __O_TMPFILE,
			      4, 7),
		/* 21: the mode is argument 1 */
		STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(1)),
		/* 22 */ STMT(BPF_JMP | BPF_JA, 3),
		/* 23: argument 2 */
		STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
		/* 24 */ STMT(BPF_JMP | BPF_JA, 1),
		/* 25: argument 3 */
		STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(3)),
		/* 26 */ JUMP(BPF_JMP | BPF_JSET | BPF_K, S_ISUID | S_ISGID, 0, 1),
		/* 27 */ ERRNO(EPERM),
		/* 28 */ ALLOW,
	};
	struct sock_fprog fprog = {
		.len = (unsigned short)(sizeof(prog) / sizeof(prog[0])),
		.filter = prog,
	};

#undef STMT
#undef JUMP
#undef ERRNO
#undef ALLOW
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog);
}

int confine_drop(const struct tracer_launch *l)
{
	uid_t id = l->confine_id;

	if (setgroups(0, NULL) < 0 || setresgid(id, id, id) < 0 ||
	    setresuid(id, id, id) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    deny_setid_bits() < 0)
		return -1;
	/* A change of credentials clears the parent-death signal. */
	return prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ? -1 : 0;
}
