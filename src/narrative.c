/*
 * src/narrative.c
 *
 * Reading a line narrative: strength/dose, a drug-like word, and the drug
 * names of a set, all by scanning the bytes once with no allocation.  See
 * narrative.h for the text model.
 */
#include "narrative.h"
#include "util.h"

#include <string.h>

/* character classes */
#define NC_SEP		0
#define NC_LETTER	1
#define NC_DIGIT	2

#define INDEX_MAGIC 0x6e617278u	/* "narx" */

/* ---------------------------------------------------------------- lists */

/*
 * Units of a strength or dose, lower case.  A unit ending in a letter must end
 * its word.  Letters-only units double as stopwords for narr_has_drug_word.
 */
typedef struct unit_word
{
	const char *text;
	size_t		len;
} unit_word;

#define U(s) {s, sizeof(s) - 1}
static const unit_word units[] = {
	U("%"), U("g"), U("gm"), U("gram"), U("grams"), U("iu"), U("mcg"), U("mg"),
	U("microgram"), U("micrograms"), U("milligram"), U("milligrams"),
	U("milliliter"), U("milliliters"), U("millilitre"), U("millilitres"),
	U("ml"), U("ug"), U("unit"), U("units"),
	U("\xc2\xb5g"),				/* micro sign + g */
	U("\xce\xbcg"),				/* Greek mu + g */
};
#undef U

/*
 * Direction, form and filler words: what a narrative says besides the drug
 * name.  The one list behind narr_has_drug_word.  Lower case, sorted in byte
 * order (the lookup is a binary search; the unit test checks the order).
 * Short words cannot qualify as a drug name anyway; they are listed so the
 * list reads as what it is.
 */
static const char *const stopwords[] = {
	"about", "administer", "administered", "administration", "after", "again", "also", "and",
	"apply", "as", "at", "bedtime", "before", "bid", "brand", "by",
	"cap", "caps", "capsule", "capsules", "chew", "chewable", "chewed", "classified",
	"compound", "compounded", "daily", "day", "days", "delayed", "delivery", "directed",
	"disp", "dispense", "dispensed", "dispensing", "dosage", "dose", "doses", "drink",
	"drug", "drugs", "each", "eight", "evening", "every", "extended", "food",
	"for", "form", "formulation", "four", "from", "generic", "give", "given",
	"half", "heart", "home", "hour", "hourly", "hours", "hrs", "immediate",
	"immunosuppressant", "immunosuppressants", "immunosuppression", "immunosuppressive", "in", "inject", "injection", "instructions",
	"intravenous", "intravenously", "iv", "kidney", "liquid", "liver", "lung", "mail",
	"meal", "meals", "medication", "medications", "medicine", "misc", "miscellaneous", "month",
	"monthly", "months", "morning", "mouth", "name", "needed", "night", "nine",
	"noc", "not", "of", "once", "one", "only", "or", "oral",
	"orally", "order", "organ", "other", "otherwise", "packet", "packets", "patient",
	"per", "pharmacy", "pill", "pills", "po", "post", "prescribed", "prescription",
	"prn", "prophylaxis", "provided", "qam", "qd", "qhs", "qid", "qod",
	"qpm", "qty", "quantity", "refill", "refills", "rejection", "release", "same",
	"seven", "sig", "six", "solution", "specified", "strength", "subcutaneous", "supplied",
	"supply", "suspension", "tab", "tablet", "tablets", "tabs", "take", "taken",
	"takes", "ten", "than", "then", "three", "tid", "time", "times",
	"total", "transplant", "twice", "two", "unclassified", "under", "unknown", "unlisted",
	"until", "use", "used", "vial", "vials", "week", "weekly", "weeks",
	"while", "with", "without", "year", "years",
};

#define N_UNITS (sizeof(units) / sizeof(units[0]))
#define N_STOPWORDS (sizeof(stopwords) / sizeof(stopwords[0]))

/* ----------------------------------------------------------- characters */

