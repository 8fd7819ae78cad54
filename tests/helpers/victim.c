/*
 * tests/helpers/victim.c - a tiny host program for the tracer and symbol
 * tests: a known call chain, a counter in memory, a static function and
 * an inlined one.  Keep line numbers of the VICTIM-LINE markers stable or
 * update the tests that name them.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

volatile long victim_counter;

static inline __attribute__((always_inline)) void victim_bump(int by)
{
	victim_counter += by;	/* VICTIM-LINE inline */
}

__attribute__((noinline)) void victim_target(int i)
{
	victim_bump(i);
}

__attribute__((noinline)) static void victim_middle(int i)
{
	victim_target(i);
	asm volatile("" ::: "memory");
}

/* Threads that ran through (victim_counter's += races between them). */
static int victim_done;

static void *victim_thread(void *arg)
{
	victim_middle(1);
	__atomic_fetch_add(&victim_done, 1, __ATOMIC_SEQ_CST);
	return arg;
}

/* Filled by a read() next to the counter (pagewatch's syscall path). */
volatile long victim_buf;

/*
 * One store instruction for every address (tracer/detour.c's test): a
 * ten-byte instruction that touches no memory, then the store.  Run at
 * victim_buf many times, it is detoured; then at victim_counter.
 */
__attribute__((noinline)) void victim_store(volatile long *p, long v)
{
	asm volatile("movabs $0x5eed5eed5eed, %%rax\n\t"
		     "mov %1, (%0)" : : "r"(p), "r"(v) : "rax", "memory");
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3, i;
	pthread_t t[64];

	if (argc > 2 && argv[2][0] == 'a')
		abort();
	if (argc > 2 && argv[2][0] == 's')
		pause();	/* wait to be interrupted */
	if (argc > 2 && argv[2][0] == 'p') {
		/* a syscall writes a buffer on the counter's page */
		long v = 42;
		int fd[2];

		if (pipe(fd) < 0 || write(fd[1], &v, sizeof(v)) != sizeof(v) ||
		    read(fd[0], (void *)&victim_buf, sizeof(v)) != sizeof(v))
			return 99;
		victim_counter = 7;
		return (int)((victim_buf + victim_counter) % 100);
	}
	if (argc > 2 && argv[2][0] == 'd') {
		/* n stores beside the counter, then one to it */
		for (i = 1; i <= n; i++)
			victim_store(&victim_buf, i);
		victim_store(&victim_counter, 77);
		return (int)((victim_buf + victim_counter) % 100);
	}
	if (argc > 2 && argv[2][0] == 't') {
		/* n threads, each through the breakpoint once */
		for (i = 0; i < n && i < 64; i++)
			pthread_create(&t[i], NULL, victim_thread, NULL);
		for (i = 0; i < n && i < 64; i++)
			pthread_join(t[i], NULL);
		return victim_done;
	}
	for (i = 1; i <= n; i++)
		victim_middle(i);
	printf("victim: counter %ld\n", victim_counter);
	return (int)(victim_counter % 100);
}

/* For the DWARF layout tests (t2002): anonymous members and bitfields. */
struct victim_rec {
	int a;
	union {
		long b;
		struct {
			short c;
			char d;
		};
	};
	unsigned int e : 3, f : 5;
	struct {
		int g;
	} nested;
};
struct victim_rec victim_rec_var;
