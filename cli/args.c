/*
 * cli/args.c - one parser for every command's arguments.  A command's
 * usage in the table is its argument spec: "x [-p PID] ADDR [LEN]".
 *
 *   NAME          a value (any word: ADDR, SYMBOL|*ADDR|FILE:LINE, ...)
 *   [NAME]        an optional value; with several, the leftmost first
 *   -f NAME       an option with a value; -l alone, a switch; options
 *                 are optional ([...]) and may come anywhere
 *   NAME...       the rest of the line, options included (time's
 *                 command)
 *   [if NAME...]  the rest of the line after the word "if", when it is
 *                 there (watch's condition)
 *
 * The parser checks the shape (how many values, which options); the
 * command converts each value (a pid, a number) and says what is wrong
 * with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct item {
	char name[48];		/* NAME, or the option ("-p") */
	char value[48];		/* an option's value's name ("PID"), or "" */
	char keyword[8];	/* a rest's introducing word ("if"), or "" */
	bool option, optional, rest;
};

/* The usage's items (its first word, the command, left out). */
static int items_of(const char *usage, struct item *it, int max)
{
	char copy[160], *save = NULL, *tok;
	bool in_brackets = false, closed = false;
	int n = 0;

	memset(it, 0, (size_t)max * sizeof(*it));
	snprintf(copy, sizeof(copy), "%s", usage);
	tok = strtok_r(copy, " ", &save);	/* the command */
	while ((tok = strtok_r(NULL, " ", &save)) && n < max) {
		bool open = tok[0] == '[', close;
		size_t len;

		if (open) {
			in_brackets = true;
			tok++;
		}
		len = strlen(tok);
		close = len && tok[len - 1] == ']';
		if (close)
			tok[--len] = '\0';
		if (open && !strcmp(tok, "if")) {
			/* "[if COND...]": the next item is the rest */
			snprintf(it[n].keyword, sizeof(it[n].keyword), "if");
			closed = false;
			continue;
		}
		if (n < max && it[n].keyword[0]) {
			char kw[8];

			memcpy(kw, it[n].keyword, sizeof(kw));
			memset(&it[n], 0, sizeof(it[n]));
			memcpy(it[n].keyword, kw, sizeof(kw));
			snprintf(it[n].name, sizeof(it[n].name), "%.47s", tok);
			it[n].optional = true;
			it[n].rest = true;
			n++;
		} else if (n && it[n - 1].option && !it[n - 1].value[0] &&
		    tok[0] != '-' && !open && !closed) {
			/* "-p PID": the option's value */
			snprintf(it[n - 1].value, sizeof(it[n - 1].value),
				 "%.47s", tok);
		} else {
			memset(&it[n], 0, sizeof(it[n]));
			snprintf(it[n].name, sizeof(it[n].name), "%.47s", tok);
			it[n].option = tok[0] == '-';
			it[n].optional = in_brackets;
			it[n].rest = len > 3 && !strcmp(tok + len - 3, "...");
			n++;
		}
		if (close)
			in_brackets = false;
		closed = close;
	}
	return n;
}

static void put(struct cmd_args *a, const char *name, const char *val)
{
	if (a->n == CMD_ARGS_MAX)
		return;
	snprintf(a->v[a->n].name, sizeof(a->v[a->n].name), "%.47s", name);
	a->v[a->n++].val = val;
}

int cmd_args_parse(const char *usage, int argc, char **argv,
		   struct cmd_args *a)
{
	struct item it[CMD_ARGS_MAX];
	int n = items_of(usage, it, CMD_ARGS_MAX), i, j, k = 0;
	int required = 0, optional = 0, rest = -1, extra;
	char *pos[CMD_ARGS_MAX];

	memset(a, 0, sizeof(*a));
	for (j = 0; j < n; j++) {
		if (it[j].rest)
			rest = j;
		else if (!it[j].option)
			*(it[j].optional ? &optional : &required) += 1;
	}
	for (i = 1; i < argc; i++) {
		int o = -1;

		for (j = 0; argv[i][0] == '-' && j < n; j++)
			if (it[j].option && !strcmp(it[j].name, argv[i]))
				o = j;
		if (o < 0 && rest >= 0 && it[rest].keyword[0] && k >= required &&
		    !strcmp(argv[i], it[rest].keyword)) {
			/* "if COND...": the rest after the word */
			if (i + 1 == argc)
				return -EINVAL;
			a->rest_argc = argc - i - 1;
			a->rest_argv = argv + i + 1;
			break;
		}
		if (o < 0 && rest >= 0 && !it[rest].keyword[0] &&
		    k == required + optional) {
			/* the rest of the line, options and all */
			a->rest_argc = argc - i;
			a->rest_argv = argv + i;
			break;
		}
		if (o >= 0 && it[o].value[0]) {
			if (++i == argc)
				return -EINVAL;
			put(a, it[o].value, argv[i]);
		} else if (o >= 0) {
			put(a, it[o].name, "1");
		} else if (k < CMD_ARGS_MAX) {
			pos[k++] = argv[i];
		} else {
			return -EINVAL;
		}
	}
	if (k < required || k > required + optional ||
	    (rest >= 0 && !it[rest].optional && !a->rest_argc))
		return -EINVAL;
	/* the optional values are taken from the left */
	extra = k - required;
	for (i = 0, j = 0; j < n && i < k; j++) {
		if (it[j].option || it[j].rest)
			continue;
		if (it[j].optional && extra-- <= 0)
			continue;
		put(a, it[j].name, pos[i++]);
	}
	return 0;
}

const char *cmd_arg(const struct cmd_args *a, const char *name)
{
	int i;

	for (i = 0; a && i < a->n; i++)
		if (!strcmp(a->v[i].name, name))
			return a->v[i].val;
	return NULL;
}
