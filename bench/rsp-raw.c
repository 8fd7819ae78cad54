/*
 * bench/rsp-raw.c - a raw GDB remote protocol client for bench/rsp: no
 * gdb in the loop, so what it times is the server's own work (and the
 * guest's), on the same connection umdbg and gdbserver both speak.
 *
 *   rsp-raw HOST:PORT STEPS ADDR LEN CHUNK
 *
 * After qSupported and QStartNoAckMode it single-steps the stopped
 * thread STEPS times ('s'), then reads LEN bytes from ADDR in 'm'
 * packets of CHUNK bytes, or fewer if the server's PacketSize says so
 * (as gdb would: a reply of at most PacketSize - 32 characters), then,
 * when the server offers binary-upload+, the same in 'x' packets.  It
 * prints one line each:
 *   STEPI <steps per second>
 *   MREAD <seconds> <chunk>
 *   XREAD <seconds>          (or "XREAD -" without x)
 * Exit status 1 with one line on any protocol error.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fd = -1;
static bool noack;
static char in[1 << 20];
static size_t in_len, in_pos;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rsp-raw: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int get(void)
{
	if (in_pos == in_len) {
		ssize_t n = read(fd, in, sizeof(in));

		if (n <= 0)
			die("the server closed the connection");
		in_len = (size_t)n;
		in_pos = 0;
	}
	return (unsigned char)in[in_pos++];
}

static void put(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			die("write failed");
		s += w;
		n -= (size_t)w;
	}
}

static void send_pkt(const char *fmt, ...)
{
	char body[256], frame[300];
	unsigned sum = 0;
	va_list ap;
	int n, i, c;

	va_start(ap, fmt);
	n = vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	for (i = 0; i < n; i++)
		sum += (unsigned char)body[i];
	n = snprintf(frame, sizeof(frame), "$%s#%02x", body, sum & 0xff);
	put(frame, (size_t)n);
	if (!noack && (c = get()) != '+')
		die("no ack for '%s' (got '%c')", body, c);
}

/*
 * One reply packet, raw (escapes kept); its length.  Whole runs of the
 * input at a time (memchr, memcpy): the client's own time is in what
 * it measures, so it is kept small.
 */
static size_t recv_pkt(char *buf, size_t max)
{
	size_t n = 0;

	while (get() != '$')
		;
	for (;;) {
		const char *end;
		size_t run;

		if (in_pos == in_len) {
			get();
			in_pos--;
		}
		end = memchr(in + in_pos, '#', in_len - in_pos);
		run = (end ? (size_t)(end - in) : in_len) - in_pos;
		if (n + run + 1 >= max)
			die("a reply over %zu bytes", max);
		memcpy(buf + n, in + in_pos, run);
		n += run;
		in_pos += run;
		if (end)
			break;
	}
	in_pos++;	/* '#' */
	get();
	get();
	buf[n] = '\0';
	if (!noack)
		put("+", 1);
	return n;
}

/* The length of a reply once decoded: '}' escapes a byte, and "c*N"
 * repeats c N - 29 more times (gdbserver's run-length encoding). */
static size_t decoded_len(const char *p, size_t n)
{
	const char *end = p + n, *e = memchr(p, '}', n);
	size_t len = 0;

	while (p < end) {
		const char *r, *q;

		if (e && e < p)	/* the next '}', once per '}' */
			e = memchr(p, '}', (size_t)(end - p));
		r = memchr(p, '*', (size_t)((e ? e : end) - p));
		q = r ? r : e ? e : end;
		len += (size_t)(q - p);
		if (q == end)
			break;
		if (q == r && q + 1 < end)
			/* the repeated byte was counted; N - 29 more */
			len += (size_t)((unsigned char)q[1] - 29);
		else
			len++;	/* the escaped byte */
		p = q + 2;
	}
	return len;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char reply[1 << 20];
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM }, *ai;
	unsigned long long addr, len, chunk, a;
	char *host, *port, *ps;
	bool binary;
	long steps, i;
	double t0;
	size_t n;

	if (argc != 6)
		die("usage: rsp-raw HOST:PORT STEPS ADDR LEN CHUNK");
	host = strdup(argv[1]);
	port = strrchr(host, ':');
	if (!port)
		die("'%s' is not HOST:PORT", argv[1]);
	*port++ = '\0';
	steps = strtol(argv[2], NULL, 0);
	addr = strtoull(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);
	chunk = strtoull(argv[5], NULL, 0);
	if (steps < 1 || !len || !chunk || chunk > sizeof(reply) / 4)
		die("bad STEPS, LEN or CHUNK");
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		die("cannot resolve '%s'", argv[1]);
	fd = socket(ai->ai_family, ai->ai_socktype, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("cannot connect to %s", argv[1]);
	freeaddrinfo(ai);

	send_pkt("qSupported:swbreak+;hwbreak+");
	recv_pkt(reply, sizeof(reply));
	binary = strstr(reply, "binary-upload+") != NULL;
	if ((ps = strstr(reply, "PacketSize="))) {
		unsigned long long size = strtoull(ps + 11, NULL, 16);

		if (size > 64 && (size - 32) / 2 < chunk)
			chunk = (size - 32) / 2;
	}
	send_pkt("QStartNoAckMode");
	recv_pkt(reply, sizeof(reply));
	if (strcmp(reply, "OK"))
		die("QStartNoAckMode: '%s'", reply);
	noack = true;
	send_pkt("?");
	recv_pkt(reply, sizeof(reply));
	if (reply[0] != 'T' && reply[0] != 'S')
		die("'?': '%s'", reply);

	t0 = now();
	for (i = 0; i < steps; i++) {
		send_pkt("s");
		recv_pkt(reply, sizeof(reply));
		if (reply[0] != 'T' && reply[0] != 'S')
			die("step %ld: '%.40s'", i, reply);
	}
	printf("STEPI %.1f\n", (double)steps / (now() - t0));

	t0 = now();
	for (a = addr; a < addr + len; a += chunk) {
		send_pkt("m%llx,%llx", a, chunk);
		n = decoded_len(reply, recv_pkt(reply, sizeof(reply)));
		if (n != 2 * chunk)
			die("m%llx,%llx: %zu hex digits: %.60s", a, chunk, n,
			    reply);
	}
	printf("MREAD %.4f %llu\n", now() - t0, chunk);

	if (!binary) {
		printf("XREAD -\n");
		return 0;
	}
	t0 = now();
	for (a = addr; a < addr + len; a += chunk) {
		size_t got;

		send_pkt("x%llx,%llx", a, chunk);
		n = recv_pkt(reply, sizeof(reply));
		if (!n || reply[0] != 'b')
			die("x%llx,%llx: '%.20s'", a, chunk, reply);
		got = decoded_len(reply + 1, n - 1);
		if (got != chunk)
			die("x%llx,%llx: %zu bytes", a, chunk, got);
	}
	printf("XREAD %.4f\n", now() - t0);
	return 0;
}
