/*
 * cli/gdbserver.h - the gdb server's state, shared by its connection
 * (gdbserver.c) and its target ops (gdbops.c).  Private to them.
 */
#ifndef UMDBG_GDBSERVER_H
#define UMDBG_GDBSERVER_H

#include "cli.h"

struct gdb_bp {
	uint64_t addr;
	int id;			/* tracer breakpoint id */
};

struct gdbserver {
	struct session *s;
	int listen_fd;
	int client_fd;
	struct rsp *rsp;
	long main_alias;	/* gdb's id of the kernel process, 0: unset */
	char *unix_path;	/* to unlink at exit */
	char *where;		/* "127.0.0.1:1234" for messages */
	struct gdb_bp *bps;
	size_t nbps;
	enum rsp_point slot_type[4];	/* what gdb asked for, per DR slot */
	bool slot_used[4];
	bool attach_pending;	/* connected while running: stopping it */
	bool spin;		/* after a reply, look for the next packet
				 * a moment without sleeping (gdbserver.c) */
	int refused_fd;		/* a refused connection, drained then closed */
	/* Host files gdb opened with vFile (closed when it leaves). */
	int files[16];
	/* The guest's tasks at this stop (gdb asks about each of them). */
	struct kmodel_task *tasks;
	size_t ntasks;
	bool tasks_valid;
};

/* The ops gdbstub/ calls: registers, memory, points, resume, threads,
 * monitor, files, reverse execution. */
extern const struct rsp_target_ops gdb_target_ops;
/* The stop's task list is stale (a stop, a restart). */
void gdb_forget_tasks(struct gdbserver *g);
/* Host files gdb opened with vFile, closed when it leaves. */
void gdb_close_files(struct gdbserver *g);
/* gdb's thread id for host thread tid. */
long gdb_tid_out(struct gdbserver *g, long tid);
/* Tell gdb of a stop (answers the resume it waits on). */
void gdbserver_on_stop(struct gdbserver *g, const struct tracer_stop *st);
/* Remove the breakpoints and watchpoints gdb inserted (it left). */
void gdb_remove_points(struct gdbserver *g);

#endif
