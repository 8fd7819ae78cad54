/*
 * cli/reverse.c - going backwards in a replay: reverse-continue (to the
 * last hit of a breakpoint or trigger of a watchpoint before now) and
 * reverse-stepi, by re-running to a named moment from the newest
 * checkpoint that serves it, or from the start (timeline.c names moments
 * and goes to them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "timeline.h"

/* A watchpoint stop: the how-manieth trigger of its slot it is.  (A
 * breakpoint at its pc would not do: resuming from a stop at an address
 * steps over the breakpoint there.) */
static int name_watch_stop(struct session *s, const struct fingerprint *fp,
			   int slot, char **cause)
{
	struct tracer_stop st;
	uint64_t n = 0;
	int err;

	err = timeline_restart(s, cause);
	while (!err) {
		err = tl_run(s, &st, cause);
		if (err < 0)
			break;
		if (tl_ended(&st) || st.kind == TRACER_STOP_HOOK)
			return set_cause(cause, -ESRCH, "cannot find this moment "
					 "again in the replay (event %llu)",
					 (unsigned long long)fp->event);
		if (st.kind != TRACER_STOP_WATCH || st.bp != slot)
			continue;
		n++;
		if (TGT(s, event) == fp->event && tl_same_moment(s, fp))
			break;
	}
	if (err < 0)
		return err;
	s->tl.pos = (struct rr_pos){ .kind = RR_POS_WATCH, .addr = (uint64_t)slot,
				  .count = n };
	s->tl.pos_known = true;
	return 0;
}

/*
 * A run to now from a checkpoint near it, with a breakpoint on now's
 * address pc (and on an anchor, when one is asked for): how often pc ran
 * from the checkpoint to now, now's included, or, when now is a
 * watchpoint's trigger, its slot and triggers; and the anchor's last
 * entry before now (its run c, and pc's runs by then, x0).
 */
struct near_scan {
	const struct fingerprint *fp;
	uint64_t pc, anchor;
	uint64_t ck;		/* out: the key of the checkpoint run from */
	uint64_t runs;		/* out: pc's runs to now */
	int wslot;		/* out: now is this slot's trigger (-1: no) */
	uint64_t wruns;
	uint64_t c, x0;
};

#define NEAR_TRIES 3	/* checkpoints tried, newest first */

/* From the checkpoint of that key: 0, now found; 1, not from there (it
 * came after now, or now is not met); <0: an error. */
static int near_scan_from(struct session *s, uint64_t key,
			  struct near_scan *sc, char **cause)
{
	struct rr_pos from = { .kind = RR_POS_BP, .based = true, .ck = key };
	struct counters cs = { 0 };
	struct tracer_stop st;
	uint64_t wruns[4] = { 0 };
	int err, id = 0, ida = 0;

	sc->runs = sc->c = sc->x0 = 0;
	sc->wslot = -1;
	sc->ck = key;
	s->tl.held[2] = from;	/* not dropped while we run from it */
	err = tl_restart_for(s, &from, NULL, &cs, cause);
	if (err < 0)
		goto out;
	/* before now's syscall: past it, now was not met */
	TGT(s, stop_at_event, sc->fp->event);
	id = TGT(s, bp_insert, sc->pc);
	if (id >= 0 && sc->anchor)
		ida = TGT(s, bp_insert, sc->anchor);
	err = id < 0 ? id : ida < 0 ? ida : 0;
	while (!err) {
		struct user_regs_struct r;
		uint64_t a;

		err = tl_run(s, &st, cause);
		if (err < 0)
			break;
		if (tl_ended(&st) || st.kind == TRACER_STOP_HOOK) {
			err = 1;
			break;
		}
		/* the counts the checkpoints taken meanwhile keep */
		a = tl_count_stop(s, &st, &cs);
		if (st.kind == TRACER_STOP_WATCH && st.bp >= 0 && st.bp < 4) {
			/* a watchpoint set since fires just before the
			 * breakpoint at pc would */
			wruns[st.bp]++;
			if (TGT(s, regs, &r) == 0 && r.rip == sc->pc &&
			    TGT(s, event) == sc->fp->event &&
			    tl_same_moment(s, sc->fp)) {
				sc->wslot = st.bp;
				sc->wruns = wruns[st.bp];
				break;
			}
			continue;
		}
		if (a == sc->pc) {
			sc->runs++;
			if (TGT(s, event) == sc->fp->event &&
			    tl_same_moment(s, sc->fp))
				break;
		} else if (a && a == sc->anchor) {
			sc->c++;
			sc->x0 = sc->runs;
		}
	}
out:
	if (id > 0)
		TGT(s, bp_remove, id);
	if (ida > 0)
		TGT(s, bp_remove, ida);
	TGT(s, stop_at_event, UINT64_MAX);
	tl_run_done(s);
	free(cs.c);
	memset(&s->tl.held[2], 0, sizeof(s->tl.held[2]));
	return err;
}

