/*
 * src/narrative.h
 *
 * What the validator reads in a line narrative (837 SV101-7 / NTE, CMS-1500
 * item 19): whether it gives a strength or dose, whether it names a drug, and
 * which drugs of a known set it names.  Pure C: no PostgreSQL header, so it is
 * unit-tested and fuzzed on its own.
 *
 * Text model
 *   Input is a pointer and a length (no NUL needed); nothing reads outside it.
 *   Bytes are read as UTF-8 where they form a valid sequence.  ASCII letters
 *   and digits are word characters; every other ASCII byte separates words.
 *   A non-ASCII character is a letter unless it is one of the few blanks and
 *   punctuation marks listed in narrative.c (no-break space, dashes, quotes,
 *   bullets, the trademark signs...), which separate words.  A byte that is
 *   not part of a valid UTF-8 sequence counts as a letter, so that text in a
 *   single-byte encoding never splits a word into a false match.
 *   Case is folded for ASCII only; names and units are ASCII.
 *
 * Nothing here allocates: the name index is built into memory the caller
 * provides (narr_index_size() tells how much), and scanning uses the stack.
 */
#ifndef J7599_NARRATIVE_H
#define J7599_NARRATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ dose */

/*
 * True when the text gives a strength or dose: a number (5, 0.5, .5, 1,000)
 * followed, optionally after blanks (space, tab, no-break space), by a unit:
 * mg, mcg, ug, g, gm, mL, unit(s), IU, % or the spelled-out milligram(s),
 * microgram(s), gram(s), milliliter(s)/millilitre(s), and ug written with a
 * micro or mu sign.  Case-insensitive; a unit ending in a letter must end the
 * word ("5 mg/mL" and "5mg." count, "5 mgx" does not).
 */
extern bool narr_has_strength(const char *s, size_t len);

/*
 * True when some word of the text could be a drug name: a run of four or
 * more letters that is neither a unit nor one of the direction and filler
 * words ("take", "tablets", "daily", "dispensed", "supply", ...).
 */
extern bool narr_has_drug_word(const char *s, size_t len);

/* the single list behind narr_has_drug_word: is this word (any case) in it? */
extern bool narr_is_stopword(const char *w, size_t len);
/* the list itself, for tests: n entries, lower case, sorted */
extern const char *const *narr_stopwords(size_t *n);

/* ------------------------------------------------------- drug name index */

/*
 * An index of names (single or multi-word, "tacrolimus", "envarsus xr",
 * "mycophenolic acid"), matched whole-word and case-insensitively against a
 * text, words being separated by anything that is not a letter or digit.
 * The id of a name is its position in the array given to the builder.  A name
 * with no word character never matches.
 */
typedef struct narr_index narr_index;

/* bytes needed to index these n names; lens[i] is the length of names[i] */
extern size_t narr_index_size(const char *const *names, const size_t *lens,
							  int n);

/*
 * Builds the index into mem (at least narr_index_size() bytes, aligned for
 * a pointer).  Returns the index, which lives in mem and needs no freeing,
 * or NULL when size is too small or n is negative.
 */
extern narr_index *narr_index_build(void *mem, size_t size,
									const char *const *names,
									const size_t *lens, int n);

extern int	narr_index_count(const narr_index *ix);

/*
 * Finds the indexed names in a text.  At each word, the longest name starting
 * there is taken.  Writes the ids of the names found into ids[], each once, in
 * order of first appearance, at most max_ids of them; returns how many were
 * written.  The index may be NULL (nothing is found).
 */
extern int	narr_index_scan(const narr_index *ix, const char *s, size_t len,
							int *ids, int max_ids);

/* ---------------------------------------------------------------- words */

/*
 * The word splitter used by everything above.  Starting at *pos, finds the
 * next run of word characters; sets *start and *wlen (bytes) and moves *pos
 * past it.  Returns false when there is none.
 */
extern bool narr_next_word(const char *s, size_t len, size_t *pos,
						   size_t *start, size_t *wlen);

#endif							/* J7599_NARRATIVE_H */
