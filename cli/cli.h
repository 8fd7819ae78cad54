/*
 * cli/cli.h - the umdbg front end: wiring of tracer and kmodel, the stop
 * report, the command table and the console proxy.
 *
 * Layering: cli is the only layer that sees tracer, kmodel and (later)
 * gdbstub and tui.  It prints; the layers below never do.
 */
#ifndef UMDBG_CLI_H
#define UMDBG_CLI_H

#include <stdio.h>
#include <termios.h>

#include "../lib/lib.h"
#include "../lib/rows.h"
#include "../gdbstub/rsp.h"
#include "../kmodel/kmodel.h"
#include "../replay/replay.h"
#include "../tracer/tracer.h"

#define UMDBG_VERSION "0.1"

/* Exit statuses (documented in README.md and umdbg --help). */
enum umdbg_exit {
	EXIT_GUEST_HALTED = 0,	/* guest powered off, or `quit` */
	EXIT_ERROR = 1,		/* bad usage or input, or umdbg failed */
	EXIT_STOPPED = 2,	/* non-interactive run stopped (breakpoint,
				 * Ctrl-C): report printed, guest ended */
	EXIT_PANIC = 3,		/* guest kernel panicked */
	EXIT_GUEST_DIED = 4,	/* guest died otherwise (signal, status) */
	EXIT_DIVERGED = 5,	/* a replay left its recording */
	EXIT_RUN_FAILED = 6,	/* --run's command failed in the guest */
	EXIT_TIMEOUT = 7,	/* --timeout: the guest ran too long */
};

struct catch_kind;

/* history.c: one entry of the last `history` */
enum hist_what { HIST_WRITE, HIST_ALLOC, HIST_FREE };
struct hist_entry {
	enum hist_what what;
	uint64_t event;		/* the replay's event count then */
	int pid;		/* the task on the CPU (-1: unknown) */
	char comm[16];
	uint64_t pc;		/* a write: the store; else the call's
				 * return address */
	uint64_t addr;		/* the bytes written, or the object */
	int len;
	int chunk;		/* a write's: which of the watched pieces */
	uint64_t old, new;	/* a write's */
	/* to go back: the nth trigger of a watch on (addr, len), or the
	 * nth hit of the allocator's or free's entry */
	uint64_t entry, nth;
};

struct breakpoint {
	int num;		/* user-visible number */
	char *spec;		/* as typed */
	/* a catchpoint (catch.c): its stops are judged */
	const struct catch_kind *catch;
	/* MODULE:SYMBOL breakpoints wait for their module to load. */
	char *module, *symbol;
	bool pending;
	uint64_t *addrs;
	size_t naddrs;
	int *ids;		/* tracer ids, one per address */
	unsigned long hits;
};

enum watch_kind { WATCH_WRITE, WATCH_READ, WATCH_ACCESS };

struct watchpoint {
	int num;		/* user-visible number */
	char *spec;		/* as typed */
	enum watch_kind kind;
	uint64_t addr;
	int len;		/* 1, 2, 4 or 8 */
	int slot;		/* debug register */
	uint64_t value, old;	/* now, and before the last trigger */
	unsigned long hits;
	char *cond;		/* "if COND": stop only where it holds */
};

/* The guest console: our stdin to its fd 0, its fds 1/2 to our stdout. */
struct console {
	int to_guest;		/* write end of the guest's stdin pipe */
	int from_guest;		/* read end of the guest's stdout pipe */
	bool stdin_open;	/* our stdin still forwarded */
	bool tty;		/* stdin is a terminal */
	bool raw;		/* terminal in running mode */
	struct termios saved;
	/* Pending bytes for the guest (it may read slowly). */
	struct strbuf pending;
	/* Did the last byte we printed end a line? */
	bool at_bol;
	/* Where guest output goes instead of stdout (the TUI), if set. */
	void (*sink)(void *arg, const void *buf, size_t len);
	void *sink_arg;
};

struct gdbserver;
struct pollfd;

/*
 * A front end the session serves without knowing it by name (the gdb
 * server, the TUI): the event loop polls its descriptors, a replay's
 * long re-run watches it for a request to stop, and it hears of stops
 * and restarts.  Any callback may be NULL.
 */
