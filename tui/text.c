/*
 * tui/text.c - lines of text, as the panes hold them.  A pane keeps at most
 * MAX_LINES; older lines go.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>


#include "internal.h"

void text_clear(struct text *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->line[i]);
	t->n = 0;
}

void text_add(struct text *t, const char *s, size_t len)
{
	if (t->n == MAX_LINES) {
		free(t->line[0]);
		memmove(t->line, t->line + 1, (t->n - 1) * sizeof(char *));
		t->n--;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->line = xrealloc(t->line, t->cap * sizeof(char *));
	}
	t->line[t->n] = xmalloc(len + 1);
	memcpy(t->line[t->n], s, len);
	t->line[t->n++][len] = '\0';
}

/* Append text, one entry per line (tabs become spaces). */
void text_add_lines(struct text *t, const char *s)
{
	while (*s) {
		const char *nl = strchrnul(s, '\n');
		char buf[1024];
		size_t i, o = 0;

		for (i = 0; s + i < nl && o < sizeof(buf) - 8; i++) {
			if (s[i] == '\t') {
				do
					buf[o++] = ' ';
				while (o % 8);
			} else if (s[i] != '\r') {
				buf[o++] = s[i];
			}
		}
		text_add(t, buf, o);
		s = *nl ? nl + 1 : nl;
	}
}


void tui_say(struct tui *t, const char *fmt, ...)
{
	char *s;
	va_list ap;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	text_add_lines(&t->p[P_OUT].t, s);
	free(s);
	t->p[P_OUT].follow = true;
}

