/*
 * kmodel/kconfig.c - the guest kernel's configuration.
 *
 * A kernel built with CONFIG_IKCONFIG carries its .config, gzipped,
 * between the symbols kernel_config_data and kernel_config_data_end; it
 * is read from the guest's memory and inflated with zlib.  Without it,
 * the .config beside the kernel file (a kbuild tree's) is read, and the
 * caller is told which.  Lines are parsed into entries: "CONFIG_X=v" and
 * "# CONFIG_X is not set".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

/* No real config comes near this, inflated. */
#define CONFIG_MAX (16u << 20)

static int inflate_all(const uint8_t *in, size_t len, char **out,
		       size_t *outlen)
{
	z_stream z;
	size_t cap = 256 << 10;
	char *buf = xmalloc(cap);
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {	/* gzip */
		free(buf);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	do {
		if (z.total_out == cap) {
			if (cap >= CONFIG_MAX)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		z.next_out = (Bytef *)buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		r = inflate(&z, Z_NO_FLUSH);
	} while (r == Z_OK);
	*outlen = z.total_out;
	inflateEnd(&z);
	if (r != Z_STREAM_END) {
		free(buf);
		return -EBADMSG;
	}
	*out = buf;
	return 0;
}

/* The config the kernel carries: 0, -ENOENT without CONFIG_IKCONFIG, or
 * another -errno with a cause. */
static int read_ikconfig(struct kmodel *k, char **text, size_t *len,
			 char **cause)
{
	uint64_t start, end;
	uint8_t *gz;
	int err;

	if (kmodel_symbol_addr(k, "kernel_config_data", &start) ||
	    kmodel_symbol_addr(k, "kernel_config_data_end", &end))
		return -ENOENT;
	if (end <= start || end - start > CONFIG_MAX)
		return set_cause(cause, -EBADMSG, "kernel_config_data is %lld "
				 "bytes long", (long long)(end - start));
	gz = xmalloc(end - start);
	if (kmodel_read(k, start, gz, end - start) != (ssize_t)(end - start)) {
		free(gz);
		return set_cause(cause, -EIO, "cannot read kernel_config_data "
				 "at 0x%llx", (unsigned long long)start);
	}
	err = inflate_all(gz, end - start, text, len);
	free(gz);
	if (err)
		return set_cause(cause, err, "the kernel's kernel_config_data "
				 "does not inflate: it is not gzip");
	return 0;
}

/* The .config in the kernel file's directory. */
static int read_dotconfig(struct kmodel *k, char **text, size_t *len,
			  char **path, char **cause)
{
	char *real = realpath(k->path, NULL), *dir;
	FILE *f;

	if (!real)
		return set_cause(cause, -errno, "cannot resolve '%s': %s",
				 k->path, errstr(errno));
	dir = dirname(real);
	*path = xasprintf("%s/.config", dir);
	free(real);
	f = fopen(*path, "r");
	if (!f) {
		int err = -errno;

		set_cause(cause, err, "'%s' has no CONFIG_IKCONFIG and there "
			  "is no %s beside it", k->path, *path);
		free(*path);
		*path = NULL;
		return err;
	}
	*text = NULL;
	*len = 0;
	if (getdelim(text, len, '\0', f) < 0) {
		free(*text);
		*text = xstrdup("");
	}
	*len = strlen(*text);
	fclose(f);
	return 0;
}

static void add_entry(struct kmodel_config **v, size_t *n, const char *name,
		      size_t nlen, const char *value, size_t vlen)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].name = xstrndup(name, nlen);
	(*v)[*n].value = value ? xstrndup(value, vlen) : NULL;
	(*n)++;
}

static void parse_config(const char *text, size_t len,
			 struct kmodel_config **v, size_t *n)
{
	const char *p = text, *end = text + len;
	static const char unset[] = " is not set";

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *eq;
		size_t l = (size_t)(e - p);

		if (l > 9 && !strncmp(p, "CONFIG_", 7) &&
		    (eq = memchr(p, '=', l)))
			add_entry(v, n, p, (size_t)(eq - p), eq + 1,
				  (size_t)(e - eq - 1));
		else if (l > 9 + sizeof(unset) && !strncmp(p, "# CONFIG_", 9) &&
			 !strncmp(e - (sizeof(unset) - 1), unset,
				  sizeof(unset) - 1))
			add_entry(v, n, p + 2, l - 2 - (sizeof(unset) - 1),
				  NULL, 0);
		p = e + 1;
	}
}

int kmodel_config(struct kmodel *k, struct kmodel_config **out, size_t *n,
		  char **from, char **cause)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	*n = 0;
	*from = NULL;
	err = read_ikconfig(k, &text, &len, cause);
	if (err == -ENOENT)
		err = read_dotconfig(k, &text, &len, from, cause);
	if (err)
		return err;
	parse_config(text, len, out, n);
	free(text);
	if (!*n) {
		free(*from);
		*from = NULL;
		return set_cause(cause, -EBADMSG, "the kernel's configuration "
				 "has no CONFIG_ lines");
	}
	return 0;
}

void kmodel_config_free(struct kmodel_config *c, size_t n)
{
	size_t i;

	for (i = 0; c && i < n; i++) {
		free(c[i].name);
		free(c[i].value);
	}
	free(c);
}
