/* luaopen_annarchy_core: the table returned by require("annarchy.core"). */
#include "lannarchy.h"

#include <lauxlib.h>

int luaopen_annarchy_core(lua_State *L)
{
    lua_newtable(L);
    annl_open_array(L);
    annl_open_random(L);
    annl_open_jit(L);
    annl_open_network(L);
    annl_open_projection(L);
    annl_open_image(L);
    annl_open_zip(L);
    annl_open_extensions(L);
    annl_open_tty(L);
    return 1;
}
