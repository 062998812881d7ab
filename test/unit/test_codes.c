/*
 * test/unit/test_codes.c
 *
 * Unit tests of the pure parsers in src/codes.h, printing TAP.
 *
 *   test_codes [hcpcs-level2-2020.csv hcpcs-modifiers-2020.csv]
 *
 * With the two reference files, every HCPCS Level II code and every modifier
 * in them is checked too; without them those two tests are skipped.
 *
 * Every input is handed to the parsers in a heap buffer of exactly its
 * length, without a terminating NUL, so that AddressSanitizer catches any
 * read past the end.
 */
#define _POSIX_C_SOURCE 200809L

#include "codes.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ TAP */

static int	n_tests;
static int	n_failed;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static int
ok(int cond, const char *fmt,...)
{
	va_list		ap;

	n_tests++;
	if (!cond)
		n_failed++;
	printf("%sok %d - ", cond ? "" : "not ", n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2)))
#endif
static void
diag(const char *fmt,...)
{
	va_list		ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void
skip(const char *what, const char *why)
{
	n_tests++;
	printf("ok %d - %s # SKIP %s\n", n_tests, what, why);
}

/* -------------------------------------------------------------- helpers */

/* an exact-length heap copy without a NUL, so over-reads are caught */
static char *
exact(const char *s, size_t len)
{
	char	   *p = malloc(len ? len : 1);

	if (p == NULL)
	{
		perror("malloc");
		exit(2);
	}
	if (len)
		memcpy(p, s, len);
	return p;
}

/* a reason is non-empty, NUL-terminated within the buffer, not cut, printable ASCII */
static int
reason_sane(const char *reason)
{
	const char *nul = memchr(reason, '\0', CODES_REASON_MAX);
	const char *p;

	/* a full buffer would mean the sentence was cut by vsnprintf */
	if (nul == NULL || nul == reason || nul - reason >= CODES_REASON_MAX - 1)
		return 0;
	for (p = reason; p < nul; p++)
		if ((unsigned char) *p < 0x20 || (unsigned char) *p > 0x7E)
			return 0;
	return 1;
}

static void
fill_reason(char *reason)
{
	memset(reason, 0x7F, CODES_REASON_MAX);
}

/* printable rendering of a test input for the test description */
static const char *
show(const char *s, size_t len)
{
	static char buf[4][96];
	static int	which;
	char	   *b = buf[which++ & 3];
	size_t		o = 0;
	size_t		i;

	b[o++] = '\'';
	for (i = 0; i < len && o < 80; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			b[o++] = (char) c;
		else
			o += (size_t) snprintf(b + o, 8, "\\x%02X", c);
	}
	if (i < len)
	{
		memcpy(b + o, "...", 3);
		o += 3;
	}
	b[o++] = '\'';
	b[o] = '\0';
	return b;
}

/* ---------------------------------------------------------- HCPCS lines */

static int
parse_line_n(const char *s, size_t len, hcpcs_line_parts *out, char *reason)
{
	char	   *p = exact(s, len);
	int			r;

	fill_reason(reason);
	r = hcpcs_parse_line(p, len, out, reason);
	free(p);
	return r;
}

static void
line_good_n(const char *s, size_t len, const char *canonical)
{
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];
	char		buf[HCPCS_LINE_TEXT_MAX];

	if (!parse_line_n(s, len, &parts, reason))
	{
		ok(0, "line %s parses", show(s, len));
		diag("reason: %s", reason_sane(reason) ? reason : "(not sane)");
		return;
	}
	hcpcs_format(&parts, buf);
	if (!ok(strcmp(buf, canonical) == 0, "line %s -> %s", show(s, len), canonical))
		diag("got %s", buf);
}

static void
line_good(const char *s, const char *canonical)
{
	line_good_n(s, strlen(s), canonical);
}

static void
line_bad_n(const char *s, size_t len, const char *expect)
{
	hcpcs_line_parts parts;
	char		reason[CODES_REASON_MAX];
	int			r = parse_line_n(s, len, &parts, reason);

	if (!ok(!r && reason_sane(reason) && strstr(reason, expect) != NULL,
			"line %s rejected: %s", show(s, len), expect))
		diag("parsed=%d reason: %s", r, reason_sane(reason) ? reason : "(not sane)");
}

static void
line_bad(const char *s, const char *expect)
{
	line_bad_n(s, strlen(s), expect);
}

static int
line_parts_of(const char *s, hcpcs_line_parts *parts)
{
	char		reason[CODES_REASON_MAX];

	return parse_line_n(s, strlen(s), parts, reason);
}

static uint64_t
pack_of(const char *s)
{
	hcpcs_line_parts parts;

	if (!line_parts_of(s, &parts))
	{
		diag("cannot parse %s", s);
		return UINT64_MAX;
	}
	return hcpcs_pack(&parts);
}

static void
test_line_forms(void)
{
	/* the four forms of the spec, all meaning J7599 with JZ then KX */
	line_good("J7599-JZ-KX", "J7599-JZ-KX");
	line_good("J7599:JZ:KX", "J7599-JZ-KX");
	line_good("HC:J7599:JZ:KX", "J7599-JZ-KX");
	line_good("J7599 JZ KX", "J7599-JZ-KX");
	line_good("J7599JZKX", "J7599-JZ-KX");
	/* case and blanks */
	line_good("j7599-jz-kx", "J7599-JZ-KX");
	line_good("hc:j7599:Jz:kX", "J7599-JZ-KX");
	line_good("  J7599-JZ-KX \t", "J7599-JZ-KX");
	line_good("J7599 \t  JZ\tKX", "J7599-JZ-KX");
	line_good("\tj7599jzkx ", "J7599-JZ-KX");
	/* no modifier, one, four */
	line_good("J7599", "J7599");
	line_good("HC:J7599", "J7599");
	line_good(" j7599 ", "J7599");
	line_good("J7599-KX", "J7599-KX");
	line_good("J7599KX", "J7599-KX");
	line_good("J7599-JZ-KX-GA-GY", "J7599-JZ-KX-GA-GY");
	line_good("J7599JZKXGAGY", "J7599-JZ-KX-GA-GY");
	line_good("HC:J7599:JZ:KX:GA:GY", "J7599-JZ-KX-GA-GY");
	line_good("J7599 JZ KX GA GY", "J7599-JZ-KX-GA-GY");
	/* duplicates and unknown but well-formed modifiers are not syntax errors */
	line_good("J7599-JZ-JZ", "J7599-JZ-JZ");
	line_good("J7599-QQ", "J7599-QQ");
	line_good("J7599-JZ-JZ-JZ-JZ", "J7599-JZ-JZ-JZ-JZ");
	/* every code kind, numeric and mixed modifiers */
	line_good("99213-25", "99213-25");
	line_good("99213 25 59 XU 76", "99213-25-59-XU-76");
	line_good("0519f-1p", "0519F-1P");
	line_good("0042T", "0042T");
	line_good("0001u", "0001U");
	line_good("U0001", "U0001");
	line_good("D0120-00", "D0120-00");
	line_good("00000", "00000");
	line_good("Z9999-ZZ-ZZ-ZZ-ZZ", "Z9999-ZZ-ZZ-ZZ-ZZ");
	line_good("0000000000000", "00000-00-00-00-00");
}

