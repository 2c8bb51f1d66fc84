# Fuzzing (libFuzzer, clang): included by the top Makefile after its module
# lists, so LIBMODULES, WARN, DEFS and the pkg-config flags are known.
#
#   make fuzz-bins     build every target into build/fuzz/
#   make fuzz          run each target FUZZ_SECONDS (60) on the seed corpus
#   make fuzz-smoke    the same for FUZZ_SMOKE_SECONDS (20), seed FUZZ_SEED (1)
#   make fuzz-regress  replay tests/fuzz/regress/*/* through every target
#
# FUZZ_JOBS targets run at once (default 1).  The library objects are built
# again by clang with the fuzzer's coverage and ASan+UBSan into
# build/fuzz/obj/; -Werror is left out there, as clang warns where the
# release compiler does not.  See tests/fuzz/run.sh.

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_SMOKE_SECONDS ?= 20
FUZZ_JOBS	?= 1
FUZZ_SEED	?= 1
FUZZ_TARGETS	= fuzz_page fuzz_records fuzz_template fuzz_geo fuzz_owners \
		  fuzz_shortcode fuzz_htmlcheck fuzz_gittree
FUZZ_SAN	= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		  -fno-omit-frame-pointer
FUZZ_CFLAGS	= $(filter-out -Werror,$(WARN)) $(DEFS) -g -O1 $(FUZZ_SAN) \
		  $(PKG_CFLAGS)
FUZZ_OBJ	= $(LIBMODULES:%=build/fuzz/obj/%.o)
FUZZ_BINS	= $(FUZZ_TARGETS:%=build/fuzz/%)

fuzz-bins: $(FUZZ_BINS)

build/fuzz/obj/%.o: generator/%.c | deps build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# fuzz_gittree makes its repositories with libgit2 itself, which hearth
# opens only when first used.
$(FUZZ_BINS): build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Igenerator -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_OBJ) $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs libgit2)

build/fuzz/obj:
	mkdir -p $@

-include $(FUZZ_OBJ:.o=.d)

fuzz: fuzz-bins
	FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh fuzz $(FUZZ_SECONDS)

fuzz-smoke: fuzz-bins
	FUZZ_SEED=$(FUZZ_SEED) FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh fuzz $(FUZZ_SMOKE_SECONDS)

fuzz-regress: fuzz-bins
	tests/fuzz/run.sh regress

.PHONY: fuzz-bins fuzz fuzz-smoke fuzz-regress
