/*
 * src/quarantine.h: setting refused rows aside in j7599.quarantine
 * (src/quarantine.c), for the enforcing trigger in quarantine mode.
 */
#ifndef J7599_QUARANTINE_H
#define J7599_QUARANTINE_H

#include "utils/rel.h"

#include "rules.h"

/*
 * The table a quarantined row of rel is recorded under: rel itself, or, for
 * a partition, its topmost ancestor that carries the enforcing trigger (the
 * partitioned table that was enforced), so that j7599.release() routes the
 * row again.
 */
extern Oid	quarantine_target(Relation rel);

/*
 * What writing a row of one relation needs, looked up once per statement
 * (the enforcing trigger keeps it beside its column map): the extension's
 * owner, the finding types and to_jsonb() bound to the relation's row type.
 */
typedef struct quarantine_cache
{
	Oid			relid;			/* InvalidOid: not looked up yet */
	Oid			owner;
	Oid			finding_type;
	Oid			finding_array_type;
	FmgrInfo	to_jsonb;
} quarantine_cache;

/*
 * Stores the row tup of rel in j7599.quarantine under target, with the
 * findings f (messages written) and, when unrouted, the finding that no
 * partition takes the row.  Runs with the rights of the extension's owner;
 * the row is counted for the statement's NOTICE.  cache (zeroed before its
 * first use) is filled in mcxt, which must live as long as it does.
 */
extern void quarantine_row(Relation rel, HeapTuple tup, Oid target,
						   const rule_findings *f, bool unrouted,
						   quarantine_cache *cache, MemoryContext mcxt);

#endif
