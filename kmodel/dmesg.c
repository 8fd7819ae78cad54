/*
 * kmodel/dmesg.c - read the kernel log from the printk ring buffer.
 *
 * Walks the descriptor ring from tail_id to head_id, keeps records whose
 * descriptor is committed or finalized and whose id matches, and reads
 * their text from the data ring.  Layouts come from DWARF; the few
 * constants DWARF cannot give are in kconst.h with their source.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kconst.h"

struct prb_layout {
	struct kmodel_member desc_count_bits, descs, infos, head_id, tail_id;
	struct kmodel_member text_size_bits, text_data;
	struct kmodel_member d_state, d_begin, d_next, desc_size;
	struct kmodel_member i_seq, i_ts, i_len, i_level, info_size;
};

#define P(st, path, m) KFIELD(struct prb_layout, "prb_reserve", st, path, m)
static const struct kmodel_field prb_fields[] = {
	P("printk_ringbuffer", "desc_ring.count_bits", desc_count_bits),
	P("printk_ringbuffer", "desc_ring.descs", descs),
	P("printk_ringbuffer", "desc_ring.infos", infos),
	P("printk_ringbuffer", "desc_ring.head_id", head_id),
	P("printk_ringbuffer", "desc_ring.tail_id", tail_id),
	P("printk_ringbuffer", "text_data_ring.size_bits", text_size_bits),
	P("printk_ringbuffer", "text_data_ring.data", text_data),
	P("prb_desc", "state_var", d_state),
	P("prb_desc", "text_blk_lpos.begin", d_begin),
	P("prb_desc", "text_blk_lpos.next", d_next),
	P("prb_desc", NULL, desc_size),
	P("printk_info", "seq", i_seq),
	P("printk_info", "ts_nsec", i_ts),
	P("printk_info", "text_len", i_len),
	P("printk_info", "level", i_level),
	P("printk_info", NULL, info_size),
};
#undef P

static int read_exact(struct kmodel *k, uint64_t addr, void *buf, size_t len,
		      const char *what, char **cause)
{
	ssize_t n = kmodel_read(k, addr, buf, len);

	if (n == (ssize_t)len)
		return 0;
	return set_cause(cause, n < 0 ? (int)n : -EIO,
			 "cannot read %s at 0x%llx", what,
			 (unsigned long long)addr);
}

int kmodel_dmesg(struct kmodel *k, struct kmodel_logrec **recs, size_t *n,
		 char **cause)
{
	uint8_t *rbuf = NULL, *descs = NULL, *infos = NULL, *data = NULL;
	struct kmodel_logrec *out = NULL;
	size_t nout = 0, count, dsize;
	uint64_t prb_sym, prb, rbsize, head, tail, id;
	const struct prb_layout *L;
	int err;

	*recs = NULL;
	*n = 0;
	L = kmodel_layout(k, KMODEL_CACHE_PRB, sizeof(*L), prb_fields,
			  ARRAY_SIZE(prb_fields), cause);
	if (!L)
		return -ENOENT;
	if (kmodel_symbol_addr(k, "prb", &prb_sym))
		return set_cause(cause, -ENOENT, "no symbol 'prb' in '%s'",
				 k->path);
	if ((err = kmodel_read_u64(k, prb_sym, &prb)))
		return set_cause(cause, err, "cannot read 'prb' at 0x%llx",
				 (unsigned long long)prb_sym);
	rbsize = L->text_data.offset + 8;
	if (L->tail_id.offset + 8 > rbsize)
		rbsize = L->tail_id.offset + 8;
	if (L->head_id.offset + 8 > rbsize)
		rbsize = L->head_id.offset + 8;
	rbuf = xmalloc(rbsize);
	if ((err = read_exact(k, prb, rbuf, rbsize, "the printk ring buffer",
			      cause)))
		goto out;

	count = (size_t)1 << kmodel_member_value(rbuf, &L->desc_count_bits);
	dsize = (size_t)1 << kmodel_member_value(rbuf, &L->text_size_bits);
	head = kmodel_member_value(rbuf, &L->head_id);
	tail = kmodel_member_value(rbuf, &L->tail_id);
	if (count > (1u << 24) || dsize > (1u << 28)) {
		err = set_cause(cause, -EINVAL,
				"implausible printk ring buffer (%zu records, "
				"%zu bytes)", count, dsize);
		goto out;
	}
	descs = xmalloc(count * L->desc_size.size);
	infos = xmalloc(count * L->info_size.size);
	data = xmalloc(dsize);
	if ((err = read_exact(k, kmodel_member_value(rbuf, &L->descs), descs,
			      count * L->desc_size.size, "printk descriptors",
			      cause)) ||
	    (err = read_exact(k, kmodel_member_value(rbuf, &L->infos), infos,
			      count * L->info_size.size, "printk infos", cause)) ||
	    (err = read_exact(k, kmodel_member_value(rbuf, &L->text_data), data, dsize,
			      "printk text", cause)))
		goto out;

	if (((head - tail) & PRB_DESC_ID_MASK) >= count) {
		err = set_cause(cause, -EINVAL, "implausible printk ring "
				"buffer (tail %llu, head %llu, %zu records)",
				(unsigned long long)tail,
				(unsigned long long)head, count);
		goto out;
	}
	out = xcalloc(count, sizeof(*out));
	for (id = tail; nout < count; id = (id + 1) & PRB_DESC_ID_MASK) {
		size_t idx = id & (count - 1);
		const uint8_t *d = descs + idx * L->desc_size.size;
		const uint8_t *info = infos + idx * L->info_size.size;
		uint64_t sv = kmodel_member_value(d, &L->d_state);
		uint64_t state = sv >> PRB_DESC_FLAGS_SHIFT;
		uint64_t begin = kmodel_member_value(d, &L->d_begin);
		uint64_t next = kmodel_member_value(d, &L->d_next);
		uint64_t boff, eoff, len;

		if ((sv & PRB_DESC_ID_MASK) == id &&
		    (state == PRB_DESC_COMMITTED ||
		     state == PRB_DESC_FINALIZED) &&
		    !(begin & PRB_LPOS_DATALESS_BIT) &&
		    !(next & PRB_LPOS_DATALESS_BIT)) {
			boff = begin & (dsize - 1);
			eoff = next & (dsize - 1);
			/* A block that wraps is stored whole at offset 0. */
			if (begin / dsize != next / dsize)
				boff = 0;
			len = kmodel_member_value(info, &L->i_len);
			(void)eoff;
			if (boff + PRB_BLK_ID_SIZE + len <= dsize) {
				struct kmodel_logrec *r = &out[nout++];

				r->seq = kmodel_member_value(info, &L->i_seq);
				r->ts_nsec = kmodel_member_value(info, &L->i_ts);
				r->level = (int)kmodel_member_value(info, &L->i_level);
				r->text = xstrndup((char *)data + boff +
						  PRB_BLK_ID_SIZE, len);
				if (!r->text)
					r->text = xstrdup("");
			}
		}
		if (id == head)
			break;
	}
	*recs = out;
	*n = nout;
	out = NULL;
	err = 0;
out:
	free(out);
	free(rbuf);
	free(descs);
	free(infos);
	free(data);
	return err;
}

void kmodel_logrecs_free(struct kmodel_logrec *recs, size_t n)
{
	size_t i;

	for (i = 0; recs && i < n; i++)
		free(recs[i].text);
	free(recs);
}
