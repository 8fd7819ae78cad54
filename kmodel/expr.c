/*
 * kmodel/expr.c - C expressions over the kernel's DWARF, as gdb's `print`
 * takes them: variables (typed from their DWARF definition, or from a
 * declaration for symbols only the linker defines, as jiffies), `.` and
 * `->`, `[]`, unary `* & - ~ !`, casts to any DWARF type, `sizeof`,
 * arithmetic, shifts, comparisons, `&& ||`, registers ($rip, $rsp, ...),
 * $current, functions (sym+off), module symbols, integer literals.
 *
 * A value is a type and either an address in guest memory (an lvalue) or
 * a scalar.  A type is a base (a DWARF DIE that is not a pointer,
 * typedef or qualifier; a built-in integer; void; a function) with a
 * number of pointer levels on top, so `&x` needs no DWARF pointer type.
 * Errors name the part of the expression that failed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum base { B_DIE, B_INT, B_VOID, B_FUNC, B_NODEBUG };

struct etype {
	enum base base;
	Dwarf_Die die;		/* B_DIE: struct, union, enum, array, base */
	uint8_t size;		/* B_INT */
	bool sign;		/* B_INT */
	bool is_char, is_bool;	/* B_INT */
	int ptrs;		/* pointer levels on top of the base */
};

struct eval {
	struct etype t;
	bool lval;
	uint64_t addr;		/* lval: where it is */
	uint64_t v;		/* scalars: the value */
	int bit_off, bit_size;	/* a bitfield lvalue */
};

enum tok { T_END, T_NUM, T_IDENT, T_PUNCT };

struct parser {
	struct kmodel *k;
	const struct kmodel_expr_env *env;
	const char *src, *p;
	enum tok tok;
	const char *start;	/* the token's text */
	size_t len;
	uint64_t num;
	bool num_unsigned, num_long;
	char **cause;
	bool no_side;		/* sizeof's operand: types only, no reads */
};

/* ---- tokens ------------------------------------------------------------- */

static const char *const puncts[] = {
	"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"(", ")", "[", "]", ".", "*", "&", "+", "-", "~", "!", "/", "%",
	"<", ">", "^", "|", "?", ":", ",", NULL
};

static int next(struct parser *ps)
{
	const char *p = ps->p;
	int i;

	while (isspace((unsigned char)*p))
		p++;
	ps->start = p;
	if (!*p) {
		ps->tok = T_END;
		ps->len = 0;
		ps->p = p;
		return 0;
	}
	if (isdigit((unsigned char)*p)) {
		char *end;

		errno = 0;
		ps->num = strtoull(p, &end, 0);
		if (errno)
			return set_cause(ps->cause, -EINVAL, "number too "
					 "large: '%.*s'", (int)(end - p), p);
		ps->num_unsigned = ps->num_long = false;
		while (*end == 'u' || *end == 'U' || *end == 'l' ||
		       *end == 'L') {
			if (*end == 'u' || *end == 'U')
				ps->num_unsigned = true;
			else
				ps->num_long = true;
			end++;
		}
		if (isalnum((unsigned char)*end) || *end == '_')
			return set_cause(ps->cause, -EINVAL, "bad number "
					 "'%.*s'", (int)(end + 1 - p), p);
		ps->tok = T_NUM;
		ps->len = (size_t)(end - p);
		ps->p = end;
		return 0;
	}
	if (isalpha((unsigned char)*p) || *p == '_' || *p == '$') {
		static const char *const clones[] = {
			".constprop", ".isra", ".part", ".cold", ".llvm", NULL
		};
		const char *q = p + 1;

		while (isalnum((unsigned char)*q) || *q == '_' || *q == '$')
			q++;
		/* a compiler's clone (foo.constprop.0) is one name */
		for (i = 0; clones[i]; i++)
			if (!strncmp(q, clones[i], strlen(clones[i]))) {
				q += strlen(clones[i]);
				while (*q == '.' || isdigit((unsigned char)*q))
					q++;
				i = -1;
			}
		ps->tok = T_IDENT;
		ps->len = (size_t)(q - p);
		ps->p = q;
		return 0;
	}
	for (i = 0; puncts[i]; i++) {
		size_t n = strlen(puncts[i]);

		if (!strncmp(p, puncts[i], n)) {
			ps->tok = T_PUNCT;
			ps->len = n;
			ps->p = p + n;
			return 0;
		}
	}
	return set_cause(ps->cause, -EINVAL, "unexpected '%c' at '%s'", *p,
			 p);
}

static bool is(struct parser *ps, const char *punct)
{
	return ps->tok == T_PUNCT && ps->len == strlen(punct) &&
	       !strncmp(ps->start, punct, ps->len);
}

static bool is_word(struct parser *ps, const char *word)
{
	return ps->tok == T_IDENT && ps->len == strlen(word) &&
	       !strncmp(ps->start, word, ps->len);
}

static int expect(struct parser *ps, const char *punct)
{
	if (!is(ps, punct))
		return set_cause(ps->cause, -EINVAL, "expected '%s' at '%s'",
				 punct, *ps->start ? ps->start : "the end");
	return next(ps);
}

static char *tok_str(struct parser *ps)
{
	return xstrndup(ps->start, ps->len);
}

/* ---- types -------------------------------------------------------------- */

static bool die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute attr;

	return dwarf_formref_die(dwarf_attr_integrate(die, DW_AT_type, &attr),
				 out) != NULL;
}

static uint64_t die_udata(Dwarf_Die *die, int at)
{
	Dwarf_Attribute attr;
	Dwarf_Word w = 0;

	dwarf_formudata(dwarf_attr_integrate(die, at, &attr), &w);
	return w;
}

/* The type whose DWARF DIE is die, with ptrs pointer levels, brought to
 * its base (typedefs, qualifiers and pointer DIEs taken off). */
static struct etype type_from_die(struct kmodel *k, Dwarf_Die *die, int ptrs)
{
	struct etype t = { .base = B_DIE, .die = *die, .ptrs = ptrs };
	Dwarf_Die next_die;

