/* ann.Array for the other binding files: the userdata is an ann_array (at offset 0, so a
 * LuaJIT FFI binding can cast it), its doubles owned by C. */
#ifndef ANN_LUA_LARRAY_H
#define ANN_LUA_LARRAY_H

#include <lua.h>

#include "annarchy.h"

#define ANNL_ARRAY_MT "ann.Array"

/* Pushes a new zeroed Array of that shape and returns it so that C can fill ->data.
 * Raises a Lua error for an invalid shape. */
ann_array *annl_array_new(lua_State *L, int ndim, const int64_t *shape);
/* Pushes a new Array holding a copy of n = product(shape) doubles. */
ann_array *annl_array_push_copy(lua_State *L, int ndim, const int64_t *shape,
                                const double *src);
/* Pushes an Array that takes ownership of `data` (from malloc): the Array's __gc calls
 * free(data). On error (bad shape, no memory) data is freed and a Lua error raised. */
ann_array *annl_array_adopt(lua_State *L, int ndim, const int64_t *shape, double *data);

/* The Array at idx, or a "bad argument" error / NULL when the value is not an Array. */
ann_array *annl_array_check(lua_State *L, int idx);
ann_array *annl_array_test(lua_State *L, int idx);

/* Pushes the value at idx as an Array: the same Array, or a new one from a number (shape
 * {1}) or a (nested) list of numbers. Raises an error naming `what` otherwise. */
ann_array *annl_array_from_value(lua_State *L, int idx, const char *what);

/* Pushes a new Array built from the (nested) table or Array at idx; a number gives shape {1}
 * when allow_number, an error naming `fname` otherwise (larray_nested.c). */
ann_array *annl_array_from_nested(lua_State *L, int idx, const char *fname, int allow_number);

/* Raises "where: message" (where: the calling Lua code), with lua_pushfstring's format. */
int annl_array_error(lua_State *L, const char *fmt, ...);

/* Reads a shape argument (a number or a list of numbers) at idx into shape[]; returns ndim.
 * Raises an error naming `fname` when it is not a valid shape. */
int annl_array_checkshape(lua_State *L, int idx, int64_t *shape, const char *fname);

#endif
