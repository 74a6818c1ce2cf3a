/* libannlua: the front end inside a C program (include/annlua.h).
 *
 * A host is a Lua state with the front end found as the annlua executable finds it
 * (src/host/frontend.c), the core opened without touching the program's log callback, and the
 * binding told that it is embedded (no signal handler around runs). Everything that can raise
 * a Lua error runs under lua_pcall, so a failure becomes a status and never unwinds into the
 * program. The host pins the runtimes it hands out in a table of its own (network pointer ->
 * runtime userdata), which is what keeps them alive: ownership stays with Lua.
 *
 * The open hosts are listed (under a mutex: these calls are not per frame) so that a NULL or
 * closed host is refused without touching its memory. */
#include "annlua.h"
#include "host/frontend.h"
#include "lua/lannarchy.h"
#include "lua/lbind.h"

#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Registry fields of a host's state: the first value the last chunk returned, and the pins
 * (network pointer -> runtime userdata). */
#define RETURNED_KEY "annlua.returned"
#define PINS_KEY "annlua.pins"

struct annlua_host {
    lua_State *L;
    char msg[sizeof(((ann_status *)0)->msg)];
    struct annlua_host *next;    /* the list of open hosts */
};

static pthread_mutex_t hosts_lock = PTHREAD_MUTEX_INITIALIZER;
static annlua_host *hosts;

static int is_open(const annlua_host *h)
{
    int found = 0;
    pthread_mutex_lock(&hosts_lock);
    for (const annlua_host *p = hosts; p && !found; p = p->next) found = p == h;
    pthread_mutex_unlock(&hosts_lock);
    return found;
}

/* Formats a failure into st and, when h is given, the host's message; returns 1. */
static int host_fail(annlua_host *h, ann_status *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int host_fail(annlua_host *h, ann_status *st, const char *fmt, ...)
{
    char msg[sizeof(((ann_status *)0)->msg)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (h) snprintf(h->msg, sizeof h->msg, "%s", msg);
    if (st) {
        st->code = 1;
        snprintf(st->msg, sizeof st->msg, "%s", msg);
    }
    return 1;
}

static int check_host(const annlua_host *h, ann_status *st)
{
    if (h && is_open(h)) return 0;
    return host_fail(NULL, st, "not an open annlua host (NULL, closed, or never opened)");
}

/* The message handler: a traceback after a string error. */
static int traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Calls the function under its narg arguments in protected mode; on failure the message
 * goes to st and the host. Leaves nres results on success. */
static int call(annlua_host *h, int narg, int nres, ann_status *st)
{
    lua_State *L = h->L;
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, traceback);
    lua_insert(L, base);
    int rc = lua_pcall(L, narg, nres, base);
    lua_remove(L, base);
    if (rc == LUA_OK) return 0;
    host_fail(h, st, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error without message)");
    lua_pop(L, 1);
    return 1;
}

/* ---- opening ------------------------------------------------------------------------------ */

static int open_state(lua_State *L)
{
    const char *dir = lua_touserdata(L, 1);
    luaL_openlibs(L);
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, ANNL_EMBEDDED_KEY);
    annh_open_frontend(L, dir, annl_open_core);
    lua_getglobal(L, "require");
    lua_pushstring(L, "annarchy");
    lua_call(L, 1, 0);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, PINS_KEY);
    return 0;
}

annlua_host *annlua_open(const char *frontend_dir, ann_status *st)
{
    char dir[PATH_MAX];
    if (!frontend_dir) {
        if (annh_frontend_dir(dir, sizeof dir) != 0) {
            host_fail(NULL, st, "the annarchy front end (annarchy/init.lua) was not found beside "
                      "the library nor in the source tree: give its directory to annlua_open");
            return NULL;
        }
        frontend_dir = dir;
    }
    annlua_host *h = calloc(1, sizeof *h);
    if (!h || !(h->L = luaL_newstate())) {
        free(h);
        host_fail(NULL, st, "out of memory opening an annlua host");
        return NULL;
    }
    lua_pushcfunction(h->L, open_state);
    lua_pushlightuserdata(h->L, (void *)(uintptr_t)frontend_dir);
    if (call(h, 1, 0, st)) {
        lua_close(h->L);
        free(h);
        return NULL;
    }
    pthread_mutex_lock(&hosts_lock);
    h->next = hosts;
    hosts = h;
    pthread_mutex_unlock(&hosts_lock);
    return h;
}

void annlua_close(annlua_host *h)
{
    if (!h) return;
    pthread_mutex_lock(&hosts_lock);
    annlua_host **p = &hosts;
    while (*p && *p != h) p = &(*p)->next;
    int found = *p != NULL;
    if (found) *p = h->next;
    pthread_mutex_unlock(&hosts_lock);
    if (!found) return;
    lua_close(h->L);
    free(h);
}

