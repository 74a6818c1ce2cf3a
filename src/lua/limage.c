/* The binding of image.c and video.c: core.image_geometry, core.image_load, core.video_open
 * and the ann.Video handle (grab, close, frames, size; __gc and __close release the source). */
#include <string.h>

#include <lauxlib.h>

#include "annarchy.h"
#include "lannarchy.h"
#include "larray.h"
#include "lbind.h"

#define VIDEO_MT "ann.Video"

typedef struct lvideo {
    ann_video *v; /* NULL once closed */
    int height, width, channels;
} lvideo;

/* Reads a geometry list at idx into height, width, channels (errors name `what`). */
static void check_geometry(lua_State *L, int idx, const char *what, int *h, int *w, int *c)
{
    long long g[4];
    int n, i;
    ann_status st;
    luaL_checktype(L, idx, LUA_TTABLE);
    n = (int)luaL_len(L, idx);
    for (i = 0; i < n && i < 4; i++) {
        int isint = 0;
        lua_geti(L, idx, i + 1);
        g[i] = (long long)lua_tointegerx(L, -1, &isint);
        if (!isint)
            luaL_error(L, "%s: the geometry must be a list of integers", what);
        lua_pop(L, 1);
    }
    memset(&st, 0, sizeof st);
    if (ann_image_geometry(n, g, h, w, c, what, &st))
        annl_raise(L, &st);
}

/* core.image_geometry(geometry [, what]) -> height, width, channels */
static int l_image_geometry(lua_State *L)
{
    int h, w, c;
    check_geometry(L, 1, luaL_optstring(L, 2, "image"), &h, &w, &c);
    lua_pushinteger(L, h);
    lua_pushinteger(L, w);
    lua_pushinteger(L, c);
    return 3;
}

/* core.image_load(path, geometry) -> Array of height*width*channels values in [0, 1],
 * resized (boolean), source width, source height */
static int l_image_load(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int h, w, c, resized = 0, sw = 0, sh = 0;
    int64_t n;
    ann_array *a;
    ann_status st;

    check_geometry(L, 2, "image_load", &h, &w, &c);
    n = (int64_t)h * w * c;
    a = annl_array_new(L, 1, &n);
    memset(&st, 0, sizeof st);
    if (ann_image_for_population(path, h, w, c, a->data, &resized, &sw, &sh, &st))
        return annl_raise(L, &st);
    lua_pushboolean(L, resized);
    lua_pushinteger(L, sw);
    lua_pushinteger(L, sh);
    return 4;
}

/* core.video_open(url, is_device, geometry) -> ann.Video */
static int l_video_open(lua_State *L)
{
    const char *url = luaL_checkstring(L, 1);
    int device = lua_toboolean(L, 2);
    lvideo *lv;
    ann_status st;

    lv = lua_newuserdatauv(L, sizeof *lv, 0);
    memset(lv, 0, sizeof *lv);
    check_geometry(L, 3, "video_open", &lv->height, &lv->width, &lv->channels);
    luaL_setmetatable(L, VIDEO_MT);
    memset(&st, 0, sizeof st);
    if (ann_video_open(url, device, lv->width, lv->height, &lv->v, &st))
        return annl_raise(L, &st);
    return 1;
}

static lvideo *check_open(lua_State *L)
{
    lvideo *lv = luaL_checkudata(L, 1, VIDEO_MT);
    if (!lv->v)
        luaL_error(L, "the video source is closed");
    return lv;
}

/* v:grab() -> Array of the next frame (height*width*channels values in [0, 1]), or nil at the
 * end of the stream */
static int l_video_grab(lua_State *L)
{
    lvideo *lv = check_open(L);
    int64_t n = (int64_t)lv->height * lv->width * lv->channels;
    ann_array *a = annl_array_new(L, 1, &n);
    ann_status st;
    int got = 0;

    memset(&st, 0, sizeof st);
    if (ann_video_grab(lv->v, lv->height, lv->width, lv->channels, a->data, &got, &st))
        return annl_raise(L, &st);
    if (!got)
        lua_pushnil(L);
    return 1;
}

/* v:frames() -> frames delivered so far; v:size() -> the source's width, height */
static int l_video_frames(lua_State *L)
{
    lvideo *lv = check_open(L);
    lua_pushinteger(L, ann_video_frames(lv->v));
    return 1;
}

static int l_video_size(lua_State *L)
{
    lvideo *lv = check_open(L);
    int w, h;
    ann_video_size(lv->v, &w, &h);
    lua_pushinteger(L, w);
    lua_pushinteger(L, h);
    return 2;
}

/* v:close(), __gc and __close: idempotent */
static int l_video_close(lua_State *L)
{
    lvideo *lv = luaL_checkudata(L, 1, VIDEO_MT);
    ann_video_close(lv->v);
    lv->v = NULL;
    return 0;
}

static int l_video_is_open(lua_State *L)
{
    lvideo *lv = luaL_checkudata(L, 1, VIDEO_MT);
    lua_pushboolean(L, lv->v != NULL);
    return 1;
}

static int l_video_tostring(lua_State *L)
{
    lvideo *lv = luaL_checkudata(L, 1, VIDEO_MT);
    lua_pushfstring(L, "ann.Video (%s, %dx%dx%d)", lv->v ? "open" : "closed", lv->height,
                    lv->width, lv->channels);
    return 1;
}

void annl_open_image(lua_State *L)
{
    static const luaL_Reg methods[] = {
        {"grab", l_video_grab},   {"frames", l_video_frames}, {"size", l_video_size},
        {"close", l_video_close}, {"is_open", l_video_is_open}, {NULL, NULL}};
    static const luaL_Reg fns[] = {
        {"image_geometry", l_image_geometry}, {"image_load", l_image_load},
        {"video_open", l_video_open},         {NULL, NULL}};
    annl_new_class(L, VIDEO_MT, methods, l_video_close);
    lua_pushcfunction(L, l_video_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_video_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
    luaL_setfuncs(L, fns, 0);
}
