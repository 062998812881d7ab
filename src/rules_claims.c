/*
 * src/rules_claims.c
 *
 * The claim-level rules (scope "claim" in rules.def): they read the lines of
 * one claim together.  The lines are sorted by code and date, so that every
 * rule but the supply-fee one looks only at the lines of one code on one
 * date (a "group", a handful of lines).  A line is named in messages by its
 * content and, when the caller gave one, its reference (audit_claims and
 * enforce_claims pass the row key): "J7507-JW (2024-03-01, row {"id": 7})".
 * Within a group the lines are ordered by content, then reference, so the
 * findings and their messages do not depend on the order in which the
 * aggregate received the lines (which GROUP BY does not fix).
 *
 * Nothing here allocates, except the scratch arrays of the largest claim
 * seen so far (kept for the backend) and the text of a units value printed
 * into a message.
 */
#include "postgres.h"

#include <limits.h>

#include "common/int.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "claims.h"
#include "rules_int.h"

/*
 * Which lines are drug lines for the supply fees.  Q0510-Q0512 pay a
 * pharmacy for supplying an oral anti-cancer, oral anti-emetic or
 * immunosuppressive drug and are billed on the same claim as the drug (CMS
 * IOM 100-04 Ch.17 §80.3; CGS "Immunosuppressive Drugs" supply-fee
 * guidance; domain.md §2.2).  A drug line is recognised by the HCPCS
 * sections of those drugs: J7500-J7599 (immunosuppressive drugs, J7599 the
 * NOC code), J8501-J8999 (oral anti-cancer drugs and the oral anti-emetics
 * coded there: aprepitant J8501, J8597 NOS, J8655, J8670; J8498 rectal and
 * J8499 oral non-chemotherapy are not), Q0162-Q0181 (oral anti-emetics as a
 * full replacement for IV).  j7599.drug_code is not used: it lists the drug
 * names the narrative reader knows, not these sections.
 */
#define SRC_SUPPLY_FEE "Q0510-Q0512 supply fees are billed on the same claim as the oral immunosuppressive, anti-cancer or anti-emetic drug (CMS IOM 100-04 Ch.17 §80.3; CGS supply-fee billing); drug lines: HCPCS J7500-J7599, J8501-J8999, Q0162-Q0181"
#define SRC_WASTE "JW: amount discarded, billed on its own line beside the administered amount of the same drug; JZ: no amount discarded; never both for one drug and date (CMS JW/JZ modifier FAQ; Noridian, CGS drug wastage articles)"
#define SRC_DUPLICATE "j7599: two lines alike in code, modifiers, date, NDC and units are usually billed twice by mistake"

static int
code_number(const char *code)
{
	int			n = 0;

	for (int i = 1; i < 5; i++)
	{
		if (code[i] < '0' || code[i] > '9')
			return -1;
		n = n * 10 + (code[i] - '0');
	}
	return n;
}

static bool
is_supply_fee(const char *code)
{
	return code[0] == 'Q' && (strcmp(code, "Q0510") == 0 || strcmp(code, "Q0511") == 0 ||
							  strcmp(code, "Q0512") == 0);
}

static bool
is_supplied_drug(const char *code)
{
	int			n = code_number(code);

	if (n < 0)
		return false;
	if (code[0] == 'J')
		return (n >= 7500 && n <= 7599) || (n >= 8501 && n <= 8999);
	if (code[0] == 'Q')
		return n >= 162 && n <= 181;
	return false;
}

/* ------------------------------------------------------------ scratch */

typedef struct cl_item
{
	const claim_line *l;
	hcpcs_line_parts parts;
	uint32		key;
	int			payer;			/* cache index, -1 unknown */
	bool		jw;
	bool		jz;
	const char *ref;			/* the line's reference, or NULL */
	int			ref_len;
	char		text[HCPCS_LINE_TEXT_MAX];
} cl_item;

static cl_item *items = NULL;
static int	items_max = 0;

static cl_item *
scratch(int n)
{
	if (n > items_max)
	{
		int			m = Max(n, 64);

		if (items != NULL)
			pfree(items);
		items = MemoryContextAlloc(TopMemoryContext, sizeof(cl_item) * m);
		items_max = m;
	}
	return items;
}

