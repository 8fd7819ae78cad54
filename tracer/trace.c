/*
 * tracer/trace.c - trace files: an append-only sequence of checksummed
 * records behind a magic and a format version (docs/trace-format.md).
 *
 * Writer: each record is written whole with one write(); a footer record
 * marks a clean finish.  A writer killed mid-run therefore leaves a file
 * whose last record may be cut short; the reader returns every whole
 * record before it and then says "truncated".  A record whose checksum
 * does not match is "corrupt", with its number and offset.  The reader
 * never trusts a length it reads: the type and length have their own
 * checksum (so a damaged length reads as corruption, not as a truncated
 * file), and records are bounded by TRACE_MAX_RECORD and the file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lz4.h>

#include "internal.h"

#define TRACE_MAGIC "UMDBGTRC"
#define TRACE_PREAMBLE 16	/* magic[8], u32 version, u32 reserved */
#define TRACE_REC_HEAD 12	/* u32 type, u32 length, u32 crc32 of both */
#define TRACE_REC_TAIL 4	/* u32 crc32 of the payload */
#define TRACE_KEEP 4
#define TRACE_MAX_INFLATED (16u << 20)	/* a compressed record's limit */

struct trace_writer {
	int fd;
	uint64_t records;	/* written, header included */
	uint64_t bytes;
	uint8_t *buf;
	size_t alloc;
	char *cbuf;		/* LZ4 output */
	size_t calloc;
};

struct trace_reader {
	uint8_t *map;		/* the whole file */
	size_t size, pos;
	uint64_t records;	/* returned so far */
	struct trace_header hdr;
	bool complete;		/* footer seen */
	char *path;
	size_t first;		/* offset of the record after the header */
	size_t last_pos;	/* where the record trace_next returned last
				 * began */
	/* the last few decompressed records (a record's data stays valid
	 * while the next TRACE_KEEP - 1 are read) */
	char *bufs[TRACE_KEEP];
	size_t nextbuf;
};

/* CRC-32 (IEEE 802.3, as zlib's crc32), table-driven. */
static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c, n, k;

	if (crc_table[1])
		return;
	for (n = 0; n < 256; n++) {
		c = n;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

uint32_t trace_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc_init();
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);	/* little-endian hosts only (x86_64) */
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* ---- writing ------------------------------------------------------------ */

static int write_record(struct trace_writer *w, uint32_t type,
			const void *data, uint32_t len)
{
	size_t total = TRACE_REC_HEAD + (size_t)len + TRACE_REC_TAIL;

	if (len > TRACE_MAX_RECORD)
		return -E2BIG;
	if (total > w->alloc) {
		w->alloc = total * 2;
		w->buf = xrealloc(w->buf, w->alloc);
	}
	put32(w->buf, type);
	put32(w->buf + 4, len);
	put32(w->buf + 8, trace_crc32(0, w->buf, 8));
	if (len)
		memcpy(w->buf + TRACE_REC_HEAD, data, len);
	put32(w->buf + TRACE_REC_HEAD + len,
	      trace_crc32(0, w->buf + TRACE_REC_HEAD, len));
	/* One write per record: a crash leaves whole records and at most
	 * one partial one at the end. */
	if (write_all(w->fd, w->buf, total) < 0)
		return -errno ? -errno : -EIO;
	w->records++;
	w->bytes += total;
	return 0;
}

int trace_create(const char *path, const struct trace_header *h,
		 struct trace_writer **out, char **cause)
{
	struct trace_writer *w;
	uint8_t pre[TRACE_PREAMBLE] = TRACE_MAGIC;
	uint8_t *hp;
	size_t cl = strlen(h->cmdline), hl;
	int err;

	if (h->build_id_len > sizeof(h->build_id))
		return set_cause(cause, -EINVAL, "bad build-id length");
	w = xcalloc(1, sizeof(*w));
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		err = -errno;
		free(w);
		return set_cause(cause, err, "cannot create '%s': %s", path,
				 errstr(-err));
	}
	put32(pre + 8, TRACE_VERSION);
	put32(pre + 12, 0);
	/* header payload: u64 start time, u8 build-id length, build-id,
	 * u32 command-line length, command line, u32 flags */
	hl = 8 + 1 + h->build_id_len + 4 + cl + 4;
	hp = xmalloc(hl);
	put64(hp, h->start_time);
	hp[8] = (uint8_t)h->build_id_len;
	memcpy(hp + 9, h->build_id, h->build_id_len);
	put32(hp + 9 + h->build_id_len, (uint32_t)cl);
	memcpy(hp + 13 + h->build_id_len, h->cmdline, cl);
	put32(hp + 13 + h->build_id_len + cl, h->flags);
	if (write_all(w->fd, pre, sizeof(pre)) < 0 ||
	    (err = write_record(w, TRACE_REC_HEADER, hp, (uint32_t)hl)) < 0) {
		err = -EIO;
		free(hp);
		close(w->fd);
		free(w);
		return set_cause(cause, err, "cannot write '%s'", path);
	}
	w->bytes += sizeof(pre);
	free(hp);
	*out = w;
	return 0;
}

