/*
 * t0002-rows: the row sinks of lib/rows.c without a guest - aligned text
 * as the prompt prints it (registers three to a line, the task list's
 * header), JSON lines that escape whatever a kernel string holds, user
 * formats, and a collected list that keeps free text in its place.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "../lib/lib.h"
#include "../lib/rows.h"
#include "tap.h"

/* Run fill against a sink of mode (format for OUT_FORMAT); the output. */
static char *render(enum out_mode mode, const char *format,
		    void (*fill)(struct out *o))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out *o = out_new(mode, f, format);

	fill(o);
	out_free(o);
	fclose(f);
	return buf;
}

static void regs(struct out *o)
{
	static const char *const names[] = { "rax", "rbx", "rcx", "rdx" };
	int i;

	fprintf(out_file(o), "Registers:\n");
	for (i = 0; i < 4; i++) {
		row_begin(o, ROW_REG);
		row_str(o, REG_NAME, names[i]);
		if (i != 2)
			row_addr(o, REG_VALUE, 0x10 * (uint64_t)i);
		row_end(o);
	}
	fprintf(out_file(o), "done\n");
}

static void tasks(struct out *o)
{
	row_begin(o, ROW_TASK);
	row_int(o, TASK_PID, 1);
	row_int(o, TASK_TGID, 1);
	row_str(o, TASK_STATE, "S");
	row_str(o, TASK_COMM, "init");
	row_bool(o, TASK_RUNNING, true);
	row_addr(o, TASK_MM, 0x6000);
	row_int(o, TASK_HOST_PID, 42);
	row_end(o);
	row_begin(o, ROW_TASK);
	row_int(o, TASK_PID, 2);
	row_int(o, TASK_TGID, 2);
	row_str(o, TASK_STATE, "S");
	row_str(o, TASK_COMM, "kthreadd");
	row_bool(o, TASK_KTHREAD, true);
	row_end(o);
}

static void awkward(struct out *o)
{
	row_begin(o, ROW_LOG);
	row_int(o, LOG_TS, 1500000);
	row_int(o, LOG_LEVEL, 4);
	row_str(o, LOG_TEXT, "say \"hi\"\\ \t\x01 caf\xc3\xa9");
	row_end(o);
	/* a field of another kind, and a wrong type: ignored, logged */
	row_begin(o, ROW_MEM);
	row_int(o, MEM_ADDR, 5);
	row_addr(o, MEM_ADDR, 0x1000);
	row_set_bytes(o, MEM_BYTES, "\x48\x89\xe5", 3);
	row_str(o, MEM_ASCII, "H..");
	row_end(o);
}

static void mixed(struct out *o)
{
	fprintf(out_file(o), "first\nsecond, unended");
	row_begin(o, ROW_FRAME);
	row_int(o, FRAME_NUM, 0);
	row_addr(o, FRAME_PC, 0x603d2b28);
	row_str(o, FRAME_FUNC, "panic");
	row_str(o, FRAME_WHERE, "panic at kernel/panic.c:1");
	row_end(o);
	fprintf(out_file(o), "last\n");
}

static void lists(struct out *o)
{
	row_begin(o, ROW_MODULE);
	row_str(o, MODULE_NAME, "umdbg_oops");
	row_str(o, MODULE_STATE, "live");
	row_addr(o, MODULE_TEXT, 0x70000000);
	row_int(o, MODULE_SIZE, 8192);
	row_end(o);
	row_begin(o, ROW_PTLEVEL);
	row_str(o, PTLEVEL_NAME, "pte");
	row_int(o, PTLEVEL_INDEX, 7);
	row_addr(o, PTLEVEL_ENTRY_ADDR, 0x60843038);
	row_addr(o, PTLEVEL_ENTRY, 0x8411a1);
	row_str(o, PTLEVEL_FLAGS, "PRESENT RW");
	row_end(o);
	row_begin(o, ROW_BREAKPOINT);
	row_int(o, BREAKPOINT_NUM, 1);
	row_str(o, BREAKPOINT_TYPE, "break");
	row_str(o, BREAKPOINT_SPEC, "panic");
	row_int(o, BREAKPOINT_HITS, 1);
	row_str(o, BREAKPOINT_ADDRS, "0x603d2b28");
	row_end(o);
	row_begin(o, ROW_BREAKPOINT);
	row_int(o, BREAKPOINT_NUM, 2);
	row_str(o, BREAKPOINT_TYPE, "watch");
	row_str(o, BREAKPOINT_SPEC, "jiffies");
	row_int(o, BREAKPOINT_HITS, 0);
	row_str(o, BREAKPOINT_ADDRS, "0x6059e000");
	row_int(o, BREAKPOINT_LEN, 8);
	row_end(o);
	row_begin(o, ROW_SYM);
	row_addr(o, SYM_ADDR, 0x603d2b28);
	row_str(o, SYM_WHERE, "panic at kernel/panic.c:534");
	row_end(o);
	row_begin(o, ROW_PAGERUN);
	row_addr(o, PAGERUN_START, 0x400000);
	row_addr(o, PAGERUN_END, 0x402000);
	row_addr(o, PAGERUN_PHYS, 0x841000);
	row_str(o, PAGERUN_FLAGS, "PRESENT");
	row_str(o, PAGERUN_PATH, "/bin/busybox");
	row_end(o);
	row_begin(o, ROW_VERSION);
	row_str(o, VERSION_VERSION, "0.1");
	row_str(o, VERSION_KERNEL, "guest/linux");
	row_str(o, VERSION_WATCH, "page-protection");
	row_str(o, VERSION_WATCH_WHY, "no trap");
	row_end(o);
	row_begin(o, ROW_COMMAND);
	row_str(o, COMMAND_NAME, "bt");
	row_str(o, COMMAND_USAGE, "bt [-a]");
	row_str(o, COMMAND_SUMMARY, "the backtrace");
	row_end(o);
}