/* non-ASCII code points that separate words */
static bool
unicode_is_separator(uint32_t cp)
{
	if (cp >= 0x80 && cp <= 0xBF)
	{
		/* Latin-1 punctuation and symbols, except letters and number signs */
		switch (cp)
		{
			case 0xAA:			/* feminine ordinal */
			case 0xB2:			/* superscript two */
			case 0xB3:			/* superscript three */
			case 0xB5:			/* micro sign */
			case 0xB9:			/* superscript one */
			case 0xBA:			/* masculine ordinal */
			case 0xBC:			/* vulgar fractions */
			case 0xBD:
			case 0xBE:
				return false;
			default:
				return true;
		}
	}
	if (cp == 0xD7 || cp == 0xF7)	/* multiplication and division signs */
		return true;
	if (cp >= 0x2000 && cp <= 0x206F)	/* blanks, dashes, quotes, bullets */
		return true;
	if (cp == 0x2120 || cp == 0x2122)	/* service mark, trade mark */
		return true;
	if (cp >= 0x3000 && cp <= 0x3003)	/* ideographic space and marks */
		return true;
	if (cp == 0xFEFF)			/* byte order mark */
		return true;
	if (cp >= 0xFF01 && cp <= 0xFF0F)	/* full-width punctuation */
		return true;
	return false;
}

/* classes of the ASCII bytes */
static const unsigned char ascii_class[128] = {
	['0'] = NC_DIGIT, ['1'] = NC_DIGIT, ['2'] = NC_DIGIT, ['3'] = NC_DIGIT,
	['4'] = NC_DIGIT, ['5'] = NC_DIGIT, ['6'] = NC_DIGIT, ['7'] = NC_DIGIT,
	['8'] = NC_DIGIT, ['9'] = NC_DIGIT,
	['A'] = NC_LETTER, ['B'] = NC_LETTER, ['C'] = NC_LETTER, ['D'] = NC_LETTER,
	['E'] = NC_LETTER, ['F'] = NC_LETTER, ['G'] = NC_LETTER, ['H'] = NC_LETTER,
	['I'] = NC_LETTER, ['J'] = NC_LETTER, ['K'] = NC_LETTER, ['L'] = NC_LETTER,
	['M'] = NC_LETTER, ['N'] = NC_LETTER, ['O'] = NC_LETTER, ['P'] = NC_LETTER,
	['Q'] = NC_LETTER, ['R'] = NC_LETTER, ['S'] = NC_LETTER, ['T'] = NC_LETTER,
	['U'] = NC_LETTER, ['V'] = NC_LETTER, ['W'] = NC_LETTER, ['X'] = NC_LETTER,
	['Y'] = NC_LETTER, ['Z'] = NC_LETTER,
	['a'] = NC_LETTER, ['b'] = NC_LETTER, ['c'] = NC_LETTER, ['d'] = NC_LETTER,
	['e'] = NC_LETTER, ['f'] = NC_LETTER, ['g'] = NC_LETTER, ['h'] = NC_LETTER,
	['i'] = NC_LETTER, ['j'] = NC_LETTER, ['k'] = NC_LETTER, ['l'] = NC_LETTER,
	['m'] = NC_LETTER, ['n'] = NC_LETTER, ['o'] = NC_LETTER, ['p'] = NC_LETTER,
	['q'] = NC_LETTER, ['r'] = NC_LETTER, ['s'] = NC_LETTER, ['t'] = NC_LETTER,
	['u'] = NC_LETTER, ['v'] = NC_LETTER, ['w'] = NC_LETTER, ['x'] = NC_LETTER,
	['y'] = NC_LETTER, ['z'] = NC_LETTER,
};

/* class of a character that starts with a byte >= 0x80 */
static int
char_class_utf8(const unsigned char *s, size_t len, size_t *adv)
{
	unsigned char c = s[0];
	uint32_t	cp;
	size_t		n;
	size_t		i;

	*adv = 1;
	if (c >= 0xC2 && c <= 0xDF)
	{
		n = 2;
		cp = c & 0x1F;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		cp = c & 0x0F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		cp = c & 0x07;
	}
	else
		return NC_LETTER;		/* stray byte */
	if (n > len)
		return NC_LETTER;
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return NC_LETTER;
		cp = (cp << 6) | (uint32_t) (s[i] & 0x3F);
	}
	*adv = n;
	return unicode_is_separator(cp) ? NC_SEP : NC_LETTER;
}

/*
 * Class of the character at s (len > 0 bytes available); *adv gets its
 * length in bytes (1..4, never more than len).
 */
static inline int
char_class(const unsigned char *s, size_t len, size_t *adv)
{
	if (s[0] < 0x80)
	{
		*adv = 1;
		return ascii_class[s[0]];
	}
	return char_class_utf8(s, len, adv);
}

