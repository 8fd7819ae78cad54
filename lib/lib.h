/*
 * lib/lib.h - small utilities every umdbg layer may use.
 *
 * Layering: lib depends on libc only; everything else may include this.
 * Nothing here keeps global state except the log sink, which is set once
 * by the front end.
 */
#ifndef UMDBG_LIB_H
#define UMDBG_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define BUG() lib_bug(__FILE__, __LINE__)
#define BUG_ON(c) do { if (c) BUG(); } while (0)

/* Abort with a message naming the broken invariant's place. */
void lib_bug(const char *file, int line) __attribute__((noreturn));

/* Allocation that aborts on failure: out of memory is not recoverable here. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);
/* strerror(err) as our messages spell it: "no such file or directory"
 * (lower case, as every umdbg message; a per-thread buffer). */
const char *errstr(int err);

/*
 * Set *cause (when cause is not NULL) to a newly allocated message and
 * return err, so library code can write `return set_cause(cause, -EIO, ...)`.
 */
int set_cause(char **cause, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A growable string. */
struct strbuf {
	char *buf;
	size_t len, alloc;
};
void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Make room for `len` bytes of content (plus the NUL) in total. */
void strbuf_grow_to(struct strbuf *sb, size_t len);
/* Hand the buffer to the caller (never NULL) and reset sb. */
char *strbuf_detach(struct strbuf *sb);

/* Parse a whole string as an unsigned number (0x prefix = hex). */
int parse_u64(const char *s, uint64_t *out);

/* write() all of buf, retrying on EINTR; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/* Remove a file or directory tree; 0 or -1 with errno. */
int rm_rf(const char *path);

/*
 * Logging (STYLE.md §8): never to the terminal.  UMDBG_LOG=sub1,sub2 (or
 * "all") selects subsystems; UMDBG_LOG_FILE names the file (default
 * umdbg.log in the current directory).  Disabled subsystems cost one test.
 */
void log_init(void);
bool log_enabled(const char *subsys);
/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);
void log_msg(const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define LOG(sub, ...) \
	do { if (log_enabled(sub)) log_msg(sub, __VA_ARGS__); } while (0)

#endif