static int
item_cmp(const void *a, const void *b)
{
	const cl_item *x = a;
	const cl_item *y = b;
	bool		xd = (x->l->flags & CL_DATE) != 0;
	bool		yd = (y->l->flags & CL_DATE) != 0;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (xd != yd)
		return xd ? 1 : -1;
	if (xd && x->l->date != y->l->date)
		return x->l->date < y->l->date ? -1 : 1;
	/* within a code and date: by content, then reference */
	if (x->l->line != y->l->line)
		return x->l->line < y->l->line ? -1 : 1;
	if (x->l->ndc != y->l->ndc)
		return x->l->ndc < y->l->ndc ? -1 : 1;
	if ((x->l->flags & CL_UNITS) != (y->l->flags & CL_UNITS))
		return (x->l->flags & CL_UNITS) ? 1 : -1;
	if (x->l->units != y->l->units)
		return x->l->units < y->l->units ? -1 : 1;
	if ((x->ref == NULL) != (y->ref == NULL))
		return x->ref == NULL ? -1 : 1;
	if (x->ref != NULL)
	{
		int			c = memcmp(x->ref, y->ref, Min(x->ref_len, y->ref_len));

		if (c != 0)
			return c;
		if (x->ref_len != y->ref_len)
			return x->ref_len < y->ref_len ? -1 : 1;
	}
	return 0;
}

static bool
same_day(const cl_item *a, const cl_item *b)
{
	if (a->key != b->key)
		return false;
	if ((a->l->flags & CL_DATE) != (b->l->flags & CL_DATE))
		return false;
	return !(a->l->flags & CL_DATE) || a->l->date == b->l->date;
}

/* ----------------------------------------------------------- findings */

typedef struct cl_run
{
	rule_findings *out;
	bool		msgs;
	pc_cache   *c;
} cl_run;

static char *
cadd(cl_run *r, rule_id id, const cl_item *it, const char *source)
{
	rule_severity sev;

	/* the catalogue's severity, then a warehouse's setting (rule_setting) */
	if (!rules_claim_severity(r->c, id, it->payer, (it->l->flags & CL_DATE) != 0, it->l->date, &sev))
		return NULL;			/* set off for this payer and date */
	return rules_record(r->out, id, sev, source, r->msgs);
}

bool
rules_claim_severity(const pc_cache *c, rule_id id, int payer, bool has_date, DateADT date,
					 rule_severity *sev)
{
	const char *s = rules_catalogue[id].severity;
	const int8 *set = pc_settings(c, payer, has_date, date);

	if (!rules_severity_parse(s, strlen(s), sev))
		*sev = RULE_SEV_ERROR;	/* "policy": the claim rules have none */
	if (set != NULL && set[id] != PC_SETTING_NONE)
	{
		if (set[id] == PC_SETTING_OFF)
			return false;
		*sev = (rule_severity) set[id];
	}
	return true;
}

static void
fmt_date(const cl_item *it, char *buf, size_t size)
{
	if (it->l->flags & CL_DATE)
		rules_format_date(buf, size, it->l->date);
	else
		snprintf(buf, size, "no date");
}

static void
fmt_micro(int64 v, char *buf, size_t size)
{
	int64		whole = v / CL_UNIT_SCALE;
	int64		frac = v % CL_UNIT_SCALE;
	int			digits = 6;

	if (frac == 0)
	{
		snprintf(buf, size, INT64_FORMAT, whole);
		return;
	}
	while (frac % 10 == 0)
	{
		frac /= 10;
		digits--;
	}
	snprintf(buf, size, INT64_FORMAT ".%0*" INT64_MODIFIER "d", whole, digits, frac);
}

/*
 * A line for a message: "J7507-JW (2024-03-01, NDC 00469060773, row {"id": 7})";
 * with_date false leaves the date out (the message gives it).
 */
static void
describe(const cl_item *it, bool with_date, bool with_ndc, char *buf, size_t size)
{
	char		d[16];
	char		n[NDC_TEXT_MAX];
	char		ref[QUOTE_CHARS * 4 + 8];
	int			len;

	len = snprintf(buf, size, "%s", it->text);
	if (!with_date && !(with_ndc && it->l->ndc >= 0) && it->ref == NULL)
		return;
	len += snprintf(buf + len, size - len, " (");
	if (with_date)
	{
		fmt_date(it, d, sizeof(d));
		len += snprintf(buf + len, size - len, "%s", d);
	}
	if (with_ndc && it->l->ndc >= 0)
	{
		ndc_format_canonical(it->l->ndc, n);
		len += snprintf(buf + len, size - len, "%sNDC %s", with_date ? ", " : "", n);
	}
	if (it->ref != NULL && len < (int) size)
	{
		quote_value(ref, sizeof(ref), it->ref, it->ref_len);
		len += snprintf(buf + len, size - len, "%srow %s", (with_date || (with_ndc && it->l->ndc >= 0)) ? ", " : "", ref);
	}
	if (len < (int) size)
		snprintf(buf + len, size - len, ")");
}

