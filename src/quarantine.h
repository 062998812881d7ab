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
 * Stores the row tup of rel in j7599.quarantine under target, with the
 * findings f (messages written) and, when unrouted, the finding that no
 * partition takes the row.  Runs with the rights of the extension's owner;
 * the row is counted for the statement's NOTICE.
 */
extern void quarantine_row(Relation rel, HeapTuple tup, Oid target,
						   const rule_findings *f, bool unrouted);

#endif
