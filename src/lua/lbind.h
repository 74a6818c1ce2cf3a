/* Helpers shared by the binding files. */
#ifndef ANN_LUA_LBIND_H
#define ANN_LUA_LBIND_H

#include "annarchy.h"

#include <lua.h>

/* Raises st->msg as a Lua error (no position prefix). Never returns. */
int annl_raise(lua_State *L, const ann_status *st);
/* The kernel module at idx (ljit.c). */
const ann_module *annl_module_check(lua_State *L, int idx);

#endif