struct session_source {
	void *arg;
	/* The descriptors to poll now (at most max): how many. */
	int (*fds)(void *arg, struct pollfd *p, int max);
	/* After poll, with what fds filled in. */
	void (*ready)(void *arg, const struct pollfd *p, int n);
	/* During a long re-run: the descriptor a stop request comes on
	 * (-1: none now), and whether what came there asks to stop (taken;
	 * *keep: false when the descriptor is not worth polling again). */
	int (*stop_fd)(void *arg);
	bool (*asks_stop)(void *arg, bool *keep);
	/* A stop to report: true when this front end takes it (the
	 * session then prints no report and no prompt). */
	bool (*on_stop)(void *arg, const struct tracer_stop *st);
	/* A replay was launched afresh: forget the old one. */
	void (*on_restart)(void *arg);
	/* The session rests, stopped for its user (after the report, or
	 * when a step ended): the prompt shows itself, the TUI reads its
	 * views again, --batch runs its commands.  leave_rest: the guest
	 * runs again. */
	void (*at_rest)(void *arg);
	void (*leave_rest)(void *arg);
	/* The guest resumes (step: one instruction); a stop came (before
	 * anything else sees it): the timeline counts them. */
	void (*on_resume)(void *arg, bool step);
	void (*saw_stop)(void *arg, const struct tracer_stop *st);
	/* Work the source does over several stops (a line being stepped):
	 * claim_stop says whether a stop is its own (enum step_verdict),
	 * go_on does the next slice between events (s->step.pending),
	 * cancel drops it (Ctrl-C). */
	int (*claim_stop)(void *arg, const struct tracer_stop *st);
	int (*go_on)(void *arg);
	void (*cancel)(void *arg);
	/* Does it hold the guest stopped (gdb attached: a step may not
	 * wait in the event loop)? */
	bool (*holds)(void *arg);
};
#define SESSION_MAX_SOURCES 4

/* A moment of a replay, as cli/timeline.c names it. */
enum rr_pos_kind {
	RR_POS_START,		/* before the first instruction */
	RR_POS_BP,		/* the count-th run of addr, then steps */
	RR_POS_EVENT,		/* about to make traced syscall `event` */
	RR_POS_STOP,		/* a stop of stop_kind/signo at `event` */
	RR_POS_WATCH,		/* the count-th trigger of hw slot addr */
};
struct rr_pos {
	enum rr_pos_kind kind;
	uint64_t addr, count, steps, event;
	enum tracer_stop_kind stop_kind;
	int signo;
	/* BP, WATCH: count runs from the moment of checkpoint `ck` (its
	 * key), not from the start: a moment named near a checkpoint */
	bool based;
	uint64_t ck;
};

/* cli/step.c: a next, step or finish under way */
enum step_mode { STEP_NONE, STEP_NEXT, STEP_STEP, STEP_FINISH };
struct step_state {
	enum step_mode mode;
	const char *name;	/* the command, for messages */
	char *file;		/* the line being stepped */
	int line;
	uint64_t func;		/* start of its function */
	int bp_id;		/* internal breakpoint (0: none) */
	uint64_t bp_sp;		/* it counts at this rsp (sp_exact) or */
	bool sp_exact;		/* above it (a return) */
	bool pending;		/* more to step: the event loop goes on */
	bool wait_step;		/* a stepi waits for its host syscall */
};

/* An address whose breakpoint hits are counted from the replay's start
 * (`covered`: it had a breakpoint all the time the kernel ran). */
struct rr_track {
	uint64_t addr;
	uint64_t count;
	bool covered;
};

/* The timeline of a replay (timeline.c, reverse.c): where it is and
 * what is known of the way there. */
struct tl_target;
struct timeline {
	const struct tl_target *target;	/* what it drives (timeline.h) */
	void *target_arg;
	struct rr_pos pos;	/* the replay's current moment, */
	bool pos_known;		/* when it has a name */
	/* breakpoint hits counted since the start */
	struct rr_track *track;
	size_t ntrack;
	struct rr_pos *history;	/* the hits so far, in order */
	size_t nhistory;
	bool history_partial;	/* it begins at a checkpoint, not the start */
	bool stepped_since_stop, step_pending;
	/* a re-run under way: its counts (struct counters, timeline.h),
	 * all since the start, or only those seeded from a checkpoint */
	void *run_cs;
	bool run_from_start;
	/* moments named from a checkpoint that an operation under way
	 * will go to (where it began, where it goes, where a scan runs
	 * from): theirs are kept */
	struct rr_pos held[3];
};

