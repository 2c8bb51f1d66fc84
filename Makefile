# hearth — static-site generator and open-data publisher.
#
#   make site      install missing build dependencies, build, publish the demo
#   make test      the whole test suite (release and ASan+UBSan builds)
#   make install   PREFIX=/usr/local DESTDIR=
#
# Dependencies come from Debian packages and are found with pkg-config; the
# lookups are lazy (=) so `make deps` can install them first on a fresh box.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
DATADIR	?= $(PREFIX)/share/hearth
CC	?= cc
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config

# Lua is pinned to 5.4: 5.5 changed lua_newstate's arguments.
PKGS	= libcmark libcjson yaml-0.1 lua5.4 libcrypto zlib gumbo sqlite3
# Opened when first used (generator/lazylib.h): most runs need none of them.
LAZY_PKGS = xlsxwriter geos libmicrohttpd libgit2
DEB_PKGS = build-essential pkg-config libcmark-dev libgit2-dev libcjson-dev \
	   liblua5.4-dev libyaml-dev libcsv-dev libssl-dev zlib1g-dev \
	   libmicrohttpd-dev libgumbo-dev libsqlite3-dev libxlsxwriter-dev libgeos-dev \
	   openssh-client gettext

WARN	= -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wno-unused-parameter
DEFS	= -D_GNU_SOURCE -DHEARTH_VERSION=\"0.1.0\" -DLOCALEDIR=\"$(LOCALEDIR)\" \
	  -DDATADIR=\"$(DATADIR)\"
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) $(LAZY_PKGS)) $(LAZY_DEFS)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lcsv -lpthread -lm
# The names the linker would record for the lazy libraries, looked up once
# (after `make deps` has installed them).
soname	= $(shell objdump -p $$($(CC) -print-file-name=$(1).so) | \
	  sed -n 's/^ *SONAME *//p')
LAZY_DEFS = $(eval LAZY_DEFS := -DGEOS_SONAME=\"$(call soname,libgeos_c)\" \
	  -DXLSX_SONAME=\"$(call soname,libxlsxwriter)\" \
	  -DMHD_SONAME=\"$(call soname,libmicrohttpd)\" \
	  -DGIT2_SONAME=\"$(call soname,libgit2)\")$(LAZY_DEFS)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined

-include Makefile.local

# The languages hearth's messages are translated into (generator/po/).
LINGUAS	= zh_CN
MO	= $(LINGUAS:%=build/locale/%/LC_MESSAGES/hearth.mo)

# Sources in pipeline order: support, then read -> model -> render -> write,
# then the preview server's parts and the commands that drive them all.
SUPPORT	= util arena buf diag value json yamlval jobs lazylib cache tgz terms
READ	= repo source config federate owners signers history verify front \
	  csvtab \
	  division schema record geo geovalid ui

MODEL	= site deps load dataset dbfile xlsxfile catalog datadiff release map
RENDER	= shortcode markdown template htmlcheck chart plugin plugin_sandbox \
	  plugin_api plugin_conv view view_data view_ld
WRITE	= write out_static out_data out_map out_feed out_sitemap \
	  out_search out_page
SERVE	= watch httpd hold
CMDS	= cmdopt restart pipeline cmd_build cmd_check cmd_verify cmd_hooks cmd_new cmd_diff \
	  cmd_serve main
MODULES	= $(SUPPORT) $(READ) $(MODEL) $(RENDER) $(WRITE) $(SERVE) $(CMDS)
LIBMODULES = $(filter-out main,$(MODULES))

OBJ	  = $(MODULES:%=build/obj/%.o)
LIBOBJ	  = $(LIBMODULES:%=build/obj/%.o)
ASAN_OBJ  = $(MODULES:%=build/asan/obj/%.o)
ASAN_LIBOBJ = $(LIBMODULES:%=build/asan/obj/%.o)

all: build/hearth

build/hearth: $(OBJ) $(MO) build/share/hearth/.stamp
	$(CC) $(LDFLAGS) -o $@ $(OBJ) $(PKG_LIBS)

build/asan/hearth: $(ASAN_OBJ) $(MO) build/share/hearth/.stamp
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJ) $(PKG_LIBS)

# ---- hearth's data --------------------------------------------------------
# The default theme, the national reference (generator/reference/: its
# data files, not the scripts that derive them) and what `hearth new site`
# copies (the schemas and plugin of the demo): copied to build/share/hearth,
# where an uninstalled hearth finds them, and installed under DATADIR.
SHARE_SRC = $(shell find themes/default generator/reference/divisions \
	    generator/reference/boundaries content/schemas plugins -type f) \
	    generator/reference/province-tiles.csv
# share-copy DEST: the data files into DEST, replacing an older copy.
define share-copy
	rm -rf $(1)/themes/default $(1)/reference $(1)/site
	install -d $(1)/themes $(1)/reference $(1)/site/content
	cp -R themes/default $(1)/themes/default
	cp -R generator/reference/divisions generator/reference/boundaries \
	    generator/reference/province-tiles.csv $(1)/reference/
	cp -R content/schemas $(1)/site/content/schemas
	cp -R plugins $(1)/site/plugins
endef

build/share/hearth/.stamp: $(SHARE_SRC)
	$(call share-copy,build/share/hearth)
	touch $@

# ---- messages (GNU gettext) ------------------------------------------------
# Catalogues in generator/po/, compiled beside the binary (build/locale/,
# where an uninstalled hearth finds them) and installed under LOCALEDIR.
# `make pot` extracts every message: the formats of diag_error and the
# other reporting functions, and texts marked _() or N_().
XGETTEXT_KEYS = -k_ -kN_ -kngettext:1,2 -kdiag_error:4 -kdiag_warning:4 -kdiag_info:1 -kdiag_line:2 \
	-kferr:4 -kloaderr:2 -kserr:3 -kreport:4 -khookerr:3 -kconvfail:3 \
	-kfail:2 -kat_error:3 -kproblem:3 -kerr:3 -kdberror:1

