/*
 * src/row_key.h: naming the refused row in a refusal's detail (row_key.c).
 */
#ifndef J7599_ROW_KEY_H
#define J7599_ROW_KEY_H

#include "postgres.h"

#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "utils/relcache.h"

/*
 * Appends "Row key (col, ...)=(value, ...).\n" for the row in slot: the
 * primary key of rel, else the registered claim key; a sentence saying the
 * key is withheld when the user may not read it; nothing when rel has no key.
 * Bounded length (values cut).  Reads the catalogs and j7599.registration.
 */
extern void row_key_append_line(StringInfo buf, Relation rel, TupleTableSlot *slot);

#endif							/* J7599_ROW_KEY_H */