int trace_append(struct trace_writer *w, uint32_t type, const void *data,
		 uint32_t len)
{
	int bound, clen;

	if (type == TRACE_REC_HEADER || type == TRACE_REC_FOOTER ||
	    type & TRACE_REC_LZ4 || len > TRACE_MAX_RECORD)
		return -EINVAL;
	if (len < TRACE_COMPRESS_MIN)
		return write_record(w, type, data, len);
	/* LZ4: chosen for speed (GB/s); console text and the like shrink
	 * 2-5x.  Stored as u32 raw length + the LZ4 block. */
	bound = LZ4_compressBound((int)len);
	if ((size_t)bound + 4 > w->calloc) {
		w->calloc = (size_t)bound + 4;
		w->cbuf = xrealloc(w->cbuf, w->calloc);
	}
	clen = LZ4_compress_default(data, w->cbuf + 4, (int)len, bound);
	if (clen <= 0 || (uint32_t)clen + 4 >= len)
		return write_record(w, type, data, len);
	put32((uint8_t *)w->cbuf, len);
	return write_record(w, type | TRACE_REC_LZ4, w->cbuf,
			    (uint32_t)clen + 4);
}

void trace_abandon(struct trace_writer *w)
{
	close(w->fd);
	free(w->buf);
	free(w->cbuf);
	free(w);
}

int trace_finish(struct trace_writer *w)
{
	uint8_t foot[16];
	int err;

	/* footer: u64 records before it, u64 bytes before it */
	put64(foot, w->records);
	put64(foot + 8, w->bytes);
	err = write_record(w, TRACE_REC_FOOTER, foot, sizeof(foot));
	if (fsync(w->fd) < 0 && !err)
		err = -errno;
	if (close(w->fd) < 0 && !err)
		err = -errno;
	free(w->buf);
	free(w->cbuf);
	free(w);
	return err;
}

/* ---- reading ------------------------------------------------------------ */

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < TRACE_KEEP; i++)
		free(r->bufs[i]);
	free(r->map);
	free(r->hdr.cmdline);
	free(r->path);
	free(r);
}

/* Read one record at r->pos.  1: a record; 0: clean end (footer);
 * -EPIPE: truncated; -EBADMSG: corrupt. */
static int read_record(struct trace_reader *r, uint32_t *type,
		       const uint8_t **data, uint32_t *len, char **cause)
{
	size_t left = r->size - r->pos;
	const uint8_t *p = r->map + r->pos;
	uint32_t t, l;

	if (left == 0)
		return set_cause(cause, -EPIPE, "'%s' is truncated after "
				 "record %llu (no footer: the recorder did not "
				 "finish)", r->path,
				 (unsigned long long)r->records);
	if (left < TRACE_REC_HEAD)
		goto truncated;
	t = get32(p);
	l = get32(p + 4);
	if (trace_crc32(0, p, 8) != get32(p + 8))
		return set_cause(cause, -EBADMSG, "'%s': record %llu at offset "
				 "%zu is corrupt (its type and length)",
				 r->path, (unsigned long long)r->records,
				 r->pos);
	if (l > TRACE_MAX_RECORD)
		return set_cause(cause, -EBADMSG, "'%s': record %llu at offset "
				 "%zu has an impossible length (%u)", r->path,
				 (unsigned long long)r->records, r->pos, l);
	if ((size_t)l + TRACE_REC_HEAD + TRACE_REC_TAIL > left)
		goto truncated;
	if (trace_crc32(0, p + TRACE_REC_HEAD, l) !=
	    get32(p + TRACE_REC_HEAD + l))
		return set_cause(cause, -EBADMSG, "'%s': record %llu at offset "
				 "%zu is corrupt (checksum mismatch)", r->path,
				 (unsigned long long)r->records, r->pos);
	*type = t;
	*data = p + TRACE_REC_HEAD;
	*len = l;
	r->pos += TRACE_REC_HEAD + (size_t)l + TRACE_REC_TAIL;
	return 1;
truncated:
	return set_cause(cause, -EPIPE, "'%s' is truncated after record %llu "
			 "(a partial record at offset %zu)", r->path,
			 (unsigned long long)r->records, r->pos);
}