#define DESC_MAX 160

/* ------------------------------------------------------------- rules */

static void
supply_fee(cl_run *r, cl_item *it, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (is_supplied_drug(it[i].parts.code))
			return;
	for (i = 0; i < n; i++)
	{
		char	   *m;
		char		a[DESC_MAX];

		if (!is_supply_fee(it[i].parts.code))
			continue;
		m = cadd(r, RULE_SUPPLY_FEE_WITHOUT_DRUG, &it[i], SRC_SUPPLY_FEE);
		if (m == NULL)
			continue;
		describe(&it[i], true, false, a, sizeof(a));
		MSG(m, "%s is a supply fee, but no line of the claim is an oral immunosuppressive, anti-cancer or anti-emetic drug", a);
	}
}

static bool
ndc_compatible(const cl_item *a, const cl_item *b)
{
	return a->l->ndc == CL_NDC_NONE || b->l->ndc == CL_NDC_NONE || a->l->ndc == b->l->ndc;
}

static void
waste_without_administered(cl_run *r, cl_item *g, int n)
{
	for (int i = 0; i < n; i++)
	{
		bool		found = false;
		char	   *m;
		char		a[DESC_MAX];

		if (!g[i].jw)
			continue;
		for (int j = 0; j < n && !found; j++)
			found = j != i && !g[j].jw && ndc_compatible(&g[i], &g[j]);
		if (found)
			continue;
		m = cadd(r, RULE_WASTE_WITHOUT_ADMINISTERED, &g[i], SRC_WASTE);
		if (m == NULL)
			continue;
		describe(&g[i], true, true, a, sizeof(a));
		MSG(m, "%s bills a discarded amount (JW), but no line of the claim bills the administered amount of %s on that date without JW",
			a, g[i].parts.code);
	}
}

static void
waste_mixed(cl_run *r, cl_item *g, int n)
{
	int			jw = -1;
	int			jz = -1;
	char	   *m;
	char		d[16];
	char		a[DESC_MAX];
	char		b[DESC_MAX];

	for (int i = 0; i < n; i++)
		if (g[i].jw && !g[i].jz && jw < 0)
			jw = i;
	for (int i = 0; i < n; i++)
		if (g[i].jz && i != jw && jz < 0)
			jz = i;
	if (jw < 0)
		for (int i = 0; i < n; i++)
			if (g[i].jw && i != jz && jw < 0)
				jw = i;
	if (jw < 0 || jz < 0)
		return;
	m = cadd(r, RULE_WASTE_MODIFIERS_MIXED, &g[jz], SRC_WASTE);
	if (m == NULL)
		return;
	fmt_date(&g[jz], d, sizeof(d));
	describe(&g[jw], false, false, a, sizeof(a));
	describe(&g[jz], false, false, b, sizeof(b));
	MSG(m, "%s bills a discarded amount and %s says none was discarded, for %s on %s",
		a, b, g[jz].parts.code, d);
}

/* the same modifiers, in any order */
static bool
same_modifiers(const hcpcs_line_parts *a, const hcpcs_line_parts *b)
{
	if (a->nmods != b->nmods)
		return false;
	for (int i = 0; i < a->nmods; i++)
		if (!line_has(b, a->mods[i]))
			return false;
	return true;
}

static void
duplicates(cl_run *r, cl_item *g, int n)
{
	for (int i = 1; i < n; i++)
	{
		for (int j = 0; j < i; j++)
		{
			const claim_line *a = g[i].l;
			const claim_line *b = g[j].l;
			char	   *m;
			char		x[DESC_MAX];
			char		y[DESC_MAX];

			if (a->ndc != b->ndc || (a->flags & CL_UNITS) != (b->flags & CL_UNITS) ||
				((a->flags & CL_UNITS) && a->units != b->units) ||
				!same_modifiers(&g[i].parts, &g[j].parts))
				continue;
			m = cadd(r, RULE_DUPLICATE_LINE, &g[i], SRC_DUPLICATE);
			if (m != NULL)
			{
				describe(&g[i], true, true, x, sizeof(x));
				describe(&g[j], false, false, y, sizeof(y));
				MSG(m, "%s repeats %s: same code, modifiers, date, NDC and units", x, y);
			}
			break;
		}
	}
}

/*
 * The limit of code key for payer on date, per day or per line: the
 * payer's own row, else its nearest parent's, else the row for every payer.
 */
