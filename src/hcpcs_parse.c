/*
 * src/hcpcs_parse.c
 *
 * HCPCS lines: a procedure or supply code with up to four modifiers.
 *
 * Accepted input (case-insensitive, blanks -- space and tab -- around the
 * line ignored), every form meaning J7599 with JZ then KX:
 *
 *   J7599-JZ-KX       hyphen-separated, the canonical output form
 *   J7599:JZ:KX       colon-separated as in X12 SV101, optionally with the
 *   HC:J7599:JZ:KX    "HC" qualifier (only in this form)
 *   J7599 JZ KX       blank-separated; a run of blanks is one separator
 *   J7599JZKX         concatenated: the code is 5, each modifier 2 characters
 *
 * One line uses one kind of separator.  Empty parts ("J7599--JZ", a trailing
 * "-") are errors.  Duplicated and unknown but well-formed modifiers are
 * accepted here: they are rule findings, not syntax errors.
 *
 * Reasons quote the offending part, shortened to a few characters and with
 * every byte outside printable ASCII written as \xHH, so a reason is always
 * printable ASCII (valid in any server encoding) and fits CODES_REASON_MAX.
 * Positions in reasons count bytes of the input as given, from 1.
 *
 * Every function accepts a NULL reason pointer (no reason is written then).
 *
 * Packing (hcpcs_pack) keeps the order of the canonical text:
 *
 *   bits 62..44  code ordinal, 0..389999
 *                  digit-first code dddd + c:  dddd * 13 + rank(c), where
 *                  rank is 0-9 for digits, 10 F, 11 T, 12 U  (0..129999)
 *                  letter-first code L + dddd: 130000 + L * 10000 + dddd
 *   bits 43..33  modifier 1 slot  \
 *   bits 32..22  modifier 2 slot   |  0 = no modifier, else 1 + 36*c1 + c2
 *   bits 21..11  modifier 3 slot   |  with characters ranked 0-9 then A-Z
 *   bits 10..0   modifier 4 slot  /   (1..1296); slots fill from modifier 1
 *
 * Bit 63 is always clear, so the value also fits a signed int64.
 */
#include "codes.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* a reason of CODES_REASON_MAX bytes; returns false */
#define fail(reason, ...) util_fail((reason), CODES_REASON_MAX, __VA_ARGS__)

#define ORD_LETTER_BASE 130000
#define ORD_MAX 389999
#define MOD_SLOT_MAX 1296		/* 1 + 35 * 36 + 35 */
#define MOD_SLOT_BITS 11
#define CODE_SHIFT 44

/* ------------------------------------------------------------ helpers */

/* 'character "#"' for printable ASCII, 'byte 0xC3' for anything else */
static void
describe_byte(char dst[24], unsigned char c)
{
	if (c == '"')
		snprintf(dst, 24, "character '\"'");
	else if (c > 0x20 && c < 0x7F)
		snprintf(dst, 24, "character \"%c\"", (char) c);
	else
		snprintf(dst, 24, "byte 0x%02X", (unsigned) c);
}

/* --------------------------------------------------------------- kinds */

hcpcs_code_kind
hcpcs_code_kind_of(const char *code5)
{
	int			i;

	if (code5 == NULL)
		return HCPCS_KIND_INVALID;

	if (util_is_upper((unsigned char) code5[0]))
	{
		for (i = 1; i < 5; i++)
			if (!util_is_digit((unsigned char) code5[i]))
				return HCPCS_KIND_INVALID;
		return code5[0] == 'D' ? HCPCS_KIND_CDT : HCPCS_KIND_LEVEL2;
	}
	if (!util_is_digit((unsigned char) code5[0]))
		return HCPCS_KIND_INVALID;
	for (i = 1; i < 4; i++)
		if (!util_is_digit((unsigned char) code5[i]))
			return HCPCS_KIND_INVALID;
	switch (code5[4])
	{
		case 'F':
			return HCPCS_KIND_CPT2;
		case 'T':
			return HCPCS_KIND_CPT3;
		case 'U':
			return HCPCS_KIND_PLA;
		default:
			return util_is_digit((unsigned char) code5[4]) ? HCPCS_KIND_CPT : HCPCS_KIND_INVALID;
	}
}