	for (;;) {
		int tag = dwarf_tag(&t.die);
		const char *name;

		if (k && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
		     tag == DW_TAG_enumeration_type) &&
		    dwarf_hasattr(&t.die, DW_AT_declaration) &&
		    (name = dwarf_diename(&t.die))) {
			/* a CU that only declares it: the definition */
			int tags[] = { tag, 0 };

			if (kmodel_dwarf_lookup(k, name, tags, &next_die, NULL))
				t.die = next_die;
			return t;
		}

		if (tag == DW_TAG_typedef || tag == DW_TAG_const_type ||
		    tag == DW_TAG_volatile_type || tag == DW_TAG_atomic_type ||
		    tag == DW_TAG_restrict_type || tag == DW_TAG_pointer_type) {
			if (tag == DW_TAG_pointer_type)
				t.ptrs++;
			if (!die_type(&t.die, &next_die)) {
				t.base = B_VOID;
				return t;
			}
			t.die = next_die;
			continue;
		}
		if (tag == DW_TAG_subroutine_type ||
		    tag == DW_TAG_subprogram) {
			t.base = B_FUNC;
			return t;
		}
		if (tag == DW_TAG_base_type) {
			uint64_t enc = die_udata(&t.die, DW_AT_encoding);

			if (enc == DW_ATE_float)
				return t;	/* printed from the DIE */
			t.base = B_INT;
			t.size = (uint8_t)die_udata(&t.die, DW_AT_byte_size);
			t.sign = enc == DW_ATE_signed ||
				 enc == DW_ATE_signed_char;
			t.is_char = enc == DW_ATE_signed_char ||
				    enc == DW_ATE_unsigned_char;
			t.is_bool = enc == DW_ATE_boolean;
			return t;
		}
		return t;
	}
}

static struct etype int_type(int size, bool sign)
{
	return (struct etype){ .base = B_INT, .size = (uint8_t)size,
			       .sign = sign };
}

static bool is_ptr(const struct etype *t)
{
	return t->ptrs > 0;
}

static bool is_enum(const struct etype *t)
{
	return !t->ptrs && t->base == B_DIE &&
	       dwarf_tag((Dwarf_Die *)&t->die) == DW_TAG_enumeration_type;
}

static bool is_integer(const struct etype *t)
{
	return !t->ptrs && (t->base == B_INT || is_enum(t));
}

static bool is_scalar(const struct etype *t)
{
	return is_ptr(t) || is_integer(t);
}

static int tag_of(const struct etype *t)
{
	return t->base == B_DIE && !t->ptrs ? dwarf_tag((Dwarf_Die *)&t->die)
					     : 0;
}

static bool is_aggregate(const struct etype *t)
{
	int tag = tag_of(t);

	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_array_type;
}

/* Bytes of a value of type t (0: unknown). */
static uint64_t type_size(const struct etype *t)
{
	Dwarf_Word w;

	if (t->ptrs)
		return 8;
	switch (t->base) {
	case B_INT:
		return t->size;
	case B_DIE:
		if (dwarf_aggregate_size((Dwarf_Die *)&t->die, &w) == 0)
			return w;
		return die_udata((Dwarf_Die *)&t->die, DW_AT_byte_size);
	default:
		return 0;
	}
}

static bool int_signed(const struct etype *t)
{
	if (t->ptrs)
		return false;
	if (t->base == B_INT)
		return t->sign;
	if (is_enum(t)) {
		Dwarf_Die u;

		if (die_type((Dwarf_Die *)&t->die, &u)) {
			struct etype ut = type_from_die(NULL, &u, 0);

			return ut.base == B_INT && ut.sign;
		}
		return true;
	}
	return false;
}

/* What a pointer of type t points to. */
static struct etype target_of(const struct etype *t)
{
	struct etype r = *t;

	r.ptrs--;
	return r;
}

/* The stride of pointer arithmetic on t (void and functions: 1, as gdb). */
static uint64_t stride(const struct etype *t)
{
	struct etype e = target_of(t);
	uint64_t n = type_size(&e);

	return n ? n : 1;
}

/* A DWARF type spelled as C spells it around a declarator `inner` (""
 * for an abstract type): typedef names kept, "char (*)[16]",
 * "ssize_t (*)(unsigned int, const char *, size_t)", as gdb shows them.
 * NULL is void. */
static void c_spelling(Dwarf_Die *type, const char *inner, struct strbuf *sb)
{
	Dwarf_Die next, *nextp, child;
	Dwarf_Attribute attr;
	struct strbuf in;
	const char *name;
	int tag;

	if (!type) {
		strbuf_addf(sb, "void%s%s", *inner ? " " : "", inner);
		return;
	}
	tag = dwarf_tag(type);
	nextp = dwarf_formref_die(dwarf_attr_integrate(type, DW_AT_type, &attr),
				  &next);
	strbuf_init(&in);
	switch (tag) {
	case DW_TAG_pointer_type: {
		int ttag = nextp ? dwarf_tag(nextp) : 0;
		bool wrap = ttag == DW_TAG_array_type ||
			    ttag == DW_TAG_subroutine_type;

		strbuf_addf(&in, "%s*%s%s", wrap ? "(" : "", inner,
			    wrap ? ")" : "");
		c_spelling(nextp, in.buf, sb);
		break;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		strbuf_addf(sb, "%s ", tag == DW_TAG_const_type ? "const" :
			    "volatile");
		c_spelling(nextp, inner, sb);
		break;
	case DW_TAG_array_type: {
		Dwarf_Word n = 0;

		strbuf_addf(&in, "%s[", inner);
		if (dwarf_child(type, &child) == 0) {
			if (dwarf_formudata(dwarf_attr(&child, DW_AT_count,
						       &attr), &n) == 0)
				strbuf_addf(&in, "%llu", (unsigned long long)n);
			else if (dwarf_formudata(dwarf_attr(&child,
					DW_AT_upper_bound, &attr), &n) == 0)
				strbuf_addf(&in, "%llu",
					    (unsigned long long)n + 1);
		}
		strbuf_addf(&in, "]");
		c_spelling(nextp, in.buf, sb);
		break;
	}
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram: {
		Dwarf_Die *params = type, origin;
		bool any = false;

		if (dwarf_formref_die(dwarf_attr(type, DW_AT_abstract_origin,
						 &attr), &origin))
			params = &origin;
		strbuf_addf(&in, "%s(", inner);
		if (dwarf_child(params, &child) == 0)
			do {
				Dwarf_Die pt, *ptp;

				if (dwarf_tag(&child) ==
				    DW_TAG_unspecified_parameters) {
					strbuf_addf(&in, "%s...", any ? ", " :
						    "");
					any = true;
				}
				if (dwarf_tag(&child) != DW_TAG_formal_parameter)
					continue;
				ptp = dwarf_formref_die(dwarf_attr_integrate(
					&child, DW_AT_type, &attr), &pt);
				strbuf_addf(&in, "%s", any ? ", " : "");
				c_spelling(ptp, "", &in);
				any = true;
			} while (dwarf_siblingof(&child, &child) == 0);
		strbuf_addf(&in, "%s)", any ? "" : "void");
		c_spelling(nextp, in.buf, sb);
		break;
	}
	default:
		name = dwarf_diename(type);
		strbuf_addf(sb, "%s%s%s%s", tag == DW_TAG_structure_type ?
			    "struct " : tag == DW_TAG_union_type ? "union " :
			    tag == DW_TAG_enumeration_type ? "enum " : "",
			    name ? name : "<anonymous>", *inner ? " " : "",
			    inner);
		break;
	}
	strbuf_release(&in);
}

/* The out-of-line function at addr: its DW_TAG_subprogram. */
static bool func_die(struct kmodel *k, uint64_t addr, Dwarf_Die *out)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu, *scopes = NULL;
	bool found = false;
	int n, i;

	if (!k->dwarf || !(cu = dwfl_module_addrdie(k->mod, addr, &bias)) ||
	    kmodel_unit_ok(k, cu, NULL) < 0)
		return false;
	n = dwarf_getscopes(cu, addr - bias, &scopes);
	for (i = 0; i < n && !found; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			*out = scopes[i];
			found = true;
		}
	free(scopes);
	return found;
}

