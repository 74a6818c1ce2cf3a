/* The binding of child.c: core.spawn(fn) runs fn in a forked child process, core.wait_any
 * waits for one of several children to end, and the ann.Child handle gives what the child
 * sent (result) or ends it (kill; also __gc). */
#include <string.h>

#include <lauxlib.h>

#include "annarchy.h"
#include "lannarchy.h"
#include "lbind.h"

#define CHILD_MT "ann.Child"

typedef struct lchild {
    ann_child *c; /* NULL once killed */
} lchild;

/* In the child: runs the function at index 1 and ends the process with what it returned (a
 * string, exit code 0) or the message of its error (exit code 1). Never returns. */
static void run_child(lua_State *L)
{
    ann_status st;
    size_t n = 0;
    const char *bytes;
    int code = 1;
    lua_settop(L, 1);
    if (lua_pcall(L, 0, 1, 0) == LUA_OK) {
        if (lua_type(L, -1) == LUA_TSTRING) {
            code = 0;
        } else {
            lua_pushfstring(L, "the function of the child process returned a %s, not a string",
                            luaL_typename(L, -1));
        }
    } else if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER) {
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
    }
    bytes = lua_tolstring(L, -1, &n);
    memset(&st, 0, sizeof st);
    ann_child_exit(bytes, n, code, &st);
}

/* core.spawn(fn) -> ann.Child, or nil and a message when no process can be started. fn runs
 * in the child and returns the string sent back. */
static int l_spawn(lua_State *L)
{
    lchild *lc;
    ann_status st;
    int r;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lc = lua_newuserdatauv(L, sizeof *lc, 0);
    lc->c = NULL;
    luaL_setmetatable(L, CHILD_MT);
    memset(&st, 0, sizeof st);
    r = ann_child_fork(&lc->c, &st);
    if (r == 0) run_child(L);
    if (r < 0) {
        lua_pushnil(L);
        lua_pushstring(L, st.msg);
        return 2;
    }
    return 1;
}

static lchild *check_child(lua_State *L, int idx)
{
    lchild *lc = luaL_checkudata(L, idx, CHILD_MT);
    if (!lc->c) luaL_error(L, "the child process was killed");
    return lc;
}

/* core.wait_any({child, ...}) -> the index (from 1) of the first child that ends */
static int l_wait_any(lua_State *L)
{
    int n, i, k;
    ann_child **list;
    ann_status st;
    luaL_checktype(L, 1, LUA_TTABLE);
    n = (int)luaL_len(L, 1);
    luaL_argcheck(L, n > 0, 1, "an empty list of child processes");
    list = lua_newuserdatauv(L, (size_t)n * sizeof *list, 0);
    for (i = 0; i < n; i++) {
        lua_geti(L, 1, i + 1);
        list[i] = check_child(L, -1)->c;
        lua_pop(L, 1);
    }
    memset(&st, 0, sizeof st);
    k = ann_child_wait_any(list, n, &st);
    if (k < 0) return annl_raise(L, &st);
    lua_pushinteger(L, k + 1);
    return 1;
}

/* child:result() -> the bytes it sent, its exit code (nil when a signal ended it), the signal
 * (nil when it exited); an error while it runs */
static int l_child_result(lua_State *L)
{
    lchild *lc = check_child(L, 1);
    size_t n;
    const char *bytes;
    if (ann_child_running(lc->c)) return luaL_error(L, "the child process is still running");
    bytes = ann_child_bytes(lc->c, &n);
    lua_pushlstring(L, bytes, n);
    if (ann_child_signal(lc->c)) {
        lua_pushnil(L);
        lua_pushinteger(L, ann_child_signal(lc->c));
    } else {
        lua_pushinteger(L, ann_child_exit_code(lc->c));
        lua_pushnil(L);
    }
    return 3;
}

/* child:kill() and __gc: ends the child if it still runs and frees the handle (idempotent) */
static int l_child_kill(lua_State *L)
{
    lchild *lc = luaL_checkudata(L, 1, CHILD_MT);
    ann_child_free(lc->c);
    lc->c = NULL;
    return 0;
}

void annl_open_child(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"result", l_child_result}, {"kill", l_child_kill}, {NULL, NULL}};
    static const luaL_Reg fns[] = {
        {"spawn", l_spawn}, {"wait_any", l_wait_any}, {NULL, NULL}};
    annl_new_class(L, CHILD_MT, methods, l_child_kill);
    lua_pop(L, 1);
    luaL_setfuncs(L, fns, 0);
}