const char *annlua_error(const annlua_host *h)
{
    if (!h || !is_open(h)) return "not an open annlua host (NULL, closed, or never opened)";
    return h->msg;
}

/* ---- running chunks ----------------------------------------------------------------------- */

/* run(chunk, args, nargs): calls the loaded chunk with the nargs strings of args and keeps
 * its first result. */
static int run_loaded(lua_State *L)
{
    const char *const *args = lua_touserdata(L, 2);
    int nargs = (int)lua_tointeger(L, 3);
    lua_settop(L, 1);
    luaL_checkstack(L, nargs, "too many arguments");
    for (int i = 0; i < nargs; i++) lua_pushstring(L, args[i]);
    lua_call(L, nargs, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, RETURNED_KEY);
    return 0;
}

static int run_chunk(annlua_host *h, const char *const *args, int32_t nargs, ann_status *st)
{
    lua_State *L = h->L;
    lua_pushcfunction(L, run_loaded);
    lua_insert(L, -2);
    lua_pushlightuserdata(L, (void *)(uintptr_t)args);
    lua_pushinteger(L, nargs);
    return call(h, 3, 0, st);
}

static int load_failed(annlua_host *h, ann_status *st)
{
    host_fail(h, st, "%s", lua_tostring(h->L, -1));
    lua_pop(h->L, 1);
    return 1;
}

int annlua_run_file(annlua_host *h, const char *path, int32_t nargs, const char *const *args,
                    ann_status *st)
{
    if (check_host(h, st)) return 1;
    if (!path) return host_fail(h, st, "annlua_run_file: the path is NULL");
    if (nargs < 0 || (nargs > 0 && !args))
        return host_fail(h, st, "annlua_run_file: bad argument list (%d arguments)", (int)nargs);
    for (int32_t i = 0; i < nargs; i++)
        if (!args[i]) return host_fail(h, st, "annlua_run_file: argument %d is NULL", (int)i + 1);
    if (!lua_checkstack(h->L, 8)) return host_fail(h, st, "out of memory");
    if (luaL_loadfilex(h->L, path, "t") != LUA_OK) return load_failed(h, st);
    return run_chunk(h, args, nargs, st);
}

int annlua_run_string(annlua_host *h, const char *code, const char *chunkname, ann_status *st)
{
    if (check_host(h, st)) return 1;
    if (!code) return host_fail(h, st, "annlua_run_string: the code is NULL");
    if (!lua_checkstack(h->L, 8)) return host_fail(h, st, "out of memory");
    if (luaL_loadbufferx(h->L, code, strlen(code), chunkname ? chunkname : "=string", "t")
        != LUA_OK)
        return load_failed(h, st);
    return run_chunk(h, NULL, 0, st);
}

/* ---- networks ----------------------------------------------------------------------------- */

/* find(name): the network pointer of the runtime the front end names, pinned. name is a
 * light userdata (a C string) or nil. */
static int find_network(lua_State *L)
{
    const char *name = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_getglobal(L, "require");
    lua_pushstring(L, "annarchy.embedding");
    lua_call(L, 1, 1);
    lua_getfield(L, -1, "runtime");
    if (name) lua_pushstring(L, name);
    else lua_pushnil(L);
    lua_getfield(L, LUA_REGISTRYINDEX, RETURNED_KEY);
    lua_call(L, 2, 1);
    ann_network *net = annl_net_check(L, -1);
    lua_getfield(L, LUA_REGISTRYINDEX, PINS_KEY);
    lua_pushlightuserdata(L, net);
    lua_pushvalue(L, -3);
    lua_rawset(L, -3);
    lua_pushlightuserdata(L, net);
    return 1;
}

ann_network *annlua_network(annlua_host *h, const char *name, ann_status *st)
{
    if (check_host(h, st)) return NULL;
    lua_State *L = h->L;
    if (!lua_checkstack(L, 8)) {
        host_fail(h, st, "out of memory");
        return NULL;
    }
    lua_pushcfunction(L, find_network);
    lua_pushlightuserdata(L, (void *)(uintptr_t)name);
    if (call(h, 1, 1, st)) return NULL;
    ann_network *net = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return net;
}

int annlua_release(annlua_host *h, ann_network *net, ann_status *st)
{
    if (check_host(h, st)) return 1;
    lua_State *L = h->L;
    if (!lua_checkstack(L, 8)) return host_fail(h, st, "out of memory");
    lua_getfield(L, LUA_REGISTRYINDEX, PINS_KEY);
    lua_pushlightuserdata(L, net);
    int pinned = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 1);
    if (pinned) {
        lua_pushlightuserdata(L, net);
        lua_pushnil(L);
        lua_rawset(L, -3);
    }
    lua_pop(L, 1);
    if (!pinned)
        return host_fail(h, st, "annlua_release: the network was not given by this host, or was "
                         "already released");
    return 0;
}
