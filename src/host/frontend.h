/* Makes the annarchy front end loadable without LUA_PATH: the Lua files of the source tree or
 * of the installation that the binary (the annlua executable or libannlua.so) belongs to, and
 * the core linked into it. Shared by the executable and the embedding library. */
#ifndef ANN_HOST_FRONTEND_H
#define ANN_HOST_FRONTEND_H

#include <lua.h>
#include <stddef.h>

/* The directory holding annarchy/init.lua: beside the binary (lua/, ../lua/, or
 * ../share/lua/5.4/), else the source tree the binary was built from. 0, or -1 when none. */
int annh_frontend_dir(char *dir, size_t size);

/* Prepends dir (when not NULL) to package.path and registers open_core as
 * package.preload["annarchy.core"]. Call after luaL_openlibs. */
void annh_open_frontend(lua_State *L, const char *dir, lua_CFunction open_core);

#endif
