/*
 * cli/source.c - the `disas` and `list` commands: machine code through
 * capstone and source lines from the guest's source tree, each with the
 * current pc marked "=>" and breakpoints "*" (the TUI's disassembly and
 * source panes show them).
 * Owns nothing across calls.
 */
#define _GNU_SOURCE
#include <capstone/capstone.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DISAS_MAX 200
#define LIST_MAX 200

/* The pc of the stopped kernel thread (0: none). */
static uint64_t current_pc(struct session *s)
{
	struct user_regs_struct r;

	if (!tracer_is_alive(s->t) || tracer_is_running(s->t) ||
	    tracer_get_regs(s->t, 0, &r) < 0)
		return 0;
	return r.rip;
}

/* ADDR as a number, *EXPR, or an expression (a symbol, sym+off). */
static int parse_location(struct cmd_ctx *ctx, const char *cmd,
			  const char *arg, uint64_t *addr)
{
	if (*arg == '*')
		arg++;
	return cmd_eval_addr(ctx, cmd, arg, addr);
}

/* "sym+0x12" for an address, or NULL. */
static char *sym_of(struct session *s, uint64_t addr)
{
	struct kmodel_where *w;
	char *str = NULL;
	int n = kmodel_where(s->k, addr, false, &w);

	if (n > 0 && w[n - 1].func)
		str = w[n - 1].offset ?
			xasprintf("%s+0x%llx", w[n - 1].func,
				  (unsigned long long)w[n - 1].offset) :
			xstrdup(w[n - 1].func);
	kmodel_where_free(w, n);
	return str;
}

/* The start of the function holding pc, when it is not too far back. */
static uint64_t start_near(struct session *s, uint64_t pc)
{
	struct kmodel_where *w;
	uint64_t start = pc;
	int n = kmodel_where(s->k, pc, false, &w);

	if (n > 0 && w[n - 1].func && w[n - 1].offset < 256)
		start = pc - w[n - 1].offset;
	kmodel_where_free(w, n);
	return start;
}

int cmd_disas(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	uint64_t pc = current_pc(s), addr, n = 16, bps[256];
	uint8_t code[DISAS_MAX * 15];
	int nbps = session_user_bp_addrs(s, bps, 256), i;
	cs_insn *insn;
	size_t count, k;
	const char *where = cmd_arg(ctx->args, "EXPR");
	const char *many = cmd_arg(ctx->args, "N");
	ssize_t got;
	csh cs;

	(void)argc; (void)argv;
	if (many && (parse_u64(many, &n) < 0 || !n || n > DISAS_MAX)) {
		fprintf(ctx->out, "usage: disas [EXPR] [N<=%d]\n",
			DISAS_MAX);
		return -EINVAL;
	}
	if (where) {
		if (parse_location(ctx, "disas", where, &addr) < 0)
			return -ENOENT;
	} else if (pc) {
		addr = start_near(s, pc);
	} else {
		fprintf(ctx->out, "disas: the guest is not stopped\n");
		return -ESRCH;
	}
	got = tracer_read_mem(s->t, addr, code, sizeof(code));
	if (got <= 0) {
		fprintf(ctx->out, "disas: cannot read memory at 0x%llx\n",
			(unsigned long long)addr);
		return -EIO;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
		fprintf(ctx->out, "disas: capstone: cannot open x86-64\n");
		return -EIO;
	}
	/* from a function's start to pc and n more */
	if (pc > addr && pc - addr < sizeof(code))
		n += (pc - addr) / 2;
	count = cs_disasm(cs, code, (size_t)got, addr, n, &insn);
	for (k = 0; k < count && k < n; k++) {
		char *sym = sym_of(s, insn[k].address);
		bool bp = false;

		for (i = 0; i < nbps && i < 256; i++)
			bp |= bps[i] == insn[k].address;
		row_begin(ctx->o, ROW_INSN);
		row_addr(ctx->o, INSN_ADDR, insn[k].address);
		row_bool(ctx->o, INSN_CURRENT, insn[k].address == pc);
		row_bool(ctx->o, INSN_BP, bp);
		row_str(ctx->o, INSN_SYM, sym);
		row_str(ctx->o, INSN_MNEMONIC, insn[k].mnemonic);
		row_str(ctx->o, INSN_OPERANDS, insn[k].op_str);
		free(sym);
		/* name a direct call or jump's target */
		if (insn[k].op_str[0] == '0' && insn[k].op_str[1] == 'x' &&
		    (insn[k].mnemonic[0] == 'j' ||
		     !strcmp(insn[k].mnemonic, "call"))) {
			char *t = sym_of(s, strtoull(insn[k].op_str, NULL, 16));

			row_str(ctx->o, INSN_TARGET, t);
			free(t);
		}
		row_end(ctx->o);
		if (insn[k].address > pc + 64 && k + 1 >= n / 2 && pc)
			break;
	}
	if (count)
		cs_free(insn, count);
	cs_close(&cs);
	if (!count) {
		fprintf(ctx->out, "disas: no instruction decodes at 0x%llx\n",
			(unsigned long long)addr);
		return -EINVAL;
	}
	return 0;
}