/* a blank between a number and its unit: space, tab, no-break space */
static size_t
blank_len(const unsigned char *s, size_t len)
{
	if (len >= 1 && util_is_blank(s[0]))
		return 1;
	if (len >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	return 0;
}

bool
narr_next_word(const char *str, size_t len, size_t *pos, size_t *start,
			   size_t *wlen)
{
	const unsigned char *s = (const unsigned char *) str;
	size_t		i = *pos;
	size_t		adv;

	if (str == NULL)
		return false;
	/* skip separators */
	while (i < len && char_class(s + i, len - i, &adv) == NC_SEP)
		i += adv;
	if (i >= len)
	{
		*pos = len;
		return false;
	}
	*start = i;
	while (i < len && char_class(s + i, len - i, &adv) != NC_SEP)
		i += adv;
	*wlen = i - *start;
	*pos = i;
	return true;
}

/* case-insensitive (ASCII) comparison of a text span with a lower-case word */
static int
cmp_folded(const unsigned char *w, size_t wlen, const char *lower)
{
	size_t		i;

	for (i = 0; i < wlen; i++)
	{
		unsigned char a = util_to_lower(w[i]);
		unsigned char b = (unsigned char) lower[i];

		if (b == '\0')
			return 1;			/* lower is a proper prefix of w */
		if (a != b)
			return a < b ? -1 : 1;
	}
	return lower[wlen] == '\0' ? 0 : -1;
}

/* ----------------------------------------------------------------- dose */

/* end of the number starting at i (a digit, or a dot before a digit) */
static size_t
number_end(const unsigned char *s, size_t len, size_t i)
{
	size_t		j = i;

	if (util_is_digit(s[j]))
	{
		while (j < len && util_is_digit(s[j]))
			j++;
		/* thousands groups: ",ddd" not followed by another digit */
		while (j + 3 < len && s[j] == ',' &&
			   util_is_digit(s[j + 1]) && util_is_digit(s[j + 2]) &&
			   util_is_digit(s[j + 3]) &&
			   (j + 4 == len || !util_is_digit(s[j + 4])))
			j += 4;
	}
	if (j + 1 < len && s[j] == '.' && util_is_digit(s[j + 1]))
	{
		j++;
		while (j < len && util_is_digit(s[j]))
			j++;
	}
	return j;
}

/* is one of the units at s[0..len), ending its word where it must? */
static bool
unit_at(const unsigned char *s, size_t len)
{
	size_t		u;
	unsigned char first = util_to_lower(s[0]);

	/* every unit starts with one of these */
	if (first != 'm' && first != 'g' && first != 'u' && first != 'i' &&
		first != '%' && first != 0xC2 && first != 0xCE)
		return false;
	for (u = 0; u < N_UNITS; u++)
	{
		const char *unit = units[u].text;
		size_t		ulen = units[u].len;
		size_t		k;
		bool		same = true;

		if (ulen > len)
			continue;
		for (k = 0; k < ulen; k++)
		{
			if (util_to_lower(s[k]) != (unsigned char) unit[k])
			{
				same = false;
				break;
			}
		}
		if (!same)
			continue;
		if (util_is_letter((unsigned char) unit[ulen - 1]) && ulen < len)
		{
			size_t		adv;

			if (char_class(s + ulen, len - ulen, &adv) != NC_SEP)
				continue;		/* "5 mgx": not a whole unit */
		}
		return true;
	}
	return false;
}

bool
narr_has_strength(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *) str;
	size_t		i = 0;

	if (str == NULL)
		return false;
	while (i < len)
	{
		unsigned char c = s[i];

		if (util_is_digit(c) || (c == '.' && i + 1 < len && util_is_digit(s[i + 1])))
		{
			size_t		end = number_end(s, len, i);
			size_t		j = end;
			size_t		b;

			while (j < len && (b = blank_len(s + j, len - j)) > 0)
				j += b;
			if (j < len && unit_at(s + j, len - j))
				return true;
			i = end;
			continue;
		}
		i++;
	}
	return false;
}

/* ------------------------------------------------------------ drug word */

static bool
is_unit_word(const unsigned char *w, size_t len)
{
	size_t		u;

	for (u = 0; u < N_UNITS; u++)
		if (units[u].len == len && cmp_folded(w, len, units[u].text) == 0)
			return true;
	return false;
}

/* a word against one entry of stopwords[], for util_bsearch */
typedef struct word_key
{
	const unsigned char *w;
	size_t		len;
} word_key;

static int
cmp_stopword(const void *key, const void *elem)
{
	const word_key *k = (const word_key *) key;

	return cmp_folded(k->w, k->len, *(const char *const *) elem);
}