/* The checkpoints before now's syscall, newest first, a few: 0 when one
 * served (and, with an anchor, one entry of it was met); 1 when none
 * did; <0: an error (Ctrl-C).  Chosen by key before the first run: a
 * run takes and drops checkpoints. */
static int near_scan(struct session *s, struct near_scan *sc, char **cause)
{
	const struct ck_count *c;
	uint64_t event, keys[NEAR_TRIES], now;
	size_t i, n, nc, nkeys = 0;
	int err;

	n = s->tl.target->ckpt_count ? TGT(s, ckpt_count) : 0;
	now = s->tl.target->ckpt_now ? TGT(s, ckpt_now) : UINT64_MAX;
	for (i = n; i-- > 0 && nkeys < NEAR_TRIES;) {
		TGT(s, ckpt_info, i, &event, &c, &nc);
		/* not one taken at this very moment (at a stop the user
		 * saw): a run from it never meets the moment again */
		if (event <= sc->fp->event && TGT(s, ckpt_key, i) < now)
			keys[nkeys++] = TGT(s, ckpt_key, i);
	}
	for (i = 0; i < nkeys; i++) {
		char *why = NULL;

		err = near_scan_from(s, keys[i], sc, &why);
		if (err == 0 && (!sc->anchor || sc->c))
			return 0;
		if (err == -EINTR) {
			*cause = why;
			return err;
		}
		LOG("timeline", "from a checkpoint: %s",
		    err < 0 ? why : err ? "now not met" : "no anchor entry");
		free(why);
	}
	return 1;
}

/*
 * Name the current moment from a checkpoint near it: the runs of its
 * address since, or its watchpoint's triggers.  0: named; 1: no
 * checkpoint served (name it from the start); <0: an error.
 */
static int name_now_based(struct session *s, const struct fingerprint *fp,
			  const struct tracer_stop *stop, char **cause)
{
	struct near_scan sc = { .fp = fp, .pc = fp->regs.rip };
	int err = near_scan(s, &sc, cause);

	if (err)
		return err;
	/* the same moment, the same stop, in the kernel restored from a
	 * checkpoint (a new host pid; one thread) */
	s->last_stop = *stop;
	s->last_stop.tid = TGT(s, pid);
	s->tl.pos = sc.wslot >= 0 ?
		(struct rr_pos){ .kind = RR_POS_WATCH,
				 .addr = (uint64_t)sc.wslot, .count = sc.wruns,
				 .based = true, .ck = sc.ck } :
		(struct rr_pos){ .kind = RR_POS_BP, .addr = sc.pc,
				 .count = sc.runs, .based = true,
				 .ck = sc.ck };
	s->tl.pos_known = true;
	return 0;
}

/*
 * Name the current moment (s->tl.pos), re-running the replay if it has no
 * name yet.  The session ends at the same moment.
 */
