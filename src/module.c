/*
 * src/module.c: the library's magic block and its settings.
 *
 * j7599.audit_progress is a real setting: SET j7599.audit_progress = on is
 * checked as a boolean, and once the library is loaded a misspelt j7599.*
 * setting is an error rather than a silent placeholder.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

static bool audit_progress = false;

void
_PG_init(void)
{
	DefineCustomBoolVariable("j7599.audit_progress",
							 "Reports the progress of j7599.audit and j7599.audit_summary.",
							 "When on, audits read the table in about ten slices, with a NOTICE after each "
							 "and the progress in application_name; they use no parallel workers then.",
							 &audit_progress,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("j7599");
}
