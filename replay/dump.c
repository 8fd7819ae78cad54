/*
 * replay/dump.c - `umdbg trace info` and `umdbg trace dump`: read a trace
 * and describe it.  Owns nothing beyond one reader per call.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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
			fprintf(out, "%lld, %#llx, %lld)", (long long)s.args[0],
				(unsigned long long)s.args[1],
				(long long)s.args[2]);
			fprintf(out, " = %lld", (long long)s.result);
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
		fprintf(out, "format:       version %d\n", TRACE_VERSION);
		fprintf(out, "kernel:       build-id %s\n",
			h->build_id_len ? bid : "(none)");
		fprintf(out, "command line: %s\n", h->cmdline);
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
