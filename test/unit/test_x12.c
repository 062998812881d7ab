/*
 * test/unit/test_x12.c
 *
 * Unit tests of the X12 procedure composite reader (src/x12.h), printing
 * TAP.  Every input is handed over in a heap buffer of exactly its length,
 * without a terminating NUL, so that AddressSanitizer catches a read past
 * the end.
 */
#include "x12.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static char *
exact(const char *s, size_t len)
{
	char	   *p = malloc(len ? len : 1);

	if (p == NULL)
	{
		perror("malloc");
		exit(2);
	}
	memcpy(p, s, len);
	return p;
}

/* "Q|LINE|DESC" of a parse ("-" for none), or "BLANK", or "ERR: reason" */
static void
show(const char *in, char sep, char *out, size_t outsz)
{
	size_t		len = strlen(in);
	char	   *buf = exact(in, len);
	x12_procedure p;
	char		reason[CODES_REASON_MAX];
	char		line[HCPCS_LINE_TEXT_MAX];
	x12_status	st;

	memset(reason, 0x7F, sizeof(reason));
	st = x12_parse_procedure(buf, len, sep, &p, reason);
	if (st == X12_BLANK)
		snprintf(out, outsz, "BLANK");
	else if (st == X12_MALFORMED)
		snprintf(out, outsz, "ERR: %s", reason);
	else
	{
		if (p.has_line)
			hcpcs_format(&p.line, line);
		else
			strcpy(line, "-");
		snprintf(out, outsz, "%s|%s|%.*s", p.qualifier, line,
				 p.desc_len ? (int) p.desc_len : 1, p.desc_len ? buf + p.desc_off : "-");
	}
	free(buf);
}

static void
check(const char *in, char sep, const char *want)
{
	char		have[512];

	show(in, sep, have, sizeof(have));
	if (!ok(strcmp(have, want) == 0, "'%s' (separator 0x%02X) -> %s", in, (unsigned) (unsigned char) sep, want))
		printf("#   have: %s\n", have);
}

static void
check_sep(const char *s, size_t len, int want_ok, const char *want_reason)
{
	char		reason[CODES_REASON_MAX] = "";
	char		sep = 0;
	char	   *buf = exact(s, len);
	bool		r = x12_separator_parse(buf, len, &sep, reason);

	if (!ok(r == (want_ok != 0) && (want_ok ? sep == s[0] : strcmp(reason, want_reason) == 0),
			"separator of %zu byte(s) 0x%02X %s", len, len ? (unsigned) (unsigned char) s[0] : 0u,
			want_ok ? "accepted" : "refused"))
		printf("#   reason: %s\n", reason);
	free(buf);
}

