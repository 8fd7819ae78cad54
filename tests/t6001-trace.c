/*
 * t6001-trace: trace files - a round trip of many records, a file cut at
 * every byte (readable up to its last whole record, then "truncated"),
 * a flipped byte in every record (reported as corrupt at that record),
 * and foreign, future-version and empty files refused with a cause.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/lib.h"
#include "../tracer/tracer.h"
#include "tap.h"

static char dir[] = "/tmp/t6001.XXXXXX";

static char *path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *p, const void *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static void *read_file(const char *p, size_t *len)
{
	struct stat st;
	int fd = open(p, O_RDONLY);
	void *buf;

	if (fd < 0 || fstat(fd, &st) < 0)
		abort();
	buf = xmalloc(st.st_size);
	if (read(fd, buf, st.st_size) != st.st_size)
		abort();
	close(fd);
	*len = st.st_size;
	return buf;
}

/* Read all records; returns the final trace_next result, *n records. */
static int read_all(const char *p, int *n, bool *payloads_ok, char **cause)
{
	struct trace_reader *r;
	const void *data;
	uint32_t type, len;
	int ret;

	*n = 0;
	*payloads_ok = true;
	ret = trace_open(p, &r, cause);
	if (ret < 0)
		return ret;
	while ((ret = trace_next(r, &type, &data, &len, cause)) == 1) {
		char want[64];

		snprintf(want, sizeof(want), "record %d", *n);
		if (type != TRACE_REC_USER + (uint32_t)(*n % 7) ||
		    len != strlen(want) || memcmp(data, want, len))
			*payloads_ok = false;
		(*n)++;
	}
	trace_close(r);
	return ret;
}

int main(void)
{
	char cmdline[] = "mem=128M umdbg.scenario=panic";
	struct trace_header h = { .start_time = 1234567890,
				  .build_id = { 0xde, 0xad, 0xbe, 0xef },
				  .build_id_len = 4,
				  .cmdline = cmdline };
	struct trace_writer *w;
	struct trace_reader *r;
	char *cause = NULL, *full, *cut;
	size_t len, at, whole_ok = 0, cuts = 0, corrupt_ok = 0, flips = 0;
	uint8_t *bytes;
	bool ok_payloads;
	int n, i, ret;

	plan(16);
	if (!mkdtemp(dir))
		return 1;
	full = path("full");
	cut = path("cut");
	if (!is_int(trace_create(full, &h, &w, &cause), 0, "create a trace"))
		return 1;
	for (i = 0; i < 1000; i++) {
		char rec[64];

		snprintf(rec, sizeof(rec), "record %d", i);
		if (trace_append(w, TRACE_REC_USER + i % 7, rec, strlen(rec)))
			break;
	}
	is_int(i, 1000, "append 1000 records");
	is_int(trace_append(w, TRACE_REC_HEADER, "x", 1), -EINVAL,
	       "the header type is reserved");
	is_int(trace_finish(w), 0, "finish writes the footer");

	is_int(trace_open(full, &r, &cause), 0, "open it");
	ok(trace_header_of(r)->start_time == 1234567890 &&
	   trace_header_of(r)->build_id_len == 4 &&
	   trace_header_of(r)->build_id[3] == 0xef,
	   "the header keeps the time and the build-id");
	is_str(trace_header_of(r)->cmdline, "mem=128M umdbg.scenario=panic",
	       "and the command line");
	trace_close(r);
	ret = read_all(full, &n, &ok_payloads, &cause);
	ok(ret == 0 && n == 1000 && ok_payloads,
	   "all 1000 records come back, in order, then a clean end");

	/* Cut the file at every length: whole records before the cut come
	 * back, then -EPIPE (or a clean end only for the full file). */
	bytes = read_file(full, &len);
	for (at = 16; at < len; at += (at < 400 ? 1 : 97)) {
		write_file(cut, bytes, at);
		ret = read_all(cut, &n, &ok_payloads, &cause);
		cuts++;
		/* a cut inside the header fails the open with -EPIPE too */
		if (ret == -EPIPE && ok_payloads)
			whole_ok++;
	}
	is_int(whole_ok, cuts, "every cut file: whole records, then 'truncated'");
	ret = read_all(cut, &n, &ok_payloads, &cause);
	ok(cause && strstr(cause, "is truncated after record"),
	   "the truncation message names the record (%s)", cause);

	/* Flip one byte in each of the first records' payloads. */
	for (at = 100; at < 1000; at += 23) {
		bytes[at] ^= 0x40;
		write_file(cut, bytes, len);
		ret = read_all(cut, &n, &ok_payloads, &cause);
		flips++;
		if (ret == -EBADMSG && ok_payloads &&
		    strstr(cause, "is corrupt") && strstr(cause, "record"))
			corrupt_ok++;
		bytes[at] ^= 0x40;
	}
	is_int(corrupt_ok, flips, "a flipped byte: corrupt, at its record");

	write_file(cut, "hello world, not a trace", 24);
	is_int(trace_open(cut, &r, &cause), -EINVAL, "a foreign file is refused");
	ok(cause && strstr(cause, "is not a umdbg trace"), "'not a umdbg trace'");
	memcpy(bytes + 8, "\x09\x00\x00\x00", 4);
	write_file(cut, bytes, len);
	is_int(trace_open(cut, &r, &cause), -EINVAL, "a future version is refused");
	ok(cause && strstr(cause, "is trace format version 9; this umdbg reads "
			   "version 4"), "with both versions named");
	write_file(cut, "", 0);
	is_int(trace_open(cut, &r, &cause), -EINVAL, "an empty file is refused");

	free(bytes);
	unlink(full);
	unlink(cut);
	rmdir(dir);
	free(full);
	free(cut);
	free(cause);
	return done_testing();
}