/* A --share directory: the guest sees it as /share/NAME. */
struct share {
	char *name, *path;
};

struct session {
	struct kmodel *k;
	char *kernel_abs;	/* absolute path of the kernel binary */
	char *guest_dir;	/* the built guest's links (places.c) */
	struct gdbserver *gdb;	/* --gdb */
	const char *gdb_where;	/* where it listens, for messages */
	bool killed_by_gdb;
	struct tracer *t;
	struct console con;
	struct breakpoint *bps;
	size_t nbps;
	int next_bp_num;	/* breakpoints and watchpoints share numbers */
	struct watchpoint *wps;
	size_t nwps;
	int last_watch;		/* the watchpoint the last stop reported */
	bool interactive;
	int sigfd;
	struct tracer_stop last_stop;
	bool stopped;		/* at the prompt */
	bool reported;		/* this stop had a report (a step's did not) */
	bool maps_reported;	/* host libraries given to kmodel */
	int modload_id;		/* internal breakpoint at do_init_module */
	/* share.c: what the guest gets from the host */
	struct share *shares;	/* --share, from umdbg.share= arguments */
	size_t nshares;
	char *share_root;	/* hostfs= (share_root) */
	char **moddirs;		/* .ko files: next to the kernel, the shares */
	size_t nmoddirs;
	bool run_mode;		/* the guest runs --run's command */
	int poweroff_id;	/* run_mode: internal breakpoint at
				 * kernel_power_off */
	bool powered_off;	/* the guest got there */
	bool quit;
	int exit_code;
	/* --timeout: the guest's running time left (ms), counted only
	 * while it runs; -1: no limit. */
	int64_t run_left_ms;
	unsigned timeout_s;
	int log_lines;		/* kernel log lines in the report */
	char *tmpdir;		/* without namespaces: our uml_dir/TMPDIR */
	struct rr *rr;		/* --record, or `umdbg replay` */
	const char *trace_path;
	uint64_t trace_events;	/* replay: the trace's events (TUI), or 0 */
	bool trace_counted;	/* trace_events is known */
	struct tracer_launch launch;	/* to launch a replay again */
	bool quiet;		/* replay console output not printed */
	struct timeline tl;	/* moving in a replay (timeline.c) */
	struct ckpts *ck;	/* checkpoints of a replay (checkpoint.c) */
	struct kmodel_expr_env expr_env;	/* session_expr_env */
	int frame;		/* the selected frame (`frame N`; 0 at a stop) */
	/* the last stop at a catchpoint (catch.c): its number, reason and
	 * the culprit's frame (-1: none); 0/NULL once the guest moves */
	int catch_num;
	char *catch_reason;
	int catch_frame;
	/* the last `history` (history.c) */
	struct hist_entry *hist;
	size_t nhist;
	uint64_t hist_ca[4];	/* the watched pieces of a write history */
	int hist_cl[4], hist_nc;
	/* a stepi waits in the event loop for its host syscall, and how
	 * many steps of `stepi N` come after it */
	bool stepi_waiting;
	/* time COMMAND whose move goes on from the event loop (continue, a
	 * step into a host syscall): said when the session is at rest. */
	bool time_pending, time_quiet;	/* time -q: no stepi output */
	struct timespec time_t0;
	char *time_what;
	uint64_t stepi_left;
	bool tl_winch;		/* a resize came during a timeline wait */
	struct step_state step;
	struct tui *tui;	/* --tui: the full-screen front end */
	/* Watchpoints: the debug registers, or pagewatch emulation
	 * (session_watch_mode). */
	bool hw_emulated;
	char *hw_why;		/* why emulated, or NULL */
	bool user_quit;		/* `quit` (not the guest's end) */
	/* How reports and commands print: text, --json, or -F FORMAT. */
	enum out_mode out_mode;
	const char *out_format;
	struct session_source sources[SESSION_MAX_SOURCES];
	int nsources;
	/* --batch: the -ex commands, run at the first stop */
	bool batch;
	char **batch_cmds;
	int nbatch;
	int batch_next;		/* the next -ex to run */
	bool batch_failed, batch_busy;
};