static void type_name(const struct etype *t, struct strbuf *sb)
{
	const char *name = NULL;
	int tag = t->base == B_DIE ? dwarf_tag((Dwarf_Die *)&t->die) : 0;
	int i;

	if ((t->base == B_FUNC && t->die.addr) || tag == DW_TAG_array_type) {
		struct strbuf in;

		strbuf_init(&in);
		if (t->ptrs) {
			strbuf_addf(&in, "(");
			for (i = 0; i < t->ptrs; i++)
				strbuf_addf(&in, "*");
			strbuf_addf(&in, ")");
		}
		c_spelling((Dwarf_Die *)&t->die, t->ptrs ? in.buf : "", sb);
		strbuf_release(&in);
		return;
	}

	switch (t->base) {
	case B_VOID:
		strbuf_addf(sb, "void");
		break;
	case B_FUNC:
		strbuf_addf(sb, "void (*)()");	/* gdb's, for code */
		for (i = 1; i < t->ptrs; i++)
			strbuf_addf(sb, "*");
		return;
	case B_NODEBUG:
		strbuf_addf(sb, "<data variable, no debug info>");
		break;
	case B_INT:
		if (!t->die.addr) {
			strbuf_addf(sb, "%s%s", t->sign ? "" : "unsigned ",
				    t->size == 8 ? "long" : t->size == 4 ?
				    "int" : t->size == 2 ? "short" : "char");
			break;
		}
		name = dwarf_diename((Dwarf_Die *)&t->die);
		strbuf_addf(sb, "%s", name ? name : "?");
		break;
	default:
		name = dwarf_diename((Dwarf_Die *)&t->die);
		strbuf_addf(sb, "%s%s", tag == DW_TAG_structure_type ?
			    "struct " : tag == DW_TAG_union_type ? "union " :
			    tag == DW_TAG_enumeration_type ? "enum " : "",
			    name ? name : tag == DW_TAG_array_type ? "array" :
			    "<anonymous>");
		break;
	}
	if (t->ptrs)
		strbuf_addf(sb, " ");
	for (i = 0; i < t->ptrs; i++)
		strbuf_addf(sb, "*");
}

static const char *const int_words[] = {
	"unsigned", "signed", "char", "short", "int", "long", "_Bool", "void",
	NULL
};

static bool is_int_word(struct parser *ps)
{
	int i;

	for (i = 0; int_words[i]; i++)
		if (is_word(ps, int_words[i]))
			return true;
	return false;
}

/* Does a type name start here (after a '(' or sizeof's '(')? */
static bool type_starts(struct parser *ps)
{
	static const int type_tags[] = { DW_TAG_typedef, DW_TAG_base_type, 0 };
	static const int var_tags[] = { DW_TAG_variable, 0 };
	Dwarf_Die die;
	char *name;
	bool r;

	if (ps->tok != T_IDENT)
		return false;
	if (is_word(ps, "struct") || is_word(ps, "union") ||
	    is_word(ps, "enum") || is_word(ps, "const") ||
	    is_word(ps, "volatile") || is_int_word(ps))
		return true;
	name = tok_str(ps);
	r = kmodel_dwarf_lookup(ps->k, name, type_tags, &die, NULL) &&
	    !kmodel_dwarf_lookup(ps->k, name, var_tags, &die, NULL);
	free(name);
	return r;
}

/* A type name: [const] struct X | union X | enum X | TYPEDEF | C integer
 * words, then '*'s. */