static int name_now(struct session *s, bool near, char **cause)
{
	struct tracer_stop st, stop = s->last_stop;
	struct fingerprint fp;
	uint64_t pc, count = 0, wcount[4], ck_event;
	int err, id;

	/* a name from a checkpoint that is gone (dropped as out of date):
	 * a new one */
	if (s->tl.pos_known && s->tl.pos.based &&
	    !timeline_ckpt_event(s, s->tl.pos.ck, &ck_event))
		s->tl.pos_known = false;
	if (s->tl.pos_known)
		return 0;
	if (stop.kind == TRACER_STOP_HOOK && TGT(s, at_event_stop)) {
		s->tl.pos = (struct rr_pos){ .kind = RR_POS_EVENT,
					  .event = TGT(s, event) };
		s->tl.pos_known = true;
		return 0;
	}
	if (stop.kind == TRACER_STOP_SIGNAL || stop.kind == TRACER_STOP_HOOK) {
		s->tl.pos = (struct rr_pos){ .kind = RR_POS_STOP,
					  .event = TGT(s, event),
					  .stop_kind = stop.kind,
					  .signo = stop.signo };
		s->tl.pos_known = true;
		return 0;
	}
	tl_take_fingerprint(s, &fp);
	pc = fp.regs.rip;
	err = near ? name_now_based(s, &fp, &stop, cause) : 1;
	if (err <= 0)
		return err;
	if (fp.kind == TRACER_STOP_WATCH)
		return name_watch_stop(s, &fp, stop.bp, cause);
	memset(wcount, 0, sizeof(wcount));
	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	id = TGT(s, bp_insert, pc);
	if (id < 0)
		return id;
	for (;;) {
		struct user_regs_struct r;

		err = tl_run(s, &st, cause);
		if (err < 0)
			break;
		if (tl_ended(&st) || st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "cannot find this moment "
					"again in the replay (event %llu, pc "
					"0x%llx)", (unsigned long long)fp.event,
					(unsigned long long)pc);
			break;
		}
		if (st.kind == TRACER_STOP_WATCH && st.bp >= 0 && st.bp < 4) {
			/* A watchpoint set since fires just before the
			 * breakpoint at pc would: then this trigger is the
			 * moment's name. */
			wcount[st.bp]++;
			if (TGT(s, regs, &r) == 0 && r.rip == pc &&
			    TGT(s, event) == fp.event &&
			    tl_same_moment(s, &fp)) {
				TGT(s, bp_remove, id);
				s->tl.pos = (struct rr_pos){
					.kind = RR_POS_WATCH,
					.addr = (uint64_t)st.bp,
					.count = wcount[st.bp] };
				s->tl.pos_known = true;
				return 0;
			}
			continue;
		}
		if (tl_bp_addr_of(s, &st) != pc)
			continue;
		count++;
		if (TGT(s, event) == fp.event && tl_same_moment(s, &fp))
			break;
	}
	TGT(s, bp_remove, id);
	if (err < 0)
		return err;
	s->last_stop = (struct tracer_stop){ .kind = fp.kind, .tid = st.tid,
					     .addr = pc, .signo = fp.signo };
	s->tl.pos = (struct rr_pos){ .kind = RR_POS_BP, .addr = pc,
				  .count = count };
	s->tl.pos_known = true;
	return 0;
}

int tl_name_now(struct session *s, char **cause)
{
	return name_now(s, true, cause);
}

/* The addresses of the user's breakpoints (the prompt's and gdb's), not
 * umdbg's own. */
static struct counters user_points(struct session *s)
{
	struct counters u = { 0 };
	uint64_t addrs[256];
	int i, n = session_user_bp_addrs(s, addrs, 256);

	for (i = 0; i < n; i++)
		tl_count_of(&u, addrs[i]);
	return u;
}

static bool is_user_point(struct counters *u, uint64_t a)
{
	size_t i;

	for (i = 0; a && i < u->n; i++)
		if (u->c[i].addr == a)
			return true;
	return false;
}

