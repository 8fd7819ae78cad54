/*
 * cli/watch.c - watchpoints at the prompt and in the TUI: `watch`,
 * `rwatch` and `awatch` on a kernel variable or an address, through the
 * CPU's debug registers (four of them, shared with gdb's hbreak and
 * watch when gdb is attached).
 *
 * x86 traps after the access, with the pc past the instruction that made
 * it.  As in gdb, a write watchpoint stops only when the value changed,
 * and a read watchpoint (the hardware can only watch reads and writes
 * together) only when it did not.  `watch EXPR if COND` stops only where
 * COND (an expression, evaluated at each trigger) is not zero; in COND,
 * $old is the watched value before the access.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const kind_name[] = {
	[WATCH_WRITE] = "watch", [WATCH_READ] = "rwatch",
	[WATCH_ACCESS] = "awatch",
};

static enum tracer_hw_kind hw_kind(enum watch_kind kind)
{
	return kind == WATCH_WRITE ? TRACER_HW_WRITE : TRACER_HW_ACCESS;
}

/* The watched bytes as a number (little-endian). */
static int read_value(struct session *s, const struct watchpoint *w,
		      uint64_t *v)
{
	uint8_t b[8] = { 0 };
	int i;

	if (tracer_read_mem(s->t, w->addr, b, (size_t)w->len) != w->len)
		return -EIO;
	*v = 0;
	for (i = w->len - 1; i >= 0; i--)
		*v = *v << 8 | b[i];
	return 0;
}

/* Where LOC is and how many bytes to watch there: a variable's own size
 * (up to 8), 8 for an address, the type's size for an expression
 * (init_task.pid, *(int *)0x6041a000, $current->flags), or LEN.  An
 * expression is evaluated once, here: the watchpoint stays on those
 * bytes. */
static int locate(struct cmd_ctx *ctx, const char *name, const char *loc,
		  const char *lenarg, uint64_t *addr, int *len)
{
	uint64_t size = 8, n;
	const char *p = loc[0] == '*' ? loc + 1 : loc;
	bool ident = loc[strspn(loc, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"
				"KLMNOPQRSTUVWXYZ0123456789_")] == 0;
	char *cause = NULL;

	/* *ADDR: 8 bytes; a kernel variable: its symbol's size (the debug
	 * info's when the symbol has none); anything else, a module's
	 * variable included: an lvalue, its type's size */
	if (parse_u64(p, addr) < 0 &&
	    (!ident || kmodel_symbol_object(ctx->s->k, loc, addr, &size) < 0)) {
		int err = kmodel_eval_lvalue(ctx->s->k, loc,
					     session_expr_env(ctx->s), addr,
					     &size, &cause);

		if (err < 0) {
			if (ident && err == -ENOENT)
				fprintf(ctx->out, "%s: no variable '%s' in "
					"'%s' or its loaded modules\n", name,
					loc, kmodel_path(ctx->s->k));
			else
				fprintf(ctx->out, "%s: %s\n", name, cause);
			free(cause);
			return err;
		}
		p = loc;
	}
	if (size > 8 && !lenarg)
		fprintf(ctx->out, "%s: '%s' is %llu bytes; watching its "
			"first 8 (the debug registers watch up to 8)\n", name,
			p, (unsigned long long)size);
	if (lenarg) {
		if (parse_u64(lenarg, &n) < 0 ||
		    (n != 1 && n != 2 && n != 4 && n != 8)) {
			fprintf(ctx->out, "%s: LEN is 1, 2, 4 or 8, not '%s'\n",
				name, lenarg);
			return -EINVAL;
		}
		size = n;
	} else if (size > 8) {
		size = 8;
	}
	if (!size) {
		fprintf(ctx->out, "%s: neither the symbol table nor the debug "
			"info says how big '%s' is: give LEN (1, 2, 4 or 8)\n",
			name, p);
		return -EINVAL;
	}
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		fprintf(ctx->out, "%s: '%s' is %llu bytes: give LEN (1, 2, 4 "
			"or 8)\n", name, p, (unsigned long long)size);
		return -EINVAL;
	}
	if (*addr % size) {
		fprintf(ctx->out, "%s: 0x%llx is not aligned to %llu bytes, "
			"as the debug registers need: give a smaller LEN\n",
			name, (unsigned long long)*addr,
			(unsigned long long)size);
		return -EINVAL;
	}
	*len = (int)size;
	return 0;
}

