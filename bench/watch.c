/*
 * bench/watch.c - one run of the `work` scenario under the tracer, with
 * an emulated write watchpoint on a kernel variable (or none), resumed at
 * every trigger as a user who continues would be, minus the printing.
 * bench/watch runs it side by side with bare UML and prints the ratios.
 *
 * usage: watch-run KERNEL ROOTFS OUTFILE [VARIABLE]
 * prints: seconds triggers faults emulated lifted injected
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../kmodel/kmodel.h"
#include "../lib/lib.h"
#include "../tracer/tracer.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char *cause = NULL, *initrd;
	struct tracer_pw_stats ps = { 0 };
	struct tracer_launch l = { 0 };
	struct tracer_stop st;
	struct tracer *t;
	struct kmodel *k;
	uint64_t addr = 0, size = 8;
	unsigned long triggers = 0;
	double t0, t1;
	int out, in;

	log_init();
	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s KERNEL ROOTFS OUTFILE [VARIABLE]\n",
			argv[0]);
		return 1;
	}
	if (argc == 5) {
		if (kmodel_open(argv[1], 0, &k, &cause) < 0 ||
		    kmodel_symbol_object(k, argv[4], &addr, &size) < 0) {
			fprintf(stderr, "watch-run: no variable '%s'%s%s\n",
				argv[4], cause ? ": " : "", cause ? cause : "");
			return 1;
		}
		if (size > 8 || !size)
			size = 8;
		kmodel_free(k);
	}
	initrd = xasprintf("initrd=%s", argv[2]);
	{
		/* execv's argv is not const; these strings are never written */
		char *gargv[] = { argv[1], (char *)"mem=128M", initrd,
				  (char *)"con=null", (char *)"con0=fd:0,fd:1",
				  (char *)"time-travel=inf-cpu",
				  (char *)"time-travel-start=0",
				  (char *)"umdbg.scenario=work",
				  (char *)"uml_dir=/dev/shm/umdbg",
				  (char *)"umid=bench", NULL };

		out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			   0644);
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		l.path = argv[1];
		l.argv = gargv;
		l.stdin_fd = in;
		l.stdout_fd = out;
		l.stderr_fd = out;
		l.namespaces = true;
		l.private_tmpfs = "/dev/shm";
		l.block_sigchld = true;
		l.no_aslr = true;
		t0 = now();
		if (tracer_launch(&l, &t, &cause) < 0) {
			fprintf(stderr, "watch-run: %s\n", cause);
			return 1;
		}
	}
	if (addr) {
		tracer_set_hw_emulation(t, true);
		if (tracer_hw_insert(t, TRACER_HW_WRITE, addr, (int)size) < 0) {
			fprintf(stderr, "watch-run: cannot watch 0x%llx\n",
				(unsigned long long)addr);
			return 1;
		}
	}
	for (;;) {
		if (tracer_resume(t, &cause) < 0 ||
		    tracer_wait(t, &st, &cause) < 0) {
			fprintf(stderr, "watch-run: %s\n", cause);
			return 1;
		}
		if (st.kind == TRACER_STOP_WATCH) {
			triggers++;
			continue;
		}
		if (st.kind == TRACER_STOP_EXITED ||
		    st.kind == TRACER_STOP_KILLED)
			break;
		/* anything else (a signal the tracer stops at): go on */
	}
	t1 = now();
	tracer_hw_emulation_stats(t, &ps);
	tracer_free(t);
	printf("%.3f %lu %lu %lu %lu %lu %lu\n", t1 - t0, triggers, ps.faults,
	       ps.emulated, ps.lifted, ps.injected, ps.detours);
	return 0;
}