static int parse_type(struct parser *ps, struct etype *out)
{
	static const int struct_tags[] = { DW_TAG_structure_type, 0 };
	static const int union_tags[] = { DW_TAG_union_type, 0 };
	static const int enum_tags[] = { DW_TAG_enumeration_type, 0 };
	static const int typedef_tags[] = { DW_TAG_typedef, DW_TAG_base_type,
					    0 };
	const int *tags = NULL;
	const char *kw = "";
	Dwarf_Die die;
	char *name;
	int err;

	while (is_word(ps, "const") || is_word(ps, "volatile"))
		if ((err = next(ps)) < 0)
			return err;
	if (is_word(ps, "struct"))
		tags = struct_tags, kw = "struct ";
	else if (is_word(ps, "union"))
		tags = union_tags, kw = "union ";
	else if (is_word(ps, "enum"))
		tags = enum_tags, kw = "enum ";
	if (tags && (err = next(ps)) < 0)
		return err;
	if (!tags && is_int_word(ps)) {
		int size = 4, longs = 0;
		bool sign = true, vd = false, chr = false, bl = false;

		while (is_int_word(ps)) {
			if (is_word(ps, "unsigned"))
				sign = false;
			else if (is_word(ps, "char"))
				size = 1, chr = true;
			else if (is_word(ps, "short"))
				size = 2;
			else if (is_word(ps, "long"))
				longs++;
			else if (is_word(ps, "_Bool"))
				size = 1, bl = true, sign = false;
			else if (is_word(ps, "void"))
				vd = true;
			if ((err = next(ps)) < 0)
				return err;
		}
		if (longs)
			size = 8;
		*out = vd ? (struct etype){ .base = B_VOID } :
			    int_type(size, sign);
		out->is_char = chr;
		out->is_bool = bl;
	} else {
		if (ps->tok != T_IDENT)
			return set_cause(ps->cause, -EINVAL, "expected a type "
					 "name at '%s'", ps->start);
		name = tok_str(ps);
		if (!kmodel_dwarf_lookup(ps->k, name, tags ? tags :
					 typedef_tags, &die, NULL) &&
		    !kmodel_module_type(ps->k, name, tags ? tags :
					typedef_tags, &die)) {
			err = set_cause(ps->cause, -ENOENT, "no type '%s%s' in "
					"the debug info of the kernel or its "
					"loaded modules", kw, name);
			free(name);
			return err;
		}
		free(name);
		*out = type_from_die(ps->k, &die, 0);
		if ((err = next(ps)) < 0)
			return err;
	}
	while (is_word(ps, "const") || is_word(ps, "volatile") ||
	       is(ps, "*")) {
		if (is(ps, "*"))
			out->ptrs++;
		if ((err = next(ps)) < 0)
			return err;
	}
	return 0;
}

/* ---- values ------------------------------------------------------------- */

/* The scalar of v: read from memory for an lvalue. */
static int load(struct parser *ps, struct eval *v)
{
	uint8_t buf[8] = { 0 };
	uint64_t size;

	if (!v->lval || ps->no_side)
		return 0;
	if (!is_scalar(&v->t))
		return 0;
	size = type_size(&v->t);
	if (v->bit_size) {
		uint64_t bytes = (uint64_t)(v->bit_off + v->bit_size + 7) / 8;

		if (kmodel_read(ps->k, v->addr, buf, bytes) != (ssize_t)bytes)
			goto fail;
		memcpy(&v->v, buf, 8);
		v->v = (v->v >> v->bit_off) &
		       (v->bit_size >= 64 ? ~0ULL : (1ULL << v->bit_size) - 1);
		return 0;
	}
	if (!size || size > 8)
		return set_cause(ps->cause, -EINVAL, "a value of %llu bytes "
				 "is not a number", (unsigned long long)size);
	if (kmodel_read(ps->k, v->addr, buf, size) != (ssize_t)size)
		goto fail;
	memcpy(&v->v, buf, 8);
	if (int_signed(&v->t) && size < 8 && (v->v >> (8 * size - 1)) & 1)
		v->v |= ~0ULL << (8 * size);
	return 0;
fail:
	return set_cause(ps->cause, -EIO, "cannot read memory at 0x%llx",
			 (unsigned long long)v->addr);
}

/* v as a scalar rvalue: arrays and functions decay to pointers. */
static int rvalue(struct parser *ps, struct eval *v)
{
	if (tag_of(&v->t) == DW_TAG_array_type && v->lval) {
		Dwarf_Die elem;

		if (!die_type(&v->t.die, &elem))
			return set_cause(ps->cause, -EINVAL, "an array of "
					 "nothing");
		v->t = type_from_die(ps->k, &elem, 1);
		v->v = v->addr;
		v->lval = false;
		return 0;
	}
	if (v->t.base == B_FUNC && !v->t.ptrs) {
		v->t.ptrs = 1;
		v->v = v->addr;
		v->lval = false;
		return 0;
	}
	if (v->t.base == B_NODEBUG && !v->t.ptrs)
		return set_cause(ps->cause, -EINVAL, "'%.*s' has no type in "
				 "the debug info: cast it, as in (long)%.*s",
				 (int)(ps->p - ps->src), ps->src,
				 (int)(ps->p - ps->src), ps->src);
	if (!is_scalar(&v->t))
		return set_cause(ps->cause, -EINVAL, "not a number or a "
				 "pointer");
	if (load(ps, v) < 0)
		return -EIO;
	v->lval = false;
	return 0;
}

/* Truncate or extend v->v to type t. */
static uint64_t convert(uint64_t v, const struct etype *t)
{
	uint64_t size = type_size(t);

	if (t->ptrs || size >= 8 || !size)
		return v;
	v &= (1ULL << (8 * size)) - 1;
	if (int_signed(t) && (v >> (8 * size - 1)) & 1)
		v |= ~0ULL << (8 * size);
	return v;
}

static int lookup_reg(struct parser *ps, const char *name, struct eval *v)
{
	uint64_t r;
	int err;

	if (!strcmp(name, "current")) {
		static const int tags[] = { DW_TAG_structure_type, 0 };
		Dwarf_Die st;

		if (!kmodel_dwarf_lookup(ps->k, "task_struct", tags, &st,
					 NULL))
			return set_cause(ps->cause, -ENOENT, "no 'struct "
					 "task_struct' in the debug info");
		if (!ps->no_side && kmodel_current_task(ps->k, &r, ps->cause))
			return -EIO;
		*v = (struct eval){ .t = type_from_die(ps->k, &st, 1), .v = r };
		return 0;
	}
	if (!ps->env || !ps->env->reg)
		return set_cause(ps->cause, -ENOENT, "no registers here "
				 "('$%s')", name);
	if ((err = ps->env->reg(ps->env->arg, name, &r)) == -ENODATA)
		return set_cause(ps->cause, -ENOENT, "'$%s' is not known in "
				 "the selected frame (the unwinder did not "
				 "recover it)", name);
	if (err == -EAGAIN)
		return set_cause(ps->cause, -ENOENT, "'$%s' is not known "
				 "here", name);
	if (err < 0)
		return set_cause(ps->cause, -ENOENT, "no register '$%s'",
				 name);
	if (!strcmp(name, "rip") || !strcmp(name, "pc"))
		*v = (struct eval){ .t = { .base = B_FUNC, .ptrs = 1 },
				    .v = r };
	else if (!strcmp(name, "rsp") || !strcmp(name, "sp") ||
		 !strcmp(name, "rbp") || !strcmp(name, "fp"))
		*v = (struct eval){ .t = { .base = B_VOID, .ptrs = 1 },
				    .v = r };
	else
		*v = (struct eval){ .t = int_type(8, true), .v = r };
	return 0;
}