void session_watch_mode(struct session *s)
{
	const char *env = getenv("UMDBG_DEBUG_REGISTERS");
	char *why = NULL;
	int r;

	if (env && !strcmp(env, "off")) {
		s->hw_emulated = true;
		s->hw_why = xstrdup("UMDBG_DEBUG_REGISTERS=off");
		return;
	}
	r = tracer_probe_debug_registers(&why);
	if (r == 1) {
		free(why);
		return;
	}
	s->hw_emulated = true;
	s->hw_why = r == 0 ? why : xasprintf("the probe failed: %s", why);
	if (r < 0)
		free(why);
}

void session_say_watch_mode(const struct session *s, FILE *out)
{
	if (!s->hw_emulated)
		fprintf(out, "watchpoints: the debug registers (they trap on "
			"this host)\n");
	else
		fprintf(out, "watchpoints: emulated by page protection (%s)\n",
			s->hw_why);
}

int watch_check(struct session *s, const char *spec, FILE *err)
{
	struct cmd_ctx ctx = { s, NULL, err, NULL, NULL, CMD_FROM_PROMPT };
	char *line = xasprintf("watch %s", spec), *argv[16];
	struct cmd_args a;
	uint64_t addr;
	int len, r;

	/* the prompt's own parser: --watch takes what `watch` takes */
	r = cmd_parse_as("watch", line, argv, 16, &a);
	if (r < 0)
		fprintf(err, "umdbg: --watch '%s': expected EXPR [LEN] "
			"[if COND]\n", spec);
	else
		r = locate(&ctx, "umdbg: --watch", cmd_arg(&a, "EXPR"),
			   cmd_arg(&a, "LEN"), &addr, &len);
	free(line);
	return r;
}

/* A condition's names: $old, the watched value before this trigger;
 * the rest (registers) as everywhere. */
struct cond_env {
	struct session *s;
	int slot;		/* -1: not at a trigger (checking the syntax) */
};

static int cond_reg(void *arg, const char *name, uint64_t *value)
{
	struct cond_env *c = arg;
	const struct kmodel_expr_env *e = session_expr_env(c->s);

	if (!strcmp(name, "old")) {
		if (c->slot < 0) {
			*value = 0;
			return 0;
		}
		return tracer_hw_before(c->s->t, c->slot, value) < 0 ?
			-EAGAIN : 0;
	}
	return e->reg(e->arg, name, value);
}

/* COND's value at a trigger of slot (-1: only check that it evaluates);
 * -errno (and *cause) when it cannot be evaluated. */
static int eval_cond(struct session *s, const char *cond, int slot,
		     uint64_t *v, char **cause)
{
	struct cond_env c = { s, slot };
	struct kmodel_expr_env env = { cond_reg, &c };
	uint64_t size;

	return kmodel_eval_addr(s->k, cond, &env, v, &size, cause);
}

/* watch|rwatch|awatch EXPR [LEN]: a variable, *ADDR or an lvalue */
int cmd_watch(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct session *s = ctx->s;
	struct watchpoint w = { 0 };
	const char *name = argv[0], *spec;
	struct strbuf cond;
	char *cause = NULL;
	uint64_t v;
	int slot, i;

	(void)argc;
	strbuf_init(&cond);
	w.kind = !strcmp(name, "rwatch") ? WATCH_READ :
		!strcmp(name, "awatch") ? WATCH_ACCESS : WATCH_WRITE;
	name = kind_name[w.kind];
	spec = cmd_arg(ctx->args, "EXPR");
	if (locate(ctx, name, spec, cmd_arg(ctx->args, "LEN"), &w.addr,
		   &w.len) < 0)
		return -EINVAL;
	if (read_value(s, &w, &w.value) < 0) {
		fprintf(ctx->out, "%s: cannot read 0x%llx\n", name,
			(unsigned long long)w.addr);
		return -EIO;
	}
	for (i = 0; i < ctx->args->rest_argc; i++)
		strbuf_addf(&cond, "%s%s", i ? " " : "", ctx->args->rest_argv[i]);
	/* Checked now (names, syntax); memory it cannot read yet (boot,
	 * a pointer still NULL) is for the triggers to find. */
	if (cond.len && (i = eval_cond(s, cond.buf, -1, &v, &cause)) < 0 &&
	    i != -EIO) {
		fprintf(ctx->out, "%s: condition '%s': %s\n", name, cond.buf,
			cause);
		free(cause);
		strbuf_release(&cond);
		return -EINVAL;
	}
	free(cause);
	slot = tracer_hw_insert(s->t, hw_kind(w.kind), w.addr, w.len);
	if (slot < 0) {
		fprintf(ctx->out, "%s: %s\n", name, slot == -ENOSPC ?
			"all four watchpoints are in use (delete one "
			"first)" : errstr(-slot));
		strbuf_release(&cond);
		return slot;
	}
	w.slot = slot;
	w.num = s->next_bp_num++;
	w.spec = cond.len ? xasprintf("%s if %s", spec, cond.buf) :
		xstrdup(spec);
	w.cond = cond.len ? strbuf_detach(&cond) : NULL;
	s->wps = xrealloc(s->wps, (s->nwps + 1) * sizeof(*s->wps));
	s->wps[s->nwps++] = w;
	fprintf(ctx->out, "watchpoint %d: %s %s at 0x%llx, %d byte%s, value "
		"0x%llx\n", w.num, name, w.spec, (unsigned long long)w.addr,
		w.len, w.len == 1 ? "" : "s", (unsigned long long)w.value);
	return 0;
}

