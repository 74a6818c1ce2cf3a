/* Protected calls for the host, interruptible by Ctrl-C.
 *
 * A signal handler may not touch a Lua state except through lua_sethook, so SIGINT only
 * installs a hook that fires at the next call, return, line or instruction count and raises
 * the error from inside Lua, where unwinding is safe. The handler is one-shot: a second Ctrl-C
 * (code stuck in C that never reaches a hook) kills the process as usual. The state to hook is
 * the one piece of global state the host has: a signal handler receives no argument. */
#include "run.h"
#include "annarchy.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static lua_State *volatile sigint_target;

static void stop_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted!");
}

static void on_sigint(int sig)
{
    (void)sig;
    lua_sethook(sigint_target, stop_hook,
                LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT, 1);
}

/* The message handler: a string (or number) error gets a traceback; another value is
 * described by its __tostring, or by its type. */
static int add_traceback(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int annh_call(lua_State *L, int narg, int nres)
{
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, add_traceback);
    lua_insert(L, base);

    struct sigaction act, old;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_sigint;
    act.sa_flags = SA_RESETHAND;
    sigemptyset(&act.sa_mask);
    lua_State *previous = sigint_target;
    sigint_target = L;
    sigaction(SIGINT, &act, &old);

    int status = lua_pcall(L, narg, nres, base);

    sigaction(SIGINT, &old, NULL);
    sigint_target = previous;
    /* A Ctrl-C that came as the call returned leaves its hook behind: drop it, but leave a
     * debugger's or a coverage tool's hook alone. */
    if (lua_gethook(L) == stop_hook)
        lua_sethook(L, NULL, 0, 0);

    lua_remove(L, base);
    return status;
}

void annh_message(const char *progname, const char *msg)
{
    if (progname != NULL && ann_mpi_size() > 1)
        fprintf(stderr, "%s (process %d of %d): ", progname, (int)ann_mpi_rank(), (int)ann_mpi_size());
    else if (progname != NULL)
        fprintf(stderr, "%s: ", progname);
    fprintf(stderr, "%s\n", msg);
    fflush(stderr);
}

int annh_report(lua_State *L, int status, const char *progname)
{
    if (status == LUA_OK)
        return status;
    int top = lua_gettop(L);
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL)
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
    annh_message(progname, msg);
    lua_settop(L, top - 1);
    return status;
}

int annh_run_string(lua_State *L, const char *s, const char *chunkname, const char *progname)
{
    int status = luaL_loadbuffer(L, s, strlen(s), chunkname);
    if (status == LUA_OK)
        status = annh_call(L, 0, 0);
    return annh_report(L, status, progname);
}

int annh_run_file(lua_State *L, const char *fname, const char *progname)
{
    int status = luaL_loadfile(L, fname);
    if (status == LUA_OK)
        status = annh_call(L, 0, 0);
    return annh_report(L, status, progname);
}
