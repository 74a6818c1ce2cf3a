/* The binding of libzip: zip archives for numpy's .npz files (annarchy.io.npz).
 *
 *   core.zip_create(path) -> ann.Zip for writing (libzip writes a temporary file and renames it
 *                            into place on close: a failed write leaves an older file intact)
 *   core.zip_open(path)   -> ann.Zip for reading (the central directory is checked on open)
 *   z:add(name, bytes)    adds a member, deflated (writing)
 *   z:names()             the members' names in archive order (reading)
 *   z:read(name)          a member's bytes; its CRC is checked (reading)
 *   z:close()             writes the archive (writing) or releases it (reading)
 *
 * Failures raise libzip's message (the caller names the file); __gc and __close discard an archive
 * that was not closed (nothing is written). */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <zip.h>

#include "lannarchy.h"

#define ZIP_MT "ann.Zip"

typedef struct lzip {
    zip_t *z;    /* NULL once closed */
    int writing;
} lzip;

static lzip *check_zip(lua_State *L)
{
    lzip *h = (lzip *)luaL_checkudata(L, 1, ZIP_MT);
    if (!h->z)
        luaL_error(L, "ann.Zip: the archive is closed");
    return h;
}

/* Opens path with libzip's flags; returns a new ann.Zip on the stack or raises. */
static int open_archive(lua_State *L, int flags, int writing)
{
    const char *path = luaL_checkstring(L, 1);
    int code = 0;
    lzip *h = (lzip *)lua_newuserdatauv(L, sizeof *h, 0);
    h->z = NULL;
    h->writing = writing;
    luaL_setmetatable(L, ZIP_MT);
    h->z = zip_open(path, flags, &code);
    if (!h->z) {
        zip_error_t err;
        zip_error_init_with_code(&err, code);
        lua_pushstring(L, zip_error_strerror(&err));
        zip_error_fini(&err);
        return lua_error(L);
    }
    return 1;
}

static int l_zip_create(lua_State *L)
{
    return open_archive(L, ZIP_CREATE | ZIP_TRUNCATE, 1);
}

static int l_zip_open(lua_State *L)
{
    return open_archive(L, ZIP_RDONLY | ZIP_CHECKCONS, 0);
}

/* Raises "<what>: <libzip's last error>". */
static int zip_fail(lua_State *L, lzip *h, const char *what)
{
    return luaL_error(L, "%s: %s", what, zip_strerror(h->z));
}

static int m_add(lua_State *L)
{
    lzip *h = check_zip(L);
    const char *name = luaL_checkstring(L, 2);
    size_t n;
    const char *bytes = luaL_checklstring(L, 3, &n);
    void *copy;
    zip_source_t *src;
    zip_int64_t idx;
    if (!h->writing)
        return luaL_error(L, "ann.Zip: the archive was opened for reading");
    copy = malloc(n ? n : 1);
    if (!copy)
        return luaL_error(L, "ann.Zip: out of memory for %s (%I bytes)", name, (lua_Integer)n);
    memcpy(copy, bytes, n);
    src = zip_source_buffer(h->z, copy, n, 1); /* frees copy */
    if (!src) {
        free(copy);
        return zip_fail(L, h, name);
    }
    idx = zip_file_add(h->z, name, src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        return zip_fail(L, h, name);
    }
    return 0;
}

static int m_names(lua_State *L)
{
    lzip *h = check_zip(L);
    zip_int64_t i, n = zip_get_num_entries(h->z, 0);
    lua_createtable(L, n > 0 ? (int)n : 0, 0);
    for (i = 0; i < n; i++) {
        const char *name = zip_get_name(h->z, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        if (!name)
            return zip_fail(L, h, "ann.Zip");
        lua_pushstring(L, name);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int m_read(lua_State *L)
{
    lzip *h = check_zip(L);
    const char *name = luaL_checkstring(L, 2);
    zip_stat_t st;
    zip_file_t *f;
    luaL_Buffer b;
    char *out;
    zip_int64_t got;
    zip_stat_init(&st);
    if (zip_stat(h->z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return zip_fail(L, h, name);
    f = zip_fopen(h->z, name, 0);
    if (!f)
        return zip_fail(L, h, name);
    out = luaL_buffinitsize(L, &b, (size_t)st.size);
    got = st.size ? zip_fread(f, out, st.size) : 0;
    if (got >= 0 && (zip_uint64_t)got == st.size) {
        char probe; /* reading past the end makes libzip check the CRC */
        if (zip_fread(f, &probe, 1) != 0)
            got = -1;
    }
    if (got < 0 || (zip_uint64_t)got != st.size) {
        lua_pushfstring(L, "%s: %s", name, zip_file_strerror(f));
        zip_fclose(f);
        return lua_error(L);
    }
    zip_fclose(f);
    luaL_pushresultsize(&b, (size_t)got);
    return 1;
}

static int m_close(lua_State *L)
{
    lzip *h = check_zip(L);
    zip_t *z = h->z;
    if (!h->writing) {
        zip_discard(z);
        h->z = NULL;
        return 0;
    }
    if (zip_close(z) != 0) {
        lua_pushstring(L, zip_strerror(z));
        zip_discard(z);
        h->z = NULL;
        return lua_error(L);
    }
    h->z = NULL;
    return 0;
}

static int m_gc(lua_State *L)
{
    lzip *h = (lzip *)luaL_checkudata(L, 1, ZIP_MT);
    if (h->z) {
        zip_discard(h->z);
        h->z = NULL;
    }
    return 0;
}

static const luaL_Reg zip_methods[] = {
    {"add", m_add}, {"names", m_names}, {"read", m_read}, {"close", m_close}, {NULL, NULL}
};

static const luaL_Reg zip_functions[] = {
    {"zip_create", l_zip_create}, {"zip_open", l_zip_open}, {NULL, NULL}
};

void annl_open_zip(lua_State *L)
{
    luaL_newmetatable(L, ZIP_MT);
    luaL_newlib(L, zip_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, m_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, m_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
    luaL_setfuncs(L, zip_functions, 0);
}