bool
narr_is_stopword(const char *w, size_t len)
{
	word_key	key;

	if (w == NULL)
		return false;
	if (is_unit_word((const unsigned char *) w, len))
		return true;
	key.w = (const unsigned char *) w;
	key.len = len;
	return util_bsearch(&key, stopwords, N_STOPWORDS, sizeof(stopwords[0]),
						cmp_stopword) >= 0;
}

const char *const *
narr_stopwords(size_t *n)
{
	*n = N_STOPWORDS;
	return stopwords;
}

bool
narr_has_drug_word(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *) str;
	size_t		i = 0;

	if (str == NULL)
		return false;
	while (i < len)
	{
		size_t		adv;
		size_t		start;
		size_t		letters = 0;

		if (char_class(s + i, len - i, &adv) != NC_LETTER)
		{
			i += adv;
			continue;
		}
		/* a run of letters; digits and separators end it */
		start = i;
		while (i < len && char_class(s + i, len - i, &adv) == NC_LETTER)
		{
			i += adv;
			letters++;
		}
		if (letters >= 4 && !narr_is_stopword(str + start, i - start))
			return true;
	}
	return false;
}

/* ----------------------------------------------------------- name index */

typedef struct nx_word
{
	uint32_t	off;			/* into text */
	uint32_t	len;
} nx_word;

typedef struct nx_name
{
	uint32_t	first_word;
	uint32_t	nwords;			/* 0: never matches */
	uint32_t	hash;			/* of the first word */
	int32_t		next;			/* next name in the bucket, -1 ends */
} nx_name;

struct narr_index
{
	uint32_t	magic;
	int32_t		nnames;
	uint32_t	nbuckets;		/* power of two */
	uint32_t	nwords;
	int32_t    *buckets;		/* first name of each bucket, -1 empty */
	nx_name    *names;
	nx_word    *words;
	char	   *text;			/* words, folded to lower case */
};

#define ALIGN8(x) (((x) + (size_t) 7) & ~(size_t) 7)

static uint32_t
hash_folded(const unsigned char *s, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		h ^= util_to_lower(s[i]);
		h *= 16777619u;
	}
	return h;
}

static bool
word_equal(const narr_index *ix, const nx_word *w, const unsigned char *s,
		   size_t len)
{
	const unsigned char *t = (const unsigned char *) ix->text + w->off;
	size_t		i;

	if (w->len != len)
		return false;
	for (i = 0; i < len; i++)
		if (util_to_lower(s[i]) != t[i])
			return false;
	return true;
}

static uint32_t
bucket_count(int n)
{
	uint32_t	b = 8;

	while (b < (uint32_t) n * 2u && b < (1u << 30))
		b <<= 1;
	return b;
}

/* counts words and their bytes over all names */
static void
count_words(const char *const *names, const size_t *lens, int n,
			size_t *nwords, size_t *nbytes)
{
	int			k;

	*nwords = 0;
	*nbytes = 0;
	for (k = 0; k < n; k++)
	{
		size_t		pos = 0;
		size_t		ws;
		size_t		wl;

		if (names[k] == NULL)
			continue;
		while (narr_next_word(names[k], lens[k], &pos, &ws, &wl))
		{
			(*nwords)++;
			*nbytes += wl;
		}
	}
}

static size_t
layout(int n, size_t nwords, size_t nbytes, size_t *off_names,
	   size_t *off_words, size_t *off_buckets, size_t *off_text)
{
	size_t		sz = ALIGN8(sizeof(narr_index));

	*off_names = sz;
	sz = ALIGN8(sz + (size_t) n * sizeof(nx_name));
	*off_words = sz;
	sz = ALIGN8(sz + nwords * sizeof(nx_word));
	*off_buckets = sz;
	sz = ALIGN8(sz + (size_t) bucket_count(n) * sizeof(int32_t));
	*off_text = sz;
	return sz + nbytes + 1;
}

size_t
narr_index_size(const char *const *names, const size_t *lens, int n)
{
	size_t		nwords;
	size_t		nbytes;
	size_t		a,
				b,
				c,
				d;

	if (n < 0)
		return 0;
	count_words(names, lens, n, &nwords, &nbytes);
	return layout(n, nwords, nbytes, &a, &b, &c, &d);
}

