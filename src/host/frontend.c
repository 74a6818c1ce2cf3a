/* Where the front end is found: shared by the annlua executable and the embedding library.
 *
 * The Lua front end must be the one that matches the core linked with it, so its directory
 * goes in front of package.path (a LUA_PATH naming another copy does not win), while Debian's
 * default entries stay for busted, lpeg and the rest. The directory is found from the binary
 * that holds this code (the annlua executable, or libannlua.so wherever it was installed),
 * so that the source tree and an installation both work from any directory; the source tree
 * known at compile time is the last resort. */
#include "frontend.h"

#include <dlfcn.h>
#include <lauxlib.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Directory of the binary holding this code, without a trailing slash: the shared library
 * when it is one, else the running executable. */
static const char anchor;   /* an address inside this binary */

static int binary_dir(char *buf, size_t size)
{
    Dl_info info;
    const char *lib = NULL;
    if (dladdr(&anchor, &info) && info.dli_fname && strchr(info.dli_fname, '/')
        && strstr(info.dli_fname, ".so"))
        lib = info.dli_fname;
    if (lib) {
        if (realpath(lib, buf) == NULL) return -1;
    } else {
        ssize_t n = readlink("/proc/self/exe", buf, size - 1);
        if (n <= 0 || (size_t)n >= size - 1) return -1;
        buf[n] = '\0';
    }
    char *slash = strrchr(buf, '/');
    if (slash == NULL) return -1;
    *slash = '\0';
    return 0;
}

static int has_frontend(const char *luadir)
{
    char init[PATH_MAX + 32];
    snprintf(init, sizeof init, "%s/annarchy/init.lua", luadir);
    return access(init, R_OK) == 0;
}

int annh_frontend_dir(char *dir, size_t size)
{
    static const char *const below[] = {"lua", "../lua", "../share/lua/5.4"};
    char bindir[PATH_MAX], cand[PATH_MAX + 32];
    if (binary_dir(bindir, sizeof bindir) == 0) {
        for (size_t i = 0; i < sizeof below / sizeof below[0]; i++) {
            snprintf(cand, sizeof cand, "%s/%s", bindir, below[i]);
            if (has_frontend(cand) && realpath(cand, bindir) != NULL) {
                snprintf(dir, size, "%s", bindir);
                return 0;
            }
        }
    }
#ifdef ANN_LUA_DIR
    if (has_frontend(ANN_LUA_DIR)) {
        snprintf(dir, size, "%s", ANN_LUA_DIR);
        return 0;
    }
#endif
    return -1;
}

void annh_open_frontend(lua_State *L, const char *dir, lua_CFunction open_core)
{
    if (dir != NULL) {
        lua_getglobal(L, "package");
        lua_getfield(L, -1, "path");
        const char *old = lua_tostring(L, -1);
        lua_pushfstring(L, "%s/?.lua;%s/?/init.lua;%s", dir, dir, old != NULL ? old : "");
        lua_setfield(L, -3, "path");
        lua_pop(L, 2);
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, open_core);
    lua_setfield(L, -2, "annarchy.core");
    lua_pop(L, 1);
}
