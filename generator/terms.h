/*
 * terms: the words of a text as hearth's search sees them, one definition
 * for the site's search index and the database's full-text table, so a
 * query finds the same things in both.  Chinese has no spaces between
 * words, so runs of CJK characters are read as overlapping pairs (社工站 ->
 * 社工, 工站; a lone character as itself), which finds any word of two or
 * more characters without a dictionary; Latin letters and digits as
 * lower-case words.  Text is valid UTF-8 (content is checked on load).
 */
#ifndef HEARTH_TERMS_H
#define HEARTH_TERMS_H

#include <stddef.h>

typedef void (*terms_fn)(const char *s, size_t n, void *ud);

/* Call fn for each term of text (n bytes), in order.  A term points into
 * text, or into lower (as long as text) for lower-cased words. */
void	terms_each(const char *text, size_t n, char *lower, terms_fn fn,
	    void *ud);

#endif
