/*
 * bench/stop-floor.c - the least an emulated watchpoint's fault can cost
 * on this host: a child stores into a read-only page in a loop; for each
 * SIGSEGV stop the tracer does what pagewatch.c does at the least (read
 * the registers, do the store through /proc/PID/mem, move rip, resume).
 * The two share one CPU, as the tracer arranges while pages are
 * protected.  bench/watch multiplies it by a run's faults.
 *
 * usage: stop-floor [STOPS]     prints: microseconds a stop
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Stores `n` times into the page; each is `movl %eax,(%rdx)` (2 bytes). */
static void child(volatile uint32_t *page, long n)
{
	long i;

	if (mprotect((void *)page, 4096, PROT_READ) < 0)
		_exit(1);
	for (i = 0; i < n; i++)
		__asm__ volatile("movl %%eax, (%%rdx)"
				 : : "a"((uint32_t)i), "d"(page) : "memory");
	_exit(0);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50000, stops = 0;
	uint32_t *page;
	cpu_set_t one;
	char path[64];
	double t0, t1;
	int status, fd;
	pid_t pid;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || n <= 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, 0, 0);
		raise(SIGSTOP);
		child(page, n);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	if (waitpid(pid, &status, 0) < 0 ||
	    (fd = open(path, O_RDWR | O_CLOEXEC)) < 0) {
		kill(pid, SIGKILL);
		return 1;
	}
	t0 = now();
	ptrace(PTRACE_CONT, pid, 0, 0);
	while (waitpid(pid, &status, 0) == pid && WIFSTOPPED(status)) {
		struct user_regs_struct r;
		siginfo_t si;
		uint32_t v;

		if (WSTOPSIG(status) != SIGSEGV ||
		    ptrace(PTRACE_GETSIGINFO, pid, 0, &si) < 0 ||
		    ptrace(PTRACE_GETREGS, pid, 0, &r) < 0)
			break;
		v = (uint32_t)r.rax;
		if (pwrite(fd, &v, sizeof(v), (off_t)(uintptr_t)page) !=
		    sizeof(v))
			break;
		r.rip += 2;
		ptrace(PTRACE_SETREGS, pid, 0, &r);
		ptrace(PTRACE_CONT, pid, 0, 0);
		stops++;
	}
	t1 = now();
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (stops != n) {
		fprintf(stderr, "stop-floor: %ld of %ld stops\n", stops, n);
		return 1;
	}
	printf("%.1f\n", (t1 - t0) / (double)stops * 1e6);
	return 0;
}