const char *
hcpcs_code_kind_name(hcpcs_code_kind kind)
{
	switch (kind)
	{
		case HCPCS_KIND_LEVEL2:
			return "hcpcs_level2";
		case HCPCS_KIND_CDT:
			return "cdt";
		case HCPCS_KIND_CPT:
			return "cpt";
		case HCPCS_KIND_CPT2:
			return "cpt_category2";
		case HCPCS_KIND_CPT3:
			return "cpt_category3";
		case HCPCS_KIND_PLA:
			return "cpt_pla";
		case HCPCS_KIND_INVALID:
			break;
	}
	return "invalid";
}

/* ------------------------------------------------- codes and modifiers */

static void
trim(const char **s, size_t *len)
{
	size_t		offset;

	util_trim_blanks(s, len, &offset);
}

bool
hcpcs_parse_code(const char *s, size_t len, char out[6], char *reason)
{
	char		q[UTIL_QUOTE_BUF];
	char		up[6];
	size_t		i;

	trim(&s, &len);
	if (len == 0)
		return fail(reason, "the code is empty");
	if (len != 5)
	{
		util_quote_reason(q, s, len);
		return fail(reason, "code %s must be 5 characters", q);
	}
	for (i = 0; i < 5; i++)
		up[i] = util_to_upper(s[i]);
	up[5] = '\0';
	if (hcpcs_code_kind_of(up) == HCPCS_KIND_INVALID)
	{
		util_quote_reason(q, s, len);
		return fail(reason, "code %s is not a HCPCS Level II code (a letter and 4 digits) "
					"or a CPT code (5 digits, or 4 digits and F, T or U)", q);
	}
	memcpy(out, up, 6);
	return true;
}

bool
hcpcs_parse_modifier(const char *s, size_t len, int position,
					 char out[3], char *reason)
{
	char		q[UTIL_QUOTE_BUF];
	char		which[24];

	trim(&s, &len);
	if (len == 2 && util_is_alnum((unsigned char) s[0]) && util_is_alnum((unsigned char) s[1]))
	{
		out[0] = util_to_upper(s[0]);
		out[1] = util_to_upper(s[1]);
		out[2] = '\0';
		return true;
	}
	/* the reason is only formatted on the way to a failure */
	if (position > 0)
		snprintf(which, sizeof(which), "modifier %d", position);
	else
		snprintf(which, sizeof(which), "the modifier");
	if (len == 0)
		return fail(reason, "%s is empty", which);
	util_quote_reason(q, s, len);
	/* "the modifier" reads badly before a quote: drop the article */
	return fail(reason, "%s %s must be two letters or digits",
				position > 0 ? which : "modifier", q);
}

/* ---------------------------------------------------------------- lines */

#define SEP_HYPHEN 1
#define SEP_COLON 2
#define SEP_BLANK 4

static const char *
sep_name(int kind)
{
	switch (kind)
	{
		case SEP_HYPHEN:
			return "\"-\"";
		case SEP_COLON:
			return "\":\"";
		default:
			return "blanks";
	}
}

static const char *
sep_item_name(int kind)
{
	switch (kind)
	{
		case SEP_HYPHEN:
			return "\"-\"";
		case SEP_COLON:
			return "\":\"";
		default:
			return "a blank";
	}
}

/* count the non-empty parts in s[from, to) split by sep (blank = runs) */
static size_t
count_parts(const char *s, size_t from, size_t to, int sepkind)
{
	size_t		n = 0;
	bool		in_part = false;
	size_t		i;

	for (i = from; i < to; i++)
	{
		unsigned char c = (unsigned char) s[i];
		bool		is_sep = (sepkind == SEP_BLANK) ? util_is_blank(c) :
			(sepkind == SEP_HYPHEN ? c == '-' : c == ':');

		if (is_sep)
			in_part = false;
		else if (!in_part)
		{
			in_part = true;
			n++;
		}
	}
	return n;
}

