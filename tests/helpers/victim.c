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

void victim_steps(void);
extern char victim_steps_back[], victim_steps_back2[];

/* victim_steps' faults: on at victim_steps_back, then at
 * victim_steps_back2 (REG_RIP: the Makefile gives _GNU_SOURCE, so that
 * no line moves above). */
static void victim_segv(int sig, siginfo_t *si, void *uc)
{
	static int n;

	(void)sig;
	(void)si;
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP] =
		(greg_t)(n++ ? victim_steps_back2 : victim_steps_back);
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
	if (argc > 2 && argv[2][0] == 'i') {
		struct sigaction sa = { .sa_sigaction = victim_segv,
					.sa_flags = SA_SIGINFO };

		sigaction(SIGSEGV, &sa, NULL);
		victim_steps();
		return 0;
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

/*
 * For the single-step tests (t3001, tracer/softstep.c): instructions of
 * each kind a step by int3 follows (a loop, branches taken and not, direct
 * and indirect calls and jumps through a register and through memory, a
 * return), and some it leaves to the trap flag (a rep string
 * instruction, a read of the next instruction's bytes, a fault into a
 * signal handler); and a jump to data, whose fetch faults after the
 * jump's step.  Stepped from victim_steps to victim_steps_end.
 */
__asm__(
	"	.text\n"
	"	.globl victim_steps\n"
	"	.type victim_steps, @function\n"
	"victim_steps:\n"
	"	push %rbx\n"
	"	mov $3, %ecx\n"
	"	xor %eax, %eax\n"
	".Lvs_loop:\n"
	"	add $1, %rax\n"
	"	loop .Lvs_loop\n"
	"	test %eax, %eax\n"
	"	je .Lvs_no\n"
	"	jne .Lvs_call\n"
	".Lvs_no:\n"
	"	ud2\n"
	".Lvs_call:\n"
	"	call .Lvs_leaf\n"
	"	lea .Lvs_leaf(%rip), %rax\n"
	"	call *%rax\n"
	"	call *.Lvs_table(%rip)\n"
	"	lea .Lvs_reg(%rip), %rax\n"
	"	jmp *%rax\n"
	"	ud2\n"
	".Lvs_reg:\n"
	"	mov $1, %ecx\n"
	"	lea .Lvs_table(%rip), %rbx\n"
	"	jmp *(%rbx,%rcx,8)\n"
	"	ud2\n"
	".Lvs_mem:\n"
	"	lea .Lvs_src(%rip), %rsi\n"
	"	lea .Lvs_dst(%rip), %rdi\n"
	"	mov $5, %ecx\n"
	"	rep movsb\n"
	"	movsb\n"
	"	movzbl .Lvs_read(%rip), %eax\n"
	".Lvs_read:\n"
	"	nop\n"
	"	movl $1, 0\n"
	"	ud2\n"
	"	.globl victim_steps_back\n"
	"victim_steps_back:\n"
	"	lea .Lvs_dst(%rip), %rax\n"
	"	jmp *%rax\n"
	"	ud2\n"
	"	.globl victim_steps_back2\n"
	"victim_steps_back2:\n"
	"	jmp .Lvs_end\n"
	".Lvs_end:\n"
	"	pop %rbx\n"
	"	.globl victim_steps_end\n"
	"victim_steps_end:\n"
	"	ret\n"
	".Lvs_leaf:\n"
	"	mov %rsp, %rdx\n"
	"	ret\n"
	"	.size victim_steps, .-victim_steps\n"
	"	.data\n"
	"	.balign 8\n"
	".Lvs_table:\n"
	"	.quad .Lvs_leaf\n"
	"	.quad .Lvs_mem\n"
	".Lvs_src:\n"
	"	.ascii \"abcdefgh\"\n"
	".Lvs_dst:\n"
	"	.zero 8\n"
	"	.text\n");
