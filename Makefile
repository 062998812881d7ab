# j7599: PGXS build.
#   make && make install          build and install into the server found by PG_CONFIG
#   make installcheck             pg_regress against a running server (PGHOST/PGPORT)
#   scripts/test.sh               every test on a throwaway cluster (see README)

EXTENSION   = j7599
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" j7599.control)

MODULE_big  = j7599
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script is assembled from ordered parts, one job per file.
INSTALL_PARTS = $(sort $(wildcard sql/install/*.sql))
DATA_built  = sql/j7599--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard sql/j7599--*--*.sql))

# pg_regress inputs: every sql/*.sql that is not an extension script.
REGRESS     = $(sort $(filter-out j7599--%,$(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --inputdir=. --outputdir=build/regress

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Werror
EXTRA_CLEAN = build

ifeq ($(origin PG_CONFIG), undefined)
PG_CONFIG := $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
endif
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track headers: every object depends on every header of src/.
$(OBJS): $(wildcard src/*.h)

$(DATA_built): $(INSTALL_PARTS) j7599.control
	@mkdir -p $(dir $@)
	{ printf '%s\n' '/* j7599--$(EXTVERSION).sql: assembled from sql/install/ by make; edit the parts */'; \
	  for f in $(INSTALL_PARTS); do printf '\n-- ---- %s\n' "$$f"; cat "$$f"; done; } > $@

installcheck: | build-regress-dir
build-regress-dir:
	@mkdir -p build/regress
.PHONY: build-regress-dir
