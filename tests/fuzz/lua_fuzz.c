/* libFuzzer harness of the Lua front end: Lua 5.4 with the annarchy binding and the front end
 * embedded, libtcc as the in-process kernel compiler. The target (environment variable
 * ANNLUA_FUZZ_TARGET: model, state, npz or connectivity) is a function of
 * tests/fuzz/lua_target.lua that receives each input as a Lua string.
 *
 * Coverage: the C code (binding, core) is instrumented by the compiler; the Lua code is not,
 * so a line hook feeds libFuzzer extra counters with the edges between consecutive Lua lines
 * (source, line), which guides the mutations through the front end's branches too.
 *
 * An input passes when the target returns or raises an annarchy error ("annarchy: ..."); any
 * other Lua error (a bug of the front end: indexing nil, a bad argument to a library function)
 * aborts with the message and traceback, which libFuzzer reports as a crash. */
#include "annarchy.h"
#include "../../src/host/frontend.h"
#include "../../src/host/tcc_inproc.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int luaopen_annarchy_core(lua_State *L);   /* the binding, linked in */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCOUNTERS (1 << 16)
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t lua_counters[NCOUNTERS];

static lua_State *L;
static int target_ref = LUA_NOREF;
static uintptr_t prev_location;
static char cache_dir[64];
static unsigned long inputs;

static void line_hook(lua_State *S, lua_Debug *ar)
{
    uintptr_t here;
    if (!lua_getinfo(S, "S", ar))
        return;
    here = ((uintptr_t)ar->source * 2654435761u) ^ ((uintptr_t)ar->currentline * 40503u);
    lua_counters[(here ^ prev_location) % NCOUNTERS]++;
    prev_location = here >> 1;
}

static int traceback(lua_State *S)
{
    const char *msg = lua_tostring(S, 1);
    luaL_traceback(S, S, msg ? msg : "(error object is not a string)", 1);
    return 1;
}

static void remove_cache(void)
{
    long removed;
    ann_cache_clear(&removed);
    rmdir(cache_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *target = getenv("ANNLUA_FUZZ_TARGET");
    (void)argc;
    (void)argv;
    if (!target) {
        fprintf(stderr, "lua_fuzz: set ANNLUA_FUZZ_TARGET to model, state, npz or connectivity\n");
        exit(2);
    }
    /* Kernels compiled by the model target go to a private cache, emptied now and then. */
    snprintf(cache_dir, sizeof cache_dir, "/tmp/annlua-fuzz-cache-XXXXXX");
    if (!mkdtemp(cache_dir)) {
        perror("lua_fuzz: mkdtemp");
        exit(2);
    }
    setenv("ANNLUA_CACHE", cache_dir, 1);
    atexit(remove_cache);
    ann_host_register_tcc();

    L = luaL_newstate();
    luaL_openlibs(L);
    annh_open_frontend(L, ANN_LUA_DIR, luaopen_annarchy_core);
    lua_pushcfunction(L, traceback);
    if (luaL_loadfile(L, ANN_FUZZ_DIR "/lua_target.lua") != LUA_OK ||
        lua_pcall(L, 0, 1, -2) != LUA_OK) {
        fprintf(stderr, "lua_fuzz: %s\n", lua_tostring(L, -1));
        exit(2);
    }
    lua_getfield(L, -1, target);
    if (!lua_isfunction(L, -1)) {
        fprintf(stderr, "lua_fuzz: unknown target '%s'\n", target);
        exit(2);
    }
    target_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_settop(L, 0);
    lua_sethook(L, line_hook, LUA_MASKLINE, 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int rc;
    prev_location = 0;
    lua_pushcfunction(L, traceback);
    lua_rawgeti(L, LUA_REGISTRYINDEX, target_ref);
    lua_pushlstring(L, (const char *)data, size);
    rc = lua_pcall(L, 1, 0, -3);
    if (rc != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (!msg || strncmp(msg, "annarchy: ", 10) != 0) {
            fprintf(stderr, "lua_fuzz: not an annarchy error:\n%s\n", msg ? msg : "(no message)");
            abort();
        }
    }
    lua_settop(L, 0);
    if (++inputs % 256 == 0) {
        long removed;
        lua_gc(L, LUA_GCCOLLECT);
        ann_cache_clear(&removed);
    }
    return 0;
}