/* Step j+1 on the way to now set off a watchpoint (where its condition
 * holds): a moment before now (not now itself) to go back to. */
static bool step_trigger(struct session *s, const struct tracer_stop *st,
			 const struct rr_pos *now, uint64_t j,
			 struct rr_pos *last)
{
	if (st->kind != TRACER_STOP_WATCH || j + 1 >= now->steps ||
	    !watch_cond_holds(s, st->bp))
		return false;
	*last = *now;
	last->steps = j + 1;
	return true;
}

/*
 * Re-run from the start to `now` with every breakpoint and watchpoint
 * in place, and return the last hit before it (RR_POS_START if none).
 */
static int last_hit_before(struct session *s, const struct rr_pos *now,
			   struct rr_pos *last, size_t below, size_t step,
			   char **cause)
{
	struct counters cs = { 0 };
	struct counters user = user_points(s);
	struct user_regs_struct r;
	struct tracer_stop st;
	uint64_t a, j;
	bool from_start, named = false;
	int err, id = 0;

	*last = (struct rr_pos){ .kind = RR_POS_START };
	err = tl_restart_for(s, now, &below, &cs, cause);
	from_start = s->tl.run_from_start;
	if (err < 0)
		goto out;
	if (now->kind == RR_POS_START) {
		/* steps from the start: user breakpoints passed on the way */
		for (j = 0; !err && j < now->steps; j++) {
			if (j && TGT(s, regs, &r) == 0 &&
			    is_user_point(&user, r.rip)) {
				*last = *now;
				last->steps = j;
			}
			err = tl_step(s, &st, cause);
			step_trigger(s, &st, now, j, last);
		}
		goto out;
	}
	id = tl_arm_for(s, now, cause);
	if (id < 0) {
		err = id;
		goto out;
	}
	for (;;) {
		err = tl_run_to(s, &st, cause);
		if (err < 0)
			break;
		a = tl_count_stop(s, &st, &cs);
		if (tl_at_now(s, now, &st, &cs)) {
			/* An anchor that is itself a user breakpoint, with
			 * steps still to go, comes before now. */
			if (now->kind == RR_POS_BP && now->steps &&
			    is_user_point(&user, a)) {
				*last = *now;
				last->steps = 0;
				named = true;
			}
			break;
		}
		if (st.kind == TRACER_STOP_HOOK) {
			err = set_cause(cause, -ESRCH, "%s", TGT(s, why));
			break;
		}
		if (st.kind == TRACER_STOP_WATCH) {
			if (!watch_cond_holds(s, st.bp))
				continue;
			*last = (struct rr_pos){ .kind = RR_POS_WATCH,
						 .addr = (uint64_t)st.bp,
						 .count = *tl_count_of(&cs,
							~(uint64_t)st.bp) };
			named = tl_count_known(s, &cs, ~(uint64_t)st.bp);
			continue;
		}
		if (is_user_point(&user, a)) {
			*last = (struct rr_pos){ .kind = RR_POS_BP, .addr = a,
						 .count = *tl_count_of(&cs, a) };
			named = tl_count_known(s, &cs, a);
		}
	}
	if (id > 0)
		TGT(s, bp_remove, id);
	/* User breakpoints passed while stepping from now's anchor to it. */
	for (j = 0; !err && now->kind == RR_POS_BP && j < now->steps; j++) {
		if (j && TGT(s, regs, &r) == 0 &&
		    is_user_point(&user, r.rip)) {
			*last = *now;
			last->steps = j;
			named = true;
		}
		err = tl_step(s, &st, cause);
		named |= step_trigger(s, &st, now, j, last);
	}
out:
	TGT(s, stop_at_event, UINT64_MAX);
	tl_run_done(s);
	free(cs.c);
	free(user.c);
	if (!err && !named && now->based)
		return 1;	/* before now's checkpoint: see reverse_continue() */
	if (!err && !from_start && !named) {
		/* From a checkpoint, with no hit after it that can be
		 * named: the last one is further back, from an older one
		 * (twice as far back each time), or the start. */
		LOG("timeline", "rc: nothing after checkpoint %zu", below);
		return last_hit_before(s, now, last,
				       below >= step ? below - step + 1 : 0,
				       step * 2, cause);
	}
	return err;
}

