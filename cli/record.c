/*
 * cli/record.c - the session's recording and replay: `--record`, `umdbg
 * replay TRACE` (the recorded kernel, its arguments and build id), the
 * replayed console, and `umdbg trace info|dump`.
 * Owns s->rr while it lives.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* A replay's console output: the recorded bytes, where the live console
 * would have printed them. */
static void replay_console(void *arg, const void *buf, size_t len)
{
	struct session *s = arg;

	if (!len || s->quiet)
		return;
	if (s->con.sink) {	/* where the live console's output goes */
		s->con.sink(s->con.sink_arg, buf, len);
		return;
	}
	write_all(STDOUT_FILENO, buf, len);
	s->con.at_bol = ((const char *)buf)[len - 1] == '\n';
}

/* `umdbg trace info|dump TRACE` */
int trace_command(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "info") && strcmp(argv[1], "dump"))) {
		fprintf(stderr, "umdbg: usage: umdbg trace info|dump TRACE; "
			"try 'umdbg --help'\n");
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "info"))
		return rr_trace_info(argv[2], stdout, stderr) ? EXIT_ERROR : 0;
	return rr_trace_dump(argv[2], stdout, stderr) ? EXIT_ERROR : 0;
}

/* The kernel path and arguments a trace was recorded with: its header's
 * command line, split at spaces (umdbg --record refuses arguments with
 * spaces). */
static char **split_cmdline(const char *cmdline, int *n)
{
	char *copy = xstrdup(cmdline), *save = NULL, *tok;
	char **v = xcalloc(strlen(cmdline) / 2 + 2, sizeof(*v));

	*n = 0;
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		v[(*n)++] = xstrdup(tok);
	free(copy);
	return v;
}

static void hexify(char *out, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = '\0';
}

/* Open a trace for `umdbg replay`: its kernel and arguments.  Exits
 * with a message on a bad trace. */
void replay_open(struct session *s, const char *path, char ***argv_out,
		 int *argc_out)
{
	char *cause = NULL;
	const struct trace_header *h;

	if (rr_replay_new(path, replay_console, s, &s->rr, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		exit(EXIT_ERROR);
	}
	h = rr_header(s->rr);
	*argv_out = split_cmdline(h->cmdline, argc_out);
	if (*argc_out < 1) {
		fprintf(stderr, "umdbg: '%s' names no kernel in its header\n",
			path);
		exit(EXIT_ERROR);
	}
}

/* Refuse to replay a trace against a kernel it was not recorded on. */
int check_build_id(struct session *s, const char *kernel)
{
	const struct trace_header *h = rr_header(s->rr);
	uint8_t id[64];
	size_t n = kmodel_build_id(s->k, id, sizeof(id));
	char want[129], have[129];

	if (n == h->build_id_len && !memcmp(id, h->build_id, n))
		return 0;
	hexify(want, h->build_id, h->build_id_len);
	hexify(have, id, n);
	fprintf(stderr, "umdbg: '%s' was recorded with another kernel "
		"(build-id %s), not '%s' (build-id %s)\n", s->trace_path,
		h->build_id_len ? want : "none", kernel, n ? have : "none");
	return -1;
}

void record_start(struct session *s, char **gargv, bool unconfined)
{
	struct trace_header h;
	struct strbuf cmd;
	char *cause = NULL;
	int i;

	memset(&h, 0, sizeof(h));
	h.start_time = (uint64_t)time(NULL);
	h.build_id_len = kmodel_build_id(s->k, h.build_id,
					 sizeof(h.build_id));
	strbuf_init(&cmd);
	for (i = 0; gargv[i]; i++) {
		if (strchr(gargv[i], ' ')) {
			fprintf(stderr, "umdbg: cannot record a kernel "
				"argument with a space: '%s'\n", gargv[i]);
			exit(EXIT_ERROR);
		}
		strbuf_addf(&cmd, "%s%s", i ? " " : "",
			    i ? gargv[i] : s->kernel_abs);
	}
	h.cmdline = cmd.buf;
	h.flags = unconfined ? TRACE_HDR_UNCONFINED : 0;
	if (rr_record_new(s->trace_path, &h, &s->rr, &cause) < 0) {
		fprintf(stderr, "umdbg: %s\n", cause);
		exit(EXIT_ERROR);
	}
	strbuf_release(&cmd);
}

/* After the run: close the recording and say how it went. */
void rr_done(struct session *s)
{
	const struct tracer_stop *st = &s->last_stop;
	enum rr_end how = RR_END_STOPPED;
	int value = 0, err;

	if (!s->rr)
		return;
	if (rr_is_replay(s->rr)) {
		fprintf(stderr, "umdbg: replayed %llu events of '%s'\n",
			(unsigned long long)rr_event(s->rr), s->trace_path);
	} else {
		if (st->kind == TRACER_STOP_EXITED) {
			how = RR_END_EXITED;
			value = st->status;
		} else if (st->kind == TRACER_STOP_KILLED) {
			how = RR_END_KILLED;
			value = st->signo;
		}
		err = rr_finish(s->rr, how, value);
		if (err < 0) {
			fprintf(stderr, "umdbg: cannot write '%s': %s; the "
				"trace is truncated there (it replays up to "
				"its last whole record)\n", s->trace_path,
				errstr(-err));
			s->exit_code = EXIT_ERROR;
		} else {
			fprintf(stderr, "umdbg: recorded %llu events into "
				"'%s'\n", (unsigned long long)rr_event(s->rr),
				s->trace_path);
		}
	}
	rr_free(s->rr);
	s->rr = NULL;
}