static void
test_line_errors(void)
{
	static const char nul_line[] = "J7599\0JZ";

	line_bad("", "the input is empty");
	line_bad(" \t ", "only blanks");
	line_bad("J759", "code \"J759\" must be 5 characters");
	line_bad("J759-JZ", "code \"J759\" must be 5 characters");
	line_bad("J759 JZ", "code \"J759\" must be 5 characters");
	line_bad("J75999-JZ", "code \"J75999\" must be 5 characters");
	line_bad("J75X9",
			 "code \"J75X9\" is not a HCPCS Level II code (a letter and 4 digits) "
			 "or a CPT code (5 digits, or 4 digits and F, T or U)");
	line_bad("1234X-JZ", "code \"1234X\" is not a HCPCS Level II code");
	line_bad("JJ599", "code \"JJ599\" is not a HCPCS Level II code");
	line_bad("J7599-JZ-KX-K", "modifier 3 \"K\" must be two letters or digits");
	line_bad("J7599-J-Z", "modifier 1 \"J\" must be two letters or digits");
	line_bad("J7599 JZK", "modifier 1 \"JZK\" must be two letters or digits");
	line_bad("J7599:JZ:KXX", "modifier 2 \"KXX\" must be two letters or digits");
	line_bad("J7599-A1-A2-A3-A4-A5", "a line carries at most 4 modifiers, found 5");
	line_bad("J7599 A1 A2 A3 A4 A5 A6", "a line carries at most 4 modifiers, found 6");
	line_bad("HC:J7599:A1:A2:A3:A4:A5", "a line carries at most 4 modifiers, found 5");
	line_bad("J7599A1A2A3A4A5", "a line carries at most 4 modifiers, found 5 (without separators");
	line_bad("J7599JZK", "modifier 2 \"K\" must be two letters or digits");
	line_bad("J7599JZK", "without separators");
	line_bad("J75990", "modifier 1 \"0\" must be two letters or digits");
	line_bad("J7599-JZ:KX", "\"-\" and \":\" are mixed as separators");
	line_bad("J7599-JZ:KX", "(\":\" at position 9)");
	line_bad("J7599:JZ-KX", "(\"-\" at position 9)");
	line_bad("J7599 JZ-KX", "\"-\" and blanks are mixed as separators");
	line_bad("J7599 - JZ", "\"-\" and blanks are mixed as separators");
	line_bad("J7599:JZ KX", "\":\" and blanks are mixed as separators");
	line_bad("J7599-JZ:KX GA", "\"-\", \":\" and blanks are mixed as separators");
	line_bad("HC:J7599-JZ", "\"-\" and \":\" are mixed as separators");
	line_bad("HC: J7599", "\":\" and blanks are mixed as separators");
	line_bad("J7599-#Z", "character \"#\" at position 7 is not a letter, digit or separator");
	line_bad("J7599,JZ", "character \",\" at position 6 is not a letter, digit or separator");
	line_bad("J7599.JZ", "character \".\" at position 6");
	line_bad("\"J7599\"", "character '\"' at position 1");
	line_bad("J7\xC3\xA9", "byte 0xC3 at position 3 is not a letter, digit or separator");
	line_bad("\xEF\xBB\xBFJ7599", "byte 0xEF at position 1");
	line_bad("J7599-JZ\n", "byte 0x0A at position 9");
	line_bad("J7599\r\nKX", "byte 0x0D at position 6");
	line_bad_n(nul_line, sizeof(nul_line) - 1, "byte 0x00 at position 6");
	line_bad("J7599--JZ", "modifier 1 is empty (\"--\" at position 6)");
	line_bad("J7599::JZ", "modifier 1 is empty (\"::\" at position 6)");
	line_bad("J7599-JZ-", "modifier 2 is empty (the line ends with \"-\")");
	line_bad("J7599:", "modifier 1 is empty (the line ends with \":\")");
	line_bad("-J7599", "the code is empty (the line starts with \"-\")");
	line_bad(":J7599", "the code is empty (the line starts with \":\")");
	line_bad("HC:", "nothing follows the \"HC:\" qualifier");
	line_bad("HC::J7599", "the code is empty (\"::\" at position 3)");
	line_bad("HC-J7599-JZ", "the \"HC\" qualifier may only be followed by \":\"");
	line_bad("hc J7599", "the \"HC\" qualifier may only be followed by \":\"");
	line_bad("HC", "code \"HC\" must be 5 characters");
	line_bad("HC:HC:J7599", "code \"HC\" must be 5 characters");
	line_bad("HC:J7599JZ", "code \"J7599JZ\" must be 5 characters");
	line_bad("J7599-JZ-KX-GA-GY-", "modifier 5 is empty (the line ends with \"-\")");
	line_bad("J7599-JZ-KX-GA-GY-AA-", "a line carries at most 4 modifiers, found 5");
}

/* long inputs: fragments are cut, the reason still fits */
static void
test_line_long(void)
{
	char		big[600];
	char		reason[CODES_REASON_MAX];
	hcpcs_line_parts parts;
	size_t		n;
	int			r;

	memset(big, 'A', sizeof(big));
	memcpy(big, "J7599-", 6);
	line_bad_n(big, sizeof(big), "modifier 1 \"AAAAAAAAAAAAAAAAAAAAAAAA...\" must be two letters or digits");

	memset(big, '9', sizeof(big));
	big[0] = 'J';
	line_bad_n(big, sizeof(big), "at most 4 modifiers, found 298 (without separators");
	memcpy(big + sizeof(big) - 3, "-JZ", 3);
	line_bad_n(big, sizeof(big), "code \"J99999999999999999999999...\" must be 5 characters");

	/* 200 modifiers: counted, reason fits */
	n = 0;
	memcpy(big, "J7599", 5);
	n = 5;
	while (n + 3 <= sizeof(big))
	{
		memcpy(big + n, "-JZ", 3);
		n += 3;
	}
	line_bad_n(big, n, "a line carries at most 4 modifiers, found 198");

	/* a long run of non-ASCII bytes in a modifier, quoted as \xHH */
	memset(big, 0xC3, sizeof(big));
	r = parse_line_n(big, sizeof(big), &parts, reason);
	ok(!r && reason_sane(reason) && strstr(reason, "byte 0xC3 at position 1"),
	   "600 non-ASCII bytes give a short, printable reason");
}

static void
test_code_and_modifier(void)
{
	char		out6[6];
	char		out3[3];
	char		reason[CODES_REASON_MAX];
	char	   *p;
	int			r;

	p = exact(" j7599\t", 7);
	fill_reason(reason);
	r = hcpcs_parse_code(p, 7, out6, reason);
	free(p);
	ok(r && strcmp(out6, "J7599") == 0, "hcpcs_parse_code trims and folds case");

	fill_reason(reason);
	r = hcpcs_parse_code("", 0, out6, reason);
	ok(!r && reason_sane(reason) && strcmp(reason, "the code is empty") == 0,
	   "hcpcs_parse_code: empty code");

	p = exact("J7599X", 6);
	fill_reason(reason);
	r = hcpcs_parse_code(p, 6, out6, reason);
	free(p);
	ok(!r && strstr(reason, "code \"J7599X\" must be 5 characters") != NULL,
	   "hcpcs_parse_code: 6 characters");

	p = exact("J7\xFF" "99", 5);
	fill_reason(reason);
	r = hcpcs_parse_code(p, 5, out6, reason);
	free(p);
	ok(!r && reason_sane(reason) && strstr(reason, "\"J7\\xFF99\" is not a HCPCS") != NULL,
	   "hcpcs_parse_code: non-ASCII byte quoted as \\xFF");

	p = exact(" kx ", 4);
	fill_reason(reason);
	r = hcpcs_parse_modifier(p, 4, 2, out3, reason);
	free(p);
	ok(r && strcmp(out3, "KX") == 0, "hcpcs_parse_modifier trims and folds case");

	p = exact("K", 1);
	fill_reason(reason);
	r = hcpcs_parse_modifier(p, 1, 3, out3, reason);
	free(p);
	ok(!r && strcmp(reason, "modifier 3 \"K\" must be two letters or digits") == 0,
	   "hcpcs_parse_modifier: one character");

	fill_reason(reason);
	r = hcpcs_parse_modifier("", 0, 2, out3, reason);
	ok(!r && strcmp(reason, "modifier 2 is empty") == 0, "hcpcs_parse_modifier: empty");

	p = exact("J#", 2);
	fill_reason(reason);
	r = hcpcs_parse_modifier(p, 2, 0, out3, reason);
	free(p);
	ok(!r && strcmp(reason, "modifier \"J#\" must be two letters or digits") == 0,
	   "hcpcs_parse_modifier without a position");

	p = exact("\"\\", 2);
	fill_reason(reason);
	r = hcpcs_parse_modifier(p, 2, 1, out3, reason);
	free(p);
	ok(!r && strstr(reason, "\"\\\"\\\\\"") != NULL, "quote and backslash are escaped in reasons");

	r = hcpcs_parse_line("J7599-JZ", 8, NULL, NULL) && !hcpcs_parse_line("J7599-J", 7, NULL, NULL);
	ok(r, "hcpcs_parse_line accepts NULL out and reason");
}

static void
test_kinds(void)
{
	static const struct
	{
		const char *code;
		hcpcs_code_kind kind;
		const char *name;
	}			cases[] = {
		{"J7599", HCPCS_KIND_LEVEL2, "hcpcs_level2"},
		{"U0001", HCPCS_KIND_LEVEL2, "hcpcs_level2"},
		{"Z9999", HCPCS_KIND_LEVEL2, "hcpcs_level2"},
		{"D0120", HCPCS_KIND_CDT, "cdt"},
		{"99213", HCPCS_KIND_CPT, "cpt"},
		{"00000", HCPCS_KIND_CPT, "cpt"},
		{"0519F", HCPCS_KIND_CPT2, "cpt_category2"},
		{"0042T", HCPCS_KIND_CPT3, "cpt_category3"},
		{"0001U", HCPCS_KIND_PLA, "cpt_pla"},
		{"j7599", HCPCS_KIND_INVALID, "invalid"},
		{"0001u", HCPCS_KIND_INVALID, "invalid"},
		{"0001X", HCPCS_KIND_INVALID, "invalid"},
		{"JJ599", HCPCS_KIND_INVALID, "invalid"},
		{"J759", HCPCS_KIND_INVALID, "invalid"},
		{"", HCPCS_KIND_INVALID, "invalid"},
		{"-7599", HCPCS_KIND_INVALID, "invalid"},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		hcpcs_code_kind k = hcpcs_code_kind_of(cases[i].code);

		ok(k == cases[i].kind && strcmp(hcpcs_code_kind_name(k), cases[i].name) == 0,
		   "kind of \"%s\" is %s", cases[i].code, cases[i].name);
	}
	ok(hcpcs_code_kind_of(NULL) == HCPCS_KIND_INVALID, "kind of NULL is invalid");
}

