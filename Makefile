# ebmc — build, test, demo.  See README.md.
#
#   make            build ./ebmc and build/libebmrt.a
#   make test       install what is missing, build, run the quick tests in
#                   parallel (<= 5 min on 2 cores); ends with
#                   "N passed, N failed, N skipped"
#   make test-full  every test: make test's and the slow statistical and
#                   documentation checks (tests/run.sh lists them)
#   make demo       install what is missing, build, train the default spec
#   make deps       install the Debian packages the build and the tests need
#   make check-asan make test's tests under AddressSanitizer + UBSan
#   make bench      benchmarks (docs/performance.md)
#   make golden-update   regenerate golden files (explicit, never automatic)

CC          ?= cc
LLVM_CONFIG ?= llvm-config-14
BUILD       ?= build
OPT         ?= -O2
SAN         ?=
CFLAGS      ?= $(OPT) -g
CFLAGS      += -std=c11 -ffp-contract=off -D_GNU_SOURCE -Wall -Wextra $(SAN)
# The layers are the include paths: a runtime file sees only runtime/*/
# (a compiler header does not resolve there), the compiler and the tests see
# both. One folder per stage of the pipeline (docs/internals.md).
RT_DIRS       := $(sort $(dir $(wildcard runtime/*/*.h)))
COMPILER_DIRS := $(sort $(dir $(wildcard compiler/*/*.h)))
RT_INC        := $(patsubst %/,-I%,$(RT_DIRS))
COMPILER_INC  := $(patsubst %/,-I%,$(COMPILER_DIRS)) -I$(BUILD)/gen $(RT_INC)
LDLIBS      := -lopenblas -lyaml -lpng -lz -lm
# Open MPI (make deps installs it): with it, ebmc and built binaries run one
# job across the ranks of mpirun (runtime/core/rt_dist.c); without mpicc the
# build is one process, rt_dist the identity (docs/distributed.md)
MPI_CFLAGS  := $(shell mpicc --showme:compile 2>/dev/null)
MPI_LIBS    := $(shell mpicc --showme:link 2>/dev/null)
LDLIBS      += $(MPI_LIBS)
# Debian's OpenBLAS ships cblas.h in the openblas include dir.
CFLAGS      += $(shell pkg-config --cflags openblas 2>/dev/null)

PACKAGES := pkg-config flex bison llvm-14-dev libyaml-dev libopenblas-dev zlib1g-dev libpng-dev clang libclang-rt-14-dev \
            libopenmpi-dev openmpi-bin
# what the tests read or run besides the build: the Fashion-MNIST files, numpy
# (tests/e2e/interop.sh), groff and col (the man page check of help.sh)
TEST_PACKAGES := dataset-fashion-mnist python3-numpy groff-base bsdextrautils
# make demo and make test build with every CPU unless make was given -j
NPROC    := $(shell nproc 2>/dev/null || echo 2)
PARALLEL  = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(NPROC))

RT_SRC       := $(sort $(wildcard runtime/*/*.c))
COMPILER_SRC := $(filter-out compiler/cli/main.c compiler/llvm/llvm_%,$(sort $(wildcard compiler/*/*.c)))
LLVM_SRC     := $(sort $(wildcard compiler/llvm/llvm_*.c))
GEN_SRC      := $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c

