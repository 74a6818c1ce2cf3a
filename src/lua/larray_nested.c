/* ann.Array from nested Lua tables (or Arrays): the shape is probed, checked for regularity
 * with an error naming the offending path, then the values are copied in row-major order. */
#include "larray.h"

#include <lauxlib.h>
#include <string.h>

typedef struct {
    lua_State *L;
    const char *fname;
    int ndim;
    int64_t shape[ANN_ARRAY_MAXDIM];
    int64_t path[ANN_ARRAY_MAXDIM];
} nest;

static const char *path_str(nest *c, int depth)
{
    luaL_Buffer b;
    int d;
    if (depth == 0)
        return lua_pushliteral(c->L, "the value");
    luaL_buffinit(c->L, &b);
    luaL_addstring(&b, "element [");
    for (d = 0; d < depth; d++) {
        if (d)
            luaL_addstring(&b, ", ");
        lua_pushfstring(c->L, "%I", (lua_Integer)c->path[d]);
        luaL_addvalue(&b);
    }
    luaL_addchar(&b, ']');
    luaL_pushresult(&b);
    return lua_tostring(c->L, -1);
}

static void probe(nest *c, int idx, int depth)
{
    lua_State *L = c->L;
    ann_array *sub = annl_array_test(L, idx);
    if (sub) {
        int d;
        if (depth + sub->ndim > ANN_ARRAY_MAXDIM)
            annl_array_error(L, "%s: more than %d dimensions", c->fname, ANN_ARRAY_MAXDIM);
        for (d = 0; d < sub->ndim; d++)
            c->shape[depth + d] = sub->shape[d];
        c->ndim = depth + sub->ndim;
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE) {
        c->ndim = depth;
        return;
    }
    if (depth >= ANN_ARRAY_MAXDIM)
        annl_array_error(L, "%s: more than %d dimensions", c->fname, ANN_ARRAY_MAXDIM);
    c->shape[depth] = (int64_t)lua_rawlen(L, idx);
    if (c->shape[depth] == 0) {
        c->ndim = depth + 1;
        return;
    }
    lua_rawgeti(L, idx, 1);
    probe(c, lua_gettop(L), depth + 1);
    lua_pop(L, 1);
}

static void fill(nest *c, int idx, int depth, double **out)
{
    lua_State *L = c->L;
    ann_array *sub;
    int64_t n, i, count;
    if (depth == c->ndim) {
        if (lua_type(L, idx) == LUA_TTABLE)
            annl_array_error(L, "%s: ragged nesting: %s is %s, expected a number", c->fname,
                      path_str(c, depth), luaL_typename(L, idx));
        if (lua_type(L, idx) != LUA_TNUMBER)
            annl_array_error(L, "%s: %s is %s, expected a number", c->fname, path_str(c, depth),
                      luaL_typename(L, idx));
        *(*out)++ = lua_tonumber(L, idx);
        return;
    }
    sub = annl_array_test(L, idx);
    if (sub) {
        int d, ok = sub->ndim == c->ndim - depth;
        char s[96];
        for (d = 0; ok && d < sub->ndim; d++)
            ok = sub->shape[d] == c->shape[depth + d];
        if (!ok)
            annl_array_error(L, "%s: ragged nesting: %s is an Array of shape (%s), not of the shape of "
                      "its siblings", c->fname, path_str(c, depth), (ann_array_format_shape(sub, s, sizeof s), s));
        if (sub->size)
            memmove(*out, sub->data, (size_t)sub->size * sizeof(double));
        *out += sub->size;
        return;
    }
    if (lua_type(L, idx) != LUA_TTABLE)
        annl_array_error(L, "%s: ragged nesting: %s is %s where a list of %I values was expected",
                  c->fname, path_str(c, depth), luaL_typename(L, idx),
                  (lua_Integer)c->shape[depth]);
    n = (int64_t)lua_rawlen(L, idx);
    if (n != c->shape[depth])
        annl_array_error(L, "%s: ragged nesting: %s has %I values where %I were expected", c->fname,
                  path_str(c, depth), (lua_Integer)n, (lua_Integer)c->shape[depth]);
    count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        count++;
        lua_pop(L, 1);
    }
    if (count != n)
        annl_array_error(L, "%s: %s is not a list (it has keys other than 1..%I)", c->fname,
                  path_str(c, depth), (lua_Integer)n);
    for (i = 1; i <= n; i++) {
        c->path[depth] = i;
        lua_rawgeti(L, idx, (lua_Integer)i);
        fill(c, lua_gettop(L), depth + 1, out);
        lua_pop(L, 1);
    }
}

ann_array *annl_array_from_nested(lua_State *L, int idx, const char *fname, int allow_number)
{
    nest c;
    ann_array *a;
    double *out;
    idx = lua_absindex(L, idx);
    memset(&c, 0, sizeof c);
    c.L = L;
    c.fname = fname;
    if (lua_type(L, idx) == LUA_TNUMBER && allow_number) {
        int64_t one = 1;
        a = annl_array_new(L, 1, &one);
        a->data[0] = lua_tonumber(L, idx);
        return a;
    }
    if (lua_type(L, idx) != LUA_TTABLE && !annl_array_test(L, idx))
        annl_array_error(L, "%s: expected a table or an Array, got %s", fname, luaL_typename(L, idx));
    luaL_checkstack(L, 2 * ANN_ARRAY_MAXDIM + 8, "ann.Array");
    probe(&c, idx, 0);
    a = annl_array_new(L, c.ndim, c.shape);
    out = a->data;
    fill(&c, idx, 0, &out);
    return a;
}

ann_array *annl_array_from_value(lua_State *L, int idx, const char *what)
{
    if (annl_array_test(L, idx)) {
        lua_pushvalue(L, idx);
        return lua_touserdata(L, -1);
    }
    return annl_array_from_nested(L, idx, what, 1);
}
