/*
 * src/pg_compat.h: the little that differs between the PostgreSQL versions
 * j7599 builds on (15, 16, 17).
 */
#ifndef J7599_PG_COMPAT_H
#define J7599_PG_COMPAT_H

#include "postgres.h"
#include "utils/elog.h"

/*
 * Soft input errors arrived in PostgreSQL 16: an input function reports a
 * bad value through ereturn(), and pg_input_is_valid() sees it without an
 * exception.  On 15 the same call simply raises the error.
 */
#if PG_VERSION_NUM < 160000
#define ereturn(context, dummy_value, ...) \
	do { \
		(void) (context); \
		ereport(ERROR, __VA_ARGS__); \
		return (dummy_value); \
	} while (0)
#define errsave(context, ...) \
	do { \
		(void) (context); \
		ereport(ERROR, __VA_ARGS__); \
	} while (0)
#endif

#endif							/* J7599_PG_COMPAT_H */