/* checkpoint.c: checkpoints of a replay. */
/* A count of hits since the start of the recording that a checkpoint
 * knows: of a breakpoint's address, or of ~slot for a watchpoint. */
struct ck_count {
	uint64_t key, n;
};
/* timeline.c: the counts known now (malloc'd), for a checkpoint. */
size_t timeline_known_counts(struct session *s, struct ck_count **out);
/* timeline.c: does the current moment's name count from the checkpoint
 * of that key (so it is kept)?  Its event, while it is held. */
bool timeline_pins(struct session *s, uint64_t key);
bool timeline_ckpt_event(struct session *s, uint64_t key, uint64_t *event);
struct ck_settings {
	size_t max_count;	/* 0: no checkpoints */
	uint64_t max_bytes;	/* of guest memory copies; 0: the guest's */
	uint64_t interval_ns;	/* of the kernel running between two */
};
struct ckpts;
/* target.c: t (a new kernel, or a restored one) replaces s->t. */
void session_set_kernel(struct session *s, struct tracer *t);
void ck_init(struct session *s, const struct ck_settings *set);
/* s->t is a kernel at the replay's start, in a namespace of its own. */
void ck_attach(struct ckpts *ck, struct tracer *t);
/* A stop the user sees (on_stop): a checkpoint here as well, unless
 * one is near (within half an interval of running) or it cannot be. */
void ck_visit(struct ckpts *ck);
void ck_free(struct ckpts *ck);
/* The timeline's (timeline.h, tl_target's ckpt_*): how many serve now,
 * oldest first; the i-th's event and counts; restore the i-th. */
size_t ck_count(struct ckpts *ck);
void ck_info(const struct ckpts *ck, size_t i, uint64_t *event,
	     const struct ck_count **counts, size_t *n);
int ck_restore(struct ckpts *ck, size_t i, char **cause);
/* The i-th's key (when in the replay it was taken), unique while held. */
uint64_t ck_key(const struct ckpts *ck, size_t i);
/* The key a checkpoint taken now would have. */
uint64_t ck_now(const struct ckpts *ck);

/* timeline.c: moving backwards in a replay; timeline_init registers
 * the counting of hits as a source of the session. */
void timeline_init(struct session *s, const struct tl_target *target,
		   void *arg);
/* A replay resumes (step: a single-step) / stops: keep the counts. */
void timeline_on_resume(struct session *s, bool step);
void timeline_on_stop(struct session *s, const struct tracer_stop *st);
int timeline_restart(struct session *s, char **cause);
/* Insert breakpoints whose code has appeared (a module loaded again). */
void timeline_retry_points(struct session *s);
int timeline_goto(struct session *s, const struct rr_pos *pos, char **cause);
int timeline_goto_event(struct session *s, uint64_t event, char **cause);
/* Fill *out with the stop to report (kind NONE: the recording's start). */
int timeline_reverse_continue(struct session *s, struct tracer_stop *out,
			      char **cause);
int timeline_reverse_stepi(struct session *s, struct tracer_stop *out,
			   char **cause);
ssize_t session_mem_read(void *arg, uint64_t addr, void *buf, size_t len);

/* step.c: next, step, finish */
enum step_verdict {
	STEP_NOT_MINE,		/* not the step's stop: report it */
	STEP_RUNNING,		/* taken care of (running again) */
	STEP_DONE,		/* the step ended here (said on stdout) */
};
/* The step engine as a source of the session (claim_stop, go_on,
 * cancel). */
void step_init(struct session *s);
enum step_verdict step_on_stop(struct session *s,
			       const struct tracer_stop *st);
/* The next slice of a line being stepped (s->step.pending). */
enum step_verdict step_continue(struct session *s);
void step_cancel(struct session *s);

/* report.c */
/* "panic at kernel/panic.c:339" for the innermost frame at pc (malloc'd). */
char *where_line(struct session *s, uint64_t pc);
void regs_to_dwarf(const struct user_regs_struct *r, uint64_t d[KMODEL_NREGS]);
void report_stop(struct session *s, struct out *o);
/* The id a report names thread tid by: its id in the guest's PID
 * namespace, so two replays print the same bytes. */