/* A module's symbol (kernel symbols first). */
static int module_symbol(struct kmodel *k, const char *name, uint64_t *addr)
{
	struct kmodel_module *m;
	size_t n, i;
	int err = -ENOENT;

	if (kmodel_modules(k, &m, &n, NULL) < 0)
		return -ENOENT;
	for (i = 0; i < n && err; i++)
		err = kmodel_module_symbol(k, m[i].addr, name, addr, NULL);
	free(m);
	return err ? -ENOENT : 0;
}

static int lookup(struct parser *ps, const char *name, struct eval *v)
{
	static const int var_tags[] = { DW_TAG_variable, 0 };
	static const int enum_tags[] = { DW_TAG_enumerator, 0 };
	Dwarf_Die die, type;
	uint64_t addr;
	bool func, defined;
	Dwarf_Attribute attr;
	Dwarf_Sword sv;

	if (name[0] == '$')
		return lookup_reg(ps, name + 1, v);
	if (kmodel_symbol_info(ps->k, name, &addr, &func) == 0) {
		if (func) {
			*v = (struct eval){ .t = { .base = B_FUNC },
					    .lval = true, .addr = addr };
			func_die(ps->k, addr, &v->t.die);
			return 0;
		}
		if (kmodel_dwarf_lookup(ps->k, name, var_tags, &die, &defined)
		    && die_type(&die, &type)) {
			*v = (struct eval){ .t = type_from_die(ps->k, &type, 0),
					    .lval = true, .addr = addr };
			return 0;
		}
		*v = (struct eval){ .t = { .base = B_NODEBUG }, .lval = true,
				    .addr = addr };
		return 0;
	}
	if (kmodel_dwarf_lookup(ps->k, name, enum_tags, &die, NULL) &&
	    dwarf_formsdata(dwarf_attr(&die, DW_AT_const_value, &attr),
			    &sv) == 0) {
		*v = (struct eval){ .t = int_type(4, true), .v = (uint64_t)sv };
		return 0;
	}
	if (!ps->no_side && module_symbol(ps->k, name, &addr) == 0) {
		/* typed by the module's own DWARF, when its .ko is there */
		*v = (struct eval){ .t = { .base = B_NODEBUG }, .lval = true,
				    .addr = addr };
		if (kmodel_module_die(ps->k, addr, name, DW_TAG_variable,
				      &die) && die_type(&die, &type))
			v->t = type_from_die(ps->k, &type, 0);
		else if (kmodel_module_die(ps->k, addr, name,
					   DW_TAG_subprogram, &die))
			v->t = (struct etype){ .base = B_FUNC, .die = die };
		return 0;
	}
	return set_cause(ps->cause, -ENOENT, "no symbol '%s' in the kernel "
			 "or its modules", name);
}

/* ---- the grammar (C's precedence) -------------------------------------- */

static int expr(struct parser *ps, struct eval *v);
static int unary(struct parser *ps, struct eval *v);

static int member(struct parser *ps, struct eval *v, const char *name)
{
	Dwarf_Die mem, mt;
	uint64_t off;
	int tag = tag_of(&v->t);

	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
		return set_cause(ps->cause, -EINVAL, "'.%s' of something that "
				 "is not a struct or union", name);
	if (!kmodel_find_member(&v->t.die, name, &mem, &off) ||
	    !die_type(&mem, &mt)) {
		struct strbuf sb;
		int err;

		strbuf_init(&sb);
		type_name(&v->t, &sb);
		err = set_cause(ps->cause, -ENOENT, "no member '%s' in '%s'",
				name, sb.buf);
		strbuf_release(&sb);
		return err;
	}
	if (!v->lval)
		return set_cause(ps->cause, -EINVAL, "'.%s' of a value not in "
				 "memory", name);
	v->addr += off;
	v->t = type_from_die(ps->k, &mt, 0);
	v->bit_off = v->bit_size = 0;
	if (dwarf_hasattr(&mem, DW_AT_bit_size)) {
		uint64_t bo = die_udata(&mem, DW_AT_data_bit_offset);

		v->bit_size = (int)die_udata(&mem, DW_AT_bit_size);
		v->addr += bo / 8;
		v->bit_off = (int)(bo % 8);
	}
	return 0;
}

static int deref(struct parser *ps, struct eval *v, const char *what)
{
	int err;

	if (v->t.base == B_FUNC && v->t.ptrs <= 1) {
		/* *func is the function, as in C */
		if (v->t.ptrs)
			*v = (struct eval){ .t = { .base = B_FUNC,
						   .die = v->t.die },
					    .lval = true, .addr = v->v };
		return 0;
	}
	if ((err = rvalue(ps, v)) < 0)
		return err;
	if (!is_ptr(&v->t))
		return set_cause(ps->cause, -EINVAL, "%s of something that is "
				 "not a pointer (cast it, as in *(long *)ADDR)",
				 what);
	if (v->t.ptrs == 1 && v->t.base == B_VOID)
		return set_cause(ps->cause, -EINVAL, "%s of a 'void *': cast "
				 "it first", what);
	v->t = target_of(&v->t);
	v->addr = v->v;
	v->lval = true;
	v->bit_off = v->bit_size = 0;
	return 0;
}