narr_index *
narr_index_build(void *mem, size_t size, const char *const *names,
				 const size_t *lens, int n)
{
	narr_index *ix;
	size_t		nwords;
	size_t		nbytes;
	size_t		off_names,
				off_words,
				off_buckets,
				off_text;
	size_t		need;
	size_t		w = 0;
	size_t		t = 0;
	uint32_t	b;
	int			k;

	if (mem == NULL || n < 0 || n > (1 << 28))
		return NULL;
	count_words(names, lens, n, &nwords, &nbytes);
	if (nwords > UINT32_MAX || nbytes > UINT32_MAX)
		return NULL;
	need = layout(n, nwords, nbytes, &off_names, &off_words, &off_buckets,
				  &off_text);
	if (size < need)
		return NULL;

	ix = (narr_index *) mem;
	memset(ix, 0, sizeof(*ix));
	ix->magic = INDEX_MAGIC;
	ix->nnames = n;
	ix->nbuckets = bucket_count(n);
	ix->nwords = (uint32_t) nwords;
	ix->names = (nx_name *) ((char *) mem + off_names);
	ix->words = (nx_word *) ((char *) mem + off_words);
	ix->buckets = (int32_t *) ((char *) mem + off_buckets);
	ix->text = (char *) mem + off_text;

	for (b = 0; b < ix->nbuckets; b++)
		ix->buckets[b] = -1;

	for (k = 0; k < n; k++)
	{
		nx_name    *nm = &ix->names[k];
		size_t		pos = 0;
		size_t		ws;
		size_t		wl;

		nm->first_word = (uint32_t) w;
		nm->nwords = 0;
		nm->hash = 0;
		nm->next = -1;
		if (names[k] == NULL)
			continue;
		while (narr_next_word(names[k], lens[k], &pos, &ws, &wl))
		{
			const unsigned char *src = (const unsigned char *) names[k] + ws;
			size_t		i;

			if (nm->nwords == 0)
				nm->hash = hash_folded(src, wl);
			ix->words[w].off = (uint32_t) t;
			ix->words[w].len = (uint32_t) wl;
			for (i = 0; i < wl; i++)
				ix->text[t++] = (char) util_to_lower(src[i]);
			w++;
			nm->nwords++;
		}
	}
	ix->text[t] = '\0';

	/* chain names into buckets; lower ids end up first in each chain */
	for (k = n - 1; k >= 0; k--)
	{
		nx_name    *nm = &ix->names[k];

		if (nm->nwords == 0)
			continue;
		b = nm->hash & (ix->nbuckets - 1);
		nm->next = ix->buckets[b];
		ix->buckets[b] = k;
	}
	return ix;
}

int
narr_index_count(const narr_index *ix)
{
	return ix ? ix->nnames : 0;
}

/* does the name match the text from the word at ws/wl, the rest from pos? */
static bool
name_matches(const narr_index *ix, const nx_name *nm, const char *s,
			 size_t len, size_t ws, size_t wl, size_t pos)
{
	uint32_t	k;

	if (!word_equal(ix, &ix->words[nm->first_word],
					(const unsigned char *) s + ws, wl))
		return false;
	for (k = 1; k < nm->nwords; k++)
	{
		size_t		s2;
		size_t		l2;

		if (!narr_next_word(s, len, &pos, &s2, &l2))
			return false;
		if (!word_equal(ix, &ix->words[nm->first_word + k],
						(const unsigned char *) s + s2, l2))
			return false;
	}
	return true;
}

int
narr_index_scan(const narr_index *ix, const char *s, size_t len, int *ids,
				int max_ids)
{
	size_t		pos = 0;
	size_t		ws;
	size_t		wl;
	int			found = 0;

	if (ix == NULL || ix->magic != INDEX_MAGIC || ix->nnames <= 0 ||
		s == NULL || ids == NULL || max_ids <= 0)
		return 0;

	while (narr_next_word(s, len, &pos, &ws, &wl))
	{
		uint32_t	h = hash_folded((const unsigned char *) s + ws, wl);
		int32_t		best = -1;
		uint32_t	best_words = 0;
		int32_t		k;
		int			i;

		for (k = ix->buckets[h & (ix->nbuckets - 1)]; k >= 0; k = ix->names[k].next)
		{
			const nx_name *nm = &ix->names[k];

			if (nm->hash != h || nm->nwords <= best_words)
				continue;		/* ties keep the lower id, met first */
			if (name_matches(ix, nm, s, len, ws, wl, pos))
			{
				best = k;
				best_words = nm->nwords;
			}
		}
		if (best < 0)
			continue;
		for (i = 0; i < found; i++)
			if (ids[i] == best)
				break;
		if (i == found)
		{
			ids[found++] = best;
			if (found == max_ids)
				break;
		}
	}
	return found;
}