/* A sink for out in the session's output mode (text, --json, -F). */
static inline struct out *session_out(struct session *s, FILE *out)
{
	return out_new(s->out_mode, out, s->out_format);
}

static inline int session_tid(struct session *s, pid_t tid)
{
	return s->t ? (int)tracer_ns_tid(s->t, tid) : (int)tid;
}
/* Its first lines: why it stopped and where. */
void report_headline(struct session *s, struct out *o);
void print_backtrace(struct session *s, struct out *o, pid_t tid);
/* Frame rows for a list of return addresses (a saved stack), each
 * described at its call. */
void print_pc_frames(struct session *s, struct out *o, const uint64_t *pcs,
		     int n);
void print_backtrace_regs(struct session *s, struct out *o,
			  const uint64_t regs[KMODEL_NREGS]);
void print_regs(struct session *s, struct out *o, pid_t tid);
/* rbx rbp rsp r12-r15 rip from DWARF-ordered d (bit i of known: d[i]
 * is valid; the others say <not saved>). */
void print_kept_regs(struct out *o, const uint64_t d[KMODEL_NREGS],
		     uint32_t known);
/* The registers of frame `want` (bt's numbering) that survive a call. */
/* Frame `want` of the stopped thread (numbered as bt numbers them): its
 * registers as the unwinder recovered them (bit i of *known: d[i] is
 * valid), and a bt row for it in o if o.  <0: no such frame, *cause. */
int session_frame_regs(struct session *s, int want, uint64_t d[KMODEL_NREGS],
		       uint32_t *known, struct out *o, char **cause);
int print_frame_regs(struct session *s, struct out *o,
		     const uint64_t d[KMODEL_NREGS], int want);
int print_dmesg(struct session *s, struct out *o, int last, bool levels);
const char *signal_name(int sig);

/* args.c: a command's arguments, parsed against its usage in the table
 * ("x [-p PID] ADDR [LEN]"): the values by name ("PID", "LEN"), options
 * without a value as "1" ("-l"), and the rest of the line for NAME... */
#define CMD_ARGS_MAX 12
struct cmd_args {
	int n;
	struct {
		char name[48];
		const char *val;
	} v[CMD_ARGS_MAX];
	int rest_argc;
	char **rest_argv;
};
/* A whole line ("watch x if y") as command NAME's arguments, without
 * running it: line is split in place into argv (max words).  0, or
 * -EINVAL when the line does not have the usage's shape. */
int cmd_parse_as(const char *name, char *line, char **argv, int max,
		 struct cmd_args *a);
/* 0, or -EINVAL when the line does not have the usage's shape. */
int cmd_args_parse(const char *usage, int argc, char **argv,
		   struct cmd_args *a);
/* A value by its name in the usage, or NULL (not given). */
const char *cmd_arg(const struct cmd_args *a, const char *name);

/* commands.c: one table for the prompt, gdb's monitor and the TUI */
struct cmd_ctx {
	struct session *s;
	struct out *o;		/* rows go here */
	FILE *out;		/* free text: out_file(o) */
	const struct cmd_args *args;	/* parsed against the usage */
	const char *fmt;	/* "x" of p/x, x/s; NULL: none */
	int from;		/* enum cmd_from: the prompt, or gdb's monitor */
};

enum cmd_flags {
	CMD_NEEDS_STOPPED = 1 << 0,	/* needs a live, stopped guest */
	CMD_RESUMES = 1 << 1,		/* leaves the prompt */
	CMD_NOT_FROM_GDB = 1 << 2,	/* gdb has its own (and resuming
					 * commands are refused there too) */
	CMD_MOVES_TIME = 1 << 3,	/* moves a replay to another moment */
	CMD_TUI_ONLY = 1 << 4,		/* the TUI's own (panes, selection) */
	CMD_FORMAT = 1 << 5,		/* takes gdb's /FMT (p/x, x/s) */
};

struct umdbg_cmd {
	const char *name;
	const char *alias;
	const char *usage;
	const char *help;
	unsigned flags;
	int (*run)(struct cmd_ctx *ctx, int argc, char **argv);
};