static int postfix(struct parser *ps, struct eval *v)
{
	int err;

	for (;;) {
		if (is(ps, ".") || is(ps, "->")) {
			bool arrow = is(ps, "->");
			char *name;

			if ((err = next(ps)) < 0)
				return err;
			if (ps->tok != T_IDENT)
				return set_cause(ps->cause, -EINVAL, "expected "
						 "a member name at '%s'",
						 ps->start);
			name = tok_str(ps);
			err = arrow ? deref(ps, v, "'->'") : 0;
			if (!err)
				err = member(ps, v, name);
			free(name);
			if (err < 0 || (err = next(ps)) < 0)
				return err;
		} else if (is(ps, "[")) {
			struct eval i;

			if ((err = next(ps)) < 0 || (err = expr(ps, &i)) < 0 ||
			    (err = rvalue(ps, &i)) < 0 ||
			    (err = expect(ps, "]")) < 0)
				return err;
			if (!is_integer(&i.t))
				return set_cause(ps->cause, -EINVAL, "an index "
						 "that is not a number");
			if ((err = rvalue(ps, v)) < 0)
				return err;
			if (!is_ptr(&v->t))
				return set_cause(ps->cause, -EINVAL, "'[]' of "
						 "something that is not an "
						 "array or a pointer");
			v->v += i.v * stride(&v->t);
			if ((err = deref(ps, v, "'[]'")) < 0)
				return err;
		} else {
			return 0;
		}
	}
}

static int primary(struct parser *ps, struct eval *v)
{
	int err;

	if (ps->tok == T_NUM) {
		bool fits_int = ps->num <= 0x7fffffff;
		bool fits_uint = ps->num <= 0xffffffff;
		bool hex = ps->start[0] == '0' && ps->len > 1;

		if (ps->num_long || !(fits_int || (hex && fits_uint)))
			*v = (struct eval){ .t = int_type(8,
				!ps->num_unsigned && ps->num >> 63 == 0) };
		else
			*v = (struct eval){ .t = int_type(4, !ps->num_unsigned
							  && fits_int) };
		v->v = ps->num;
		return next(ps);
	}
	if (ps->tok == T_IDENT) {
		char *name = tok_str(ps);

		err = lookup(ps, name, v);
		free(name);
		return err < 0 ? err : next(ps);
	}
	if (is(ps, "(")) {
		if ((err = next(ps)) < 0 || (err = expr(ps, v)) < 0)
			return err;
		return expect(ps, ")");
	}
	return set_cause(ps->cause, -EINVAL, "expected a value at '%s'",
			 *ps->start ? ps->start : "the end");
}

static int do_sizeof(struct parser *ps, struct eval *v)
{
	struct etype t;
	struct eval e;
	bool was = ps->no_side;
	int err;

	if ((err = next(ps)) < 0)
		return err;
	if (is(ps, "(")) {
		const char *save_p = ps->p, *save_start = ps->start;
		size_t save_len = ps->len;

		if ((err = next(ps)) < 0)
			return err;
		if (type_starts(ps)) {
			if ((err = parse_type(ps, &t)) < 0 ||
			    (err = expect(ps, ")")) < 0)
				return err;
			goto done;
		}
		ps->p = save_p;
		ps->start = save_start;
		ps->len = save_len;
		ps->tok = T_PUNCT;
	}
	ps->no_side = true;
	err = unary(ps, &e);
	ps->no_side = was;
	if (err < 0)
		return err;
	t = e.t;
done:
	*v = (struct eval){ .t = int_type(8, false), .v = type_size(&t) };
	if (!v->v)
		return set_cause(ps->cause, -EINVAL, "sizeof of a type of no "
				 "known size");
	return 0;
}

static int unary(struct parser *ps, struct eval *v)
{
	int err;

	if (is_word(ps, "sizeof"))
		return do_sizeof(ps, v);
	if (is(ps, "(")) {
		const char *save_p = ps->p, *save_start = ps->start;
		size_t save_len = ps->len;
		struct etype t;

		if ((err = next(ps)) < 0)
			return err;
		if (type_starts(ps)) {
			/* a cast */
			if ((err = parse_type(ps, &t)) < 0 ||
			    (err = expect(ps, ")")) < 0 ||
			    (err = unary(ps, v)) < 0)
				return err;
			if (v->t.base == B_NODEBUG && !v->t.ptrs) {
				/* a symbol without a type: read as t */
				v->t = t;
				return 0;
			}
			if (is_aggregate(&t) || t.base == B_VOID) {
				if (t.base == B_VOID && !t.ptrs) {
					v->t = t;
					return 0;
				}
				if (!v->lval)
					return set_cause(ps->cause, -EINVAL,
							 "cannot cast a value "
							 "to a struct");
				v->t = t;	/* the same bytes, another type */
				return 0;
			}
			if ((err = rvalue(ps, v)) < 0)
				return err;
			v->v = convert(v->v, &t);
			v->t = t;
			return 0;
		}
		ps->p = save_p;
		ps->start = save_start;
		ps->len = save_len;
		ps->tok = T_PUNCT;
		if ((err = primary(ps, v)) < 0)
			return err;
		return postfix(ps, v);
	}
	if (is(ps, "*")) {
		if ((err = next(ps)) < 0 || (err = unary(ps, v)) < 0)
			return err;
		return deref(ps, v, "'*'");
	}
	if (is(ps, "&")) {
		if ((err = next(ps)) < 0 || (err = unary(ps, v)) < 0)
			return err;
		if (!v->lval)
			return set_cause(ps->cause, -EINVAL, "'&' of a value "
					 "not in memory");
		if (v->bit_size)
			return set_cause(ps->cause, -EINVAL, "'&' of a "
					 "bitfield");
		v->t.ptrs++;
		v->v = v->addr;
		v->lval = false;
		return 0;
	}
	if (is(ps, "-") || is(ps, "~") || is(ps, "!") || is(ps, "+")) {
		char op = *ps->start;

		if ((err = next(ps)) < 0 || (err = unary(ps, v)) < 0 ||
		    (err = rvalue(ps, v)) < 0)
			return err;
		if (op == '!') {
			*v = (struct eval){ .t = int_type(4, true), .v = !v->v };
			return 0;
		}
		if (!is_integer(&v->t))
			return set_cause(ps->cause, -EINVAL, "'%c' of something "
					 "that is not a number", op);
		if (type_size(&v->t) < 4)
			v->t = int_type(4, true);
		v->v = op == '-' ? -v->v : op == '~' ? ~v->v : v->v;
		v->v = convert(v->v, &v->t);
		return 0;
	}
	if ((err = primary(ps, v)) < 0)
		return err;
	return postfix(ps, v);
}

