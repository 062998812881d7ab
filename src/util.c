/*
 * src/util.c
 *
 * The out-of-line half of the shared pure helpers (util.h): trimming, parser
 * reasons, quoting, binary search and memo tables.  No PostgreSQL header.
 */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>

bool
util_fail(char *reason, size_t size, const char *fmt,...)
{
	va_list		ap;

	if (reason == NULL)
		return false;
	va_start(ap, fmt);
	vsnprintf(reason, size, fmt, ap);
	va_end(ap);
	return false;
}

void
util_quote_reason(char dst[UTIL_QUOTE_BUF], const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t		o = 0;
	size_t		i;

	dst[o++] = '"';
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];
		size_t		need = (c >= 0x20 && c < 0x7F) ? ((c == '"' || c == '\\') ? 2 : 1) : 4;

		if (o - 1 + need > UTIL_QUOTE_MAX_CHARS)
		{
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (need == 1)
			dst[o++] = (char) c;
		else if (need == 2)
		{
			dst[o++] = '\\';
			dst[o++] = (char) c;
		}
		else
		{
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 0xF];
		}
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

void
util_quote_value(char *dst, size_t dstsize, const char *s, size_t len, size_t keep)
{
	size_t		i;
	size_t		o = 0;

	if (dstsize == 0)
		return;
	if (keep > len)
		keep = len;
	for (i = 0; i < keep && o + 1 < dstsize; i++)
	{
		unsigned char c = (unsigned char) s[i];

		dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char) c;
	}
	if (keep < len && o + 4 < dstsize)
	{
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
}

ptrdiff_t
util_bsearch(const void *key, const void *base, size_t n, size_t size,
			 int (*cmp) (const void *key, const void *elem))
{
	size_t		lo = 0;
	size_t		hi = n;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;
		int			c = cmp(key, (const char *) base + mid * size);

		if (c == 0)
			return (ptrdiff_t) mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

void
util_memo_clear(void *table, size_t nslots, size_t entry_size)
{
	size_t		i;

	for (i = 0; i < nslots; i++)
		((util_memo_head *) ((char *) table + i * entry_size))->len = -1;
}