static bool
too_many(char *reason, size_t found)
{
	return fail(reason, "a line carries at most %d modifiers, found %zu",
				HCPCS_MAX_MODIFIERS, found);
}

/* the concatenated form: J7599JZKX */
static bool
parse_concatenated(const char *s, size_t len, hcpcs_line_parts *out, char *reason)
{
	size_t		nmods;
	size_t		k;

	if (len <= 5)
		return hcpcs_parse_code(s, len, out->code, reason);
	if (!hcpcs_parse_code(s, 5, out->code, reason))
		return false;
	nmods = (len - 5 + 1) / 2;
	if (nmods > HCPCS_MAX_MODIFIERS)
		return fail(reason, "a line carries at most %d modifiers, found %zu "
					"(without separators the code takes 5 characters and each modifier 2)",
					HCPCS_MAX_MODIFIERS, nmods);
	for (k = 0; k < nmods; k++)
	{
		size_t		at = 5 + 2 * k;

		if (len - at < 2)
		{
			char		q[UTIL_QUOTE_BUF];

			util_quote_reason(q, s + at, len - at);
			return fail(reason, "modifier %d %s must be two letters or digits "
						"(without separators the code takes 5 characters and each modifier 2)",
						(int) k + 1, q);
		}
		if (!hcpcs_parse_modifier(s + at, 2, (int) k + 1, out->mods[k], reason))
			return false;
	}
	out->nmods = (int) nmods;
	return true;
}

bool
hcpcs_parse_line(const char *s, size_t len, hcpcs_line_parts *out, char *reason)
{
	hcpcs_line_parts parts;
	size_t		b = 0;
	size_t		e = len;
	size_t		p;
	size_t		i;
	size_t		first_at[3] = {0, 0, 0};	/* by SEP_* bit index */
	int			kinds = 0;
	int			sepkind;
	bool		has_hc = false;
	size_t		k;
	size_t		start;

	memset(&parts, 0, sizeof(parts));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (s == NULL)
		len = e = 0;

	util_trim_range(s, &b, &e);
	if (b == e)
		return fail(reason, len == 0 ? "the input is empty" : "the input contains only blanks");

	/* every byte must be a letter, a digit or a separator */
	for (i = b; i < e; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (!util_is_alnum(c) && c != '-' && c != ':' && !util_is_blank(c))
		{
			char		what[24];

			describe_byte(what, c);
			return fail(reason, "%s at position %zu is not a letter, digit or separator",
						what, i + 1);
		}
	}

	/* the X12 qualifier "HC:" */
	p = b;
	if (e - b >= 3 && util_to_upper(s[b]) == 'H' && util_to_upper(s[b + 1]) == 'C' && s[b + 2] == ':')
	{
		has_hc = true;
		kinds = SEP_COLON;
		first_at[1] = b + 2;
		p = b + 3;
		if (p == e)
			return fail(reason, "nothing follows the \"HC:\" qualifier");
	}

	/* which separators occur */
	for (i = p; i < e; i++)
	{
		unsigned char c = (unsigned char) s[i];
		int			kind = (c == '-') ? SEP_HYPHEN : (c == ':') ? SEP_COLON :
			util_is_blank(c) ? SEP_BLANK : 0;
		int			bit = (kind == SEP_HYPHEN) ? 0 : (kind == SEP_COLON) ? 1 : 2;

		if (kind != 0 && !(kinds & kind))
		{
			kinds |= kind;
			first_at[bit] = i;
		}
	}
	if (kinds == (SEP_HYPHEN | SEP_COLON | SEP_BLANK))
		return fail(reason, "\"-\", \":\" and blanks are mixed as separators");
	if (kinds != 0 && (kinds & (kinds - 1)) != 0)
	{
		/* two kinds: name both and where the later one first appears */
		int			k1 = kinds & -kinds;
		int			k2 = kinds & ~k1;
		size_t		at1 = first_at[k1 == SEP_HYPHEN ? 0 : 1];
		size_t		at2 = first_at[k2 == SEP_COLON ? 1 : 2];
		int			later = at1 > at2 ? k1 : k2;

		return fail(reason, "%s and %s are mixed as separators (%s at position %zu)",
					sep_name(k1), sep_name(k2), sep_item_name(later),
					(at1 > at2 ? at1 : at2) + 1);
	}

	if (kinds == 0)
	{
		if (!parse_concatenated(s + p, e - p, &parts, reason))
			return false;
		if (out != NULL)
			*out = parts;
		return true;
	}
	sepkind = kinds;

	/* split and check each part, left to right */
	k = 0;
	start = p;
	for (i = p; i <= e; i++)
	{
		bool		at_sep;
		size_t		plen;

		if (i < e)
		{
			unsigned char c = (unsigned char) s[i];

			at_sep = (sepkind == SEP_BLANK) ? util_is_blank(c) :
				(c == (sepkind == SEP_HYPHEN ? '-' : ':'));
			if (!at_sep)
				continue;
		}
		plen = i - start;

		if (plen == 0)
		{
			/* only "-" and ":" can leave an empty part (blanks are trimmed) */
			char		sc = (sepkind == SEP_HYPHEN) ? '-' : ':';

			if (k == 0 && has_hc)
				return fail(reason, "the code is empty (\"%c%c\" at position %zu)", sc, sc, i);
			if (k == 0)
				return fail(reason, "the code is empty (the line starts with \"%c\")", sc);
			if (i == e)
				return fail(reason, "modifier %zu is empty (the line ends with \"%c\")", k, sc);
			return fail(reason, "modifier %zu is empty (\"%c%c\" at position %zu)", k, sc, sc, i);
		}

		if (k == 0)
		{
			if (!has_hc && plen == 2 && util_to_upper(s[start]) == 'H' &&
				util_to_upper(s[start + 1]) == 'C' && i < e)
				return fail(reason, "the \"HC\" qualifier may only be followed by \":\", "
							"as in \"HC:J7599:JZ\"");
			if (!hcpcs_parse_code(s + start, plen, parts.code, reason))
				return false;
		}
		else if (k <= HCPCS_MAX_MODIFIERS)
		{
			if (!hcpcs_parse_modifier(s + start, plen, (int) k, parts.mods[k - 1], reason))
				return false;
			parts.nmods = (int) k;
		}
		else
			return too_many(reason, HCPCS_MAX_MODIFIERS + count_parts(s, start, e, sepkind));

		k++;
		/* a run of blanks is one separator */
		if (sepkind == SEP_BLANK)
			while (i + 1 < e && util_is_blank((unsigned char) s[i + 1]))
				i++;
		start = i + 1;
	}

	if (out != NULL)
		*out = parts;
	return true;
}