/* C's usual arithmetic conversions, in short. */
static struct etype common(const struct etype *a, const struct etype *b)
{
	uint64_t sa = type_size(a), sb = type_size(b);
	bool ua = !int_signed(a), ub = !int_signed(b);
	int size = sa >= 8 || sb >= 8 ? 8 : 4;

	if (size == 8)
		return int_type(8, !((sa >= 8 && ua) || (sb >= 8 && ub)));
	return int_type(4, !((sa == 4 && ua) || (sb == 4 && ub)));
}

static int binop(struct parser *ps, const char *op, struct eval *a,
		 struct eval *b)
{
	bool pa = is_ptr(&a->t), pb = is_ptr(&b->t);
	struct etype t;
	uint64_t x = a->v, y = b->v, r;
	bool sign;

	if (!strcmp(op, "&&") || !strcmp(op, "||")) {
		r = op[0] == '&' ? (x && y) : (x || y);
		*a = (struct eval){ .t = int_type(4, true), .v = r };
		return 0;
	}
	if ((pa || pb) && (!strcmp(op, "+") || !strcmp(op, "-"))) {
		if (pa && pb && op[0] == '-') {
			*a = (struct eval){ .t = int_type(8, true),
					    .v = (x - y) / stride(&a->t) };
			return 0;
		}
		if (pb && op[0] == '-')
			return set_cause(ps->cause, -EINVAL, "a number minus "
					 "a pointer");
		if (pa && pb)
			return set_cause(ps->cause, -EINVAL, "a pointer plus "
					 "a pointer");
		if (pb) {
			struct eval tmp = *a;

			*a = *b;
			*b = tmp;
			x = a->v;
			y = b->v;
		}
		a->v = op[0] == '+' ? x + y * stride(&a->t) :
				      x - y * stride(&a->t);
		return 0;
	}
	if (pa || pb) {
		t = int_type(8, false);	/* pointers compare unsigned */
	} else {
		if (!is_integer(&a->t) || !is_integer(&b->t))
			return set_cause(ps->cause, -EINVAL, "'%s' of something "
					 "that is not a number", op);
		t = common(&a->t, &b->t);
	}
	sign = int_signed(&t);
	x = convert(x, &t);
	y = convert(y, &t);
	if ((!strcmp(op, "/") || !strcmp(op, "%")) && !y)
		return set_cause(ps->cause, -EDOM, "division by zero");
#define CMP(o) (sign ? (int64_t)x o (int64_t)y : x o y)
	if (!strcmp(op, "*")) r = x * y;
	else if (!strcmp(op, "/")) r = sign ? (uint64_t)((int64_t)x / (int64_t)y) : x / y;
	else if (!strcmp(op, "%")) r = sign ? (uint64_t)((int64_t)x % (int64_t)y) : x % y;
	else if (!strcmp(op, "+")) r = x + y;
	else if (!strcmp(op, "-")) r = x - y;
	else if (!strcmp(op, "<<")) r = y >= 64 ? 0 : x << y;
	else if (!strcmp(op, ">>")) r = y >= 64 ? 0 : sign ? (uint64_t)((int64_t)x >> y) : x >> y;
	else if (!strcmp(op, "&")) r = x & y;
	else if (!strcmp(op, "^")) r = x ^ y;
	else if (!strcmp(op, "|")) r = x | y;
	else {
		if (!strcmp(op, "<")) r = CMP(<);
		else if (!strcmp(op, ">")) r = CMP(>);
		else if (!strcmp(op, "<=")) r = CMP(<=);
		else if (!strcmp(op, ">=")) r = CMP(>=);
		else if (!strcmp(op, "==")) r = x == y;
		else r = x != y;
		t = int_type(4, true);
	}
#undef CMP
	*a = (struct eval){ .t = t, .v = convert(r, &t) };
	return 0;
}

/* Binary operators by precedence, loosest first. */
static const char *const levels[][5] = {
	{ "||" }, { "&&" }, { "|" }, { "^" }, { "&" }, { "==", "!=" },
	{ "<", ">", "<=", ">=" }, { "<<", ">>" }, { "+", "-" },
	{ "*", "/", "%" },
};
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

static int binary(struct parser *ps, size_t level, struct eval *v)
{
	int err, i;

	if (level == NLEVELS)
		return unary(ps, v);
	if ((err = binary(ps, level + 1, v)) < 0)
		return err;
	for (;;) {
		const char *op = NULL;
		struct eval rhs;

		for (i = 0; i < 5 && levels[level][i]; i++)
			if (is(ps, levels[level][i]))
				op = levels[level][i];
		if (!op)
			return 0;
		if ((err = next(ps)) < 0 ||
		    (err = binary(ps, level + 1, &rhs)) < 0 ||
		    (err = rvalue(ps, v)) < 0 || (err = rvalue(ps, &rhs)) < 0 ||
		    (err = binop(ps, op, v, &rhs)) < 0)
			return err;
	}
}

static int expr(struct parser *ps, struct eval *v)
{
	struct eval a, b;
	int err;

	if ((err = binary(ps, 0, v)) < 0)
		return err;
	if (!is(ps, "?"))
		return 0;
	if ((err = rvalue(ps, v)) < 0 || (err = next(ps)) < 0 ||
	    (err = expr(ps, &a)) < 0 || (err = expect(ps, ":")) < 0 ||
	    (err = expr(ps, &b)) < 0)
		return err;
	*v = v->v ? a : b;
	return 0;
}