static int reverse_continue(struct session *s, struct tracer_stop *out,
			    char **cause)
{
	struct counters user;
	struct rr_pos now, last;
	int err;

	now = s->tl.pos;	/* named by reverse() */
	user = user_points(s);
	LOG("timeline", "rc: now kind %d addr 0x%llx count %llu steps %llu, "
	    "history %zu, covered %d", now.kind, (unsigned long long)now.addr,
	    (unsigned long long)now.count, (unsigned long long)now.steps,
	    s->tl.nhistory, tl_all_covered(s, &user));
	if (now.kind == RR_POS_BP && !now.steps && s->tl.nhistory &&
	    tl_all_covered(s, &user) &&
	    !memcmp(&s->tl.history[s->tl.nhistory - 1], &now, sizeof(now))) {
		/* Every hit so far is known, in order: no re-run to find
		 * the last one before now. */
		size_t i = s->tl.nhistory - 1;

		last = (struct rr_pos){ .kind = RR_POS_START };
		while (i-- > 0)
			if (is_user_point(&user, s->tl.history[i].addr)) {
				last = s->tl.history[i];
				break;
			}
		err = 0;
		/* a history that begins at a checkpoint knows no hit
		 * before it */
		if (last.kind == RR_POS_START && s->tl.history_partial)
			err = last_hit_before(s, &now, &last, SIZE_MAX, 1, cause);
	} else {
		err = last_hit_before(s, &now, &last, SIZE_MAX, 1, cause);
	}
	if (err == 1) {
		/* Named from a checkpoint, with no hit after it: name now
		 * from the start (the scan ended at it) and look further
		 * back. */
		s->tl.pos_known = false;
		err = name_now(s, false, cause);
		now = s->tl.pos;
		if (!err)
			err = last_hit_before(s, &now, &last, SIZE_MAX, 1,
					      cause);
	}
	free(user.c);
	if (err < 0)
		return err;
	err = timeline_goto(s, &last, cause);
	if (err < 0)
		return err;
	*out = s->last_stop;
	if (last.kind == RR_POS_START && !last.steps) {
		out->kind = TRACER_STOP_NONE;	/* the start of the recording */
		out->tid = TGT(s, pid);
	}
	return 0;
}

/* Go to `target` and report it as a step stop (reverse-stepi). */
static int goto_as_step(struct session *s, const struct rr_pos *target,
			struct tracer_stop *out, char **cause)
{
	struct user_regs_struct r;
	int err = timeline_goto(s, target, cause);

	if (err < 0)
		return err;
	*out = s->last_stop;
	out->kind = TRACER_STOP_STEP;
	if (TGT(s, regs, &r) == 0)
		out->addr = r.rip;
	return 0;
}

/*
 * reverse-stepi where no function is known around now (a host library
 * before its symbols are loaded): anchor at the previous run of now's
 * address (or the start) and step forward from there.
 */
static int step_back_from_previous_run(struct session *s,
				       const struct rr_pos *now,
				       struct tracer_stop *out, char **cause)
{
	struct user_regs_struct r;
	struct tracer_stop st;
	struct rr_pos target = { .kind = RR_POS_START };
	uint64_t j;
	int err;

	if (now->based && now->count < 2)
		return set_cause(cause, -ENOENT, "no function around 0x%llx "
				 "and no earlier run of it since the "
				 "checkpoint it is counted from",
				 (unsigned long long)now->addr);
	if (now->count > 1) {
		target = *now;
		target.count--;
		target.steps = 0;
	}
	err = timeline_goto(s, &target, cause);
	if (err < 0)
		return err;
	for (j = 0; j < MAX_STEPS; j++) {
		if (TGT(s, regs, &r) < 0)
			return set_cause(cause, -ESRCH, "lost the replay");
		if (j && r.rip == now->addr)
			break;
		err = tl_step(s, &st, cause);
		if (err < 0)
			return err;
	}
	if (j == MAX_STEPS || j == 0)
		return set_cause(cause, -ERANGE, "too far to step back");
	target.steps = j - 1;
	return goto_as_step(s, &target, out, cause);
}