int trace_open(const char *path, struct trace_reader **out, char **cause)
{
	struct trace_reader *r;
	const uint8_t *d;
	uint32_t type, len, cl, version, flen;
	struct stat st;
	ssize_t n;
	int fd, err;
	uint8_t bl;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return set_cause(cause, -errno, "cannot open '%s': %s", path,
				 errstr(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return set_cause(cause, -EINVAL, "'%s' is not a regular file",
				 path);
	}
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->size = (size_t)st.st_size;
	r->map = xmalloc(r->size ? r->size : 1);
	n = r->size ? pread(fd, r->map, r->size, 0) : 0;
	close(fd);
	if (n != (ssize_t)r->size) {
		err = set_cause(cause, -EIO, "cannot read '%s'", path);
		goto fail;
	}
	if (!r->size) {
		err = set_cause(cause, -EINVAL, "'%s' is empty: its recording "
				"ended before it began", path);
		goto fail;
	}
	if (r->size < TRACE_PREAMBLE &&
	    !memcmp(r->map, TRACE_MAGIC, r->size < 8 ? r->size : 8)) {
		err = set_cause(cause, -EINVAL, "'%s' is truncated in its "
				"first bytes: its recording ended before it "
				"began", path);
		goto fail;
	}
	if (r->size < TRACE_PREAMBLE ||
	    memcmp(r->map, TRACE_MAGIC, 8)) {
		err = set_cause(cause, -EINVAL, "'%s' is not a umdbg trace",
				path);
		goto fail;
	}
	version = get32(r->map + 8);
	/* Version 1 is version 2 without compressed records; version 2 is
	 * version 3 without the paths of path syscalls; version 3 is
	 * version 4 without the header's flags. */
	if (version < 1 || version > TRACE_VERSION) {
		err = set_cause(cause, -EINVAL, "'%s' is trace format version "
				"%u; this umdbg reads version %u", path,
				version, TRACE_VERSION);
		goto fail;
	}
	r->pos = TRACE_PREAMBLE;
	err = read_record(r, &type, &d, &len, cause);
	if (err < 0)
		goto fail;
	flen = version >= 4 ? 4 : 0;
	if (type != TRACE_REC_HEADER || len < 13 + flen ||
	    (bl = d[8]) > sizeof(r->hdr.build_id) || 13u + bl + flen > len ||
	    (cl = get32(d + 9 + bl)) != len - 13 - bl - flen) {
		err = set_cause(cause, -EBADMSG, "'%s': the header record is "
				"malformed", path);
		goto fail;
	}
	r->hdr.start_time = get64(d);
	r->hdr.build_id_len = bl;
	memcpy(r->hdr.build_id, d + 9, bl);
	r->hdr.cmdline = xstrndup((const char *)d + 13 + bl, cl);
	if (!r->hdr.cmdline)
		r->hdr.cmdline = xstrdup("");
	r->hdr.flags = flen ? get32(d + 13 + bl + cl) : 0;
	r->hdr.version = version;
	r->first = r->pos;
	*out = r;
	return 0;
fail:
	trace_close(r);
	return err;
}

int trace_rewind(struct trace_reader *r, char **cause)
{
	if (!r->first)
		return set_cause(cause, -EINVAL, "'%s' has no records",
				 r->path);
	r->pos = r->first;
	r->records = 0;
	r->complete = false;
	return 0;
}

struct trace_mark trace_mark(const struct trace_reader *r, bool unread_last)
{
	if (unread_last)
		return (struct trace_mark){ r->last_pos, r->records - 1 };
	return (struct trace_mark){ r->pos, r->records };
}

void trace_seek(struct trace_reader *r, struct trace_mark m)
{
	r->pos = m.pos;
	r->records = m.records;
	r->complete = false;
}

const struct trace_header *trace_header_of(const struct trace_reader *r)
{
	return &r->hdr;
}

bool trace_complete(const struct trace_reader *r)
{
	return r->complete;
}

int trace_next(struct trace_reader *r, uint32_t *type, const void **data,
	       uint32_t *len, char **cause)
{
	const uint8_t *d;
	int err;

	if (r->complete)
		return 0;
	r->last_pos = r->pos;
	err = read_record(r, type, &d, len, cause);
	if (err <= 0)
		return err;
	if (*type == TRACE_REC_FOOTER) {
		/* The footer counts what came before it: check. */
		if (*len != 16 || get64(d) != r->records + 1 ||
		    r->pos != r->size)
			return set_cause(cause, -EBADMSG, "'%s': the footer "
					 "does not match the records (or "
					 "data follows it)", r->path);
		r->complete = true;
		return 0;
	}
	if (*type == TRACE_REC_HEADER)
		return set_cause(cause, -EBADMSG, "'%s': a second header at "
				 "record %llu", r->path,
				 (unsigned long long)r->records);
	r->records++;
	*data = d;
	if (*type & TRACE_REC_LZ4) {
		uint32_t raw = *len >= 4 ? get32(d) : 0;
		char *buf;

		if (*len < 4 || raw > TRACE_MAX_INFLATED)
			return set_cause(cause, -EBADMSG, "'%s': record %llu "
					 "has an impossible size", r->path,
					 (unsigned long long)r->records - 1);
		buf = xmalloc(raw ? raw : 1);
		if (LZ4_decompress_safe((const char *)d + 4, buf,
					(int)(*len - 4), (int)raw) != (int)raw) {
			free(buf);
			return set_cause(cause, -EBADMSG, "'%s': record %llu "
					 "does not decompress", r->path,
					 (unsigned long long)r->records - 1);
		}
		free(r->bufs[r->nextbuf]);
		r->bufs[r->nextbuf] = buf;
		r->nextbuf = (r->nextbuf + 1) % TRACE_KEEP;
		*type &= ~TRACE_REC_LZ4;
		*data = buf;
		*len = raw;
	}
	return 1;
}