build/locale/%/LC_MESSAGES/hearth.mo: generator/po/%.po | deps
	@mkdir -p $(@D)
	msgfmt --check -o $@ $<

POT	?= generator/po/hearth.pot
pot:
	xgettext -o $(POT) --from-code=UTF-8 --language=C \
	    --add-comments=TRANSLATORS: --no-wrap --package-name=hearth \
	    $(XGETTEXT_KEYS) generator/*.c

# Bring the catalogues up to date with the sources (then translate what
# msgmerge marks new or fuzzy).
po-update: pot
	for l in $(LINGUAS); do msgmerge -q --no-wrap --backup=off --update \
	    generator/po/$$l.po $(POT); done

build/obj/%.o: generator/%.c | deps build/obj
	$(CC) $(WARN) $(DEFS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/obj/%.o: generator/%.c | deps build/asan/obj
	$(CC) $(WARN) $(DEFS) -O1 -g $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/obj build/asan/obj build/tests build/asan/tests:
	mkdir -p $@

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d)

# Install the Debian packages the build needs, only when something is
# missing (a fresh machine); needs root, as `make site` on a new box does.
deps:
	@if ! $(PKG_CONFIG) --exists $(PKGS) $(LAZY_PKGS) 2>/dev/null || \
	    [ ! -f /usr/include/csv.h ] || ! command -v msgfmt >/dev/null || \
	    ! command -v ssh-keygen >/dev/null; then \
		echo "installing build dependencies: $(DEB_PKGS)"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEB_PKGS); \
	fi

# Publish the demo site (the repository root) into public/.
site: build/hearth
	./build/hearth build

# ---- tests ---------------------------------------------------------------

TEST_CFLAGS = $(WARN) $(DEFS) -Igenerator -Itests/unit
UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(filter-out tests/unit/harness.c,$(wildcard tests/unit/test_*.c)))

build/tests/%: tests/unit/%.c tests/unit/harness.h $(LIBOBJ) | build/tests
	$(CC) $(TEST_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LIBOBJ) $(PKG_LIBS)

build/asan/tests/%: tests/unit/%.c tests/unit/harness.h $(ASAN_LIBOBJ) | build/asan/tests
	$(CC) $(TEST_CFLAGS) -O1 -g $(SANFLAGS) $(PKG_CFLAGS) -o $@ $< $(ASAN_LIBOBJ) $(PKG_LIBS)

build/tests/mustache-spec: tests/conformance/mustache_spec.c $(LIBOBJ) | build/tests
	$(CC) $(TEST_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(LIBOBJ) $(PKG_LIBS)

build/asan/tests/mustache-spec: tests/conformance/mustache_spec.c $(ASAN_LIBOBJ) | build/asan/tests
	$(CC) $(TEST_CFLAGS) -O1 -g $(SANFLAGS) $(PKG_CFLAGS) -o $@ $< $(ASAN_LIBOBJ) $(PKG_LIBS)

test-bins: build/hearth build/asan/hearth build/tests/mustache-spec \
	   build/asan/tests/mustache-spec \
	   $(UNIT_TESTS:%=build/tests/%) $(UNIT_TESTS:%=build/asan/tests/%)

# Tools the tests run against the output (a real HTML parser, and later
# validators and a browser), pinned in tests/package.json.
TEST_DEB_PKGS = git curl iproute2 gdal-bin csvkit libxml2-utils sqlite3 locales \
	python3-openpyxl python3-shapely chromium \
	fonts-wqy-microhei openjdk-17-jre-headless valgrind clang \
	libclang-rt-14-dev

test-deps:
	@missing=; for p in $(TEST_DEB_PKGS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "installing test dependencies:$$missing"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@$(MAKE) -s tests/node_modules/.installed
	@# The tests read hearth's messages in Chinese too.
	@locale -a 2>/dev/null | grep -qix 'zh_CN.utf-\?8' || \
	    localedef -i zh_CN -f UTF-8 zh_CN.UTF-8

# The npm packages the tests run (pinned in tests/package-lock.json),
# installed again whenever the lock file changes.
tests/node_modules/.installed: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: test-bins test-deps
	@$(MAKE) -s fuzz-bins
	tests/run.sh

# The demo build under valgrind memcheck: no errors, no definite leaks.
valgrind: build/hearth
	tests/valgrind.sh

# The national-scale benchmark against Hugo (tests/bench/run.sh; long).
bench: build/hearth build/stopwatch
	tests/bench/run.sh

build/stopwatch: tests/bench/stopwatch.c
	@mkdir -p build
	$(CC) $(WARN) $(DEFS) $(CFLAGS) -o $@ $<

# Fuzzing with libFuzzer (clang): fuzz-bins, fuzz, fuzz-smoke, fuzz-regress.
include tests/fuzz/fuzz.mk

# ---- install -------------------------------------------------------------

install: build/hearth
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 build/hearth $(DESTDIR)$(BINDIR)/hearth
	install -m 644 docs/hearth.1 $(DESTDIR)$(MANDIR)/man1/hearth.1
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 644 build/locale/$$l/LC_MESSAGES/hearth.mo \
		    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/hearth.mo; done
	$(call share-copy,$(DESTDIR)$(DATADIR))
	chmod -R a+rX,go-w $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

# The modules in pipeline order, for tests/layering.sh.
print-modules:
	@echo $(MODULES)

.PHONY: print-modules pot po-update all deps site test test-deps test-bins bench valgrind install clean
