/* core.isatty(fd): whether a file descriptor (1 = stdout, 2 = stderr) is a terminal; the
 * progress bar of simulate() draws itself only on one. */
#include "lannarchy.h"

#include <lauxlib.h>
#include <unistd.h>

static int l_isatty(lua_State *L)
{
    lua_Integer fd = luaL_checkinteger(L, 1);
    luaL_argcheck(L, fd >= 0 && fd <= 1024, 1, "a file descriptor");
    lua_pushboolean(L, isatty((int)fd) == 1);
    return 1;
}

void annl_open_tty(lua_State *L)
{
    lua_pushcfunction(L, l_isatty);
    lua_setfield(L, -2, "isatty");
}
