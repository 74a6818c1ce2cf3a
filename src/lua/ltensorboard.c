/* TensorBoard event-file writers for the Logger (lua/annarchy/extensions/logger.lua):
 * core.tfwriter_open(directory) returns a writer with the methods scalar, histogram, image,
 * image_file, hparams, flush, close, path and closed. Errors are Lua errors carrying the
 * core's message. */
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"
#include "lextensions.h"

#define WRITER_MT "annarchy.tfwriter"

typedef struct writer_ud {
    ann_tfwriter *w;   /* NULL once closed */
} writer_ud;

static ann_tfwriter *check_open(lua_State *L)
{
    writer_ud *u = luaL_checkudata(L, 1, WRITER_MT);
    if (!u->w) luaL_error(L, "Logger: the logger is closed");
    return u->w;
}

static int fail(lua_State *L, const ann_status *st)
{
    return luaL_error(L, "%s", st->msg);
}

static int64_t opt_step(lua_State *L, int idx)
{
    return (int64_t)luaL_optinteger(L, idx, 0);
}

static int l_open(lua_State *L)
{
    const char *dir = luaL_checkstring(L, 1);
    writer_ud *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->w = NULL;
    luaL_setmetatable(L, WRITER_MT);
    ann_status st = {0};
    if (ann_tfwriter_open(dir, &u->w, &st)) return fail(L, &st);
    return 1;
}

static int l_scalar(lua_State *L)
{
    ann_tfwriter *w = check_open(L);
    ann_status st = {0};
    if (ann_tfwriter_scalar(w, luaL_checkstring(L, 2), luaL_checknumber(L, 3), opt_step(L, 4), &st))
        return fail(L, &st);
    return 0;
}

/* w:histogram(tag, list_of_numbers, step) */
static int l_histogram(lua_State *L)
{
    ann_tfwriter *w = check_open(L);
    const char *tag = luaL_checkstring(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t n = (size_t)lua_rawlen(L, 3);
    double *values = malloc((n ? n : 1) * sizeof *values);
    if (!values) return luaL_error(L, "Logger: out of memory");
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        int ok;
        values[i] = lua_tonumberx(L, -1, &ok);
        lua_pop(L, 1);
        if (!ok) {
            free(values);
            return luaL_error(L, "Logger.add_histogram('%s'): value %d is not a number", tag,
                              (int)i + 1);
        }
    }
    ann_status st = {0};
    int rc = ann_tfwriter_histogram(w, tag, values, n, opt_step(L, 4), &st);
    free(values);
    if (rc) return fail(L, &st);
    return 0;
}

/* w:image(tag, height, width, rgb_bytes, step) */
static int l_image(lua_State *L)
{
    ann_tfwriter *w = check_open(L);
    const char *tag = luaL_checkstring(L, 2);
    lua_Integer h = luaL_checkinteger(L, 3), wd = luaL_checkinteger(L, 4);
    size_t len;
    const char *rgb = luaL_checklstring(L, 5, &len);
    if (h < 1 || wd < 1 || h > 65535 || wd > 65535 || (size_t)(h * wd * 3) != len)
        return luaL_error(L, "Logger.add_image('%s'): %d bytes for a %d x %d RGB image", tag,
                          (int)len, (int)h, (int)wd);
    ann_status st = {0};
    if (ann_tfwriter_image(w, tag, (int32_t)h, (int32_t)wd, (const unsigned char *)rgb,
                           opt_step(L, 6), &st))
        return fail(L, &st);
    return 0;
}

static int l_image_file(lua_State *L)
{
    ann_tfwriter *w = check_open(L);
    ann_status st = {0};
    if (ann_tfwriter_image_file(w, luaL_checkstring(L, 2), luaL_checkstring(L, 3), opt_step(L, 4),
                                &st))
        return fail(L, &st);
    return 0;
}

/* w:hparams({{name, kind, number, string}, ...}, {metric_tag, ...}); kind 0 number, 1 string,
 * 2 boolean. The strings stay referenced by the argument tables during the call. */
static int l_hparams(lua_State *L)
{
    ann_tfwriter *w = check_open(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t np = (size_t)lua_rawlen(L, 2), nm = (size_t)lua_rawlen(L, 3);
    ann_hparam *params = calloc(np ? np : 1, sizeof *params);
    const char **metrics = calloc(nm ? nm : 1, sizeof *metrics);
    if (!params || !metrics) {
        free(params);
        free(metrics);
        return luaL_error(L, "Logger: out of memory");
    }
    for (size_t i = 0; i < np; i++) {
        lua_rawgeti(L, 2, (lua_Integer)i + 1);
        lua_rawgeti(L, -1, 1);
        params[i].name = lua_tostring(L, -1);
        lua_rawgeti(L, -2, 2);
        params[i].kind = (int32_t)lua_tointeger(L, -1);
        lua_rawgeti(L, -3, 3);
        params[i].number = lua_tonumber(L, -1);
        lua_rawgeti(L, -4, 4);
        params[i].string = lua_tostring(L, -1);
        lua_pop(L, 5);
    }
    for (size_t i = 0; i < nm; i++) {
        lua_rawgeti(L, 3, (lua_Integer)i + 1);
        metrics[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    ann_status st = {0};
    int rc = ann_tfwriter_hparams(w, params, np, metrics, nm, &st);
    free(params);
    free(metrics);
    if (rc) return fail(L, &st);
    return 0;
}

static int l_flush(lua_State *L)
{
    ann_tfwriter *w = check_open(L);
    ann_status st = {0};
    if (ann_tfwriter_flush(w, &st)) return fail(L, &st);
    return 0;
}

static int l_close(lua_State *L)
{
    writer_ud *u = luaL_checkudata(L, 1, WRITER_MT);
    ann_tfwriter *w = u->w;
    u->w = NULL;
    ann_status st = {0};
    if (w && ann_tfwriter_close(w, &st)) return fail(L, &st);
    return 0;
}

static int l_gc(lua_State *L)
{
    writer_ud *u = luaL_checkudata(L, 1, WRITER_MT);
    if (u->w) ann_tfwriter_close(u->w, NULL);
    u->w = NULL;
    return 0;
}

static int l_path(lua_State *L)
{
    lua_pushstring(L, ann_tfwriter_path(check_open(L)));
    return 1;
}

static int l_closed(lua_State *L)
{
    writer_ud *u = luaL_checkudata(L, 1, WRITER_MT);
    lua_pushboolean(L, u->w == NULL);
    return 1;
}

void annl_open_tensorboard(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"scalar", l_scalar}, {"histogram", l_histogram}, {"image", l_image},
        {"image_file", l_image_file}, {"hparams", l_hparams}, {"flush", l_flush},
        {"close", l_close}, {"path", l_path}, {"closed", l_closed}, {NULL, NULL}};
    if (luaL_newmetatable(L, WRITER_MT)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_open);
    lua_setfield(L, -2, "tfwriter_open");
}
