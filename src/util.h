/*
 * src/util.h
 *
 * Small pure helpers shared by the parsers, the narrative reader and the
 * rule engine, written once: byte classes and blank tests, trimming, the
 * reason and quoting helpers of the parsers, quoting a user value for a
 * message, binary search over sorted keys, a hash of short texts and the
 * 2-way memo tables built on it.
 *
 * No PostgreSQL header: the C unit tests and fuzzers link util.c with the
 * parsers.  The byte tests are static inline (they sit in hot loops); the
 * rest is in util.c.
 *
 * Words used throughout j7599:
 *   blank  space or tab: what the parsers trim around a code
 *   space  any ASCII white space (space, \t, \n, \r, \f, \v): a value made of
 *          nothing else is "not given" for the rule engine
 */
#ifndef J7599_UTIL_H
#define J7599_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------ byte classes */

static inline bool
util_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static inline bool
util_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool
util_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
util_is_upper(unsigned char c)
{
	return c >= 'A' && c <= 'Z';
}

/* an ASCII letter */
static inline bool
util_is_letter(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* an ASCII letter or digit */
static inline bool
util_is_alnum(unsigned char c)
{
	return util_is_digit(c) || util_is_letter(c);
}

static inline char
util_to_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char) (c - 'a' + 'A') : c;
}

static inline unsigned char
util_to_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char) (c + ('a' - 'A')) : c;
}

/* ------------------------------------------------------------------ blanks */

/* empty, or only spaces (util_is_space) */
static inline bool
util_span_blank(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (!util_is_space((unsigned char) s[i]))
			return false;
	return true;
}

/*
 * Trims blanks (space, tab) at both ends of *s / *len; *offset gets how many
 * were cut at the start.  A NULL *s is an empty text.
 */