int
main(void)
{
	const char *seps = ":>^*|~\\!<#+./-_\"',;?=&()[]{}%@$`\x1d\x1f\x7f";
	const char *p;
	char		in[128];

	/* the composites from real files */
	check("HC:J7599:KX::::TACROLIMUS 1MG CAP", ':', "HC|J7599-KX|TACROLIMUS 1MG CAP");
	check("HC>99213>25", '>', "HC|99213-25|-");
	check("HC:J3490:::::Hep Lock see NDC#", ':', "HC|J3490|Hep Lock see NDC#");

	/* every separator X12 could use */
	for (p = seps; *p; p++)
	{
		snprintf(in, sizeof(in), "HC%cJ7599%cJZ%cKX%c%c%cDRUG", *p, *p, *p, *p, *p, *p);
		check(in, *p, "HC|J7599-JZ-KX|DRUG");
		check_sep(p, 1, 1, NULL);
	}

	/* empty slots anywhere; four modifiers */
	check("HC:J7599:KX:::", ':', "HC|J7599-KX|-");
	check("HC:J7599::KX::", ':', "HC|J7599-KX|-");
	check("HC:J7599:::KX:", ':', "HC|J7599-KX|-");
	check("HC:J7599::::KX", ':', "HC|J7599-KX|-");
	check("HC:J7599:JZ::KX::D", ':', "HC|J7599-JZ-KX|D");
	check("HC:J7599:JW:JZ:KX:GA:D", ':', "HC|J7599-JW-JZ-KX-GA|D");
	check("HC:J7599:::::", ':', "HC|J7599|-");
	check("HC:J7599", ':', "HC|J7599|-");
	check("hc:j7599:kx", ':', "HC|J7599-KX|-");
	check("  HC : J7599 :\tKX : : : : A B  ", ':', "HC|J7599-KX|A B");

	/* descriptions */
	check("HC:J7599:KX::::A>B^C*D", ':', "HC|J7599-KX|A>B^C*D");
	check("HC>J7599>KX>>>>ACID: 180 MG", '>', "HC|J7599-KX|ACID: 180 MG");
	check("HC:J7599:KX::::", ':', "HC|J7599-KX|-");
	check("HC:J7599:KX::::   ", ':', "HC|J7599-KX|-");

	/* other qualifiers: no line, code and modifiers not checked */
	check("ER:ABC123:ZZ", ':', "ER|-|-");
	check("HP:1AFK1:::::HIPPS", ':', "HP|-|HIPPS");
	check("iv:X:Y:Z", ':', "IV|-|-");
	check("WK:A", ':', "WK|-|-");

	/* blank */
	check("", ':', "BLANK");
	check(" \t ", ':', "BLANK");

	/* errors */
	check("HC:J7599:K", ':', "ERR: component 3 at position 10: modifier 1 \"K\" must be two letters or digits");
	check("HC:J7599::::K", ':', "ERR: component 6 at position 13: modifier 4 \"K\" must be two letters or digits");
	check("HC:J7599:K-X", ':', "ERR: component 3 at position 10: modifier 1 \"K-X\" must be two letters or digits");
	check("HC>J759>KX", '>', "ERR: component 2 at position 4: code \"J759\" must be 5 characters");
	check("HC:J75A9", ':', "ERR: component 2 at position 4: code \"J75A9\" is not a HCPCS Level II code "
		  "(a letter and 4 digits) or a CPT code (5 digits, or 4 digits and F, T or U)");
	check("HC:J7599::::::x:y", ':', "ERR: the composite has 9 components, at most 7 "
		  "(the \":\" at position 14 starts component 8)");
	check("HC\x1fJ7599\x1f\x1f\x1f\x1f\x1f\x1fx", '\x1f', "ERR: the composite has 8 components, at most 7 "
		  "(the byte 0x1F at position 14 starts component 8)");
	check("HC:\x01\x11\x01\x01\x01", ':', "ERR: component 2 at position 4: code \"\\x01\\x11\\x01\\x01\\x01\" "
		  "is not a HCPCS or CPT code");
	check("J7599:KX", ':', "ERR: qualifier \"J7599\" (component 1) must be two letters or digits, such as HC");
	check("H\xc3\xa9:J7599", ':', "ERR: qualifier \"H\\xC3\\xA9\" (component 1) must be two letters or digits, such as HC");
	check(":J7599", ':', "ERR: the qualifier (component 1) is empty");
	check("HC", ':', "ERR: no code follows the qualifier (no \":\" separator)");
	check("HC::KX", ':', "ERR: the code (component 2, position 4) is empty");
	check("ER: :KX", ':', "ERR: the code (component 2, position 5) is empty");

	/* separators refused */
	check_sep("", 0, 0, "the separator is empty");
	check_sep("ab", 2, 0, "the separator \"ab\" must be one character");
	check_sep("A", 1, 0, "the separator \"A\" cannot be a letter, a digit or a blank");
	check_sep("7", 1, 0, "the separator \"7\" cannot be a letter, a digit or a blank");
	check_sep(" ", 1, 0, "the separator \" \" cannot be a letter, a digit or a blank");
	check_sep("\t", 1, 0, "the separator \"\\x09\" cannot be a letter, a digit or a blank");
	check_sep("\0", 1, 0, "the separator \"\\x00\" cannot be a letter, a digit or a blank");
	check_sep("\xc3\xa9", 2, 0, "the separator \"\\xC3\\xA9\" must be one character");
	check_sep("\xa7", 1, 0, "the separator must be an ASCII character, not byte 0xA7");

	/* a NULL output pointer and a NULL reason are allowed */
	ok(x12_parse_procedure("HC:J75", 6, ':', NULL, NULL) == X12_MALFORMED, "NULL out and reason on failure");
	ok(x12_parse_procedure("HC:J7599", 8, ':', NULL, NULL) == X12_OK, "NULL out on success");

	printf("1..%d\n", n_tests);
	return n_failed ? 1 : 0;
}
