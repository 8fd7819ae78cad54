/*
 * tracer/pagestore.c - copies of guest memory for checkpoints.
 *
 * Guest memory is one file (UML's physical memory, shared by the kernel
 * process and its stubs), so a checkpoint's fork does not copy it.  A
 * snapshot is, for each page of the file, a reference to a stored copy.
 * A page equal to the one the previous snapshot stored is shared with
 * it, and zero pages cost nothing, so a snapshot costs the pages that
 * changed since the one before (docs/record-replay.md, "Checkpoints").
 * Loading one writes back only the pages that differ from the file now.
 *
 * Owns: struct tracer_pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define PG 4096u

struct tracer_pages {
	int fd;
	uint8_t *map;
	size_t npages;
	/* stored pages; slot 0 is the zero page and is never stored */
	uint8_t **page;
	uint32_t *refs;
	uint32_t npool, pool_alloc;
	uint32_t *free_slots;
	uint32_t nfree;
	uint64_t stored;	/* pages held */
	/* snapshots: each an array of npages slots, NULL once dropped */
	uint32_t **snap;
	int nsnap;
	int last;		/* the newest snapshot, or -1 */
};

static const uint8_t zero_page[PG];

static bool is_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;
	size_t i;

	for (i = 0; i < PG / 8; i++)
		if (w[i])
			return false;
	return true;
}

static uint32_t pool_add(struct tracer_pages *ps, const uint8_t *data)
{
	uint32_t s;

	if (ps->nfree) {
		s = ps->free_slots[--ps->nfree];
	} else {
		if (ps->npool == ps->pool_alloc) {
			ps->pool_alloc = ps->pool_alloc ? ps->pool_alloc * 2 :
				1024;
			ps->page = xrealloc(ps->page, ps->pool_alloc *
					    sizeof(*ps->page));
			ps->refs = xrealloc(ps->refs, ps->pool_alloc *
					    sizeof(*ps->refs));
		}
		s = ps->npool++;
	}
	ps->page[s] = xmalloc(PG);
	memcpy(ps->page[s], data, PG);
	ps->refs[s] = 1;
	ps->stored++;
	return s;
}

static void pool_unref(struct tracer_pages *ps, uint32_t s)
{
	if (!s || --ps->refs[s])
		return;
	free(ps->page[s]);
	ps->page[s] = NULL;
	ps->stored--;
	ps->free_slots = xrealloc(ps->free_slots,
				  (ps->nfree + 1) * sizeof(*ps->free_slots));
	ps->free_slots[ps->nfree++] = s;
}

static const uint8_t *slot_data(const struct tracer_pages *ps, uint32_t s)
{
	return s ? ps->page[s] : zero_page;
}

int tracer_pages_open(struct tracer *t, uint64_t physmem_fd_addr,
		      struct tracer_pages **out, char **cause)
{
	struct tracer_pages *ps;
	char path[64];
	struct stat st;
	int32_t fdno;
	int fd;

	if (pread(t->memfd, &fdno, 4, (off_t)physmem_fd_addr) != 4)
		return set_cause(cause, -EFAULT, "cannot read the kernel's "
				 "physmem_fd");
	if (fdno < 0)	/* early in the boot */
		return set_cause(cause, -EAGAIN, "the kernel has no guest "
				 "memory file yet");
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", t->pid, fdno);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return set_cause(cause, -errno, "guest memory (%s): %s", path,
				 errstr(errno));
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % PG) {
		close(fd);
		return set_cause(cause, -EINVAL, "guest memory (%s) has an "
				 "odd size", path);
	}
	ps = xcalloc(1, sizeof(*ps));
	ps->fd = fd;
	ps->npages = (size_t)st.st_size / PG;
	ps->map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	if (ps->map == MAP_FAILED) {
		int err = -errno;

		close(fd);
		free(ps);
		return set_cause(cause, err, "cannot map guest memory: %s",
				 errstr(-err));
	}
	ps->npool = 1;		/* slot 0: the zero page */
	ps->pool_alloc = 0;
	ps->page = xcalloc(1, sizeof(*ps->page));
	ps->refs = xcalloc(1, sizeof(*ps->refs));
	ps->pool_alloc = 1;
	ps->last = -1;
	*out = ps;
	return 0;
}

int tracer_pages_snap(struct tracer_pages *ps)
{
	const uint32_t *prev = ps->last >= 0 ? ps->snap[ps->last] : NULL;
	uint32_t *slot = xmalloc(ps->npages * sizeof(*slot));
	size_t i;
	int id;

	for (i = 0; i < ps->npages; i++) {
		const uint8_t *now = ps->map + i * PG;

		if (prev && !memcmp(now, slot_data(ps, prev[i]), PG)) {
			slot[i] = prev[i];
			if (slot[i])
				ps->refs[slot[i]]++;
		} else if (is_zero(now)) {
			slot[i] = 0;
		} else {
			slot[i] = pool_add(ps, now);
		}
	}
	for (id = 0; id < ps->nsnap && ps->snap[id]; id++)
		;
	if (id == ps->nsnap) {
		ps->snap = xrealloc(ps->snap, (ps->nsnap + 1) *
				    sizeof(*ps->snap));
		ps->nsnap++;
	}
	ps->snap[id] = slot;
	ps->last = id;
	return id;
}

/* Put snapshot id back into the file; how many pages were written. */
size_t tracer_pages_load(struct tracer_pages *ps, int id)
{
	const uint32_t *slot = ps->snap[id];
	size_t i, n = 0;

	for (i = 0; i < ps->npages; i++) {
		uint8_t *now = ps->map + i * PG;
		const uint8_t *want = slot_data(ps, slot[i]);

		if (memcmp(now, want, PG)) {
			memcpy(now, want, PG);
			n++;
		}
	}
	/* the next snapshot differs from this one, not the newest */
	ps->last = id;
	return n;
}

void tracer_pages_drop(struct tracer_pages *ps, int id)
{
	size_t i;

	if (id < 0 || id >= ps->nsnap || !ps->snap[id])
		return;
	for (i = 0; i < ps->npages; i++)
		pool_unref(ps, ps->snap[id][i]);
	free(ps->snap[id]);
	ps->snap[id] = NULL;
	if (ps->last == id)
		ps->last = -1;
}

/* Bytes held: the stored pages and the snapshots' tables. */
uint64_t tracer_pages_bytes(const struct tracer_pages *ps)
{
	uint64_t n = ps->stored * PG;
	int i;

	for (i = 0; i < ps->nsnap; i++)
		if (ps->snap[i])
			n += ps->npages * sizeof(uint32_t);
	return n;
}

uint64_t tracer_pages_size(const struct tracer_pages *ps)
{
	return (uint64_t)ps->npages * PG;
}

void tracer_pages_free(struct tracer_pages *ps)
{
	int i;

	if (!ps)
		return;
	for (i = 0; i < ps->nsnap; i++)
		tracer_pages_drop(ps, i);
	free(ps->snap);
	free(ps->page);
	free(ps->refs);
	free(ps->free_slots);
	munmap(ps->map, ps->npages * PG);
	close(ps->fd);
	free(ps);
}
