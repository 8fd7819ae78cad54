/*
 * replay/dump.c - `umdbg trace info` and `umdbg trace dump`: read a trace
 * and describe it.  Owns nothing beyond one reader per call.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const char *const sig_names[] = {
	[SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
	[SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP",
	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGSYS] = "SIGSYS",
};

static const char *sig_name(uint32_t sig)
{
	static char buf[16];

	if (sig < sizeof(sig_names) / sizeof(sig_names[0]) && sig_names[sig])
		return sig_names[sig];
	snprintf(buf, sizeof(buf), "signal %u", sig);
	return buf;
}

static int open_trace(const char *path, struct trace_reader **r, FILE *err)
{
	char *cause = NULL;

	if (trace_open(path, r, &cause) < 0) {
		if (err)
			fprintf(err, "umdbg: %s\n", cause);
		free(cause);
		return 1;
	}
	return 0;
}

static void quoted(FILE *out, const uint8_t *d, uint32_t len, uint32_t max)
{
	uint32_t i;

	fputc('"', out);
	for (i = 0; i < len && i < max; i++) {
		if (d[i] == '\n')
			fputs("\\n", out);
		else if (d[i] == '\r')
			fputs("\\r", out);
		else if (d[i] == '"' || d[i] == '\\')
			fprintf(out, "\\%c", d[i]);
		else if (isprint(d[i]))
			fputc(d[i], out);
		else
			fprintf(out, "\\x%02x", d[i]);
	}
	fputc('"', out);
	if (len > max)
		fputs("...", out);
}

/* open's flags as strace spells them: O_RDONLY|O_CLOEXEC. */
static void open_flags(FILE *out, uint64_t f)
{
	static const struct { uint64_t bit; const char *name; } bits[] = {
		{ O_TMPFILE, "O_TMPFILE" },	/* before O_DIRECTORY, in it */
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" },
		{ O_NOCTTY, "O_NOCTTY" }, { O_TRUNC, "O_TRUNC" },
		{ O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" },
		/* the kernel's value: userspace's O_LARGEFILE is 0 here */
		{ 0100000, "O_LARGEFILE" }, { O_DIRECTORY, "O_DIRECTORY" },
		{ O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },
		{ O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" },
	};
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					   "O_ACCMODE" };
	size_t i;

	fputs(acc[f & O_ACCMODE], out);
	f &= ~(uint64_t)O_ACCMODE;
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((f & bits[i].bit) == bits[i].bit) {
			fprintf(out, "|%s", bits[i].name);
			f &= ~bits[i].bit;
		}
	if (f)
		fprintf(out, "|%#llx", (unsigned long long)f);
}

static void dirfd(FILE *out, uint64_t fd)
{
	if ((int)fd == AT_FDCWD)
		fputs("AT_FDCWD", out);
	else
		fprintf(out, "%d", (int)fd);
}

/* The call's arguments: path syscalls as strace shows them (the path
 * itself when the trace has it), others as three numbers. */
static void print_args(FILE *out, const struct rr_sysrec *s,
		       const uint8_t *path, uint32_t plen)
{
	const uint64_t *a = s->args;
	int pa = rr_path_arg((long)s->nr);

#define PATH(i) (path ? quoted(out, path, plen, 256) : \
		 (void)fprintf(out, "%#llx", (unsigned long long)a[i]))
	switch (s->nr) {
	case SYS_openat:	/* a dirfd, then open's arguments */
	case SYS_open:
		if (s->nr == SYS_openat) {
			dirfd(out, a[0]);
			fputs(", ", out);
			a++;
		}
		PATH(0);
		fputs(", ", out);
		open_flags(out, a[1]);
		if (a[1] & O_CREAT)
			fprintf(out, ", 0%llo", (unsigned long long)a[2]);
		return;
	case SYS_newfstatat:
		dirfd(out, a[0]);
		fputs(", ", out);
		PATH(1);
		fprintf(out, ", %#llx, %#llx", (unsigned long long)a[2],
			(unsigned long long)a[3]);
		return;
	case SYS_access:
		PATH(0);
		fprintf(out, ", %s%s%s%s", a[1] ? "" : "F_OK",
			a[1] & R_OK ? "R_OK" : "", a[1] & W_OK ?
			(a[1] & R_OK ? "|W_OK" : "W_OK") : "", a[1] & X_OK ?
			(a[1] & (R_OK | W_OK) ? "|X_OK" : "X_OK") : "");
		return;
	default:
		if (pa == 0) {
			PATH(0);
			fprintf(out, ", %#llx, %lld", (unsigned long long)a[1],
				(long long)a[2]);
			return;
		}
		fprintf(out, "%lld, %#llx, %lld", (long long)a[0],
			(unsigned long long)a[1], (long long)a[2]);
	}
#undef PATH
}

static void end_line(FILE *out, const struct rr_endrec *e)
{
	switch (e->how) {
	case RR_END_EXITED:
		fprintf(out, "the kernel exited with status %d", e->value);
		break;
	case RR_END_KILLED:
		fprintf(out, "the kernel was killed by %s",
			sig_name((uint32_t)e->value));
		break;
	default:
		fprintf(out, "umdbg stopped the recording");
		break;
	}
}

/* Walk every record and count; print nothing (WALK_COUNT), the summary
 * (WALK_INFO) or every record (WALK_DUMP). */
enum walk_mode { WALK_COUNT, WALK_INFO, WALK_DUMP };

