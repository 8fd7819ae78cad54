/*
 * t0004-args: the one parser of every command's arguments (cli/args.c):
 * a command's usage in the table is its spec.
 */
#define _GNU_SOURCE
#include <string.h>

#include "../cli/cli.h"
#include "tap.h"

static struct cmd_args a;

/* Parse a line against usage; 0 or -EINVAL. */
static int parse(const char *usage, const char *line)
{
	static char copy[256];
	char *argv[16], *save = NULL, *tok;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (tok = strtok_r(copy, " ", &save); tok && argc < 16;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return cmd_args_parse(usage, argc, argv, &a);
}

static const char *v(const char *name)
{
	const char *s = cmd_arg(&a, name);

	return s ? s : "(none)";
}

int main(void)
{
	plan(18);
	ok(parse("x [-p PID] ADDR [LEN]", "x 0x1000") == 0 &&
	   !strcmp(v("ADDR"), "0x1000") && !cmd_arg(&a, "LEN") &&
	   !cmd_arg(&a, "PID"), "x ADDR: the address, no length, no pid");
	ok(parse("x [-p PID] ADDR [LEN]", "x -p 7 0x1000 64") == 0 &&
	   !strcmp(v("PID"), "7") && !strcmp(v("ADDR"), "0x1000") &&
	   !strcmp(v("LEN"), "64"), "x -p PID ADDR LEN: all three");
	ok(parse("x [-p PID] ADDR [LEN]", "x") < 0, "x alone: refused");
	ok(parse("x [-p PID] ADDR [LEN]", "x 1 2 3") < 0,
	   "x with three values: refused");
	ok(parse("x [-p PID] ADDR [LEN]", "x 0x1000 -p") < 0,
	   "an option without its value: refused");
	ok(parse("regs [PID] [-f FRAME]", "regs 5 -f 2") == 0 &&
	   !strcmp(v("PID"), "5") && !strcmp(v("FRAME"), "2"),
	   "regs PID -f FRAME: an option after a value");
	ok(parse("regs [PID] [-f FRAME]", "regs -f 2") == 0 &&
	   !cmd_arg(&a, "PID") && !strcmp(v("FRAME"), "2"),
	   "regs -f FRAME: the optional value left out");
	ok(parse("dmesg [-l] [-n N]", "dmesg -n 20 -l") == 0 &&
	   !strcmp(v("N"), "20") && !strcmp(v("-l"), "1"),
	   "dmesg -n N -l: a switch reads as 1");
	ok(parse("dmesg [-l] [-n N]", "dmesg -x") < 0,
	   "an option the usage does not have: refused");
	ok(parse("vtop [PID] ADDR", "vtop 0x1000") == 0 &&
	   !strcmp(v("ADDR"), "0x1000") && !cmd_arg(&a, "PID"),
	   "vtop ADDR: the required value is filled first");
	ok(parse("vtop [PID] ADDR", "vtop 3 0x1000") == 0 &&
	   !strcmp(v("PID"), "3") && !strcmp(v("ADDR"), "0x1000"),
	   "vtop PID ADDR: then the optional one, from the left");
	ok(parse("time [-q] COMMAND...", "time -q x -p 1 0x10") == 0 &&
	   !strcmp(v("-q"), "1") && a.rest_argc == 4 &&
	   !strcmp(a.rest_argv[1], "-p"),
	   "time -q COMMAND...: the rest of the line, its options included");
	ok(parse("time [-q] COMMAND...", "time -q") < 0,
	   "time without a command: refused");
	ok(parse("watch EXPR [LEN] [if COND...]", "watch a if b <= c") == 0 &&
	   !strcmp(v("EXPR"), "a") && !cmd_arg(&a, "LEN") &&
	   a.rest_argc == 3 && !strcmp(a.rest_argv[0], "b"),
	   "watch EXPR if COND: the condition is the rest after 'if'");
	ok(parse("watch EXPR [LEN] [if COND...]", "watch a 4 if b") == 0 &&
	   !strcmp(v("LEN"), "4") && a.rest_argc == 1,
	   "watch EXPR LEN if COND: the optional value, then the condition");
	ok(parse("watch EXPR [LEN] [if COND...]", "watch a 4") == 0 &&
	   !strcmp(v("LEN"), "4") && a.rest_argc == 0,
	   "watch EXPR LEN: no condition");
	ok(parse("watch EXPR [LEN] [if COND...]", "watch a if") < 0 &&
	   parse("watch EXPR [LEN] [if COND...]", "watch a 4 b") < 0,
	   "'if' without a condition, or a third value: refused");
	ok(parse("continue", "continue now") < 0,
	   "a command without arguments refuses one");
	return done_testing();
}
