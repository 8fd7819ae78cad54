/*
 * tests/fuzz/trace-fuzzer.c - libFuzzer target for the trace reader:
 * arbitrary bytes as a trace file, opened and read to the end, then
 * summarised and dumped as `umdbg trace info|dump` would (the record
 * layouts of replay/).  Build and run: make fuzz (clang, libFuzzer).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../tracer/tracer.h"
#include "../../replay/replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static FILE *sink_file;
	struct trace_reader *r;
	const void *rec;
	uint32_t type, len;
	char *cause = NULL;
	int fd, guard = 0;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/trace-fuzz.%d", (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);
	if (trace_open(path, &r, &cause) == 0) {
		while (trace_next(r, &type, &rec, &len, &cause) == 1 &&
		       guard++ < 100000) {
			volatile uint8_t sink = len ? ((const uint8_t *)rec)[len - 1] : 0;

			(void)sink;
		}
		trace_close(r);
	}
	if (!sink_file)
		sink_file = fopen("/dev/null", "w");
	if (sink_file) {
		rr_trace_info(path, sink_file, sink_file);
		rr_trace_dump(path, sink_file, sink_file);
	}
	free(cause);
	unlink(path);
	return 0;
}