/* -------------------------------------------------------------- packing */

static int
char_rank36(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return 10 + (c - 'A');
	return -1;
}

static char
rank36_char(int r)
{
	return (char) (r < 10 ? '0' + r : 'A' + (r - 10));
}

/* ordinal of a valid upper-case code, -1 when it is not one */
static int32_t
code_ordinal(const char *code)
{
	hcpcs_code_kind kind = hcpcs_code_kind_of(code);
	int32_t		n;

	if (kind == HCPCS_KIND_INVALID || code[5] != '\0')
		return -1;
	if (kind == HCPCS_KIND_LEVEL2 || kind == HCPCS_KIND_CDT)
	{
		n = (code[1] - '0') * 1000 + (code[2] - '0') * 100 + (code[3] - '0') * 10 + (code[4] - '0');
		return ORD_LETTER_BASE + (code[0] - 'A') * 10000 + n;
	}
	n = (code[0] - '0') * 1000 + (code[1] - '0') * 100 + (code[2] - '0') * 10 + (code[3] - '0');
	switch (kind)
	{
		case HCPCS_KIND_CPT2:
			return n * 13 + 10;
		case HCPCS_KIND_CPT3:
			return n * 13 + 11;
		case HCPCS_KIND_PLA:
			return n * 13 + 12;
		default:
			return n * 13 + (code[4] - '0');
	}
}

static uint64_t
mod_slot(const char *m)
{
	int			r1 = char_rank36(m[0]);
	int			r2 = (r1 < 0) ? -1 : char_rank36(m[1]);

	if (r1 < 0 || r2 < 0 || m[2] != '\0')
		return 0;
	return (uint64_t) (1 + r1 * 36 + r2);
}

