/* Lua binding of kernel compilation: core.compile(source, options) -> module, from_cache. */
#include "annarchy.h"
#include "lannarchy.h"
#include "lbind.h"

#include <lauxlib.h>
#include <string.h>
#include <time.h>


#define MODULE_MT "annarchy.core.Module"

static ann_module **check_module(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, MODULE_MT);
}

const ann_module *annl_module_check(lua_State *L, int idx)
{
    ann_module **m = check_module(L, idx);
    if (!*m) luaL_error(L, "annarchy: the kernel module was released");
    return *m;
}

static const char *opt_string(lua_State *L, int t, const char *key)
{
    if (lua_type(L, t) != LUA_TTABLE) return NULL;
    lua_getfield(L, t, key);
    const char *s = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    lua_pop(L, 1);   /* the string stays alive: the options table holds it */
    return s;
}

/* compile(source, {compiler, flags, directory, label, verbose, rebuild}) */
static int l_compile(lua_State *L)
{
    const char *src = luaL_checkstring(L, 1);
    ann_jit_options opt;
    memset(&opt, 0, sizeof opt);
    opt.compiler = opt_string(L, 2, "compiler");
    opt.flags = opt_string(L, 2, "flags");
    opt.directory = opt_string(L, 2, "directory");
    opt.label = opt_string(L, 2, "label");
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_getfield(L, 2, "verbose");
        opt.verbose = lua_toboolean(L, -1);
        lua_getfield(L, 2, "rebuild");
        opt.rebuild = lua_toboolean(L, -1);
        lua_pop(L, 2);
    }
    ann_module **ud = lua_newuserdatauv(L, sizeof *ud, 0);
    *ud = NULL;
    luaL_setmetatable(L, MODULE_MT);
    ann_status st = {0, ""};
    if (ann_jit_load(src, &opt, ud, &st) != 0) return annl_raise_core(L, &st);
    lua_pushboolean(L, ann_module_from_cache(*ud));
    lua_pushstring(L, ann_module_path(*ud));
    return 3;
}

static int l_module_gc(lua_State *L)
{
    ann_module **m = check_module(L, 1);
    ann_module_release(*m);
    *m = NULL;
    return 0;
}

static int l_kernel_header(lua_State *L)
{
    lua_pushstring(L, ann_kernel_header);
    return 1;
}

static int l_cache_info(lua_State *L)
{
    char dir[4096];
    long entries = 0;
    long long bytes = 0;
    if (ann_cache_info(dir, sizeof dir, &entries, &bytes) != 0)
        return luaL_error(L, "annarchy: cannot read the kernel cache");
    lua_pushstring(L, dir);
    lua_pushinteger(L, entries);
    lua_pushinteger(L, bytes);
    return 3;
}

static int l_cache_clear(lua_State *L)
{
    long removed = 0;
    if (ann_cache_clear(&removed) != 0) return luaL_error(L, "annarchy: cannot clear the kernel cache");
    lua_pushinteger(L, removed);
    return 1;
}

/* clock() -> seconds of a monotonic clock, for measuring durations */
static int l_clock(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + 1e-9 * (lua_Number)ts.tv_nsec);
    return 1;
}

static int l_version(lua_State *L)
{
    lua_pushstring(L, ann_version());
    return 1;
}

void annl_open_jit(lua_State *L)
{
    annl_new_class(L, MODULE_MT, NULL, l_module_gc);
    lua_pop(L, 1);
    static const luaL_Reg fns[] = {
        {"compile", l_compile},         {"kernel_header", l_kernel_header},
        {"cache_info", l_cache_info},   {"cache_clear", l_cache_clear},
        {"version", l_version},         {"clock", l_clock},
        {NULL, NULL}};
    luaL_setfuncs(L, fns, 0);
}
