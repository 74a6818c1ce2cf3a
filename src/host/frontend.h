/* Makes the annarchy front end loadable without LUA_PATH: the Lua files of the source tree or
 * of the installation that the executable belongs to, and the core built into the executable. */
#ifndef ANN_HOST_FRONTEND_H
#define ANN_HOST_FRONTEND_H

#include <lua.h>

/* Prepends the front end's directory to package.path and registers
 * package.preload["annarchy.core"]. Call after luaL_openlibs. */
void annh_open_frontend(lua_State *L);

#endif
