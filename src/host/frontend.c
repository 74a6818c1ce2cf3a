/* Where the front end is found.
 *
 * The Lua front end must be the one that matches the core linked into this executable, so its
 * directory goes in front of package.path (a LUA_PATH naming another copy does not win), while
 * Debian's default entries stay for busted, lpeg and the rest. The directory is found from the
 * executable itself, so that the source tree and an installation both work from any directory;
 * the source tree known at compile time is the last resort. */
#include "frontend.h"

#include "lua/lannarchy.h"

#include <lauxlib.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Directory of the running executable, without a trailing slash. */
static int executable_dir(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == NULL)
        return -1;
    *slash = '\0';
    return 0;
}

static int has_frontend(lua_State *L, const char *luadir)
{
    const char *init = lua_pushfstring(L, "%s/annarchy/init.lua", luadir);
    int found = access(init, R_OK) == 0;
    lua_pop(L, 1);
    return found;
}

/* Pushes the directory holding annarchy/init.lua, or nil when none is known. */
static void push_frontend_dir(lua_State *L)
{
    char exedir[PATH_MAX];
    if (executable_dir(exedir, sizeof exedir) == 0) {
        const char *tree = lua_pushfstring(L, "%s/lua", exedir);
        if (has_frontend(L, tree))
            return;
        lua_pop(L, 1);

        const char *share = lua_pushfstring(L, "%s/../share/lua/5.4", exedir);
        if (has_frontend(L, share)) {
            char canonical[PATH_MAX];
            if (realpath(share, canonical) != NULL) {
                lua_pop(L, 1);
                lua_pushstring(L, canonical);
            }
            return;
        }
        lua_pop(L, 1);
    }
#ifdef ANN_LUA_DIR
    lua_pushstring(L, ANN_LUA_DIR);
#else
    lua_pushnil(L);
#endif
}

void annh_open_frontend(lua_State *L)
{
    push_frontend_dir(L);
    if (!lua_isnil(L, -1)) {
        const char *dir = lua_tostring(L, -1);
        lua_getglobal(L, "package");
        lua_getfield(L, -1, "path");
        const char *old = lua_tostring(L, -1);
        lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, old != NULL ? old : "");
        lua_setfield(L, -3, "path");
        lua_pop(L, 2);
    }
    lua_pop(L, 1);

    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_annarchy_core);
    lua_setfield(L, -2, "annarchy.core");
    lua_pop(L, 1);
}
