/* The bindings of the Logger and ANN-to-SNN extensions: self-contained (their own userdata and
 * metatables, only the Lua C API and the core functions of include/annarchy.h). */
#ifndef ANN_LUA_LEXTENSIONS_H
#define ANN_LUA_LEXTENSIONS_H

#include <lua.h>

/* Each adds its functions to the table on top of the stack. */
void annl_open_extensions(lua_State *L);  /* lextensions.c: both below */
void annl_open_tensorboard(lua_State *L); /* ltensorboard.c: event-file writers */
void annl_open_keras(lua_State *L);       /* lkeras.c: reading Keras model files */

#endif