/* ------------------------------------------------------------- packing */

static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);

static uint64_t
rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static unsigned
rnd(unsigned n)
{
	return (unsigned) (rng() % n);
}

static char
rnd_alnum(void)
{
	unsigned	r = rnd(36);

	return (char) (r < 10 ? '0' + r : 'A' + r - 10);
}

/* a random valid line, drawn from small pools half the time so ties occur */
static void
random_parts(hcpcs_line_parts *p)
{
	static const char *const codes[] = {"J7599", "J7507", "99213", "0001U", "0001T", "D0120", "A0021"};
	static const char *const mods[] = {"JZ", "KX", "00", "ZZ", "JW", "1P"};
	int			i;

	memset(p, 0, sizeof(*p));
	if (rnd(2))
		memcpy(p->code, codes[rnd(sizeof(codes) / sizeof(codes[0]))], 6);
	else if (rnd(2))
	{
		p->code[0] = (char) ('A' + rnd(26));
		for (i = 1; i < 5; i++)
			p->code[i] = (char) ('0' + rnd(10));
	}
	else
	{
		for (i = 0; i < 4; i++)
			p->code[i] = (char) ('0' + rnd(10));
		p->code[4] = "0123456789FTU"[rnd(13)];
	}
	p->nmods = (int) rnd(5);
	for (i = 0; i < p->nmods; i++)
	{
		if (rnd(2))
			memcpy(p->mods[i], mods[rnd(sizeof(mods) / sizeof(mods[0]))], 3);
		else
		{
			p->mods[i][0] = rnd_alnum();
			p->mods[i][1] = rnd_alnum();
		}
	}
}

static int
sign(long long x)
{
	return (x > 0) - (x < 0);
}

