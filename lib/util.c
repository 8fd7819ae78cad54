/*
 * lib/util.c - allocation, strings, numbers and the log sink.
 *
 * The only state is the log configuration, written once by log_init()
 * before any other thread exists.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

void lib_bug(const char *file, int line)
{
	fprintf(stderr, "umdbg: BUG at %s:%d\n", file, line);
	abort();
}

static void *oom(size_t n)
{
	fprintf(stderr, "umdbg: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom(n);
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom(n * size);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom(n);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	return p ? p : oom(strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	return p ? p : oom(n);
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return oom(0);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int set_cause(char **cause, int err, const char *fmt, ...)
{
	va_list ap;

	if (cause) {
		free(*cause);
		va_start(ap, fmt);
		*cause = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return err;
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	sb->alloc = sb->alloc ? sb->alloc : 64;
	while (sb->alloc < want)
		sb->alloc *= 2;
	sb->buf = xrealloc(sb->buf, sb->alloc);
}

void strbuf_grow_to(struct strbuf *sb, size_t len)
{
	/* room for the NUL even when there is no content to add */
	strbuf_grow(sb, len > sb->len ? len - sb->len : 0);
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	strbuf_grow(sb, 64);
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, n);
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += n;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return s;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

static struct {
	bool inited, all;
	char *subsystems;	/* ",a,b," for substring tests */
	FILE *file;
} logcfg;

void log_init(void)
{
	const char *sel = getenv("UMDBG_LOG");
	const char *path = getenv("UMDBG_LOG_FILE");

	logcfg.inited = true;
	if (!sel || !*sel)
		return;
	logcfg.file = fopen(path && *path ? path : "umdbg.log", "ae");
	if (!logcfg.file)
		return;
	setvbuf(logcfg.file, NULL, _IOLBF, 0);
	logcfg.all = !strcmp(sel, "all");
	logcfg.subsystems = xasprintf(",%s,", sel);
}

bool log_enabled(const char *subsys)
{
	char key[64];

	if (!logcfg.file)
		return false;
	if (logcfg.all)
		return true;
	snprintf(key, sizeof(key), ",%s,", subsys);
	return strstr(logcfg.subsystems, key) != NULL;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void log_msg(const char *subsys, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	if (!logcfg.file)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(logcfg.file, "%ld.%06ld %s: ", (long)ts.tv_sec,
		ts.tv_nsec / 1000, subsys);
	va_start(ap, fmt);
	vfprintf(logcfg.file, fmt, ap);
	va_end(ap);
	fputc('\n', logcfg.file);
}

static int rm_one(const char *path, const struct stat *sb, int type,
		  struct FTW *ftw)
{
	(void)sb; (void)ftw;
	return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 &&
	       errno != ENOENT ? -1 : 0;
}

int rm_rf(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *errstr(int err)
{
	static __thread char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}