int main(void)
{
	char *s;
	const char *why;
	struct out *o;
	int field;

	log_init();
	plan(16);

	s = render(OUT_TEXT, NULL, regs);
	is_str(s, "Registers:\n"
	       "  rax     0x0000000000000000  rbx     0x0000000000000010"
	       "  rcx     <not saved>       \n"
	       "  rdx     0x0000000000000030\n"
	       "done\n", "text: registers three to a line, the run ends its "
	       "line before the next text");
	free(s);

	s = render(OUT_TEXT, NULL, tasks);
	is_str(s, "    PID  TGID S COMM               MM                 HOST\n"
	       ">     1     1 S init               0x6000             42\n"
	       "      2     2 S [kthreadd]         -                  -\n",
	       "text: the task list's header once, kernel threads in "
	       "brackets");
	free(s);

	s = render(OUT_TEXT, NULL, lists);
	is_str(s, "MODULE               STATE     TEXT               SIZE\n"
	       "umdbg_oops           live      0x70000000         8192\n"
	       "  pte[  7] @0x60843038 = 0x00000000008411a1  PRESENT RW\n"
	       "1   panic                          hits 1  at 0x603d2b28\n"
	       "2   watch jiffies                  hits 0  at 0x6059e000, "
	       "8 bytes\n"
	       "0x603d2b28 panic at kernel/panic.c:534\n"
	       "000000400000-000000402000 -> phys 000841000  PRESENT  "
	       "/bin/busybox\n"
	       "umdbg 0.1, kernel 'guest/linux'\n"
	       "watchpoints: emulated by page protection (no trap)\n"
	       "  bt [-a]                          the backtrace\n",
	       "text: lsmod's header and rows, a page-table level, a "
	       "breakpoint, a watchpoint, sym, pt, version and help as "
	       "before");
	free(s);

	s = render(OUT_JSON, NULL, awkward);
	is_str(s, "{\"kind\":\"log\",\"ts_nsec\":1500000,\"level\":4,"
	       "\"level_name\":null,\"text\":\"say \\\"hi\\\"\\\\ \\t\\u0001 "
	       "caf\\u00c3\\u00a9\"}\n"
	       "{\"kind\":\"mem\",\"addr\":\"0x0000000000001000\","
	       "\"bytes\":\"48 89 e5\",\"ascii\":\"H..\"}\n",
	       "json: quotes, backslashes, controls and non-ASCII bytes "
	       "escaped; unset is null; a wrong type is not stored");
	free(s);

	s = render(OUT_JSON, NULL, mixed);
	is_str(s, "{\"kind\":\"text\",\"text\":\"first\"}\n"
	       "{\"kind\":\"text\",\"text\":\"second, unended\"}\n"
	       "{\"kind\":\"frame\",\"num\":0,\"pc\":\"0x00000000603d2b28\","
	       "\"inlined\":null,\"func\":\"panic\",\"offset\":null,"
	       "\"file\":null,\"line\":null,\"module\":null,"
	       "\"where\":\"panic at kernel/panic.c:1\"}\n"
	       "{\"kind\":\"text\",\"text\":\"last\"}\n",
	       "json: free text becomes text rows, in its place");
	free(s);

	s = render(OUT_FORMAT, "#{kind}: #{num} #{pc} #{func} [#{file}] #{x}",
		   mixed);
	is_str(s, "first\nsecond, unended\n"
	       "frame: 0 0x00000000603d2b28 panic [] \n"
	       "last\n", "format: fields by name, unset and unknown ones "
	       "empty, text as it is");
	free(s);

	s = render(OUT_TEXT, NULL, mixed);
	is_str(s, "first\nsecond, unended  #0  0x00000000603d2b28 panic at "
	       "kernel/panic.c:1\nlast\n",
	       "text: an unended line stays unended, as it was written");
	free(s);

	o = out_new(OUT_COLLECT, NULL, NULL);
	mixed(o);
	is_int((int)out_nrows(o), 4, "collect: 4 rows (3 of text)");
	ok(out_row(o, 2)->kind == ROW_FRAME &&
	   row_u(out_row(o, 2), FRAME_PC) == 0x603d2b28 &&
	   !strcmp(row_s(out_row(o, 2), FRAME_FUNC), "panic") &&
	   !row_has(out_row(o, 2), FRAME_LINE),
	   "collect: the frame's fields read back by name");
	is_str(row_s(out_row(o, 1), TEXT_TEXT), "second, unended",
	       "collect: the unended text line is a row of its own");
	ok(out_row(o, 4) == NULL, "collect: no row past the end");
	s = row_text(out_row(o, 2));
	is_str(s, "  #0  0x00000000603d2b28 panic at kernel/panic.c:1",
	       "row_text: one row as the prompt prints it");
	free(s);
	out_free(o);

	field = row_field_index(ROW_FRAME, "func");
	is_int(field, FRAME_FUNC, "row_field_index: 'func' is FRAME_FUNC");
	is_int(row_field_index(ROW_TASK, "nosuch"), -1,
	       "row_field_index: no such field");
	ok(out_format_ok("#{pc} #{func}", &why), "a good format is good");
	why = NULL;
	field = out_format_ok("#{pc #{func", &why);
	ok(!field && why, "an unclosed #{ is not: %s", why ? why : "?");
	return done_testing();
}
