# j7599: PGXS build.
#   make && make install          build and install into the server found by PG_CONFIG
#   make installcheck             pg_regress against a running server (PGHOST/PGPORT)
#   scripts/test.sh               every test on a throwaway cluster (see README)

EXTENSION   = j7599
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" j7599.control)

MODULE_big  = j7599
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script of the current version is assembled from ordered parts,
# one job per file.  Released install scripts are kept as they shipped
# (sql/j7599--1.0.sql); each upgrade script is assembled from its own parts
# (sql/upgrade/A--B/NN_*.sql), so every change to sql/install/ ships with the
# matching part of the upgrade.
INSTALL_PARTS = $(sort $(wildcard sql/install/*.sql))
UPGRADES    = $(notdir $(wildcard sql/upgrade/*--*))
DATA_built  = sql/j7599--$(EXTVERSION).sql $(patsubst %,sql/j7599--%.sql,$(UPGRADES))
DATA        = $(filter-out $(DATA_built),$(wildcard sql/j7599--*.sql))

# pg_regress inputs: every sql/*.sql that is not an extension script.
REGRESS     = $(sort $(filter-out j7599--%,$(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --outputdir=build/regress

PG_CPPFLAGS = -I$(srcdir)/src
# Warnings are errors in scripts/test.sh (it passes PG_CFLAGS="-Wall -Werror"),
# not for people who build the extension.
EXTRA_CLEAN = build

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track headers: every object depends on every header of src/.
$(OBJS): $(wildcard src/*.h)

sql/j7599--$(EXTVERSION).sql: $(INSTALL_PARTS) j7599.control
	@mkdir -p $(dir $@)
	{ printf '%s\n' '/* j7599--$(EXTVERSION).sql: assembled from sql/install/ by make; edit the parts */'; \
	  for f in $(INSTALL_PARTS); do printf '\n-- ---- %s\n' "$$f"; cat "$$f"; done; } > $@

# sql/j7599--A--B.sql from sql/upgrade/A--B/*.sql
define upgrade_script
sql/j7599--$(1).sql: $$(sort $$(wildcard sql/upgrade/$(1)/*.sql)) j7599.control
	@mkdir -p $$(dir $$@)
	{ printf '%s\n' '/* j7599--$(1).sql: assembled from sql/upgrade/$(1)/ by make; edit the parts */'; \
	  printf '%s\n' '\echo Use "ALTER EXTENSION j7599 UPDATE" to load this file. \quit'; \
	  for f in $$(sort $$(wildcard sql/upgrade/$(1)/*.sql)); do printf '\n-- ---- %s\n' "$$$$f"; cat "$$$$f"; done; } > $$@
endef
$(foreach u,$(UPGRADES),$(eval $(call upgrade_script,$(u))))

installcheck: | build-regress-dir
build-regress-dir:
	@mkdir -p build/regress
.PHONY: build-regress-dir

# make installcheck runs the pgTAP suites too (they need pgtap installed in the
# server and pg_prove on the PATH), in a database of their own, all files in one
# pg_prove run, before pg_regress (SKIP_PGTAP=1 leaves them out).
PG_PROVE   ?= pg_prove
PGTAP_DB   ?= j7599_pgtap
PGTAP_FILES = $(sort $(wildcard test/pgtap/*.sql))
ifndef SKIP_PGTAP
installcheck: installcheck-pgtap
endif
installcheck-pgtap:
	$(bindir)/psql -X -q -v ON_ERROR_STOP=1 -d postgres \
	    -c 'DROP DATABASE IF EXISTS $(PGTAP_DB)' -c 'CREATE DATABASE $(PGTAP_DB)'
	$(bindir)/psql -X -q -v ON_ERROR_STOP=1 -d $(PGTAP_DB) -c 'SET client_min_messages = warning' \
	    -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION j7599 CASCADE'
	$(PG_PROVE) --failures -d $(PGTAP_DB) $(PGTAP_FILES)
.PHONY: installcheck-pgtap
