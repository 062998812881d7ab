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
# (sql/upgrade/j7599--A--B/NN_*.sql), so every change to sql/install/ ships with the
# matching part of the upgrade.
#
# The SQL that lists the claim inputs and the policy fields (tables,
# signatures, the functions whose bodies name every input or field) is
# generated from their declaration, src/claim_inputs.def and
# src/policy_fields.def, by scripts/gen_declared.pl, into build/sql/install/.
# A generated part is named for where it slots in: NN_name_gen.sql follows
# sql/install/NN_name.sql, and the install script takes the parts of both
# folders in the order of their file names.  The upgrade script to the
# current version ends with the generated functions (CREATE OR REPLACE), so
# an upgraded database gets them exactly as a fresh install does, and with
# the columns and signatures of inputs and fields added in this version.
# (When this version is released, its upgrade script is frozen as shipped.)
GEN_DECLARED = scripts/gen_declared.pl
DECLARATIONS = src/claim_inputs.def src/policy_fields.def
GEN_PARTS   = $(addprefix build/sql/install/,$(shell perl $(GEN_DECLARED) --parts))
GEN_UPGRADE = build/sql/upgrade/to-$(EXTVERSION).sql
HAND_PARTS  = $(wildcard sql/install/*.sql)
INSTALL_PARTS = $(foreach n,$(sort $(notdir $(HAND_PARTS) $(GEN_PARTS))),$(filter %/$(n),$(HAND_PARTS) $(GEN_PARTS)))
UPGRADES    = $(patsubst j7599--%,%,$(notdir $(wildcard sql/upgrade/j7599--*--*)))
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

# The rule engine spans several files that call each other for every row:
# bind those calls inside the library (direct calls, not through the PLT).
# Nothing outside the library calls them, so nothing else changes.  (GNU ld
# and its kin, on Linux.)
ifeq ($(PORTNAME),linux)
SHLIB_LINK += -Wl,-Bsymbolic-functions
endif

# PGXS does not track headers: every object depends on every header of src/
# and every declaration (.def) the headers include.
$(OBJS): $(wildcard src/*.h src/*.def)

sql/j7599--$(EXTVERSION).sql: $(INSTALL_PARTS) j7599.control
	@mkdir -p $(dir $@)
	{ printf '%s\n' '/* j7599--$(EXTVERSION).sql: assembled from sql/install/ by make; edit the parts */'; \
	  for f in $(INSTALL_PARTS); do printf '\n-- ---- %s\n' "$$f"; cat "$$f"; done; } > $@

build/sql/install/%_gen.sql: $(GEN_DECLARED) $(DECLARATIONS)
	@mkdir -p $(dir $@)
	perl $(GEN_DECLARED) $(notdir $@) > $@.tmp && mv $@.tmp $@

$(GEN_UPGRADE): $(GEN_DECLARED) $(DECLARATIONS) j7599.control
	@mkdir -p $(dir $@)
	perl $(GEN_DECLARED) --upgrade $(EXTVERSION) > $@.tmp && mv $@.tmp $@

# sql/j7599--A--B.sql from sql/upgrade/j7599--A--B/*.sql, then, when B is the
# current version, the generated functions
upgrade_gen = $(if $(filter %--$(EXTVERSION),$(1)),$(GEN_UPGRADE))
# An upgrade part is either SQL (NN_name.sql) or a list of install parts that
# the upgrade creates exactly as a fresh install does (NN_name.parts: one path
# a line, # comments), so that new objects are written once.
upgrade_inputs = $(sort $(wildcard sql/upgrade/j7599--$(1)/*.sql sql/upgrade/j7599--$(1)/*.parts))
upgrade_listed = $(foreach p,$(wildcard sql/upgrade/j7599--$(1)/*.parts),$(shell sed -e 's/#.*//' $(p)))
define upgrade_script
sql/j7599--$(1).sql: $(call upgrade_inputs,$(1)) $(call upgrade_listed,$(1)) $(call upgrade_gen,$(1)) j7599.control
	@mkdir -p $$(dir $$@)
	{ printf '%s\n' '/* j7599--$(1).sql: assembled from sql/upgrade/j7599--$(1)/ by make; edit the parts */'; \
	  printf '%s\n' '\echo Use "ALTER EXTENSION j7599 UPDATE" to load this file. \quit'; \
	  for f in $(call upgrade_inputs,$(1)) $(call upgrade_gen,$(1)); do \
	    case "$$$$f" in \
	    *.parts) for g in $$$$(sed -e 's/#.*//' "$$$$f"); do printf '\n-- ---- %s (listed in %s)\n' "$$$$g" "$$$$f"; cat "$$$$g"; done ;; \
	    *) printf '\n-- ---- %s\n' "$$$$f"; cat "$$$$f" ;; \
	    esac; done; } > $$@
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
