/* HDF5 files for the ANN-to-SNN converter (lua/annarchy/extensions/ann_to_snn.lua):
 * core.hdf5_open(path) returns a file with the methods exists(object),
 * string_attribute(object, name) -> list of strings, dataset(path) -> flat list of numbers
 * (row-major) and shape list, and close(). */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"
#include "lextensions.h"

#define H5_MT "annarchy.hdf5file"

typedef struct h5_ud {
    ann_h5file *f;   /* NULL once closed */
} h5_ud;

static ann_h5file *check_open(lua_State *L)
{
    h5_ud *u = luaL_checkudata(L, 1, H5_MT);
    if (!u->f) luaL_error(L, "HDF5 file: closed");
    return u->f;
}

static int l_open(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    h5_ud *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->f = NULL;
    luaL_setmetatable(L, H5_MT);
    ann_status st = {0};
    if (ann_h5_open(path, &u->f, &st)) return luaL_error(L, "%s", st.msg);
    return 1;
}

static int l_exists(lua_State *L)
{
    lua_pushboolean(L, ann_h5_exists(check_open(L), luaL_checkstring(L, 2)));
    return 1;
}

static int l_string_attribute(lua_State *L)
{
    ann_h5file *f = check_open(L);
    char *block = NULL;
    size_t count = 0;
    ann_status st = {0};
    if (ann_h5_string_attribute(f, luaL_checkstring(L, 2), luaL_checkstring(L, 3), &block, &count,
                                &st))
        return luaL_error(L, "%s", st.msg);
    lua_createtable(L, (int)count, 0);
    const char *s = block;
    for (size_t i = 0; i < count; i++) {
        lua_pushstring(L, s);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
        s += strlen(s) + 1;
    }
    free(block);
    return 1;
}

static int l_dataset(lua_State *L)
{
    ann_h5file *f = check_open(L);
    const char *path = luaL_checkstring(L, 2);
    int32_t rank = 0;
    int64_t dims[8];
    ann_status st = {0};
    if (ann_h5_dataset_shape(f, path, &rank, dims, &st)) return luaL_error(L, "%s", st.msg);
    size_t count = 1;
    for (int i = 0; i < rank; i++) count *= (size_t)dims[i];
    double *data = malloc((count ? count : 1) * sizeof *data);
    if (!data) return luaL_error(L, "HDF5 file: out of memory");
    if (ann_h5_dataset_read(f, path, data, count, &st)) {
        free(data);
        return luaL_error(L, "%s", st.msg);
    }
    lua_createtable(L, (int)count, 0);
    for (size_t i = 0; i < count; i++) {
        lua_pushnumber(L, data[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(data);
    lua_createtable(L, rank, 0);
    for (int i = 0; i < rank; i++) {
        lua_pushinteger(L, (lua_Integer)dims[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 2;
}

static int l_close(lua_State *L)
{
    h5_ud *u = luaL_checkudata(L, 1, H5_MT);
    ann_h5_close(u->f);
    u->f = NULL;
    return 0;
}

void annl_open_hdf5(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"exists", l_exists}, {"string_attribute", l_string_attribute}, {"dataset", l_dataset},
        {"close", l_close}, {NULL, NULL}};
    if (luaL_newmetatable(L, H5_MT)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_close);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_open);
    lua_setfield(L, -2, "hdf5_open");
}
