/* Keras model files for the ANN-to-SNN converter (lua/annarchy/extensions/ann_to_snn.lua),
 * read in a child process (src/keras_file.c): core.keras_read(path[, seconds]) returns a file
 * description with the methods exists(object), string_attribute(object, name) -> list of
 * strings, dataset(path) -> flat list of numbers (row-major) and shape list, and free(). */
#include <lauxlib.h>
#include <string.h>

#include "annarchy.h"
#include "lextensions.h"

#define KERAS_MT "annarchy.kerasfile"

typedef struct keras_ud {
    ann_keras_file *k;   /* NULL once freed */
} keras_ud;

/* A failure of the core as a Lua error: its message alone, without a position. */
static int raise(lua_State *L, const ann_status *st)
{
    lua_pushstring(L, st->msg);
    return lua_error(L);
}

static ann_keras_file *check_live(lua_State *L)
{
    keras_ud *u = luaL_checkudata(L, 1, KERAS_MT);
    if (!u->k) luaL_error(L, "Keras file: freed");
    return u->k;
}

static int l_read(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    double seconds = luaL_optnumber(L, 2, 0);
    keras_ud *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->k = NULL;
    luaL_setmetatable(L, KERAS_MT);
    ann_status st = {0};
    if (ann_keras_read(path, seconds, &u->k, &st)) return raise(L, &st);
    return 1;
}

static int l_exists(lua_State *L)
{
    lua_pushboolean(L, ann_keras_exists(check_live(L), luaL_checkstring(L, 2)));
    return 1;
}

static int l_string_attribute(lua_State *L)
{
    ann_keras_file *k = check_live(L);
    const char *s = NULL;
    size_t count = 0;
    ann_status st = {0};
    if (ann_keras_string_attribute(k, luaL_checkstring(L, 2), luaL_checkstring(L, 3), &s, &count,
                                   &st))
        return raise(L, &st);
    lua_createtable(L, (int)count, 0);
    for (size_t i = 0; i < count; i++) {
        lua_pushstring(L, s);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        s += strlen(s) + 1;
    }
    return 1;
}

static int l_dataset(lua_State *L)
{
    ann_keras_file *k = check_live(L);
    int32_t rank = 0;
    const int64_t *dims = NULL;
    const double *values = NULL;
    size_t count = 0;
    ann_status st = {0};
    if (ann_keras_dataset(k, luaL_checkstring(L, 2), &rank, &dims, &values, &count, &st))
        return raise(L, &st);
    lua_createtable(L, (int)count, 0);
    for (size_t i = 0; i < count; i++) {
        lua_pushnumber(L, values[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_createtable(L, rank, 0);
    for (int i = 0; i < rank; i++) {
        lua_pushinteger(L, (lua_Integer)dims[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 2;
}

static int l_free(lua_State *L)
{
    keras_ud *u = luaL_checkudata(L, 1, KERAS_MT);
    ann_keras_free(u->k);
    u->k = NULL;
    return 0;
}

void annl_open_keras(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"exists", l_exists}, {"string_attribute", l_string_attribute}, {"dataset", l_dataset},
        {"free", l_free}, {NULL, NULL}};
    if (luaL_newmetatable(L, KERAS_MT)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_free);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_read);
    lua_setfield(L, -2, "keras_read");
}