void watch_refresh(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nwps; i++)
		read_value(s, &s->wps[i], &s->wps[i].value);
}

bool watch_delete(struct session *s, int num)
{
	size_t i;

	for (i = 0; i < s->nwps; i++) {
		struct watchpoint *w = &s->wps[i];

		if (w->num != num)
			continue;
		if (tracer_is_alive(s->t))
			tracer_hw_remove_slot(s->t, w->slot);
		free(w->spec);
		free(w->cond);
		*w = s->wps[--s->nwps];
		return true;
	}
	return false;
}

void watch_list(struct session *s, struct out *o)
{
	size_t i;

	for (i = 0; i < s->nwps; i++) {
		const struct watchpoint *w = &s->wps[i];
		char addr[24];

		snprintf(addr, sizeof(addr), "0x%llx",
			 (unsigned long long)w->addr);
		row_begin(o, ROW_BREAKPOINT);
		row_int(o, BREAKPOINT_NUM, w->num);
		row_str(o, BREAKPOINT_TYPE, kind_name[w->kind]);
		row_str(o, BREAKPOINT_SPEC, w->spec);
		row_int(o, BREAKPOINT_HITS, (int64_t)w->hits);
		row_str(o, BREAKPOINT_ADDRS, addr);
		row_int(o, BREAKPOINT_LEN, w->len);
		row_end(o);
	}
}

static struct watchpoint *by_slot(struct session *s, int slot)
{
	size_t i;

	for (i = 0; i < s->nwps; i++)
		if (s->wps[i].slot == slot)
			return &s->wps[i];
	return NULL;
}

bool watch_is_silent(struct session *s, const struct tracer_stop *st)
{
	struct watchpoint *w;
	uint64_t v;
	bool changed;

	if (st->kind != TRACER_STOP_WATCH || !(w = by_slot(s, st->bp)) ||
	    read_value(s, w, &v) < 0)
		return false;
	changed = v != w->value;
	w->old = w->value;
	w->value = v;
	if ((w->kind == WATCH_WRITE && !changed) ||
	    (w->kind == WATCH_READ && changed) || !watch_cond_holds(s, st->bp))
		return true;
	w->hits++;
	s->last_watch = w->num;
	return false;
}

bool watch_cond_holds(struct session *s, int slot)
{
	struct watchpoint *w = by_slot(s, slot);
	char *cause = NULL;
	uint64_t v;

	if (!w || !w->cond)
		return true;
	if (eval_cond(s, w->cond, slot, &v, &cause) < 0) {
		fprintf(stderr, "umdbg: watchpoint %d: condition '%s': %s\n",
			w->num, w->cond, cause);
		free(cause);
		return true;
	}
	return v != 0;
}

bool watch_why(struct session *s, const struct tracer_stop *st,
	       char **why, char **detail)
{
	const struct watchpoint *w = by_slot(s, st->bp);

	if (st->kind != TRACER_STOP_WATCH || !w || w->num != s->last_watch)
		return false;
	*why = xasprintf("watchpoint %d (%s %s) hit in thread %d", w->num,
			 kind_name[w->kind], w->spec, session_tid(s, st->tid));
	if (w->old != w->value)
		*detail = xasprintf("old value 0x%llx (%llu), new value 0x%llx "
				    "(%llu)", (unsigned long long)w->old,
				    (unsigned long long)w->old,
				    (unsigned long long)w->value,
				    (unsigned long long)w->value);
	else
		*detail = xasprintf("value 0x%llx (%llu)",
				    (unsigned long long)w->value,
				    (unsigned long long)w->value);
	return true;
}

void watch_say(struct session *s, const struct tracer_stop *st,
	       const char *cmd, FILE *out)
{
	const struct watchpoint *w = by_slot(s, st->bp);

	if (st->kind != TRACER_STOP_WATCH || !w)
		return;
	fprintf(out, "%s: watchpoint %d (%s %s), value 0x%llx (%llu)\n", cmd,
		w->num, kind_name[w->kind], w->spec,
		(unsigned long long)w->value, (unsigned long long)w->value);
}