RT_OBJ       := $(RT_SRC:%.c=$(BUILD)/%.o)
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/parser.o $(BUILD)/gen/lexer.o $(BUILD)/gen/help_pages.o
HELP_TXT     := $(sort $(wildcard compiler/cli/help/*.txt))
LLVM_OBJ     := $(LLVM_SRC:%.c=$(BUILD)/%.o)

ifeq ($(EBMC_NO_LLVM),)
LLVM_CFLAGS  := $(shell $(LLVM_CONFIG) --cflags 2>/dev/null)
LLVM_LIBS    := $(shell $(LLVM_CONFIG) --ldflags --libs 2>/dev/null) $(shell $(LLVM_CONFIG) --system-libs 2>/dev/null)
else
LLVM_OBJ     :=
CFLAGS       += -DEBMC_NO_LLVM
endif

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
STATS_SRC := $(sort $(wildcard tests/stats/test_*.c))
STATS_BIN := $(STATS_SRC:tests/stats/%.c=$(BUILD)/tests/%)

.PHONY: all test test-full test-build demo deps clean check-asan bench fuzz golden-update install uninstall
# the sanitizer build has its own binary, so it never replaces ./ebmc
EBMC_BIN ?= ebmc
all: $(EBMC_BIN) $(BUILD)/libebmrt.a $(BUILD)/libebmcfront.a $(BUILD)/include/ebmc/.stamp

# the runtime's public headers in one folder, as make install lays them out:
# what ebmc build compiles a binary's glue against in the source tree
RT_HEADERS  := $(sort $(wildcard runtime/*/rt*.h))
$(BUILD)/include/ebmc/.stamp: $(RT_HEADERS)
	@mkdir -p $(dir $@)
	cp $(RT_HEADERS) $(dir $@)
	@touch $@

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: compiler/front/parser.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror -o $(BUILD)/gen/parser.c --header=$(BUILD)/gen/parser.h $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h &: compiler/front/lexer.l $(BUILD)/gen/parser.h
	@mkdir -p $(BUILD)/gen
	flex -o $(BUILD)/gen/lexer.c --header-file=$(BUILD)/gen/lexer.h $<

# 'ebmc help TOPIC': the pages compiled in
$(BUILD)/gen/help_pages.c: $(HELP_TXT) compiler/cli/help/embed.sh
	@mkdir -p $(BUILD)/gen
	sh compiler/cli/help/embed.sh $(HELP_TXT) >$@

# ebmc build links what it builds with the same sanitizers as itself, and
# with MPI when ebmc has it
$(BUILD)/compiler/cli/cli_aot.o: CFLAGS += -DEBMC_SAN_FLAGS='"$(SAN)"' -DEBMC_MPI_LIBS='"$(MPI_LIBS)"'
# the one file that includes mpi.h
$(BUILD)/runtime/core/rt_dist_mpi.o: CFLAGS += $(if $(MPI_LIBS),-DEBMC_MPI $(MPI_CFLAGS))

# the optimisers' steps vectorise only at -O3 and with sqrtf inline
# (runtime/run/rt_optim.c says why)
$(BUILD)/runtime/run/rt_optim.o: CFLAGS += -O3 -fno-math-errno

# the parser's actions call the scanner's functions
$(BUILD)/gen/parser.o: $(BUILD)/gen/lexer.h

# Generated code is not ours to keep warning-clean.
$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(CFLAGS) $(COMPILER_INC) -Wno-unused-function -Wno-sign-compare -c -o $@ $<

$(BUILD)/compiler/llvm/%.o: compiler/llvm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMPILER_INC) $(filter -I% -D%,$(LLVM_CFLAGS)) -MMD -MP -c -o $@ $<

$(BUILD)/compiler/%.o: compiler/%.c | $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMPILER_INC) -MMD -MP -c -o $@ $<

$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(RT_INC) -MMD -MP -c -o $@ $<

$(BUILD)/libebmrt.a: $(RT_OBJ)
	@rm -f $@
	ar rcs $@ $^

# what a built binary links to re-read its spec's settings blocks with
# --set and --config (compiler/config/config_app.c): the front end, the
# analysis and the run configuration, no LLVM and no command line
FRONT_OBJ := $(filter-out $(BUILD)/compiler/cli/% $(BUILD)/gen/help_pages.o,$(COMPILER_OBJ))
$(BUILD)/libebmcfront.a: $(FRONT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libebmc.a: $(COMPILER_OBJ) $(LLVM_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(EBMC_BIN): $(BUILD)/compiler/cli/main.o $(BUILD)/libebmc.a $(BUILD)/libebmrt.a
	$(CC) $(CFLAGS) -o $@ $^ $(LLVM_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libebmc.a $(BUILD)/libebmrt.a tests/unit/check.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMPILER_INC) -Itests/unit -o $@ $< $(BUILD)/libebmc.a $(BUILD)/libebmrt.a $(LLVM_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/stats/%.c $(BUILD)/libebmc.a $(BUILD)/libebmrt.a tests/unit/check.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMPILER_INC) -Itests/unit -o $@ $< $(BUILD)/libebmc.a $(BUILD)/libebmrt.a $(LLVM_LIBS) $(LDLIBS)

# deps first, then a fresh make: the flags above that ask pkg-config and
# llvm-config are computed after the packages are there
test: deps
	@$(MAKE) --no-print-directory $(PARALLEL) test-build
	@EBMC=./$(EBMC_BIN) BUILD=$(BUILD) SAN="$(SAN)" sh tests/run.sh

test-full: deps
	@$(MAKE) --no-print-directory $(PARALLEL) test-build
	@EBMC=./$(EBMC_BIN) BUILD=$(BUILD) SAN="$(SAN)" sh tests/run.sh --full

test-build: all $(UNIT_BIN) $(STATS_BIN)

check-asan:
	$(MAKE) BUILD=build-asan EBMC_BIN=build-asan/ebmc OPT=-O1 SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" test

golden-update: all
	@EBMC=./ebmc sh tests/golden/update.sh

# timing programs of the benchmarks (built only here, never by make test)
BENCH_BIN := $(BUILD)/bench/bench_ebmc $(BUILD)/bench/sgemm_rate
$(BUILD)/bench/bench_ebmc: tests/bench/bench_ebmc.c $(BUILD)/libebmc.a $(BUILD)/libebmrt.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMPILER_INC) -o $@ $< $(BUILD)/libebmc.a $(BUILD)/libebmrt.a $(LLVM_LIBS) $(LDLIBS)
$(BUILD)/bench/sgemm_rate: tests/bench/sgemm_rate.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LDLIBS)