static inline void
util_trim_blanks(const char **s, size_t *len, size_t *offset)
{
	const char *p = *s;
	size_t		n = *len;

	*offset = 0;
	if (p == NULL)
	{
		*len = 0;
		return;
	}
	while (n > 0 && util_is_blank((unsigned char) p[0]))
	{
		p++;
		n--;
		(*offset)++;
	}
	while (n > 0 && util_is_blank((unsigned char) p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

/*
 * The same as positions: s[*begin .. *end) without the blanks at both ends,
 * for a text s[0 .. *end) (*begin is set).  A NULL s is an empty text.
 */
static inline void
util_trim_range(const char *s, size_t *begin, size_t *end)
{
	const char *t = s;
	size_t		n = *end;

	util_trim_blanks(&t, &n, begin);
	*end = *begin + n;
}

/* ---------------------------------------------------------------- reasons */

#if defined(__GNUC__) || defined(__clang__)
#define UTIL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define UTIL_ALWAYS_INLINE __attribute__((always_inline))
/* a function called only on the way to a finding or an error: kept out of the hot code */
#define UTIL_COLD __attribute__((cold))
#else
#define UTIL_PRINTF(f, a)
#define UTIL_ALWAYS_INLINE
#define UTIL_COLD
#endif

/*
 * Writes a reason (printf-style, NUL-terminated, cut to size bytes) when
 * reason is not NULL; always returns false, so a parser can
 * "return util_fail(...)".
 */
extern bool util_fail(char *reason, size_t size, const char *fmt,...) UTIL_PRINTF(3, 4) UTIL_COLD;

/* a reason's quote of an input fragment: 2 quotes, 24 characters, "...", NUL */
#define UTIL_QUOTE_MAX_CHARS 24
#define UTIL_QUOTE_BUF 40

/*
 * Quotes a fragment of input for a reason: "..." with printable ASCII kept,
 * '"' and '\' escaped, every other byte as \xHH (so the result is printable
 * ASCII, valid in any server encoding), cut after UTIL_QUOTE_MAX_CHARS
 * characters of output with "..." appended.
 */
extern void util_quote_reason(char dst[UTIL_QUOTE_BUF], const char *s, size_t len) UTIL_COLD;

/*
 * Quotes a user value for a message: the first keep bytes of s (the caller
 * cuts at a character boundary of its encoding), control characters shown
 * as '?', "..." appended when keep < len; never more than dstsize bytes
 * with the NUL.
 */
extern void util_quote_value(char *dst, size_t dstsize, const char *s,
							 size_t len, size_t keep) UTIL_COLD;

/* --------------------------------------------------------- binary search */

/* index of key in keys[0..n) sorted ascending, or -1 */
static inline ptrdiff_t
util_find_u32(const uint32_t *keys, size_t n, uint32_t key)
{
	size_t		lo = 0;
	size_t		hi = n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (keys[mid] == key)
			return (ptrdiff_t) mid;
		if (keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * Index of the element of base[0..n) (each stride bytes, sorted ascending by
 * the uint32_t at byte offset within it) whose key is key, or -1: the sorted
 * arrays of structs keyed by a code or a pair, without a callback.
 */
static inline ptrdiff_t
util_find_u32_field(const void *base, size_t n, size_t stride, size_t offset, uint32_t key)
{
	const char *b = (const char *) base;
	size_t		lo = 0;
	size_t		hi = n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;
		uint32_t	k;

		memcpy(&k, b + mid * stride + offset, sizeof(k));
		if (k == key)
			return (ptrdiff_t) mid;
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/*
 * Index of the element of base[0..n) (each size bytes, sorted as cmp says)
 * that cmp(key, element) calls equal, or -1.  cmp returns <0, 0 or >0 as
 * the key sorts before, with or after the element.
 */
extern ptrdiff_t util_bsearch(const void *key, const void *base, size_t n,
							  size_t size,
							  int (*cmp) (const void *key, const void *elem));

/* ------------------------------------------------------------ memo tables */

/*
 * A hash of a short text for the memo tables: the length and three 8-byte
 * samples (start, middle, end) through murmur3's final mix.  Texts that
 * differ only elsewhere collide and evict each other; a hit is always
 * confirmed with memcmp.
 */
static inline uint32_t
util_text_hash(const char *s, size_t len)
{
	uint64_t	a = 0,
				b = 0,
				c = 0;
	uint64_t	h;

	if (len >= 8)
	{
		memcpy(&a, s, 8);
		memcpy(&b, s + len / 2 - 4, 8);
		memcpy(&c, s + len - 8, 8);
	}
	else if (len > 0)
		memcpy(&a, s, len);
	h = a ^ (b * UINT64_C(0x9E3779B97F4A7C15)) ^
		(c * UINT64_C(0xC2B2AE3D27D4EB4F)) ^ (uint64_t) len;
	h ^= h >> 33;
	h *= UINT64_C(0xFF51AFD7ED558CCD);
	h ^= h >> 33;
	h *= UINT64_C(0xC4CEB9FE1A85EC53);
	h ^= h >> 33;
	return (uint32_t) h;
}

/*
 * A memo table: nslots entries of one struct type, which starts with a
 * util_memo_head and has a char array for the text.  It is 2-way: a text may
 * sit in either slot of its pair.  On a miss the first slot's entry moves to
 * the second and the first is emptied and returned to be filled, so a pair
 * keeps the two texts used last.  An entry whose stamp differs from the one
 * asked for is a miss (memos whose answers depend on loaded data carry its
 * load count).
 */
typedef struct util_memo_head
{
	int			len;			/* -1: empty */
	int64_t		stamp;
} util_memo_head;

/* every entry of a table empty */
extern void util_memo_clear(void *table, size_t nslots, size_t entry_size);

/*
 * The slot for a text: *hit and the entry holding it, or the emptied entry
 * to fill; NULL (and no hit) when the text is longer than text_max.
 */
/* always inlined: the table size is then a constant and the modulo cheap */
static inline UTIL_ALWAYS_INLINE void *
util_memo_slot(void *table, size_t nslots, size_t entry_size,
			   size_t text_offset, size_t text_max, int64_t stamp,
			   const char *s, size_t len, bool *hit)
{
	char	   *a;
	util_memo_head *h0;
	util_memo_head *h1;

	*hit = false;
	if (len > text_max)
		return NULL;
	a = (char *) table + (util_text_hash(s, len) % (nslots / 2)) * 2 * entry_size;
	h0 = (util_memo_head *) a;
	h1 = (util_memo_head *) (a + entry_size);
	if (h0->len == (int) len && h0->stamp == stamp &&
		memcmp(a + text_offset, s, len) == 0)
	{
		*hit = true;
		return a;
	}
	if (h1->len == (int) len && h1->stamp == stamp &&
		memcmp(a + entry_size + text_offset, s, len) == 0)
	{
		*hit = true;
		return a + entry_size;
	}
	memcpy(a + entry_size, a, entry_size);
	h0->len = -1;
	return a;
}

/* records the text of a slot util_memo_slot returned (NULL: nothing) */
static inline void
util_memo_fill(void *entry, size_t text_offset, int64_t stamp,
			   const char *s, size_t len)
{
	util_memo_head *h = (util_memo_head *) entry;

	if (entry == NULL)
		return;
	memcpy((char *) entry + text_offset, s, len);
	h->len = (int) len;
	h->stamp = stamp;
}

/* the two calls for a table of a given type with a text member */
#define UTIL_MEMO_SLOT(table, nslots, type, textmember, stamp, s, len, hit) \
	((type *) util_memo_slot((table), (nslots), sizeof(type), \
							 offsetof(type, textmember), \
							 sizeof(((type *) 0)->textmember), \
							 (stamp), (s), (len), (hit)))
#define UTIL_MEMO_FILL(entry, type, textmember, stamp, s, len) \
	util_memo_fill((entry), offsetof(type, textmember), (stamp), (s), (len))

#endif							/* J7599_UTIL_H */