static const pc_unit_limit *
find_limit(pc_cache *c, uint32 key, int payer, DateADT date, bool per_day)
{
	int			n;
	const pc_unit_limit *u = pc_unit_limits(c, key, &n);
	const pc_unit_limit *best = NULL;
	int			best_depth = INT_MAX;
	const pc_payer *p = payer >= 0 ? pc_payer_get(c, payer) : NULL;

	for (int i = 0; i < n; i++)
	{
		int			depth;

		if (u[i].per_day != per_day || !pc_range_contains(&u[i].valid, date))
			continue;
		if (u[i].payer < 0)
			depth = INT_MAX - 1;
		else
		{
			depth = -1;
			for (int k = 0; p != NULL && k < p->nchain; k++)
				if (p->chain[k] == u[i].payer)
				{
					depth = k;
					break;
				}
			if (depth < 0)
				continue;
		}
		if (depth < best_depth || (depth == best_depth && u[i].max_micro < best->max_micro))
		{
			best = &u[i];
			best_depth = depth;
		}
	}
	return best;
}

static void
units_limits(cl_run *r, cl_item *g, int n)
{
	int64		total = 0;
	int			counted = 0;
	int			payer = -1;
	const pc_unit_limit *lim;
	char		d[16];

	if (!(g[0].l->flags & CL_DATE))
		return;
	for (int i = 0; i < n; i++)
		if (g[i].payer >= 0)
		{
			payer = g[i].payer;
			break;
		}
	/* (for the messages only: a claim checked without them skips it) */
	if (r->msgs)
		fmt_date(&g[0], d, sizeof(d));
	else
		d[0] = '\0';

	/* per line */
	for (int i = 0; i < n; i++)
	{
		char	   *m;
		char		u[32];
		char		mx[32];
		char		a[DESC_MAX];

		if (!(g[i].l->flags & CL_UNITS))
			continue;
		total = pg_add_s64_overflow(total, g[i].l->units, &total) ? PG_INT64_MAX : total;
		counted++;
		lim = find_limit(r->c, g[i].key, g[i].payer >= 0 ? g[i].payer : payer, g[i].l->date, false);
		if (lim == NULL || g[i].l->units <= lim->max_micro)
			continue;
		m = cadd(r, RULE_UNITS_EXCEED_DAILY_LIMIT, &g[i], lim->source);
		if (m == NULL)
			continue;
		fmt_micro(g[i].l->units, u, sizeof(u));
		fmt_micro(lim->max_micro, mx, sizeof(mx));
		describe(&g[i], true, false, a, sizeof(a));
		MSG(m, "%s bills %s units, above the limit of %s per line", a, u, mx);
	}

	/* per day, over the lines of the code and date */
	lim = find_limit(r->c, g[0].key, payer, g[0].l->date, true);
	if (lim != NULL && counted > 0 && total > lim->max_micro)
	{
		char	   *m = cadd(r, RULE_UNITS_EXCEED_DAILY_LIMIT, &g[0], lim->source);
		char		u[32];
		char		mx[32];
		char		lines[400];
		int			len = 0;
		int			shown = 0;

		if (m == NULL)
			return;
		lines[0] = '\0';
		for (int i = 0; i < n && len < (int) sizeof(lines) - 1; i++)
		{
			char		a[DESC_MAX];

			if (!(g[i].l->flags & CL_UNITS))
				continue;
			if (shown == 4)
			{
				len += snprintf(lines + len, sizeof(lines) - len, " and %d more", counted - shown);
				break;
			}
			describe(&g[i], false, false, a, sizeof(a));
			fmt_micro(g[i].l->units, u, sizeof(u));
			len += snprintf(lines + len, sizeof(lines) - len, "%s%s: %s", shown ? ", " : "", a, u);
			shown++;
		}
		fmt_micro(total, u, sizeof(u));
		fmt_micro(lim->max_micro, mx, sizeof(mx));
		MSG(m, "%s units of %s on %s (%s) exceed the limit of %s per day",
			u, g[0].parts.code, d, lines, mx);
	}
}

/* ---------------------------------------------------------------- run */

