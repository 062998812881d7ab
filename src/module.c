/*
 * src/module.c: the library's magic block.  One per shared library.
 */
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;
