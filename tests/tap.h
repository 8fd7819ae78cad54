/*
 * tests/tap.h - a minimal TAP producer for umdbg's C tests (run by prove).
 * Header-only: each test program includes it once.
 */
#ifndef UMDBG_TAP_H
#define UMDBG_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void plan(int n)
{
	printf("1..%d\n", n);
	fflush(stdout);
}

static inline void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
	return cond;
}

#define is_int(got, want, ...) \
	(ok((long long)(got) == (long long)(want), __VA_ARGS__) || \
	 (diag("  got %lld, want %lld", (long long)(got), \
	       (long long)(want)), 0))

#define is_str(got, want, ...) \
	(ok((got) && !strcmp((got), (want)), __VA_ARGS__) || \
	 (diag("  got '%s', want '%s'", (got) ? (got) : "(null)", (want)), 0))

static inline void skip(const char *why)
{
	printf("ok %d # skip %s\n", ++tap_n, why);
	fflush(stdout);
}

static inline int done_testing(void)
{
	return tap_failed ? 1 : 0;
}

#endif