void
rules_claims_run(claim_state *st, rule_findings *out, bool msgs)
{
	cl_run		r;
	cl_item    *it;
	int			n = 0;
	int			i;
	int			start;

	memset(out, 0, offsetof(rule_findings, items));
	if (st == NULL || st->nlines == 0)
		return;
	r.out = out;
	r.msgs = msgs;
	r.c = pc_get();

	it = scratch(st->nlines);
	for (i = 0; i < st->nlines; i++)
	{
		const claim_line *l = &st->lines[i];
		cl_item    *x;

		if (!(l->flags & CL_LINE))
			continue;
		x = &it[n];
		if (!hcpcs_unpack(l->line, &x->parts))
			continue;			/* only a corrupt value; the line rules report nothing either */
		x->l = l;
		x->key = pc_code_key(x->parts.code);
		x->jw = line_has(&x->parts, "JW");
		x->jz = line_has(&x->parts, "JZ");
		x->payer = l->payer_off >= 0
			? pc_payer_resolve(r.c, st->arena + l->payer_off, l->payer_len) : -1;
		x->ref = l->ref_off >= 0 ? st->arena + l->ref_off : NULL;
		x->ref_len = l->ref_off >= 0 ? l->ref_len : 0;
		/* the line's text is for the messages only */
		if (msgs)
			hcpcs_format(&x->parts, x->text);
		else
			x->text[0] = '\0';
		n++;
	}
	if (n == 0)
		return;
	if (n > 1)
		qsort(it, n, sizeof(cl_item), item_cmp);

	/* report order: the order of rules.def */
	supply_fee(&r, it, n);
	for (start = 0; start < n; start = i)
	{
		for (i = start + 1; i < n && same_day(&it[start], &it[i]); i++)
			;
		if (i - start > 1)
			waste_without_administered(&r, it + start, i - start);
		else if (it[start].jw)
			waste_without_administered(&r, it + start, 1);
	}
	for (start = 0; start < n; start = i)
	{
		for (i = start + 1; i < n && same_day(&it[start], &it[i]); i++)
			;
		if (i - start > 1)
			waste_mixed(&r, it + start, i - start);
	}
	for (start = 0; start < n; start = i)
	{
		for (i = start + 1; i < n && same_day(&it[start], &it[i]); i++)
			;
		if (i - start > 1)
			duplicates(&r, it + start, i - start);
	}
	for (start = 0; start < n; start = i)
	{
		for (i = start + 1; i < n && same_day(&it[start], &it[i]); i++)
			;
		units_limits(&r, it + start, i - start);
	}
}

/* ---------------------------------------------------------------- units */

#define MICRO_MEMO 16
#define MICRO_MEMO_BYTES 16

/*
 * Numeric -> millionths.  The value is printed once and read back (numeric's
 * digits are not reachable otherwise); the result is remembered by the bytes
 * of the value, which repeat from line to line.
 */
bool
claims_units_micro(Numeric n, int64 *out)
{
	static struct
	{
		int			len;
		bool		ok;
		int64		value;
		char		bytes[MICRO_MEMO_BYTES];
	}			memo[MICRO_MEMO];
	static bool init = false;
	int			len = (int) VARSIZE(n);
	uint32		h;
	int			slot;
	char	   *s;
	const char *p;
	int64		whole = 0;
	int64		frac = 0;
	int			digits = 0;
	bool		ok = true;
	bool		round_up = false;

	if (!init)
	{
		for (int i = 0; i < MICRO_MEMO; i++)
			memo[i].len = -1;
		init = true;
	}
	h = (uint32) len;
	if (len <= MICRO_MEMO_BYTES)
	{
		for (int i = 0; i < len; i++)
			h = h * 31 + (unsigned char) ((const char *) n)[i];
		slot = (int) (h % MICRO_MEMO);
		if (memo[slot].len == len && memcmp(memo[slot].bytes, n, len) == 0)
		{
			*out = memo[slot].value;
			return memo[slot].ok;
		}
	}
	else
		slot = -1;

	if (numeric_is_nan(n) || numeric_is_inf(n))
		ok = false;
	else
	{
		s = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
		p = s;
		if (*p == '-')
			ok = false;
		for (; ok && *p >= '0' && *p <= '9'; p++)
		{
			if (whole > INT64CONST(9000000000000))
				whole = INT64CONST(9000000000000);	/* far above any limit */
			else
				whole = whole * 10 + (*p - '0');
		}
		if (ok && *p == '.')
		{
			for (p++; *p >= '0' && *p <= '9'; p++)
			{
				if (digits < 6)
				{
					frac = frac * 10 + (*p - '0');
					digits++;
				}
				else if (digits == 6)
				{
					round_up = *p >= '5';
					digits++;
				}
			}
		}
		for (; ok && digits < 6; digits++)
			frac *= 10;
		pfree(s);
		if (ok)
		{
			*out = whole * CL_UNIT_SCALE + frac + (round_up ? 1 : 0);
			ok = *out > 0;
		}
	}
	if (!ok)
		*out = 0;
	if (slot >= 0)
	{
		memcpy(memo[slot].bytes, n, len);
		memo[slot].len = len;
		memo[slot].ok = ok;
		memo[slot].value = *out;
	}
	return ok;
}
