/*
 * t0001-lib: lib/ utilities - strbuf, number parsing, causes, rm_rf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/lib.h"
#include "tap.h"

int main(void)
{
	struct strbuf sb;
	uint64_t v = 0;
	char *cause = NULL, dir[] = "/tmp/t0001.XXXXXX", *p, *q;
	struct stat st;
	int i;

	plan(13);
	strbuf_init(&sb);
	for (i = 0; i < 1000; i++)
		strbuf_addf(&sb, "%d,", i);
	is_int(sb.len, 3890, "strbuf grows across many appends");
	ok(!strncmp(sb.buf + sb.len - 4, "999,", 4), "strbuf keeps order");
	strbuf_reset(&sb);
	strbuf_add(&sb, "ab", 2);
	p = strbuf_detach(&sb);
	is_str(p, "ab", "strbuf_detach hands over the text");
	free(p);
	ok(sb.buf == NULL && sb.len == 0, "detached strbuf is empty");

	is_int(parse_u64("0x1f", &v), 0, "hex parses");
	is_int(v, 31, "hex value");
	is_int(parse_u64("12", &v), 0, "decimal parses");
	is_int(parse_u64("12x", &v), -EINVAL, "trailing junk refused");
	is_int(parse_u64("-1", &v), -EINVAL, "negative refused");

	is_int(set_cause(&cause, -ENOENT, "no symbol '%s'", "foo"), -ENOENT,
	       "set_cause returns the error");
	is_str(cause, "no symbol 'foo'", "set_cause formats");
	free(cause);

	if (!mkdtemp(dir))
		return 1;
	q = xasprintf("%s/a", dir);
	mkdir(q, 0700);
	free(q);
	p = xasprintf("%s/a/b", dir);
	mkdir(p, 0700);
	free(p);
	q = xasprintf("%s/a/b/f", dir);
	close(creat(q, 0600));
	free(q);
	is_int(rm_rf(dir), 0, "rm_rf removes a tree");
	ok(stat(dir, &st) < 0 && errno == ENOENT, "tree is gone");
	return done_testing();
}