/*
 * Run to now from the start with breakpoints on the anchor and on now's
 * address x: the anchor's last entry before now (its run *c, 0: none)
 * and x's runs by then (*x0).  now is known by its count when that is
 * one from the start, else by its fingerprint.
 */
static int scan_anchor(struct session *s, const struct rr_pos *now,
		       const struct fingerprint *fp, uint64_t anchor,
		       uint64_t x, uint64_t *c, uint64_t *x0, char **cause)
{
	struct counters cs = { 0 };
	struct tracer_stop st;
	int err, ida, idx = 0;

	*c = *x0 = 0;
	err = timeline_restart(s, cause);
	if (err < 0)
		return err;
	ida = TGT(s, bp_insert, anchor);
	if (ida < 0)
		return ida;
	if (now->kind == RR_POS_BP)
		idx = TGT(s, bp_insert, x);
	if (idx < 0) {
		TGT(s, bp_remove, ida);
		return idx;
	}
	for (;;) {
		uint64_t a;

		err = tl_run(s, &st, cause);
		if (err < 0 || tl_ended(&st) || st.kind == TRACER_STOP_HOOK) {
			err = err < 0 ? err : set_cause(cause, -ESRCH, "the "
					"replay ended before reaching the current "
					"moment");
			break;
		}
		a = tl_count_stop(s, &st, &cs);
		if (!now->based ? tl_at_now(s, now, &st, &cs) :
		    (now->kind == RR_POS_BP ? a == x :
		     st.kind == TRACER_STOP_WATCH &&
		     (uint64_t)st.bp == now->addr) &&
		    TGT(s, event) == fp->event && tl_same_moment(s, fp))
			break;
		if (a == anchor) {
			*c = *tl_count_of(&cs, anchor);
			*x0 = *tl_count_of(&cs, x);
		}
	}
	TGT(s, bp_remove, ida);
	if (idx > 0)
		TGT(s, bp_remove, idx);
	free(cs.c);
	return err;
}