static int parse(struct kmodel *k, const char *src,
		 const struct kmodel_expr_env *env, struct eval *v,
		 char **cause)
{
	struct parser ps = { .k = k, .env = env, .src = src, .p = src,
			     .cause = cause };
	int err;

	if (!k->dwarf)
		return set_cause(cause, -ENOENT, "'%s' has no debug info: "
				 "expressions need it", k->path);
	if ((err = next(&ps)) < 0)
		return err;
	if (ps.tok == T_END)
		return set_cause(cause, -EINVAL, "no expression");
	if ((err = expr(&ps, v)) < 0)
		return err;
	if (ps.tok != T_END)
		return set_cause(cause, -EINVAL, "unexpected '%s' after the "
				 "expression", ps.start);
	return 0;
}

/* ---- the API ------------------------------------------------------------ */

int kmodel_eval_addr(struct kmodel *k, const char *src,
		     const struct kmodel_expr_env *env, uint64_t *addr,
		     uint64_t *size, char **cause)
{
	struct eval v;
	int err = parse(k, src, env, &v, cause);

	if (err < 0)
		return err;
	*size = 0;
	if (v.lval && (is_aggregate(&v.t) || v.t.base == B_FUNC ||
		       v.t.base == B_NODEBUG)) {
		/* a struct, an array, a function: where it is */
		*addr = v.addr;
		*size = type_size(&v.t);
		return 0;
	}
	if ((err = (v.lval ? load(&(struct parser){ .k = k,
			.cause = cause }, &v) : 0)) < 0)
		return err;
	if (!is_scalar(&v.t))
		return set_cause(cause, -EINVAL, "'%s' is not an address",
				 src);
	*addr = v.v;
	if (is_ptr(&v.t)) {
		struct etype t = target_of(&v.t);

		*size = type_size(&t);
	}
	return 0;
}

int kmodel_eval_lvalue(struct kmodel *k, const char *src,
		       const struct kmodel_expr_env *env, uint64_t *addr,
		       uint64_t *size, char **cause)
{
	struct eval v;
	int err = parse(k, src, env, &v, cause);

	if (err < 0)
		return err;
	if (v.t.base == B_FUNC && !v.t.ptrs)
		return set_cause(cause, -EINVAL, "'%s' is a function, not a "
				 "variable", src);
	if (!v.lval || v.bit_size)
		return set_cause(cause, -EINVAL, "'%s' is not in memory", src);
	*addr = v.addr;
	*size = type_size(&v.t);
	return 0;
}

static void print_scalar(struct kmodel *k, const struct eval *v, char fmt,
			 struct strbuf *sb)
{
	if (is_ptr(&v->t)) {
		struct etype tg = target_of(&v->t);

		if (fmt && fmt != 'a' && fmt != 's') {
			kmodel_print_int(sb, v->v, false, 8, fmt);
			return;
		}
		if (v->t.ptrs == 1 && tg.base == B_INT && tg.is_char) {
			uint8_t s[201] = { 0 };

			strbuf_addf(sb, "0x%llx", (unsigned long long)v->v);
			if (v->v && kmodel_read(k, v->v, s, 200) > 0) {
				kmodel_print_sym(k, v->v, sb);
				strbuf_addf(sb, " ");
				kmodel_print_cstring(sb, s, 200);
			}
			return;
		}
		strbuf_addf(sb, "(");
		type_name(&v->t, sb);
		strbuf_addf(sb, ") 0x%llx", (unsigned long long)v->v);
		if (v->v)
			kmodel_print_sym(k, v->v, sb);
		return;
	}
	if (is_enum(&v->t) || (v->t.base == B_INT && v->t.die.addr &&
			       !v->t.is_char && !fmt)) {
		uint8_t buf[8];
		uint64_t size = type_size(&v->t);

		memcpy(buf, &v->v, 8);
		kmodel_print_typed(k, (Dwarf_Die *)&v->t.die, buf, size, 1, fmt,
				   sb);
		return;
	}
	if (v->t.is_bool && !fmt) {
		strbuf_addf(sb, "%s", v->v ? "true" : "false");
		return;
	}
	kmodel_print_int(sb, v->v, int_signed(&v->t), type_size(&v->t),
			 !fmt && v->t.is_char ? 'c' : fmt);
}

int kmodel_eval_print(struct kmodel *k, const char *src,
		      const struct kmodel_expr_env *env, char fmt, int depth,
		      struct strbuf *out, char **cause)
{
	struct eval v;
	uint64_t size;
	uint8_t *buf;
	int err = parse(k, src, env, &v, cause);

	if (err < 0)
		return err;
	if (v.t.base == B_FUNC && !v.t.ptrs) {
		strbuf_addf(out, "{");
		type_name(&v.t, out);
		strbuf_addf(out, "} 0x%llx", (unsigned long long)v.addr);
		kmodel_print_sym(k, v.addr, out);
		return 0;
	}
	if (v.t.base == B_NODEBUG && !v.t.ptrs)
		return set_cause(cause, -EINVAL, "'%s' has no type in the "
				 "debug info: cast it to its type, as in "
				 "*(long *)&%s", src, src);
	if (v.t.base == B_VOID && !v.t.ptrs)
		return set_cause(cause, -EINVAL, "'%s' is void", src);
	if (is_scalar(&v.t)) {
		if (v.lval &&
		    (err = load(&(struct parser){ .k = k, .cause = cause },
				&v)) < 0)
			return err;
		print_scalar(k, &v, fmt, out);
		return 0;
	}
	/* a struct, union, array or float: its bytes, printed by type */
	size = type_size(&v.t);
	if (!v.lval || !size || size > (1u << 20))
		return set_cause(cause, -EINVAL, "'%s' has a size umdbg cannot "
				 "print (%llu)", src, (unsigned long long)size);
	buf = xmalloc(size);
	if (kmodel_read(k, v.addr, buf, size) != (ssize_t)size) {
		free(buf);
		return set_cause(cause, -EIO, "cannot read '%s' at 0x%llx", src,
				 (unsigned long long)v.addr);
	}
	kmodel_print_typed(k, &v.t.die, buf, size, depth, fmt, out);
	free(buf);
	return 0;
}

int kmodel_eval_type(struct kmodel *k, const char *src,
		     const struct kmodel_expr_env *env, struct strbuf *out,
		     char **cause)
{
	struct eval v;
	int err = parse(k, src, env, &v, cause);

	if (err < 0)
		return err;
	type_name(&v.t, out);
	return 0;
}