bench: all $(BENCH_BIN)
	@EBMC=./ebmc BUILD=$(BUILD) sh tests/bench/run.sh

# libFuzzer harnesses (clang): the spec front end and every loader
FUZZ_SECONDS ?= 30
fuzz: all
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

# Installs only what is missing; as root via apt-get, otherwise it prints the
# exact command and stops.
deps:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "deps: not a Debian system; install yourself: $(PACKAGES) $(TEST_PACKAGES)"; exit 0; fi; \
	missing=""; for p in $(PACKAGES) $(TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	else \
	  echo "ebmc: error: missing packages:$$missing"; \
	  echo "  run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	fi

demo: deps
	@$(MAKE) --no-print-directory $(PARALLEL) all
	./ebmc train specs/rbm_bas.ebm --out rbm_bas.safetensors
	./ebmc sample specs/rbm_bas.ebm --params rbm_bas.safetensors --out samples.png
	@echo "demo: samples written to samples.png"

# make install PREFIX=... [DESTDIR=...]: the tool, the runtime library with its
# headers and pkg-config file, the man page, the specs as examples;
# make uninstall removes exactly those files (and the directories of ebmc's own).
PREFIX      ?= /usr/local
VERSION     := $(shell sed -n 's/.*EBMC_VERSION "\(.*\)"/\1/p' compiler/cli/cli.h)
EXAMPLES    := $(sort $(wildcard specs/*.ebm))
I           := $(DESTDIR)$(PREFIX)
INSTALLED   := $(I)/bin/ebmc $(I)/lib/libebmrt.a $(I)/lib/libebmcfront.a $(I)/lib/pkgconfig/ebmrt.pc $(I)/share/man/man1/ebmc.1 \
               $(foreach h,$(RT_HEADERS),$(I)/include/ebmc/$(notdir $(h))) $(EXAMPLES:specs/%=$(I)/share/ebmc/examples/%)
install: all
	install -d $(I)/bin $(I)/lib/pkgconfig $(I)/include/ebmc $(I)/share/man/man1 $(I)/share/ebmc/examples
	install -m 755 $(EBMC_BIN) $(I)/bin/ebmc
	install -m 644 $(BUILD)/libebmrt.a $(I)/lib/libebmrt.a
	install -m 644 $(BUILD)/libebmcfront.a $(I)/lib/libebmcfront.a
	install -m 644 $(RT_HEADERS) $(I)/include/ebmc/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@MPI_LIBS@|$(MPI_LIBS)|' runtime/app/ebmrt.pc.in >$(I)/lib/pkgconfig/ebmrt.pc
	install -m 644 docs/ebmc.1 $(I)/share/man/man1/ebmc.1
	install -m 644 $(EXAMPLES) $(I)/share/ebmc/examples/

uninstall:
	rm -f $(INSTALLED)
	-rmdir $(I)/include/ebmc $(I)/share/ebmc/examples $(I)/share/ebmc 2>/dev/null

clean:
	rm -rf $(BUILD) build-asan build-fuzz ebmc tests/out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