/*
 * The parts must be valid (as produced by hcpcs_parse_line or hcpcs_unpack);
 * for anything else the result is UINT64_MAX, which is never a valid packing
 * (bit 63 set) and which hcpcs_unpack rejects.
 */
uint64_t
hcpcs_pack(const hcpcs_line_parts *p)
{
	int32_t		ord;
	uint64_t	v;
	int			i;

	if (p == NULL || p->nmods < 0 || p->nmods > HCPCS_MAX_MODIFIERS)
		return UINT64_MAX;
	ord = code_ordinal(p->code);
	if (ord < 0)
		return UINT64_MAX;
	v = (uint64_t) ord << CODE_SHIFT;
	for (i = 0; i < p->nmods; i++)
	{
		uint64_t	slot = mod_slot(p->mods[i]);

		if (slot == 0)
			return UINT64_MAX;
		v |= slot << (MOD_SLOT_BITS * (HCPCS_MAX_MODIFIERS - 1 - i));
	}
	return v;
}

bool
hcpcs_unpack(uint64_t v, hcpcs_line_parts *out)
{
	hcpcs_line_parts parts;
	uint64_t	ord;
	bool		gap = false;
	int			i;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (v >> 63)
		return false;
	ord = v >> CODE_SHIFT;
	if (ord > ORD_MAX)
		return false;

	memset(&parts, 0, sizeof(parts));
	if (ord < ORD_LETTER_BASE)
	{
		unsigned	n = (unsigned) (ord / 13);
		unsigned	last = (unsigned) (ord % 13);

		parts.code[0] = (char) ('0' + n / 1000);
		parts.code[1] = (char) ('0' + n / 100 % 10);
		parts.code[2] = (char) ('0' + n / 10 % 10);
		parts.code[3] = (char) ('0' + n % 10);
		parts.code[4] = last < 10 ? (char) ('0' + last) : "FTU"[last - 10];
	}
	else
	{
		unsigned	n = (unsigned) (ord - ORD_LETTER_BASE);
		unsigned	d = n % 10000;

		parts.code[0] = (char) ('A' + n / 10000);
		parts.code[1] = (char) ('0' + d / 1000);
		parts.code[2] = (char) ('0' + d / 100 % 10);
		parts.code[3] = (char) ('0' + d / 10 % 10);
		parts.code[4] = (char) ('0' + d % 10);
	}

	for (i = 0; i < HCPCS_MAX_MODIFIERS; i++)
	{
		unsigned	slot = (unsigned) ((v >> (MOD_SLOT_BITS * (HCPCS_MAX_MODIFIERS - 1 - i))) &
									   ((1u << MOD_SLOT_BITS) - 1));

		if (slot == 0)
		{
			gap = true;
			continue;
		}
		if (gap || slot > MOD_SLOT_MAX)
			return false;
		parts.mods[i][0] = rank36_char((int) (slot - 1) / 36);
		parts.mods[i][1] = rank36_char((int) (slot - 1) % 36);
		parts.nmods = i + 1;
	}

	if (out != NULL)
		*out = parts;
	return true;
}

size_t
hcpcs_format(const hcpcs_line_parts *p, char *buf)
{
	size_t		o = 0;
	int			nmods;
	int			i;
	int			j;

	if (buf == NULL)
		return 0;
	if (p == NULL)
	{
		buf[0] = '\0';
		return 0;
	}
	for (j = 0; j < 5 && p->code[j] != '\0'; j++)
		buf[o++] = p->code[j];
	nmods = p->nmods < 0 ? 0 : p->nmods > HCPCS_MAX_MODIFIERS ? HCPCS_MAX_MODIFIERS : p->nmods;
	for (i = 0; i < nmods; i++)
	{
		buf[o++] = '-';
		for (j = 0; j < 2 && p->mods[i][j] != '\0'; j++)
			buf[o++] = p->mods[i][j];
	}
	buf[o] = '\0';
	return o;
}
