# Coverage-guided fuzzing with libFuzzer (clang; Debian packages clang and libclang-rt-14-dev).
# Included by the Makefile. Each target is one harness and one seed corpus in
# tests/fuzz/corpus/<target>/; `make fuzz` runs FUZZ_RUNS executions of each (default 10^6),
# `make fuzz-short` a few seconds of each (tests/run calls it), `make fuzz-build` builds them.
# Crashes are written to build/fuzz/crashes/<target>/; new corpus entries stay in
# build/fuzz/corpus/<target>/ (copy the interesting ones to the seed corpus, minimised).

FUZZ_CC     ?= clang
FUZZ_RUNS   ?= 1000000
FUZZ_SECS   ?= 3
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := $(CSTD) -O1 -g -Iinclude -Isrc -Ibuild/gen -DANN_VERSION='"$(VERSION)"' \
  -DANN_LUA_DIR='"$(abspath lua)"' -DANN_MODELS_DIR='"$(abspath models)"' \
  -DANN_FUZZ_DIR='"$(abspath tests/fuzz)"' $(HDF5_CFLAGS) $(LUA_CFLAGS) $(FUZZ_SAN) \
  -fsanitize=fuzzer-no-link -Wno-overlength-strings
FUZZ_CORE := $(CORE_SRC:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/kernel_header.o
FUZZ_BIND := $(BIND_SRC:src/lua/%.c=build/fuzz/obj/lua/%.o) \
  build/fuzz/obj/host/frontend.o build/fuzz/obj/host/tcc_inproc.o
FUZZ_C_TARGETS   := image hdf5
FUZZ_LUA_TARGETS := model state npz connectivity
FUZZ_TARGETS     := png jpeg hdf5 $(FUZZ_LUA_TARGETS)

build/fuzz/obj/%.o: src/%.c $(wildcard src/*.h) $(wildcard include/*.h) $(KERNEL_H) build/gen/tensorboard.pb-c.h
	@mkdir -p $(dir $@)
	@echo "CC $< (fuzz)"; $(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/obj/kernel_header.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	@echo "CC $< (fuzz)"; $(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/libannarchy.a: $(FUZZ_CORE)
	@echo "AR $@"; rm -f $@ && ar rcs $@ $^

build/fuzz/image_fuzz build/fuzz/hdf5_fuzz: build/fuzz/%_fuzz: tests/fuzz/%_fuzz.c tests/fuzz/fuzz_file.h build/fuzz/libannarchy.a
	@echo "CC $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< -o $@ build/fuzz/libannarchy.a $(SYSLIBS)
build/fuzz/lua_fuzz: tests/fuzz/lua_fuzz.c $(FUZZ_BIND) build/fuzz/libannarchy.a
	@echo "CC $@"; $(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< -o $@ $(FUZZ_BIND) \
	  build/fuzz/libannarchy.a $(LUA_LIBS) -ltcc $(BINDLIBS) $(SYSLIBS) -Wl,-E

FUZZ_BINS := build/fuzz/image_fuzz build/fuzz/hdf5_fuzz build/fuzz/lua_fuzz
fuzz-build: $(FUZZ_BINS)

# tools/fuzz-run <target> <libFuzzer options...>: the harness and environment of a target.
fuzz: deps
	@$(MAKE) --no-print-directory all fuzz-build
	./annlua tests/fuzz/model_fuzz.lua --count 1000000
	@for t in $(FUZZ_TARGETS); do sh tools/fuzz-run $$t -runs=$(FUZZ_RUNS) || exit 1; done

fuzz-short: fuzz-build
	@for t in $(FUZZ_TARGETS); do sh tools/fuzz-run $$t -max_total_time=$(FUZZ_SECS) || exit 1; done

.PHONY: fuzz-build fuzz-short