/* The lines of file that have a breakpoint: fills up to max. */
static int bp_lines(struct session *s, const char *file, int *lines, int max)
{
	uint64_t addrs[256];
	int n = session_user_bp_addrs(s, addrs, 256), i, got = 0;

	for (i = 0; i < n && i < 256 && got < max; i++) {
		struct kmodel_where *w;
		int nw = kmodel_where(s->k, addrs[i], false, &w);

		if (nw > 0 && w[0].file && !strcmp(w[0].file, file))
			lines[got++] = w[0].line;
		kmodel_where_free(w, nw);
	}
	return got;
}

int cmd_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	struct kmodel_where *w;
	uint64_t pc = current_pc(s), addr, ctxlines = 8;
	char *path = NULL, *line = NULL, *file = NULL;
	int n, at = 0, lineno = 0, err = 0, bp_line[64], nbp, i;
	size_t cap = 0;
	FILE *f;
	const char *where = cmd_arg(ctx->args, "EXPR|FILE:LINE");
	const char *count = cmd_arg(ctx->args, "N");

	(void)argc; (void)argv;
	if (count && (parse_u64(count, &ctxlines) < 0 ||
		      ctxlines > LIST_MAX)) {
		fprintf(ctx->out, "usage: list [EXPR|FILE:LINE] "
			"[CONTEXT<=%d]\n", LIST_MAX);
		return -EINVAL;
	}
	if (where && strchr(where, ':') && where[0] != '*') {
		const char *colon = strrchr(where, ':');

		file = xstrndup(where, (size_t)(colon - where));
		at = atoi(colon + 1);
	} else {
		if (where && parse_location(ctx, "list", where, &addr) < 0)
			return -ENOENT;
		if (!where && !pc) {
			fprintf(ctx->out, "list: the guest is not stopped\n");
			return -ESRCH;
		}
		n = kmodel_where(s->k, where ? addr : pc, false, &w);
		if (n > 0 && w[0].file && w[0].line) {
			file = xstrdup(w[0].file);
			at = w[0].line;
		}
		kmodel_where_free(w, n);
		if (!file) {
			fprintf(ctx->out, "list: no source line for 0x%llx\n",
				(unsigned long long)(where ? addr : pc));
			return -ENOENT;
		}
	}
	path = file[0] == '/' ? xstrdup(file) :
		xasprintf("%s/src/%s", s->guest_dir, file);
	f = fopen(path, "r");
	if (!f) {
		fprintf(ctx->out, "list: cannot open '%s': %s\n", path,
			errstr(errno));
		err = -ENOENT;
		goto out;
	}
	nbp = bp_lines(s, file, bp_line, ARRAY_SIZE(bp_line));
	fprintf(ctx->out, "%s:%d\n", file, at);
	while (getline(&line, &cap, f) > 0) {
		bool bp = false;

		lineno++;
		if (lineno + (int)ctxlines < at)
			continue;
		if (lineno > at + (int)ctxlines || lineno - at > LIST_MAX)
			break;
		for (i = 0; i < nbp; i++)
			bp |= bp_line[i] == lineno;
		line[strcspn(line, "\n")] = '\0';
		row_begin(ctx->o, ROW_SRC);
		row_str(ctx->o, SRC_FILE, file);
		row_int(ctx->o, SRC_LINE, lineno);
		row_bool(ctx->o, SRC_CURRENT, lineno == at);
		row_bool(ctx->o, SRC_BP, bp);
		row_str(ctx->o, SRC_TEXT, line);
		row_end(ctx->o);
	}
	fclose(f);
out:
	free(line);
	free(path);
	free(file);
	return err;
}
