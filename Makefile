# annlua — build, test, demo and install.
#
#   make            build ./annlua, the C libraries and the Lua module
#   make test       install missing Debian packages, build, run every test
#   make demo       install missing Debian packages, build, run examples/quickstart.lua
#   make bench      benchmarks against the peers (bench/)
#   make fuzz       the long fuzzing campaign (docs/reliability.md); make soak the soak test
#   make install    PREFIX=/usr/local DESTDIR=  (annlua, libannarchy, libannlua, headers, .pc files)
#
# New C files are picked up by the wildcards below: src/*.c is the core (no Lua), src/lua/*.c
# the Lua binding, src/host/*.c the annlua executable, tests/c/*_test.c one C test program each.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
VERSION := 0.1.0

LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla -Wno-format-truncation -Werror=implicit-function-declaration
CSTD    := -std=c11 -D_GNU_SOURCE
OPT     ?= -O2 -g
CFLAGS_ALL := $(CSTD) $(OPT) $(WARN) -Iinclude -Isrc -Ibuild/gen -DANN_VERSION='"$(VERSION)"' \
              -DANN_LUA_DIR='"$(abspath lua)"' -DANN_MODELS_DIR='"$(abspath models)"' $(CFLAGS)

CORE_SRC := $(wildcard src/*.c)
BIND_SRC := $(wildcard src/lua/*.c)
HOST_SRC := $(wildcard src/host/*.c)
EMBED_SRC := $(wildcard src/embed/*.c)
KERNEL_H := $(wildcard src/kernel/*.h)
CTEST_SRC := $(wildcard tests/c/*_test.c)

GEN_SRC  := build/gen/kernel_header.c
CORE_OBJ := $(CORE_SRC:src/%.c=build/obj/%.o) build/obj/kernel_header.o
CORE_PIC := $(CORE_SRC:src/%.c=build/pic/%.o) build/pic/kernel_header.o
BIND_OBJ := $(BIND_SRC:src/lua/%.c=build/obj/lua/%.o)
BIND_PIC := $(BIND_SRC:src/lua/%.c=build/pic/lua/%.o)
HOST_OBJ := $(HOST_SRC:src/host/%.c=build/obj/host/%.o)
# libannlua: the embedding library (src/embed), the front-end search of src/host, the binding
# and the core, all position-independent (the same objects go into the .a and the .so).
EMBED_PIC := $(EMBED_SRC:src/embed/%.c=build/pic/embed/%.o) build/pic/host/frontend.o \
             $(BIND_PIC) $(CORE_PIC)

SYSLIBS  := -lm -ldl -lpthread -lpng -ljpeg
BINDLIBS := -lzip

# The core exports only what include/annarchy.h declares (its declarations are wrapped in a
# default-visibility pragma when ANN_BUILDING_LIBRARY is defined); everything else is hidden.
CORE_VIS := -DANN_BUILDING_LIBRARY -fvisibility=hidden

# The MPI transport (docs/distributed.md), a plugin the core loads only under mpirun: built
# when mpicc exists, so that annlua itself never depends on MPI.
MPICC      := $(shell command -v mpicc 2>/dev/null)
MPI_PLUGIN := $(if $(MPICC),build/libannlua_mpi.so)

all: annlua build/libannarchy.a build/libannarchy.so build/lua/annarchy/core.so \
     build/libannlua.a build/libannlua.so $(MPI_PLUGIN)

build/libannlua_mpi.so: src/mpi/comm_mpi.c src/comm.h
	@mkdir -p $(dir $@)
	@echo "MPICC $@"; $(MPICC) -shared -fPIC $(CSTD) $(OPT) $(WARN) -Isrc $< -o $@

# Extensions: TensorBoard event files (protobuf-c; the messages are generated from
# src/proto/tensorboard.proto into build/gen) and Keras HDF5 files (libhdf5).
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5-serial 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS   := $(shell pkg-config --libs hdf5-serial 2>/dev/null || echo -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5)
CFLAGS_ALL  += $(HDF5_CFLAGS)
SYSLIBS     += -lprotobuf-c $(HDF5_LIBS)
build/gen/tensorboard.pb-c.c build/gen/tensorboard.pb-c.h &: src/proto/tensorboard.proto
	@mkdir -p build/gen
	@echo "PROTOC $<"; protoc-c --proto_path=src/proto --c_out=build/gen $<
build/obj/tfevents.o build/pic/tfevents.o build/asan/obj/tfevents.o build/obj/tfevents_pb.o \
build/pic/tfevents_pb.o build/asan/obj/tfevents_pb.o: build/gen/tensorboard.pb-c.c build/gen/tensorboard.pb-c.h
build/asan/obj/hdf5_reader.o build/asan/hdf5_reader_test: ASAN_CFLAGS += $(HDF5_CFLAGS)

# The kernel header is embedded in the core as a string: generated kernels start with it.
$(GEN_SRC): $(KERNEL_H) tools/embed.sh
	@mkdir -p $(dir $@)
	@sh tools/embed.sh ann_kernel_header $(KERNEL_H) > $@

build/obj/kernel_header.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CFLAGS_ALL) $(CORE_VIS) -include annarchy.h -Wno-overlength-strings -c $< -o $@
build/pic/kernel_header.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	@echo "CC $< (PIC)"; $(CC) $(CFLAGS_ALL) $(CORE_VIS) -include annarchy.h -Wno-overlength-strings -fPIC -c $< -o $@

build/obj/%.o: src/%.c $(wildcard src/*.h) $(wildcard include/*.h) $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CFLAGS_ALL) $(CORE_VIS) -c $< -o $@
build/pic/%.o: src/%.c $(wildcard src/*.h) $(wildcard include/*.h) $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "CC $< (PIC)"; $(CC) $(CFLAGS_ALL) $(CORE_VIS) -fPIC -c $< -o $@

build/obj/lua/%.o: src/lua/%.c $(wildcard src/lua/*.h) $(wildcard src/*.h) $(wildcard include/*.h) $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CFLAGS_ALL) $(LUA_CFLAGS) -c $< -o $@
build/pic/lua/%.o: src/lua/%.c $(wildcard src/lua/*.h) $(wildcard src/*.h) $(wildcard include/*.h) $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "CC $< (PIC)"; $(CC) $(CFLAGS_ALL) $(LUA_CFLAGS) -fvisibility=hidden -fPIC -c $< -o $@

build/obj/host/%.o: src/host/%.c $(wildcard src/host/*.h) $(wildcard src/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $<"; $(CC) $(CFLAGS_ALL) $(LUA_CFLAGS) -c $< -o $@

build/pic/embed/%.o: src/embed/%.c $(wildcard src/host/*.h) $(wildcard src/lua/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $< (PIC)"; $(CC) $(CFLAGS_ALL) $(CORE_VIS) $(LUA_CFLAGS) -fPIC -c $< -o $@
build/pic/host/%.o: src/host/%.c $(wildcard src/host/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $< (PIC)"; $(CC) $(CFLAGS_ALL) $(LUA_CFLAGS) -fvisibility=hidden -fPIC -c $< -o $@

build/libannarchy.a: $(CORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "AR $@"; rm -f $@ && ar rcs $@ $^

build/libannarchy.so: $(CORE_PIC)
	@echo "LD $@"; $(CC) -shared -o $@ $^ $(SYSLIBS)

# The embedding library: exports what annarchy.h and annlua.h declare (and luaopen_annarchy_core).
build/libannlua.a: $(EMBED_PIC)
	@echo "AR $@"; rm -f $@ && ar rcs $@ $^
build/libannlua.so: $(EMBED_PIC)
	@echo "LD $@"; $(CC) -shared -o $@ $^ $(LUA_LIBS) $(BINDLIBS) $(SYSLIBS)

# The module for plain lua5.4: the binding and the core, compiling kernels with the tcc
# command or cc (Debian's libtcc.a is not position-independent).
build/lua/annarchy/core.so: $(BIND_PIC) $(CORE_PIC)
	@mkdir -p $(dir $@)
	@echo "LD $@"; $(CC) -shared -o $@ $^ $(BINDLIBS) $(SYSLIBS)

# The host: lua5.4's command line with annarchy built in and libtcc inside. liblua5.4 is
# linked dynamically so that Debian's C modules (lpeg, lfs...) find the Lua API.
annlua: $(HOST_OBJ) $(BIND_OBJ) build/libannarchy.a
	@echo "LD $@"; $(CC) -o $@ $(HOST_OBJ) $(BIND_OBJ) build/libannarchy.a $(LUA_LIBS) -ltcc -lreadline $(BINDLIBS) $(SYSLIBS) -Wl,-E

# ---- tests -------------------------------------------------------------------------------
CTEST_BIN  := $(CTEST_SRC:tests/c/%.c=build/tests/%)
CTEST_ASAN := $(CTEST_SRC:tests/c/%.c=build/asan/%)
ASAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

build/tests/%: tests/c/%.c build/libannarchy.a $(wildcard tests/c/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(CFLAGS_ALL) -Itests/c $< -o $@ build/libannarchy.a $(SYSLIBS) $(TEST_LDFLAGS)

ASAN_CFLAGS := $(CSTD) -O1 -g $(WARN) -Wno-overlength-strings -Iinclude -Isrc -Ibuild/gen \
  -DANN_VERSION='"$(VERSION)"' -DANN_LUA_DIR='"$(abspath lua)"' -DANN_MODELS_DIR='"$(abspath models)"' \
  $(ASAN_FLAGS)
ASAN_OBJ := $(CORE_SRC:src/%.c=build/asan/obj/%.o) build/asan/obj/kernel_header.o

build/asan/obj/%.o: src/%.c $(wildcard src/*.h) $(wildcard include/*.h) $(KERNEL_H)
	@mkdir -p $(dir $@)
	@echo "CC $< (sanitizers)"; $(CC) $(ASAN_CFLAGS) -c $< -o $@
build/asan/obj/kernel_header.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	@echo "CC $< (sanitizers)"; $(CC) $(ASAN_CFLAGS) -c $< -o $@
build/asan/libannarchy.a: $(ASAN_OBJ)
	@echo "AR $@"; rm -f $@ && ar rcs $@ $^

build/asan/%: tests/c/%.c build/asan/libannarchy.a $(wildcard tests/c/*.h)
	@echo "CC $@ (sanitizers)"; $(CC) $(ASAN_CFLAGS) -Itests/c $< -o $@ build/asan/libannarchy.a $(SYSLIBS) $(TEST_LDFLAGS)

# The embedding library's test links libannlua (Lua, the binding and the core), also under
# the sanitizers.
ASAN_EMBED_OBJ := $(EMBED_SRC:src/embed/%.c=build/asan/embed/%.o) build/asan/host/frontend.o \
                  $(BIND_SRC:src/lua/%.c=build/asan/lua/%.o)
build/asan/embed/%.o: src/embed/%.c $(wildcard src/host/*.h) $(wildcard src/lua/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $< (sanitizers)"; $(CC) $(ASAN_CFLAGS) $(LUA_CFLAGS) -c $< -o $@
build/asan/host/%.o: src/host/%.c $(wildcard src/host/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $< (sanitizers)"; $(CC) $(ASAN_CFLAGS) $(LUA_CFLAGS) -c $< -o $@
build/asan/lua/%.o: src/lua/%.c $(wildcard src/lua/*.h) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $< (sanitizers)"; $(CC) $(ASAN_CFLAGS) $(LUA_CFLAGS) -c $< -o $@
build/asan/libannlua.a: $(ASAN_EMBED_OBJ) $(ASAN_OBJ)
	@echo "AR $@"; rm -f $@ && ar rcs $@ $^
EMBED_LIBS := $(LUA_LIBS) $(BINDLIBS) $(SYSLIBS)
build/tests/annlua_test: tests/c/annlua_test.c build/libannlua.a tests/c/check.h
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(CFLAGS_ALL) -Itests/c $< -o $@ build/libannlua.a $(EMBED_LIBS)
build/asan/annlua_test: tests/c/annlua_test.c build/asan/libannlua.a tests/c/check.h
	@echo "CC $@ (sanitizers)"; $(CC) $(ASAN_CFLAGS) -Itests/c $< -o $@ build/asan/libannlua.a $(EMBED_LIBS)

# The embedding example, against the shared library of the build tree.
build/examples/robot: examples/embed/robot.c build/libannlua.so include/annlua.h include/annarchy.h
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(CSTD) $(OPT) $(WARN) -Iinclude $< -o $@ -Lbuild -lannlua -lm -Wl,-rpath,$(abspath build)

# The embedding benchmark's C side (bench/embed.lua runs it).
build/bench/embed_overhead: bench/embed/overhead.c build/libannlua.so include/annlua.h include/annarchy.h
	@mkdir -p $(dir $@)
	@echo "CC $@"; $(CC) $(CSTD) -O2 $(WARN) -Iinclude $< -o $@ -Lbuild -lannlua -Wl,-rpath,$(abspath build)

# The thread pool under ThreadSanitizer as well (it cannot share a binary with ASan).
build/tsan/pool_test: tests/c/pool_test.c src/pool.c src/pool.h tests/c/check.h
	@mkdir -p $(dir $@)
	@echo "CC $@ (thread sanitizer)"; $(CC) $(CSTD) -O1 -g $(WARN) -Isrc -Itests/c -fsanitize=thread \
	  tests/c/pool_test.c src/pool.c -o $@ -lpthread


# annlua under the sanitizers, for the short soak test (tests/run): the binding and the host
# compiled like the core above.
ASAN_BIND := $(BIND_SRC:src/lua/%.c=build/asan/obj/lua/%.o) $(HOST_SRC:src/host/%.c=build/asan/obj/host/%.o)
build/asan/obj/lua/%.o build/asan/obj/host/%.o: ASAN_CFLAGS += $(LUA_CFLAGS)
build/asan/annlua: $(ASAN_BIND) build/asan/libannarchy.a
	@echo "LD $@ (sanitizers)"; $(CC) $(ASAN_FLAGS) -o $@ $(ASAN_BIND) build/asan/libannarchy.a \
	  $(LUA_LIBS) -ltcc -lreadline $(BINDLIBS) $(SYSLIBS) -Wl,-E

# The soak test (docs/reliability.md): a plastic 10^5-neuron network for an hour of simulated
# time, memory sampled; then tools/faults with more kills and a longer cache stress.
soak: all
	./annlua tools/soak.lua
	sh tools/faults --long
	sh tools/cache-stress 10

# The fault-injection test makes allocations of the core fail: every malloc, calloc and realloc
# of the statically linked core goes through the test's wrappers.
build/tests/faults_test build/asan/faults_test: TEST_LDFLAGS = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

ctests: $(CTEST_BIN) $(CTEST_ASAN) build/examples/robot build/tsan/pool_test build/asan/annlua

deps:
	@sh tools/setup-deps

test: deps
	@$(MAKE) --no-print-directory all ctests fuzz-build
	@sh tests/run

demo: deps
	@$(MAKE) --no-print-directory all
	./annlua examples/quickstart.lua

bench: deps
	@$(MAKE) --no-print-directory all build/bench/embed_overhead
	@fail=0; for b in bench/*.lua; do echo "== $$b"; ./annlua $$b || fail=1; done; \
	  echo "== bench/peers.lua --threads 1,2"; ./annlua bench/peers.lua --threads 1,2 || fail=1; exit $$fail

# make fuzz: the grammar fuzzer of model text, then libFuzzer on every loader (tests/fuzz/fuzz.mk).
include tests/fuzz/fuzz.mk

# ---- install -----------------------------------------------------------------------------
LUA_SHARE := $(PREFIX)/share/lua/5.4
LUA_CLIB  := $(PREFIX)/lib/lua/5.4
LIBDIR    := $(PREFIX)/lib
# LuaJIT (5.1) finds the same front end here; its FFI backend reads the header installed next to
# it and loads libannarchy.so from the loader's path (ldconfig; docs/luajit.md).
LUAJIT_SHARE := $(PREFIX)/share/lua/5.1

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(LUA_SHARE)/annarchy $(DESTDIR)$(LUA_CLIB)/annarchy $(DESTDIR)$(LUA_SHARE)/annarchy/models
	install -m 755 annlua $(DESTDIR)$(PREFIX)/bin/annlua
	install -m 644 build/libannarchy.a $(DESTDIR)$(LIBDIR)/libannarchy.a
	install -m 755 build/libannarchy.so $(DESTDIR)$(LIBDIR)/libannarchy.so
	install -m 644 include/annarchy.h $(DESTDIR)$(PREFIX)/include/annarchy.h
	install -m 644 build/libannlua.a $(DESTDIR)$(LIBDIR)/libannlua.a
	install -m 755 build/libannlua.so $(DESTDIR)$(LIBDIR)/libannlua.so
	install -m 644 include/annlua.h $(DESTDIR)$(PREFIX)/include/annlua.h
	install -m 755 build/lua/annarchy/core.so $(DESTDIR)$(LUA_CLIB)/annarchy/core.so
	if [ -f build/libannlua_mpi.so ]; then install -m 755 build/libannlua_mpi.so $(DESTDIR)$(LIBDIR)/libannlua_mpi.so; fi
	cp -R lua/annarchy/. $(DESTDIR)$(LUA_SHARE)/annarchy/
	cp -R models/. $(DESTDIR)$(LUA_SHARE)/annarchy/models/
	install -d $(DESTDIR)$(LUAJIT_SHARE)/annarchy/models
	cp -R lua/annarchy/. $(DESTDIR)$(LUAJIT_SHARE)/annarchy/
	cp -R models/. $(DESTDIR)$(LUAJIT_SHARE)/annarchy/models/
	install -m 644 include/annarchy.h $(DESTDIR)$(LUAJIT_SHARE)/annarchy/runtime/annarchy.h
	if [ -z "$(DESTDIR)" ]; then ldconfig 2>/dev/null || true; fi
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' tools/annarchy.pc.in \
	  > $(DESTDIR)$(LIBDIR)/pkgconfig/annarchy.pc
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@HDF5_LIBS@|$(HDF5_LIBS)|' \
	  tools/annlua.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/annlua.pc

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/annlua $(DESTDIR)$(LIBDIR)/libannarchy.a \
	  $(DESTDIR)$(LIBDIR)/libannarchy.so $(DESTDIR)$(PREFIX)/include/annarchy.h \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/annarchy.pc $(DESTDIR)$(LIBDIR)/libannlua.a \
	  $(DESTDIR)$(LIBDIR)/libannlua.so $(DESTDIR)$(PREFIX)/include/annlua.h \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/annlua.pc $(DESTDIR)$(LIBDIR)/libannlua_mpi.so
	rm -rf $(DESTDIR)$(LUA_SHARE)/annarchy $(DESTDIR)$(LUA_CLIB)/annarchy $(DESTDIR)$(LUAJIT_SHARE)/annarchy

clean:
	rm -rf build annlua

.PHONY: all ctests deps test demo bench fuzz soak install uninstall clean