/* order by code, then modifiers in billed order, a shorter list first */
static int
cmp_parts(const hcpcs_line_parts *a, const hcpcs_line_parts *b)
{
	int			c = strcmp(a->code, b->code);
	int			i;

	if (c)
		return sign(c);
	for (i = 0; i < a->nmods && i < b->nmods; i++)
		if ((c = strcmp(a->mods[i], b->mods[i])) != 0)
			return sign(c);
	return sign(a->nmods - b->nmods);
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

static int
parts_equal(const hcpcs_line_parts *a, const hcpcs_line_parts *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void
test_pack_values(void)
{
	hcpcs_line_parts parts;
	uint64_t	max_line;

	ok(pack_of("00000") == 0, "pack(00000) = 0");
	ok(pack_of("0000F") == (UINT64_C(10) << 44), "pack(0000F): ordinal 10");
	ok(pack_of("0000T") == (UINT64_C(11) << 44), "pack(0000T): ordinal 11");
	ok(pack_of("0000U") == (UINT64_C(12) << 44), "pack(0000U): ordinal 12");
	ok(pack_of("00010") == (UINT64_C(13) << 44), "pack(00010): ordinal 13");
	ok(pack_of("9999U") == (UINT64_C(129999) << 44), "pack(9999U): ordinal 129999");
	ok(pack_of("A0000") == (UINT64_C(130000) << 44), "pack(A0000): ordinal 130000");
	ok(pack_of("J7599") == (UINT64_C(227599) << 44), "pack(J7599): ordinal 227599");
	ok(pack_of("Z9999") == (UINT64_C(389999) << 44), "pack(Z9999): ordinal 389999");
	ok(pack_of("J7599-00") == ((UINT64_C(227599) << 44) | (UINT64_C(1) << 33)),
	   "pack(J7599-00): modifier slot 1 = 1");
	ok(pack_of("J7599-ZZ") == ((UINT64_C(227599) << 44) | (UINT64_C(1296) << 33)),
	   "pack(J7599-ZZ): modifier slot 1 = 1296");
	/* JZ = 1 + 19*36 + 35 = 720, KX = 1 + 20*36 + 33 = 754 */
	ok(pack_of("J7599-JZ-KX") ==
	   ((UINT64_C(227599) << 44) | (UINT64_C(720) << 33) | (UINT64_C(754) << 22)),
	   "pack(J7599-JZ-KX) = 227599<<44 | 720<<33 | 754<<22");
	ok(pack_of("J7599-A1-A2-A3-A4") ==
	   ((UINT64_C(227599) << 44) | (UINT64_C(362) << 33) | (UINT64_C(363) << 22) |
		(UINT64_C(364) << 11) | UINT64_C(365)),
	   "pack(J7599-A1-A2-A3-A4): four slots");

	max_line = pack_of("Z9999-ZZ-ZZ-ZZ-ZZ");
	ok(max_line == ((UINT64_C(389999) << 44) | (UINT64_C(1296) << 33) | (UINT64_C(1296) << 22) |
					(UINT64_C(1296) << 11) | UINT64_C(1296)),
	   "pack of the greatest line");
	ok((max_line >> 63) == 0 && max_line < (UINT64_C(1) << 63), "the greatest line fits 63 bits");
	ok(hcpcs_unpack(max_line, &parts) && parts.nmods == 4, "unpack of the greatest line");
	ok(!hcpcs_unpack(max_line + 1, &parts), "unpack rejects the greatest line + 1 (slot 1297)");
	ok(hcpcs_unpack(0, &parts) && strcmp(parts.code, "00000") == 0 && parts.nmods == 0,
	   "unpack(0) = 00000");
	ok(!hcpcs_unpack(UINT64_C(1) << 63, &parts), "unpack rejects bit 63");
	ok(!hcpcs_unpack(UINT64_MAX, &parts), "unpack rejects UINT64_MAX");
	ok(!hcpcs_unpack(UINT64_C(390000) << 44, &parts), "unpack rejects ordinal 390000");
	ok(!hcpcs_unpack(UINT64_C(524287) << 44, &parts), "unpack rejects ordinal 2^19-1");
	ok(!hcpcs_unpack((UINT64_C(227599) << 44) | (UINT64_C(1297) << 33), &parts),
	   "unpack rejects modifier slot 1297");
	ok(!hcpcs_unpack((UINT64_C(227599) << 44) | UINT64_C(2047), &parts),
	   "unpack rejects slot 4 = 2047 after empty slots");
	ok(!hcpcs_unpack((UINT64_C(227599) << 44) | (UINT64_C(5) << 22), &parts),
	   "unpack rejects slot 2 set with slot 1 empty");
	ok(!hcpcs_unpack((UINT64_C(227599) << 44) | (UINT64_C(5) << 33) | UINT64_C(5), &parts),
	   "unpack rejects slot 4 set with slots 2 and 3 empty");
	ok(!hcpcs_unpack((UINT64_C(227599) << 44) | (UINT64_C(5) << 33) | (UINT64_C(5) << 22) |
					 UINT64_C(5), &parts),
	   "unpack rejects slot 4 set with slot 3 empty");
	ok(hcpcs_unpack((UINT64_C(227599) << 44) | (UINT64_C(720) << 33) | (UINT64_C(754) << 22), &parts)
	   && strcmp(parts.code, "J7599") == 0 && parts.nmods == 2 &&
	   strcmp(parts.mods[0], "JZ") == 0 && strcmp(parts.mods[1], "KX") == 0,
	   "unpack gives J7599-JZ-KX back");

	/* pack refuses parts that are not a valid line */
	memset(&parts, 0, sizeof(parts));
	memcpy(parts.code, "J7599", 6);
	parts.nmods = 5;
	ok(hcpcs_pack(&parts) == UINT64_MAX, "pack of 5 modifiers gives UINT64_MAX");
	parts.nmods = 1;
	memcpy(parts.mods[0], "jz", 3);
	ok(hcpcs_pack(&parts) == UINT64_MAX, "pack of a lower-case modifier gives UINT64_MAX");
	memcpy(parts.code, "J759", 5);
	memcpy(parts.mods[0], "JZ", 3);
	ok(hcpcs_pack(&parts) == UINT64_MAX, "pack of a 4-character code gives UINT64_MAX");
	ok(hcpcs_pack(NULL) == UINT64_MAX, "pack(NULL) gives UINT64_MAX");
}

/* equal lines in different forms pack the same; order follows the text */
static void
test_pack_order_examples(void)
{
	ok(pack_of("J7599JZKX") == pack_of("hc:j7599:jz:kx") &&
	   pack_of("J7599 JZ KX") == pack_of("J7599-JZ-KX"), "all four forms pack the same");
	ok(pack_of("J7599") < pack_of("J7599-00"), "no modifier < any modifier");
	ok(pack_of("J7599-JZ") < pack_of("J7599-JZ-00"), "a shorter list is a prefix and sorts first");
	ok(pack_of("J7599-JZ-KX") < pack_of("J7599-KX-JZ"), "billed order matters");
	ok(pack_of("J7599-JZ-KX") != pack_of("J7599-KX-JZ"), "billed order makes lines unequal");
	ok(pack_of("J7599-ZZ-ZZ-ZZ-ZZ") < pack_of("J7600"), "the next code sorts after every J7599 line");
	ok(pack_of("9999U-ZZ-ZZ-ZZ-ZZ") < pack_of("A0000"), "digit-first codes sort before letters");
	ok(pack_of("0001U") < pack_of("00020"), "0001U < 00020 as text");
	ok(pack_of("00019") < pack_of("0001F") && pack_of("0001F") < pack_of("0001T"),
	   "00019 < 0001F < 0001T as text");
	ok(pack_of("J7599-99") < pack_of("J7599-AA"), "digit modifiers sort before letters");
	ok(pack_of("J7599-1P") < pack_of("J7599-25"), "1P < 25 as text");
}

/* every code ordinal, unpacked, formatted, parsed and packed again */
static void
test_pack_exhaustive_codes(void)
{
	uint64_t	ord;
	char		prev[HCPCS_LINE_TEXT_MAX] = "";
	char		buf[HCPCS_LINE_TEXT_MAX];
	char		reason[CODES_REASON_MAX];
	long		bad_round = 0;
	long		bad_order = 0;
	long		bad_kind = 0;
	unsigned	slot;

	for (ord = 0; ord <= 389999; ord++)
	{
		hcpcs_line_parts parts;
		hcpcs_line_parts again;
		uint64_t	v = ord << 44;
		size_t		n;

		if (!hcpcs_unpack(v, &parts))
		{
			bad_round++;
			continue;
		}
		n = hcpcs_format(&parts, buf);
		if (n != 5 || !hcpcs_parse_line(buf, n, &again, reason) || hcpcs_pack(&again) != v)
			bad_round++;
		if (ord > 0 && strcmp(prev, buf) >= 0)
			bad_order++;
		if (hcpcs_code_kind_of(buf) == HCPCS_KIND_INVALID)
			bad_kind++;
		memcpy(prev, buf, sizeof(buf));
	}
	ok(bad_round == 0, "all 390000 code ordinals round-trip through text (%ld failures)", bad_round);
	ok(bad_order == 0, "code ordinals increase exactly as the code text (%ld failures)", bad_order);
	ok(bad_kind == 0, "every unpacked code has a valid kind (%ld failures)", bad_kind);

	bad_round = bad_order = 0;
	prev[0] = '\0';
	for (slot = 1; slot <= 1296; slot++)
	{
		hcpcs_line_parts parts;
		uint64_t	v = (UINT64_C(227599) << 44) | ((uint64_t) slot << 33);

		if (!hcpcs_unpack(v, &parts) || parts.nmods != 1 || hcpcs_pack(&parts) != v)
		{
			bad_round++;
			continue;
		}
		if (slot > 1 && strcmp(prev, parts.mods[0]) >= 0)
			bad_order++;
		memcpy(prev, parts.mods[0], 3);
	}
	ok(bad_round == 0, "all 1296 modifier slot values round-trip (%ld failures)", bad_round);
	ok(bad_order == 0, "modifier slot values increase exactly as the modifier text (%ld failures)",
	   bad_order);
}

static void
test_pack_random(void)
{
	long		i;
	long		bad_pair = 0;
	long		bad_text = 0;
	long		bad_round = 0;
	long		bad_forms = 0;
	long		valid_unpacks = 0;
	long		bad_unpack = 0;
	long		ties = 0;

	for (i = 0; i < 200000; i++)
	{
		hcpcs_line_parts a;
		hcpcs_line_parts b;
		char		ta[HCPCS_LINE_TEXT_MAX];
		char		tb[HCPCS_LINE_TEXT_MAX];
		int			want;

		random_parts(&a);
		random_parts(&b);
		if (rnd(4) == 0)
		{
			/* share the code and a prefix of the modifiers */
			memcpy(b.code, a.code, 6);
			if (a.nmods > 0 && b.nmods > 0)
				memcpy(b.mods[0], a.mods[0], 3);
		}
		want = cmp_parts(&a, &b);
		ties += (want == 0);
		if (cmp_u64(hcpcs_pack(&a), hcpcs_pack(&b)) != want)
			bad_pair++;
		hcpcs_format(&a, ta);
		hcpcs_format(&b, tb);
		if (sign(strcmp(ta, tb)) != want)
			bad_text++;
	}
	ok(bad_pair == 0, "200000 random pairs: packed order = order by code, then modifiers (%ld failures)",
	   bad_pair);
	ok(bad_text == 0, "200000 random pairs: canonical text order agrees (%ld failures)", bad_text);
	diag("%ld of the random pairs were equal lines", ties);

	for (i = 0; i < 100000; i++)
	{
		hcpcs_line_parts a;
		hcpcs_line_parts back;
		char		text[HCPCS_LINE_TEXT_MAX];
		char		other[64];
		char		reason[CODES_REASON_MAX];
		uint64_t	v;
		size_t		n;
		size_t		j;
		int			k;

		random_parts(&a);
		v = hcpcs_pack(&a);
		if (!hcpcs_unpack(v, &back) || !parts_equal(&a, &back))
			bad_round++;
		n = hcpcs_format(&a, text);
		if (!hcpcs_parse_line(text, n, &back, reason) || !parts_equal(&a, &back))
			bad_round++;

		/* the same line in the other forms, in lower case */
		for (k = 0; k < 4; k++)
		{
			size_t		o = 0;

			if (k == 1)
			{
				memcpy(other, "hc:", 3);
				o = 3;
			}
			for (j = 0; j < n; j++)
			{
				char		c = text[j];

				if (c == '-')
				{
					if (k == 0)
						other[o++] = ' ';
					else if (k == 1)
						other[o++] = ':';
					else if (k == 2)
						continue;
					else
						other[o++] = '-';
				}
				else
					other[o++] = (char) ((c >= 'A' && c <= 'Z') ? c + 32 : c);
			}
			if (!hcpcs_parse_line(other, o, &back, reason) || hcpcs_pack(&back) != v)
				bad_forms++;
		}
	}
	ok(bad_round == 0, "100000 random lines: pack/unpack and format/parse round-trip (%ld failures)",
	   bad_round);
	ok(bad_forms == 0, "100000 random lines: blank, colon, concatenated and lower-case forms agree "
	   "(%ld failures)", bad_forms);

	for (i = 0; i < 1000000; i++)
	{
		hcpcs_line_parts p;
		uint64_t	v = rng();

		/* keep code bits in range often enough to hit valid values */
		if (i & 1)
			v = ((v >> 45) % 390000) << 44 | (v & ((UINT64_C(1) << 44) - 1));
		if (hcpcs_unpack(v, &p))
		{
			valid_unpacks++;
			if (hcpcs_pack(&p) != v)
				bad_unpack++;
		}
	}
	ok(bad_unpack == 0 && valid_unpacks > 0,
	   "1000000 random 64-bit values: whatever unpacks packs back to itself (%ld valid, %ld failures)",
	   valid_unpacks, bad_unpack);
}

/* -------------------------------------------------------- regex oracles */

static regex_t re_line;
static regex_t re_ndc;
static regex_t re_icd;

static void
compile_oracles(void)
{
#define CODE "([A-Z][0-9]{4}|[0-9]{4}[0-9FTU])"
#define MOD "[0-9A-Z]{2}"
	const char *line = "^(HC:" CODE "(:" MOD "){0,4}|" CODE "((:" MOD "){1,4}|(-" MOD "){1,4}|"
		"([ \t]+" MOD "){1,4}|(" MOD "){1,4})?)$";
	const char *ndc = "^(N4[ \t]*)?([0-9]{11,12}|[0-9]{5,6}-[0-9]{4}-[0-9]{2}|[0-9]{4}-[0-9]{4}-[0-9]{2}|"
		"[0-9]{5}-[0-9]{3}-[0-9]{2}|[0-9]{5}-[0-9]{4}-[0-9])$";
	const char *icd = "^[A-Z][0-9][0-9A-Z](\\.?[0-9A-Z]{1,4})?$";

	if (regcomp(&re_line, line, REG_EXTENDED | REG_NOSUB) ||
		regcomp(&re_ndc, ndc, REG_EXTENDED | REG_NOSUB) ||
		regcomp(&re_icd, icd, REG_EXTENDED | REG_NOSUB))
	{
		fprintf(stderr, "regcomp failed\n");
		exit(2);
	}
#undef CODE
#undef MOD
}

/* trim blanks, fold to upper case; false when the input holds a NUL */
static int
oracle_prepare(const char *s, size_t len, char *out)
{
	size_t		b = 0;
	size_t		e = len;
	size_t		i;

	if (memchr(s, '\0', len))
		return 0;
	while (b < e && (s[b] == ' ' || s[b] == '\t'))
		b++;
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	for (i = b; i < e; i++)
		out[i - b] = (char) ((s[i] >= 'a' && s[i] <= 'z') ? s[i] - 32 : s[i]);
	out[e - b] = '\0';
	return 1;
}

/* expected canonical line: drop "HC:" and separators, then re-hyphenate */
static void
oracle_line_canonical(const char *up, char *out)
{
	char		alnum[64];
	size_t		n = 0;
	size_t		o = 0;
	size_t		i;

	if (strncmp(up, "HC:", 3) == 0)
		up += 3;
	for (; *up; up++)
		if ((*up >= '0' && *up <= '9') || (*up >= 'A' && *up <= 'Z'))
			alnum[n++] = *up;
	memcpy(out, alnum, 5);
	o = 5;
	for (i = 5; i + 1 < n; i += 2)
	{
		out[o++] = '-';
		out[o++] = alnum[i];
		out[o++] = alnum[i + 1];
	}
	out[o] = '\0';
}

static void
mutate(char *s, size_t *len, size_t cap, const char *alphabet)
{
	size_t		na = strlen(alphabet);
	size_t		at = *len ? rnd((unsigned) *len + 1) : 0;

	switch (rnd(3))
	{
		case 0:
			if (*len + 1 < cap)
			{
				memmove(s + at + 1, s + at, *len - at);
				s[at] = alphabet[rnd((unsigned) na)];
				(*len)++;
			}
			break;
		case 1:
			if (at < *len)
			{
				memmove(s + at, s + at + 1, *len - at - 1);
				(*len)--;
			}
			break;
		default:
			if (at < *len)
				s[at] = alphabet[rnd((unsigned) na)];
			break;
	}
}

static void
test_line_oracle(void)
{
	static const char alphabet[] = "J7599jzKXkx0FTUHhCc1PA-- ::\t#\x80";
	long		i;
	long		disagree = 0;
	long		accepted = 0;
	long		bad_reason = 0;
	long		bad_canon = 0;

	for (i = 0; i < 300000; i++)
	{
		hcpcs_line_parts a;
		hcpcs_line_parts got;
		char		s[64];
		char		up[64];
		char		reason[CODES_REASON_MAX];
		char		canon[HCPCS_LINE_TEXT_MAX];
		char		want[64];
		size_t		len;
		int			r;
		int			expect;
		int			m;
		int			form = (int) rnd(5);
		char	   *p;

		random_parts(&a);
		len = hcpcs_format(&a, s);
		for (p = s; p < s + len; p++)
			if (*p == '-')
				*p = form == 0 ? ' ' : form == 1 ? ':' : form == 2 ? '-' : '\t';
		if (form == 1 && rnd(2))
		{
			memmove(s + 3, s, len);
			memcpy(s, "HC:", 3);
			len += 3;
		}
		if (form == 4)
		{
			size_t		o = 0;
			size_t		j;

			for (j = 0; j < len; j++)
				if (s[j] != '\t')
					s[o++] = s[j];
			len = o;
		}
		for (m = (int) rnd(3); m > 0; m--)
			mutate(s, &len, sizeof(s) - 1, alphabet);

		p = exact(s, len);
		fill_reason(reason);
		r = hcpcs_parse_line(p, len, &got, reason);
		free(p);
		expect = oracle_prepare(s, len, up) && regexec(&re_line, up, 0, NULL, 0) == 0;
		if (r != expect)
		{
			if (disagree++ < 5)
				diag("oracle disagrees on %s: parser %d, oracle %d", show(s, len), r, expect);
			continue;
		}
		if (!r && !reason_sane(reason))
			bad_reason++;
		if (r)
		{
			accepted++;
			hcpcs_format(&got, canon);
			oracle_line_canonical(up, want);
			if (strcmp(canon, want) != 0)
				bad_canon++;
		}
	}
	ok(disagree == 0, "300000 mutated lines: parser and regular expression agree (%ld disagree)",
	   disagree);
	ok(bad_reason == 0, "mutated lines: every rejection has a sane reason (%ld bad)", bad_reason);
	ok(bad_canon == 0 && accepted > 1000,
	   "mutated lines: %ld accepted, canonical form matches the separators removed (%ld bad)",
	   accepted, bad_canon);
}

/* ---------------------------------------------------------------- NDC */

static int
parse_ndc_n(const char *s, size_t len, int64_t *v, char *reason)
{
	char	   *p = exact(s, len);
	int			r;

	fill_reason(reason);
	r = ndc_parse(p, len, v, reason);
	free(p);
	return r;
}

static void
ndc_good(const char *s, int64_t value, const char *canonical)
{
	int64_t		v = -1;
	char		reason[CODES_REASON_MAX];
	char		buf[NDC_TEXT_MAX];
	int			n;

	if (!parse_ndc_n(s, strlen(s), &v, reason))
	{
		ok(0, "NDC %s parses", show(s, strlen(s)));
		diag("reason: %s", reason_sane(reason) ? reason : "(not sane)");
		return;
	}
	n = ndc_format_canonical(v, buf);
	if (!ok(v == value && n == (int) strlen(canonical) && strcmp(buf, canonical) == 0,
			"NDC %s -> %s", show(s, strlen(s)), canonical))
		diag("got value %lld text %s", (long long) v, buf);
}

static void
ndc_bad_n(const char *s, size_t len, const char *expect)
{
	int64_t		v;
	char		reason[CODES_REASON_MAX];
	int			r = parse_ndc_n(s, len, &v, reason);

	if (!ok(!r && reason_sane(reason) && strstr(reason, expect) != NULL,
			"NDC %s rejected: %s", show(s, len), expect))
		diag("parsed=%d reason: %s", r, reason_sane(reason) ? reason : "(not sane)");
}

static void
ndc_bad(const char *s, const char *expect)
{
	ndc_bad_n(s, strlen(s), expect);
}

static void
test_ndc_parse(void)
{
	char		big[300];

	ndc_good("00069015001", INT64_C(69015001), "00069015001");
	ndc_good("00069-0150-01", INT64_C(69015001), "00069015001");
	ndc_good("  00069-0150-01\t", INT64_C(69015001), "00069015001");
	ndc_good("0069-0150-01", INT64_C(69015001), "00069015001");
	ndc_good("00069-150-01", INT64_C(69015001), "00069015001");
	ndc_good("00069-1500-1", INT64_C(69150001), "00069150001");
	ndc_good("1234-5678-90", INT64_C(1234567890), "01234567890");
	ndc_good("12345-678-90", INT64_C(12345067890), "12345067890");
	ndc_good("12345-6789-1", INT64_C(12345678901), "12345678901");
	ndc_good("N400069015001", INT64_C(69015001), "00069015001");
	ndc_good("n400069015001", INT64_C(69015001), "00069015001");
	ndc_good("N4 00069-0150-01", INT64_C(69015001), "00069015001");
	ndc_good(" n4\t\t1234-5678-90 ", INT64_C(1234567890), "01234567890");
	ndc_good("000069015001", INT64_C(69015001), "00069015001");
	ndc_good("000069-0150-01", INT64_C(69015001), "00069015001");
	ndc_good("N4000069-0150-01", INT64_C(69015001), "00069015001");
	ndc_good("123456789012", INT64_C(123456789012), "123456789012");
	ndc_good("123456-7890-12", INT64_C(123456789012), "123456789012");
	ndc_good("99999999999", INT64_C(99999999999), "99999999999");
	ndc_good("100000000000", INT64_C(100000000000), "100000000000");
	ndc_good("999999-9999-99", NDC_MAX_VALUE, "999999999999");
	ndc_good("00000000000", 0, "00000000000");

	ndc_bad("0006915001",
			"a bare 10-digit NDC \"0006915001\" is ambiguous: it could be 4-4-2 (00006-9150-01), "
			"5-3-2 (00069-0150-01) or 5-4-1 (00069-1500-01)");
	ndc_bad("N4 1234567890", "4-4-2 (01234-5678-90), 5-3-2 (12345-0678-90) or 5-4-1 (12345-6789-00)");
	ndc_bad("", "the NDC is empty");
	ndc_bad("  ", "the NDC contains only blanks");
	ndc_bad("N4", "nothing follows the \"N4\" qualifier");
	ndc_bad("n4  ", "nothing follows the \"N4\" qualifier");
	ndc_bad("123", "an NDC without hyphens must have 11 digits (or 12), found 3");
	ndc_bad("1234567890123", "found 13");
	ndc_bad("00069-0150", "an NDC has 3 segments separated by \"-\", found 2");
	ndc_bad("00069-0150-01-1", "found 4");
	ndc_bad("00069--01", "the product segment (segment 2) of the NDC is empty");
	ndc_bad("-0150-01", "the labeler segment (segment 1) of the NDC is empty");
	ndc_bad("00069-0150-", "the package segment (segment 3) of the NDC is empty");
	ndc_bad("123-4567-89", "the labeler segment \"123\" has 3 digits; it must have 4, 5 or 6");
	ndc_bad("1234567-1234-12", "the labeler segment \"1234567\" has 7 digits");
	ndc_bad("12345-12-12", "the product segment \"12\" has 2 digits; it must have 3 or 4");
	ndc_bad("12345-12345-12", "the product segment \"12345\" has 5 digits");
	ndc_bad("12345-1234-123", "the package segment \"123\" has 3 digits; it must have 1 or 2");
	ndc_bad("1234-567-89", "NDC \"1234-567-89\" is 4-3-2; the accepted forms are 5-4-2, 6-4-2");
	ndc_bad("1234-5678-9", "is 4-4-1");
	ndc_bad("12345-678-9", "is 5-3-1");
	ndc_bad("123456-789-01", "is 6-3-2");
	ndc_bad("123456-7890-1", "is 6-4-1");
	ndc_bad("00069 0150 01", "a blank at position 6 is inside the NDC");
	ndc_bad("0006X015001", "character \"X\" at position 5 is not a digit or \"-\"");
	ndc_bad("N5 00069015001", "character \"N\" at position 1");
	ndc_bad("N4N400069015001", "character \"N\" at position 3");
	ndc_bad("*1234-5678-90", "character \"*\" at position 1");
	ndc_bad("\"00069015001\"", "character '\"' at position 1");
	ndc_bad("00069015001\xC3\xA9", "byte 0xC3 at position 12 is not a digit or \"-\"");
	ndc_bad_n("00069\0" "15001", 11, "byte 0x00 at position 6");
	ndc_bad("00069.0150.01", "character \".\" at position 6");

	memset(big, '1', sizeof(big));
	ndc_bad_n(big, sizeof(big), "found 300");
	big[100] = '-';
	big[200] = '-';
	ndc_bad_n(big, sizeof(big), "the labeler segment \"111111111111111111111111...\" has 100 digits");
}

static void
test_ndc_format(void)
{
	char		buf[NDC_TEXT_MAX];
	ndc_style	st;
	int			n;

	n = ndc_format(INT64_C(69015001), NDC_STYLE_11, buf);
	ok(n == 11 && strcmp(buf, "00069015001") == 0, "format 11");
	n = ndc_format(INT64_C(69015001), NDC_STYLE_5_4_2, buf);
	ok(n == 13 && strcmp(buf, "00069-0150-01") == 0, "format 5-4-2");
	n = ndc_format(INT64_C(69015001), NDC_STYLE_12, buf);
	ok(n == 12 && strcmp(buf, "000069015001") == 0, "format 12");
	n = ndc_format(INT64_C(69015001), NDC_STYLE_6_4_2, buf);
	ok(n == 14 && strcmp(buf, "000069-0150-01") == 0, "format 6-4-2");
	ok(ndc_format(INT64_C(123456789012), NDC_STYLE_11, buf) == -1,
	   "format 11 of an NDC without an 11-digit form is -1");
	ok(ndc_format(INT64_C(123456789012), NDC_STYLE_5_4_2, buf) == -1,
	   "format 5-4-2 of an NDC without an 11-digit form is -1");
	n = ndc_format(INT64_C(123456789012), NDC_STYLE_6_4_2, buf);
	ok(n == 14 && strcmp(buf, "123456-7890-12") == 0, "format 6-4-2 of a 12-digit NDC");
	n = ndc_format(NDC_MAX_VALUE, NDC_STYLE_6_4_2, buf);
	ok(n == 14 && strcmp(buf, "999999-9999-99") == 0, "format 6-4-2 of the greatest NDC");
	n = ndc_format(INT64_C(99999999999), NDC_STYLE_5_4_2, buf);
	ok(n == 13 && strcmp(buf, "99999-9999-99") == 0, "format 5-4-2 of the greatest 11-digit NDC");
	ok(ndc_format(-1, NDC_STYLE_12, buf) == -1, "format of -1 is -1");
	ok(ndc_format(NDC_MAX_VALUE + 1, NDC_STYLE_12, buf) == -1, "format beyond the greatest NDC is -1");
	ok(ndc_format(0, (ndc_style) 7, buf) == -1, "format in an unknown style is -1");
	n = ndc_format_canonical(0, buf);
	ok(n == 11 && strcmp(buf, "00000000000") == 0, "canonical of 0");
	n = ndc_format_canonical(INT64_C(100000000000), buf);
	ok(n == 12 && strcmp(buf, "100000000000") == 0, "canonical of the least 12-digit-only NDC");

	ok(ndc_value_ok(0) && ndc_value_ok(NDC_MAX_VALUE), "value_ok at both ends");
	ok(!ndc_value_ok(-1) && !ndc_value_ok(NDC_MAX_VALUE + 1) && !ndc_value_ok(INT64_MIN),
	   "value_ok rejects out-of-range values");
	ok(ndc_has_11(0) && ndc_has_11(INT64_C(99999999999)), "has_11 up to 99999999999");
	ok(!ndc_has_11(INT64_C(100000000000)) && !ndc_has_11(-5) && !ndc_has_11(NDC_MAX_VALUE + 1),
	   "has_11 false from 100000000000 and for invalid values");

	ok(ndc_style_from_name("11", 2, &st) && st == NDC_STYLE_11, "style name 11");
	ok(ndc_style_from_name("5-4-2", 5, &st) && st == NDC_STYLE_5_4_2, "style name 5-4-2");
	ok(ndc_style_from_name("12", 2, &st) && st == NDC_STYLE_12, "style name 12");
	ok(ndc_style_from_name("6-4-2", 5, &st) && st == NDC_STYLE_6_4_2, "style name 6-4-2");
	ok(!ndc_style_from_name("542", 3, &st) && !ndc_style_from_name("", 0, &st) &&
	   !ndc_style_from_name("11 ", 3, &st) && !ndc_style_from_name("6-4-2x", 6, &st) &&
	   !ndc_style_from_name("5-4-2", 4, &st), "unknown style names are refused");
}

static void
test_ndc_random(void)
{
	static const char alphabet[] = "0123456789--N4n \t*";
	long		i;
	long		bad_round = 0;
	long		disagree = 0;
	long		accepted = 0;
	long		bad_reason = 0;

	/* every style of random values re-parses to the same value */
	for (i = 0; i < 200000; i++)
	{
		int64_t		v = (int64_t) (rng() % (uint64_t) (NDC_MAX_VALUE + 1));
		int			st;
		char		buf[NDC_TEXT_MAX];
		char		reason[CODES_REASON_MAX];

		if (i & 1)
			v %= INT64_C(100000000000);
		for (st = NDC_STYLE_11; st <= NDC_STYLE_6_4_2; st++)
		{
			int			n = ndc_format(v, (ndc_style) st, buf);
			int64_t		back = -1;

			if (n < 0)
			{
				if (ndc_has_11(v) || (st != NDC_STYLE_11 && st != NDC_STYLE_5_4_2))
					bad_round++;
				continue;
			}
			if ((size_t) n != strlen(buf) || !ndc_parse(buf, (size_t) n, &back, reason) || back != v)
				bad_round++;
		}
	}
	ok(bad_round == 0, "200000 random NDCs re-parse from every style (%ld failures)", bad_round);

	for (i = 0; i < 300000; i++)
	{
		char		s[48];
		char		up[48];
		char		reason[CODES_REASON_MAX];
		size_t		len;
		int64_t		v = (int64_t) (rng() % (uint64_t) (NDC_MAX_VALUE + 1));
		int64_t		got;
		int			fl;
		int			r;
		int			expect;
		int			m;
		char	   *p;

		if (rnd(2))
			v %= INT64_C(100000000000);
		fl = ndc_format(v, (ndc_style) rnd(4), s);
		if (fl < 0)
			fl = ndc_format(v, NDC_STYLE_12, s);
		len = (size_t) fl;
		if (rnd(4) == 0)
		{
			memmove(s + 3, s, len);
			memcpy(s, "N4 ", 3);
			len += 3;
		}
		for (m = (int) rnd(3); m > 0; m--)
			mutate(s, &len, sizeof(s) - 1, alphabet);

		p = exact(s, len);
		fill_reason(reason);
		r = ndc_parse(p, len, &got, reason);
		free(p);
		expect = oracle_prepare(s, len, up) && regexec(&re_ndc, up, 0, NULL, 0) == 0;
		if (r != expect)
		{
			if (disagree++ < 5)
				diag("oracle disagrees on %s: parser %d, oracle %d", show(s, len), r, expect);
			continue;
		}
		if (!r && !reason_sane(reason))
			bad_reason++;
		accepted += r;
	}
	ok(disagree == 0 && accepted > 1000,
	   "300000 mutated NDCs: parser and regular expression agree (%ld accepted, %ld disagree)",
	   accepted, disagree);
	ok(bad_reason == 0, "mutated NDCs: every rejection has a sane reason (%ld bad)", bad_reason);
}

/* ----------------------------------------------------- ICD-10-CM, POS */

static void
icd_good(const char *s, const char *norm)
{
	char		out[ICD10_NORM_MAX];
	char		reason[CODES_REASON_MAX];
	size_t		len = strlen(s);
	char	   *p = exact(s, len);
	int			r;

	fill_reason(reason);
	r = icd10_parse(p, len, out, reason);
	free(p);
	if (!ok(r && strcmp(out, norm) == 0, "diagnosis %s -> %s", show(s, len), norm))
		diag("parsed=%d reason %s", r, r ? "" : reason);
}

static void
icd_bad_n(const char *s, size_t len, const char *expect)
{
	char		out[ICD10_NORM_MAX];
	char		reason[CODES_REASON_MAX];
	char	   *p = exact(s, len);
	int			r;

	fill_reason(reason);
	r = icd10_parse(p, len, out, reason);
	free(p);
	if (!ok(!r && reason_sane(reason) && strstr(reason, expect) != NULL,
			"diagnosis %s rejected: %s", show(s, len), expect))
		diag("parsed=%d reason: %s", r, reason_sane(reason) ? reason : "(not sane)");
}

static void
icd_bad(const char *s, const char *expect)
{
	icd_bad_n(s, strlen(s), expect);
}

static void
pos_case(const char *s, int expect_ok, int value, const char *expect)
{
	char		reason[CODES_REASON_MAX];
	size_t		len = strlen(s);
	char	   *p = exact(s, len);
	int			v = -1;
	int			r;

	fill_reason(reason);
	r = pos_parse(p, len, &v, reason);
	free(p);
	if (expect_ok)
		ok(r && v == value, "place of service %s -> %d", show(s, len), value);
	else if (!ok(!r && reason_sane(reason) && strstr(reason, expect) != NULL,
				 "place of service %s rejected: %s", show(s, len), expect))
		diag("parsed=%d reason: %s", r, reason_sane(reason) ? reason : "(not sane)");
}

static void
test_icd10(void)
{
	icd_good("Z94.0", "Z940");
	icd_good("z940", "Z940");
	icd_good("Z94", "Z94");
	icd_good(" t86.10\t", "T8610");
	icd_good("T86.8401", "T868401");
	icd_good("U07.1", "U071");
	icd_good("S72.001A", "S72001A");
	icd_good("S72001A", "S72001A");
	icd_good("c4a.0", "C4A0");
	icd_good("T86.X", "T86X");

	icd_bad("Z9", "diagnosis \"Z9\" must have 3 to 7 characters");
	icd_bad("Z94.12345", "diagnosis \"Z94.12345\" must have 3 to 7 characters, not counting the dot");
	icd_bad("Z9412345", "must have 3 to 7 characters");
	icd_bad("194.0", "character 1 of diagnosis \"194.0\" must be a letter");
	icd_bad("ZZ4.0", "character 2 of diagnosis \"ZZ4.0\" must be a digit");
	icd_bad("Z9.40", "a dot may only follow the third character");
	icd_bad(".Z94", "a dot may only follow the third character");
	icd_bad("Z940.1", "a dot may only follow the third character");
	icd_bad("Z94.", "a dot must be followed by 1 to 4 characters");
	icd_bad("Z94..0", "has 2 dots");
	icd_bad("Z94 0", "a blank at position 4 is inside the diagnosis");
	icd_bad("Z94-0", "character \"-\" at position 4 of the diagnosis is not a letter, digit or \".\"");
	icd_bad("Z94\xC3\xA9", "byte 0xC3 at position 4 of the diagnosis");
	icd_bad_n("Z9\0" "40", 5, "byte 0x00 at position 3");
	icd_bad("", "the diagnosis is empty");
	icd_bad(" ", "the diagnosis contains only blanks");
	icd_bad("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "\"ZZZZZZZZZZZZZZZZZZZZZZZZ...\" must have 3 to 7");

	pos_case("11", 1, 11, NULL);
	pos_case(" 01\t", 1, 1, NULL);
	pos_case("99", 1, 99, NULL);
	pos_case("00", 1, 0, NULL);
	pos_case("1", 0, 0, "place of service \"1\" must be two digits");
	pos_case("123", 0, 0, "place of service \"123\" must be two digits");
	pos_case("1a", 0, 0, "place of service \"1a\" must be two digits");
	pos_case("1 1", 0, 0, "place of service \"1 1\" must be two digits");
	pos_case("\xC3\xA9", 0, 0, "place of service \"\\xC3\\xA9\" must be two digits");
	pos_case("", 0, 0, "the place of service is empty");
	pos_case("  ", 0, 0, "the place of service contains only blanks");
}

static void
test_icd10_random(void)
{
	static const char alphabet[] = "Z94T86.0123xXaU . \t-";
	long		i;
	long		disagree = 0;
	long		accepted = 0;
	long		bad = 0;

	for (i = 0; i < 300000; i++)
	{
		char		s[32];
		char		up[32];
		char		out[ICD10_NORM_MAX];
		char		again[ICD10_NORM_MAX];
		char		reason[CODES_REASON_MAX];
		size_t		len = 0;
		size_t		n = 3 + rnd(5);
		size_t		j;
		int			r;
		int			expect;
		int			m;
		char	   *p;

		s[len++] = (char) ('A' + rnd(26));
		s[len++] = (char) ('0' + rnd(10));
		for (j = 2; j < n; j++)
		{
			if (j == 3 && rnd(2))
				s[len++] = '.';
			s[len++] = rnd_alnum();
		}
		for (m = (int) rnd(3); m > 0; m--)
			mutate(s, &len, sizeof(s) - 1, alphabet);

		p = exact(s, len);
		fill_reason(reason);
		r = icd10_parse(p, len, out, reason);
		free(p);
		expect = oracle_prepare(s, len, up) && regexec(&re_icd, up, 0, NULL, 0) == 0;
		if (r != expect)
		{
			if (disagree++ < 5)
				diag("oracle disagrees on %s: parser %d, oracle %d", show(s, len), r, expect);
			continue;
		}
		if (!r && !reason_sane(reason))
			bad++;
		if (r)
		{
			accepted++;
			if (!icd10_parse(out, strlen(out), again, reason) || strcmp(out, again) != 0)
				bad++;
		}
	}
	ok(disagree == 0 && accepted > 1000,
	   "300000 mutated diagnoses: parser and regular expression agree (%ld accepted, %ld disagree)",
	   accepted, disagree);
	ok(bad == 0, "mutated diagnoses: sane reasons, normalised output parses to itself (%ld bad)", bad);

	/* all 100 two-digit places of service, and every other short input */
	bad = 0;
	for (i = 0; i < 100; i++)
	{
		char		s[3];
		int			v = -1;

		s[0] = (char) ('0' + i / 10);
		s[1] = (char) ('0' + i % 10);
		if (!pos_parse(s, 2, &v, NULL) || v != i)
			bad++;
	}
	for (i = 0; i < 65536; i++)
	{
		char		s[2];
		char		reason[CODES_REASON_MAX];
		int			v;
		int			want;

		s[0] = (char) (i >> 8);
		s[1] = (char) (i & 0xFF);
		want = s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9';
		fill_reason(reason);
		if (pos_parse(s, 2, &v, reason) != want || (!want && !reason_sane(reason)))
			bad++;
	}
	ok(bad == 0, "place of service: all 100 codes and all 65536 two-byte inputs (%ld failures)", bad);
}

/* ------------------------------------------------------ reference files */

static char *
slurp(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	size_t		cap = 0;
	size_t		n = 0;
	size_t		got;

	if (f == NULL)
		return NULL;
	do
	{
		if (n + 4096 > cap)
		{
			char	   *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (nb == NULL)
			{
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

/*
 * Next CSV record: *field gets the first field (unquoted), the rest of the
 * record is skipped, quoted fields with commas, "" and newlines included.
 * Returns 0 at the end of the data.
 */
static int
csv_next(const char *buf, size_t len, size_t *pos, char *field, size_t fieldcap)
{
	size_t		i = *pos;
	size_t		o = 0;
	int			col = 0;
	int			inq = 0;

	if (i >= len)
		return 0;
	for (; i < len; i++)
	{
		char		c = buf[i];

		if (inq)
		{
			if (c == '"' && i + 1 < len && buf[i + 1] == '"')
			{
				if (col == 0 && o + 1 < fieldcap)
					field[o++] = '"';
				i++;
			}
			else if (c == '"')
				inq = 0;
			else if (col == 0 && o + 1 < fieldcap)
				field[o++] = c;
			continue;
		}
		if (c == '"')
			inq = 1;
		else if (c == ',')
			col++;
		else if (c == '\n')
		{
			i++;
			break;
		}
		else if (c != '\r' && col == 0 && o + 1 < fieldcap)
			field[o++] = c;
	}
	field[o] = '\0';
	*pos = i;
	return 1;
}

static void
test_reference_codes(const char *path)
{
	size_t		len;
	size_t		pos = 0;
	char		field[64];
	char	   *buf = slurp(path, &len);
	long		count = 0;
	long		bad = 0;

	if (buf == NULL)
	{
		ok(0, "read %s", path);
		return;
	}
	csv_next(buf, len, &pos, field, sizeof(field));	/* header */
	while (csv_next(buf, len, &pos, field, sizeof(field)))
	{
		hcpcs_line_parts parts;
		char		reason[CODES_REASON_MAX];
		char		text[HCPCS_LINE_TEXT_MAX];
		hcpcs_code_kind want;
		size_t		n = strlen(field);

		if (n == 0)
			continue;
		count++;
		want = field[0] == 'D' ? HCPCS_KIND_CDT : HCPCS_KIND_LEVEL2;
		if (!parse_line_n(field, n, &parts, reason) ||
			hcpcs_format(&parts, text) != n || strcmp(text, field) != 0 ||
			hcpcs_code_kind_of(parts.code) != want)
		{
			if (bad++ < 5)
				diag("reference code \"%s\" fails", field);
		}
	}
	free(buf);
	ok(bad == 0 && count >= 6000,
	   "every code of %s parses, formats back unchanged and is Level II or CDT (%ld codes, %ld failures)",
	   path, count, bad);
}

static void
test_reference_modifiers(const char *path)
{
	size_t		len;
	size_t		pos = 0;
	char		field[64];
	char	   *buf = slurp(path, &len);
	long		count = 0;
	long		bad = 0;

	if (buf == NULL)
	{
		ok(0, "read %s", path);
		return;
	}
	csv_next(buf, len, &pos, field, sizeof(field));	/* header */
	while (csv_next(buf, len, &pos, field, sizeof(field)))
	{
		hcpcs_line_parts parts;
		char		reason[CODES_REASON_MAX];
		char		line[64];
		char		text[HCPCS_LINE_TEXT_MAX];
		int			n;

		if (field[0] == '\0')
			continue;
		count++;
		n = snprintf(line, sizeof(line), "J7599-%s", field);
		if (!parse_line_n(line, (size_t) n, &parts, reason) || parts.nmods != 1 ||
			strcmp(parts.mods[0], field) != 0 || hcpcs_format(&parts, text) != (size_t) n ||
			strcmp(text, line) != 0)
		{
			if (bad++ < 5)
				diag("reference modifier \"%s\" fails", field);
		}
	}
	free(buf);
	ok(bad == 0 && count >= 300,
	   "every modifier of %s is accepted in J7599-<mod> and round-trips (%ld modifiers, %ld failures)",
	   path, count, bad);
}

/* ------------------------------------------------------ legacy values */

static legacy_verdict
date_of(const char *text, int *y, int *m, int *d)
{
	size_t		n = strlen(text);
	char	   *buf = malloc(n ? n : 1);
	legacy_verdict v;

	memcpy(buf, text, n);
	v = legacy_parse_date(buf, n, y, m, d);
	free(buf);
	return v;
}

static legacy_verdict
number_of(const char *text, bool whole, bool *is_int, int64_t *value)
{
	size_t		n = strlen(text);
	char	   *buf = malloc(n ? n : 1);
	size_t		start,
				nlen;
	legacy_verdict v;

	memcpy(buf, text, n);
	v = legacy_parse_number(buf, n, whole, &start, &nlen, is_int, value);
	free(buf);
	return v;
}

static void
test_legacy_values(void)
{
	static const struct
	{
		const char *text;
		legacy_verdict v;
		int			y, m, d;
	}			dates[] = {
		{"2024-01-15", LEGACY_OK, 2024, 1, 15},
		{" 2024-1-5\t", LEGACY_OK, 2024, 1, 5},
		{"01/15/2024", LEGACY_OK, 2024, 1, 15},
		{"1/5/2024", LEGACY_OK, 2024, 1, 5},
		{"20240115", LEGACY_OK, 2024, 1, 15},
		{"2024-02-29", LEGACY_OK, 2024, 2, 29},
		{"20000229", LEGACY_OK, 2000, 2, 29},
		{"", LEGACY_BLANK, 0, 0, 0},
		{"   ", LEGACY_BLANK, 0, 0, 0},
		{"2024-02-30", LEGACY_MALFORMED, 0, 0, 0},
		{"2023-02-29", LEGACY_MALFORMED, 0, 0, 0},
		{"19000229", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-13-01", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-04-31", LEGACY_MALFORMED, 0, 0, 0},
		{"0000-01-01", LEGACY_MALFORMED, 0, 0, 0},
		{"13/01/2024", LEGACY_MALFORMED, 0, 0, 0},
		{"15.01.2024", LEGACY_MALFORMED, 0, 0, 0},
		{"2024/01/15", LEGACY_MALFORMED, 0, 0, 0},
		{"01/15/24", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-01-15x", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-01-", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-", LEGACY_MALFORMED, 0, 0, 0},
		{"1/", LEGACY_MALFORMED, 0, 0, 0},
		{"2024011", LEGACY_MALFORMED, 0, 0, 0},
		{"202401150", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-001-15", LEGACY_MALFORMED, 0, 0, 0},
		{"Jan 15 2024", LEGACY_MALFORMED, 0, 0, 0},
		{"2024-01-15 10:00", LEGACY_MALFORMED, 0, 0, 0},
	};
	static const struct
	{
		const char *text;
		bool		whole;
		legacy_verdict v;
		bool		is_int;
		int64_t		value;
	}			numbers[] = {
		{"2", false, LEGACY_OK, true, 2},
		{" 12 ", false, LEGACY_OK, true, 12},
		{"1.5", false, LEGACY_OK, false, 0},
		{".5", false, LEGACY_OK, false, 0},
		{"5.", false, LEGACY_OK, true, 5},
		{"30.00", true, LEGACY_OK, true, 30},
		{"-3", false, LEGACY_OK, true, -3},
		{"+4", false, LEGACY_OK, true, 4},
		{"007", true, LEGACY_OK, true, 7},
		{"0", true, LEGACY_OK, true, 0},
		{"123456789012345678", true, LEGACY_OK, true, 123456789012345678},
		{"1234567890123456789", false, LEGACY_OK, false, 0},
		{"1234567890123456789", true, LEGACY_MALFORMED, false, 0},
		{"30.5", true, LEGACY_MALFORMED, false, 0},
		{"", false, LEGACY_BLANK, false, 0},
		{" \t", true, LEGACY_BLANK, false, 0},
		{"abc", false, LEGACY_MALFORMED, false, 0},
		{"1e3", false, LEGACY_MALFORMED, false, 0},
		{"1,5", false, LEGACY_MALFORMED, false, 0},
		{".", false, LEGACY_MALFORMED, false, 0},
		{"-", false, LEGACY_MALFORMED, false, 0},
		{"1 2", false, LEGACY_MALFORMED, false, 0},
		{"2 units", false, LEGACY_MALFORMED, false, 0},
		{"NaN", false, LEGACY_MALFORMED, false, 0},
	};

	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
	{
		int			y = -1,
					m = -1,
					d = -1;
		legacy_verdict v = date_of(dates[i].text, &y, &m, &d);

		ok(v == dates[i].v &&
		   (v != LEGACY_OK || (y == dates[i].y && m == dates[i].m && d == dates[i].d)),
		   "legacy date \"%s\": verdict %d (%d-%d-%d)", dates[i].text, (int) v, y, m, d);
	}
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
	{
		bool		is_int = false;
		int64_t		value = -1;
		legacy_verdict v = number_of(numbers[i].text, numbers[i].whole, &is_int, &value);

		ok(v == numbers[i].v && (v != LEGACY_OK || (is_int == numbers[i].is_int &&
												   (!is_int || value == numbers[i].value))),
		   "legacy number \"%s\"%s: verdict %d", numbers[i].text,
		   numbers[i].whole ? " (whole)" : "", (int) v);
	}
}

int
main(int argc, char **argv)
{
	compile_oracles();

	test_line_forms();
	test_line_errors();
	test_line_long();
	test_code_and_modifier();
	test_kinds();
	test_pack_values();
	test_pack_order_examples();
	test_pack_exhaustive_codes();
	test_pack_random();
	test_line_oracle();
	test_ndc_parse();
	test_ndc_format();
	test_ndc_random();
	test_icd10();
	test_icd10_random();
	test_legacy_values();

	if (argc > 1)
		test_reference_codes(argv[1]);
	else
		skip("every HCPCS Level II code of the reference file", "no path to hcpcs-level2-2020.csv given");
	if (argc > 2)
		test_reference_modifiers(argv[2]);
	else
		skip("every modifier of the reference file", "no path to hcpcs-modifiers-2020.csv given");

	regfree(&re_line);
	regfree(&re_ndc);
	regfree(&re_icd);

	printf("1..%d\n", n_tests);
	if (n_failed)
		diag("%d of %d tests failed", n_failed, n_tests);
	return n_failed ? 1 : 0;
}