static int walk(const char *path, FILE *out, FILE *err, enum walk_mode mode,
		uint64_t *events)
{
	bool dump = mode == WALK_DUMP;
	struct trace_reader *r;
	const struct trace_header *h;
	struct rr_endrec end;
	bool have_end = false;
	uint64_t nsys = 0, nsig = 0, nemul = 0, ncons = 0;
	uint32_t type, len, i;
	const void *data;
	char *cause = NULL;
	struct stat st;
	int rc, status = 0;

	if (open_trace(path, &r, err))
		return 1;
	h = trace_header_of(r);
	for (;;) {
		rc = trace_next(r, &type, &data, &len, &cause);
		if (rc <= 0)
			break;
		if (type == RR_REC_SYSCALL && len >= sizeof(struct rr_sysrec)) {
			struct rr_sysrec s;
			const struct rr_sys *sys;
			const uint8_t *b = (const uint8_t *)data + sizeof(s);

			memcpy(&s, data, sizeof(s));
			nsys++;
			nemul += !!(s.flags & RR_F_EMUL);
			if (!dump)
				continue;
			sys = rr_sys_lookup((long)s.nr);
			fprintf(out, "%llu %s(", (unsigned long long)s.event,
				sys ? sys->name : "?");
			if (s.flags & RR_F_PATH && s.nblobs == 1 &&
			    len >= sizeof(s) + 12) {
				uint32_t pl;

				memcpy(&pl, b + 8, 4);
				if (pl <= len - sizeof(s) - 12)
					print_args(out, &s, b + 12, pl);
				else
					print_args(out, &s, NULL, 0);
				s.nblobs = 0;	/* shown */
			} else {
				print_args(out, &s, NULL, 0);
			}
			fprintf(out, ") = %lld", (long long)s.result);
			if (s.result < 0 && s.result > -4096)
				fprintf(out, " (%s)", strerrorname_np(
						(int)-s.result) ?
					strerrorname_np((int)-s.result) :
					"?");
			if (s.flags & RR_F_CONSOLE) {
				fputs(" console", out);
				ncons++;
			}
			fputs(s.flags & RR_F_EMUL ? " emulated" : " checked",
			      out);
			for (i = 0; i < s.nblobs &&
			     (size_t)(b - (const uint8_t *)data) + 12 <= len;
			     i++) {
				uint32_t bl;

				memcpy(&bl, b + 8, 4);
				if ((size_t)(b - (const uint8_t *)data) + 12 +
				    bl > len)
					break;
				fputc(' ', out);
				quoted(out, b + 12, bl, 48);
				b += 12 + bl;
			}
			fputc('\n', out);
		} else if (type == RR_REC_SIGNAL &&
			   len >= sizeof(struct rr_sigrec)) {
			struct rr_sigrec s;

			memcpy(&s, data, sizeof(s));
			nsig++;
			if (dump)
				fprintf(out, "%llu --- %s (pending as the "
					"syscall starts) ---\n",
					(unsigned long long)s.event,
					sig_name(s.sig));
		} else if (type == RR_REC_END && len >= sizeof(end)) {
			memcpy(&end, data, sizeof(end));
			have_end = true;
			if (dump) {
				fputs("--- end: ", out);
				end_line(out, &end);
				fputs(" ---\n", out);
			}
		}
	}
	if (rc < 0) {
		/* Everything before is shown; say why the rest is not. */
		if (err)
			fprintf(err, "umdbg: %s\n", cause);
		status = rc == -EPIPE ? 0 : 1;
	}
	if (events)
		*events = nsys;
	if (mode == WALK_INFO) {
		char bid[2 * sizeof(h->build_id) + 1];
		time_t when = (time_t)h->start_time;
		char date[64];

		for (i = 0; i < h->build_id_len; i++)
			snprintf(bid + 2 * i, 3, "%02x", h->build_id[i]);
		bid[2 * h->build_id_len] = '\0';
		struct tm tmv;

		if (gmtime_r(&when, &tmv))
			strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC",
				 &tmv);
		else
			snprintf(date, sizeof(date), "(bad time %llu)",
				 (unsigned long long)h->start_time);
		fprintf(out, "trace:        %s\n", path);
		fprintf(out, "format:       version %u\n", h->version);
		fprintf(out, "kernel:       build-id %s\n",
			h->build_id_len ? bid : "(none)");
		fprintf(out, "command line: %s\n", h->cmdline);
		fprintf(out, "guest:        %s\n",
			h->flags & TRACE_HDR_UNCONFINED ?
			"unconfined (--no-confine)" : "confined");
		fprintf(out, "recorded:     %s\n", date);
		fprintf(out, "events:       %llu syscalls (%llu emulated in "
			"replay), %llu signals\n", (unsigned long long)nsys,
			(unsigned long long)nemul, (unsigned long long)nsig);
		if (have_end)
			fprintf(out, "duration:     %.3f s\n",
				(double)end.elapsed_ns / 1e9);
		else
			fprintf(out, "duration:     unknown\n");
		if (stat(path, &st) == 0)
			fprintf(out, "size:         %lld bytes\n",
				(long long)st.st_size);
		fputs("ended:        ", out);
		if (have_end)
			end_line(out, &end);
		else
			fputs("(no end record)", out);
		fputc('\n', out);
		fprintf(out, "state:        %s\n",
			rc == 0 && trace_complete(r) ? "complete" :
			rc == -EPIPE ? "truncated (the recorder did not finish; "
				       "replay plays up to the last whole "
				       "record)" :
				       "corrupt");
	}
	free(cause);
	trace_close(r);
	return status;
}

int rr_trace_info(const char *path, FILE *out, FILE *err)
{
	return walk(path, out, err, WALK_INFO, NULL);
}

int rr_trace_dump(const char *path, FILE *out, FILE *err)
{
	return walk(path, out, err, WALK_DUMP, NULL);
}

int rr_trace_events(const char *path, uint64_t *events)
{
	*events = 0;
	return walk(path, NULL, NULL, WALK_COUNT, events) ? -EIO : 0;
}
