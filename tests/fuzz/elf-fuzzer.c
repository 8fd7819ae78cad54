/*
 * tests/fuzz/elf-fuzzer.c - libFuzzer target for the ELF/DWARF front
 * (kmodel/): arbitrary bytes as a kernel file, opened as umdbg opens a
 * kernel (the UML checks: ELF header, truncation, .uml.setup.init, the
 * unit headers of .debug_info, the symbol table) and as it opens a host
 * program (KMODEL_ANY_ELF); what opens is then asked what a session asks
 * first: symbols by name, FILE:LINE breakpoints (the line tables), where
 * a pc is (functions, inlined frames, lines), line rows, variables and
 * their types (the DIEs).
 *
 * The seeds (t1003-elf-fuzz.t) are small real programs with debug info,
 * one of them given a .uml.setup.init section so the kernel checks pass:
 * mutations land in their headers, symbol and string tables, line
 * programs and DIEs.  Build: make tests/fuzz/elf-fuzzer (clang).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../kmodel/kmodel.h"
#include "../../lib/lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a session asks of a newly opened kernel. */
static void ask(struct kmodel *k)
{
	static const char *const specs[] = {
		"main", "victim_target", "panic", "victim.c:20",
		"victim.c:1", "*0x401000", "start_kernel", "nosuch",
	};
	static const char *const exprs[] = {
		"victim_counter", "&victim_counter", "main", "*victim_target",
		"sizeof(victim_counter)", "jiffies",
	};
	struct kmodel_where *w;
	struct strbuf sb;
	uint64_t *addrs, addr, size;
	uint8_t id[64];
	size_t i, j, n;
	char *cause;
	bool is_stmt;
	int nw, m;

	(void)kmodel_has_dwarf(k);
	(void)kmodel_build_id(k, id, sizeof(id));
	strbuf_init(&sb);
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		cause = NULL;
		if (kmodel_resolve(k, specs[i], &addrs, &n, &cause) < 0) {
			free(cause);
			continue;
		}
		for (j = 0; j < n && j < 4; j++) {
			nw = kmodel_where(k, addrs[j], false, &w);
			for (m = 0; m < nw; m++)
				free(kmodel_where_str(&w[m]));
			kmodel_where_free(w, nw);
			nw = kmodel_where(k, addrs[j] + 1, true, &w);
			kmodel_where_free(w, nw);
			(void)kmodel_row_at(k, addrs[j], &is_stmt);
			strbuf_reset(&sb);
			kmodel_print_sym(k, addrs[j], &sb);
		}
		free(addrs);
	}
	for (i = 0; i < ARRAY_SIZE(exprs); i++) {
		cause = NULL;
		strbuf_reset(&sb);
		if (kmodel_eval_type(k, exprs[i], NULL, &sb, &cause) < 0)
			free(cause);
		cause = NULL;
		if (kmodel_eval_addr(k, exprs[i], NULL, &addr, &size,
				     &cause) < 0)
			free(cause);
	}
	(void)kmodel_var_size(k, "victim_counter", &size);
	(void)kmodel_symbol_object(k, "victim_counter", &addr, &size);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	static int fd = -1;
	static const unsigned flags[] = { 0, KMODEL_ANY_ELF };
	struct kmodel *k;
	char *cause;
	size_t i;

	if (fd < 0) {
		/* a file only this process sees, gone with it */
		fd = memfd_create("elf-fuzz", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		cause = NULL;
		if (kmodel_open(path, flags[i], &k, &cause) < 0) {
			/* every refusal says why */
			if (!cause || !*cause)
				abort();
			free(cause);
			continue;
		}
		ask(k);
		kmodel_free(k);
	}
	return 0;
}