static int reverse_stepi(struct session *s, struct tracer_stop *out,
			 char **cause)
{
	struct user_regs_struct r;
	struct fingerprint fp;
	struct tracer_stop st;
	struct rr_pos now, target;
	struct near_scan sc;
	uint64_t x, anchor, c = 0, x0 = 0, xs, j, ret = 0, now_runs;
	bool by_count;
	int err;

	now = s->tl.pos;	/* named by reverse() */
	if (now.kind == RR_POS_START && !now.steps)
		return reverse_continue(s, out, cause);
	if ((now.kind == RR_POS_BP || now.kind == RR_POS_START) &&
	    now.steps > 0) {
		target = now;
		target.steps--;
		return goto_as_step(s, &target, out, cause);
	}
	if (now.kind != RR_POS_BP && now.kind != RR_POS_WATCH)
		return set_cause(cause, -EINVAL, "reverse-stepi works from a "
				 "breakpoint, a watchpoint or a step, not from "
				 "this stop");
	tl_take_fingerprint(s, &fp);
	x = fp.regs.rip;
	/* An anchor before now, near it: the entry of now's function, or
	 * of its caller when now is that entry. */
	anchor = TGT(s, func_start, x);
	if (anchor == x) {
		TGT(s, read, fp.regs.rsp, &ret, 8);
		anchor = ret ? TGT(s, func_start, ret - 1) : 0;
	}
	if (!anchor && now.kind == RR_POS_BP)
		return step_back_from_previous_run(s, &now, out, cause);
	if (!anchor)
		return set_cause(cause, -ENOENT, "no function around 0x%llx to "
				 "step back from", (unsigned long long)x);
	/* Which entry of the anchor comes last before now, and how often
	 * had now's address run by then?  From a checkpoint near now, when
	 * the entry is after it; else from the start. */
	sc = (struct near_scan){ .fp = &fp, .pc = x, .anchor = anchor };
	err = near_scan(s, &sc, cause);
	if (err < 0)
		return err;
	if (!err) {
		target = (struct rr_pos){ .kind = RR_POS_BP, .addr = anchor,
					  .count = sc.c, .based = true,
					  .ck = sc.ck };
		xs = sc.x0;
		now_runs = sc.runs;
		by_count = sc.wslot < 0;
	} else {
		err = scan_anchor(s, &now, &fp, anchor, x, &c, &x0, cause);
		if (err < 0)
			return err;
		if (!c)
			return set_cause(cause, -ENOENT, "nothing to step back "
					 "to before the first entry of this "
					 "function");
		target = (struct rr_pos){ .kind = RR_POS_BP, .addr = anchor,
					  .count = c };
		xs = x0;
		now_runs = now.count;
		by_count = now.kind == RR_POS_BP && !now.based;
	}
	/* From that entry, step forward to now, counting steps. */
	s->tl.held[1] = target;
	err = timeline_goto(s, &target, cause);
	if (err < 0)
		return err;
	for (j = 0; j < MAX_STEPS; j++) {
		if (TGT(s, regs, &r) < 0)
			return set_cause(cause, -ESRCH, "lost the replay");
		if (by_count ? r.rip == x && ++xs == now_runs :
		    j && r.rip == x && TGT(s, event) == fp.event &&
		    tl_same_moment(s, &fp))
			break;
		err = tl_step(s, &st, cause);
		if (err < 0)
			return err;
	}
	if (j == MAX_STEPS || j == 0)
		return set_cause(cause, -ERANGE, "the current moment is more "
				 "than %u instructions after its function's "
				 "entry: too far to step back", MAX_STEPS);
	target.steps = j - 1;
	return goto_as_step(s, &target, out, cause);
}

int timeline_goto_event(struct session *s, uint64_t event, char **cause)
{
	struct rr_pos pos = { .kind = event ? RR_POS_EVENT : RR_POS_START,
			      .event = event };

	return timeline_goto(s, &pos, cause);
}

/*
 * A reverse operation that fails (the moment cannot be found, the
 * function is too long to step back in) has re-run the replay: go back
 * to where the user was, if that moment has a name.
 */
static int back_on_failure(struct session *s, int err,
			   const struct rr_pos *orig, bool known)
{
	char *ignored = NULL;

	if (err == -EINTR) {
		s->tl.pos_known = false;	/* stopped where Ctrl-C found it */
		return err;
	}
	if (err < 0 && known && TGT(s, alive) &&
	    timeline_goto(s, orig, &ignored) < 0)
		LOG("timeline", "could not go back: %s", ignored);
	free(ignored);
	return err;
}

/* Name where we are, then go backwards; back here if that fails. */
static int reverse(struct session *s, struct tracer_stop *out, char **cause,
		   bool stepping)
{
	struct rr_pos orig;
	int err = tl_name_now(s, cause);

	if (err < 0) {
		s->tl.pos_known = false;
		return err;
	}
	orig = s->tl.pos;
	s->tl.held[0] = orig;
	err = stepping ? reverse_stepi(s, out, cause) :
			 reverse_continue(s, out, cause);
	err = back_on_failure(s, err, &orig, true);
	memset(s->tl.held, 0, sizeof(s->tl.held));
	return err;
}

int timeline_reverse_continue(struct session *s, struct tracer_stop *out,
			      char **cause)
{
	return reverse(s, out, cause, false);
}

int timeline_reverse_stepi(struct session *s, struct tracer_stop *out,
			   char **cause)
{
	return reverse(s, out, cause, true);
}