/* commands.c: say why a command failed ("ps: no symbol ..."), free the
 * cause and pass the error on. */
int cmd_fail(struct cmd_ctx *ctx, const char *cmd, char *cause, int err);
/* kviews.c: the commands that show the kernel */
int cmd_parse_pid(struct cmd_ctx *ctx, const char *s, int *pid);
int cmd_bt(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_ps(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_vma(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_vtop(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_x(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_pt(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_print(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_frame(struct cmd_ctx *ctx, int argc, char **argv);
/* An address from an expression (a number, sym+off, &var, $rsp+8), or
 * a message "cmd: why" and -errno. */
int cmd_eval_addr(struct cmd_ctx *ctx, const char *cmd, const char *text,
		  uint64_t *addr);
/* The words of a rest-of-line argument, joined again (malloc'd). */
char *cmd_rest(const struct cmd_args *a);
/* Expressions' registers: the stopped thread's. */
const struct kmodel_expr_env *session_expr_env(struct session *s);
int cmd_lsmod(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_kconfig(struct cmd_ctx *ctx, int argc, char **argv);
/* kmem.c */
int cmd_kmem(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_slab(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_buddy(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_page(struct cmd_ctx *ctx, int argc, char **argv);
/* tviews.c */
int cmd_files(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_cred(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_stack(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_irqs(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_locks(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_timers(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_workqueues(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_percpu(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_sym(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_regs(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_checkpoints(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_memcrc(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_dmesg(struct cmd_ctx *ctx, int argc, char **argv);
/* source.c: disassembly (capstone) and source lines, pc marked "=>" */
int cmd_disas(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_list(struct cmd_ctx *ctx, int argc, char **argv);
/* step.c */
int cmd_next(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_finish(struct cmd_ctx *ctx, int argc, char **argv);
/* watch.c: watch, rwatch and awatch */
int cmd_watch(struct cmd_ctx *ctx, int argc, char **argv);
/* Is spec something `watch` takes (before the kernel runs)? */
int watch_check(struct session *s, const char *spec, FILE *err);
bool watch_delete(struct session *s, int num);
/* Read the watched values again (the replay moved, or a stop). */
void watch_refresh(struct session *s);
void watch_list(struct session *s, struct out *o);
/* A trigger that gdb would not stop at either: a write that left the
 * value as it was, or a read watchpoint's write.  Call once per stop. */
bool watch_is_silent(struct session *s, const struct tracer_stop *st);
/* A trigger of watchpoint slot `slot`: does its condition hold (or has
 * it none)?  A condition that cannot be evaluated holds: the stop says
 * why (on stderr). */
bool watch_cond_holds(struct session *s, int slot);
/* The stop report's headline for a watchpoint of ours (why, and the
 * values as its detail, malloc'd); false: none. */
bool watch_why(struct session *s, const struct tracer_stop *st,
	       char **why, char **detail);
/* After a reverse-continue (and watch_refresh): "rc: watchpoint N
 * (...), value V". */
void watch_say(struct session *s, const struct tracer_stop *st,
	       const char *cmd, FILE *out);

/* The command names, NULL-terminated (completion); with tui, the TUI's
 * own commands too. */
const char *const *cmd_names(bool tui);
/* Run one command line; returns the command's result (0 = ok). */
int cmd_execute(struct session *s, const char *line, FILE *out);
/* Where a command comes from: gdb's monitor may not resume or quit. */
enum cmd_from { CMD_FROM_PROMPT, CMD_FROM_MONITOR };
int cmd_execute_from(struct session *s, const char *line, struct out *o,
		     enum cmd_from from);

/* The breakpoint addresses someone set (the prompt, --break, gdb): the
 * tracer's, less umdbg's own catch of module loads at do_init_module
 * unless a breakpoint of the prompt's is there too.  Fills up to max. */
int session_user_bp_addrs(struct session *s, uint64_t *addrs, int max);
/* Add a breakpoint from a location spec; prints errors to out. */
int session_add_breakpoint(struct session *s, const char *spec, FILE *err);
/* Add a filled-in breakpoint (addrs or pending module; spec malloc'd):
 * numbered, inserted if the guest runs. */
int session_add_bp(struct session *s, struct breakpoint *bp, FILE *err);
/* loop.c: is Ctrl-C, SIGTERM or SIGHUP waiting for the event loop?
 * Long stepping checks it every STEPI_SLICE steps and goes back. */
#define STEPI_SLICE 256
bool session_signal_pending(void);
void stepi_stopped(struct session *s, uint64_t left, FILE *out);
/* loop.c: tell the kernel model the host libraries (their CFI lets a
 * backtrace cross UML's signal frames), once they are mapped. */
void session_report_maps(struct session *s);
/* history.c */
int cmd_history(struct cmd_ctx *ctx, int argc, char **argv);
int history_goto(struct session *s, size_t n, char **cause);
void history_free(struct session *s);
/* catch.c */
int session_add_catch(struct session *s, const char *kind, FILE *err);
bool catch_judge_stop(struct session *s, const struct breakpoint *bp,
		      const struct tracer_stop *st);
int cmd_catch(struct cmd_ctx *ctx, int argc, char **argv);
/* report.c: the stopped thread's frames, numbered as bt numbers them:
 * fn(arg, pc, where, num) returns true to stop. */
void session_walk_frames(struct session *s,
			 bool (*fn)(void *arg, uint64_t pc,
				    const struct kmodel_where *w, int num),
			 void *arg);
int session_resume(struct session *s);
/* The guest runs (or is stepped from the event loop): leave the prompt. */
void session_leave_prompt(struct session *s);
/* One instruction; prints where it ends on out (if not NULL).  0: done,
 * 1: it waits for a host syscall in the event loop (said on out; on_stop
 * ends it), 2: it ended in another stop (a watchpoint...: reported),
 * <0: the guest is gone. */
int session_stepi(struct session *s, FILE *out);
/* Before a single-step: keep the replay moment's name up to date. */
void session_note_step(struct session *s);

/* How this host's watchpoints work, for `version` and --version:
 * probes the debug registers (and reads UMDBG_DEBUG_REGISTERS=off)
 * once; fills hw_emulated and hw_why. */
void session_watch_mode(struct session *s);
/* One line: "watchpoints: debug registers" or why they are emulated. */
void session_say_watch_mode(const struct session *s, FILE *out);

/* options.c: the command line */
struct options {
	const char *replay_path;	/* umdbg replay TRACE */
	const char *kernel;
	char **kargs;		/* the kernel's arguments (room for 6 more) */
	int nkargs;
	const char *scenario, *gdb_spec;
	bool gdb_wait, listen_any, use_tui;
	char **specs;		/* --break */
	int nspecs;
	char **catches;		/* --catch */
	int ncatches;
	char *watches[4];	/* --watch */
	int nwatch;
	const char *flavour;	/* --flavour: "default" or "debug" */
	char **shares;		/* --share, as kernel arguments */
	int nshares;
	const char *run_cmd;	/* --run */
	bool real_time;		/* --real-time: no time-travel */
	bool no_confine;	/* --no-confine */
	struct ck_settings ck;	/* --checkpoints etc. */
};
/* Fills o (and the session's own settings: --record, --batch, --json,
 * -F, --log-lines).  --help, --version and usage errors print and exit;
 * -1 (said on stderr) when there is no kernel to run. */
int options_parse(int argc, char **argv, struct session *s,
		  struct options *o);
/* A usage error, in one line; exits with EXIT_ERROR. */
void die_usage(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* The kernel's path as gdb's qXfer:exec-file gives it (malloc'd). */
char *exec_file_for_gdb(const char *kernel);
/* Does an argument start with prefix? */
bool has_arg(char **args, int n, const char *prefix);

/* breakpoints.c */
/* Breakpoints waiting for the module at mod_addr (0: any loaded now). */
void resolve_pending(struct session *s, uint64_t mod_addr, FILE *err);
/* Is tracer breakpoint id one of the prompt's (not umdbg's own)? */
bool user_breakpoint(struct session *s, int id);
void insert_pending_breakpoints(struct session *s);

/* termguard.c: the terminal restored even when umdbg is killed */
void termguard_start(void);	/* with a terminal on stdin */
void termguard_tui(bool on);	/* the TUI has the screen, or not */
void termguard_done(void);	/* ending in order (atexit) */

/* share.c: --share, --run, umdbg module */
char *share_root(bool use_ns);
char *share_arg(const char *dir);
char *run_arg(const char *cmd);
int shares_setup(struct session *s, const char *kernel, char **kargs,
		 int nkargs, bool replaying);
/* What the launch gives the guest: the shares (writable), and confining,
 * the kernel (at l->path, absolute) and the files its arguments name. */
void launch_gives(struct session *s, const struct options *o,
		 struct tracer_launch *l);
int module_command(int argc, char **argv);

/* places.c: a source tree or an installation */
bool places_source_tree(void);	/* run from its build directory */
char *cache_dir(void);		/* $UMDBG_CACHE, or ~/.cache/umdbg */
char *recipe_dir(void);		/* guest/, samples/, scripts/gdb/ are here */
/* Where built guest NAME is (NULL or "default": the default one):
 * linux, rootfs.cpio.gz, src, modules. */
char *guest_dir(const char *name);
/* How to build guest NAME (NULL: the default), as the user runs umdbg
 * ("make guest"...). */
const char *guest_build_hint(const char *name);
/* Can NAME name a built guest (lower-case letters, digits, - and _)? */
bool guest_name_ok(const char *name);
int guest_command(int argc, char **argv);	/* umdbg guest build */
/* The host's XSAVE area for a ptraced thread (bytes; probed once), or a
 * negative errno.  UML 6.12 alone assumes UML_XSTATE_SIZE. */
int host_xstate_size(void);
#define UML_XSTATE_SIZE 2696

/* record.c: --record, umdbg replay, umdbg trace */
int trace_command(int argc, char **argv);
/* The trace's kernel command line (argv[0]: the kernel); exits on error. */
void replay_open(struct session *s, const char *path, char ***argv,
		 int *argc);
int check_build_id(struct session *s, const char *kernel);
void record_start(struct session *s, char **gargv, bool unconfined);
void rr_done(struct session *s);

/* loop.c: the session's core */
/* A stop from the tracer: report, then prompt or end.  watch_judged:
 * session_stepi has already asked watch_is_silent. */
void on_stop(struct session *s, const struct tracer_stop *st,
	     bool watch_judged);
void end_guest(struct session *s, int code);
void session_interrupt(struct session *s);
/* Whether the guest stopped on a real fault (not UML's own SIGSEGV). */
bool real_fault(void *arg, pid_t tid, int signo, uint64_t addr);
void main_loop(struct session *s);
void session_add_source(struct session *s, const struct session_source *src);
/* Does a front end hold the guest (holds)? */
bool session_held(struct session *s);
/* Stopped for the user: tell the sources (at_rest).  A session without
 * a prompt or --batch ends instead (session_end_unattended). */
void session_rest(struct session *s);
/* A `time` whose move went on from the event loop: its figure, now. */
void session_time_done(struct session *s, FILE *out);
/* Nobody at a prompt: end the guest, saying why (--batch: failed, its
 * commands failed). */
void session_end_unattended(struct session *s, bool failed);
/* Tell the sources: a replay restarted. */
void session_restarted(struct session *s);

/* prompt.c: the umdbg> prompt, --batch, the TUI's host: front ends that
 * register as sources (prompt_init, session_open_tui). */
void prompt_init(struct session *s);
/* With --json or -F: the guest's console on stderr. */
void console_to_stderr(void *arg, const void *buf, size_t len);
int session_open_tui(struct session *s, char **cause);

/* gdbserver.c */
int gdbserver_open(struct session *s, const char *spec, bool any,
		   struct gdbserver **out, char **cause);
void gdbserver_close(struct gdbserver *g);
bool gdbserver_connected(const struct gdbserver *g);

/* console.c */
int console_init(struct console *c, int *guest_stdin, int *guest_stdout);
void console_running(struct console *c, bool running);
/* Copy guest output to stdout; returns false at EOF. */
bool console_drain(struct console *c);
/* Forward our stdin to the guest. */
void console_forward_stdin(struct console *c);
void console_flush_to_guest(struct console *c);
void console_restore(struct console *c);

#endif
