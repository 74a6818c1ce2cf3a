/* ann.Array: the Lua face of src/array.c.
 *
 * An Array is a full userdata that starts with its ann_array descriptor. Its doubles live
 * either inside the same userdata (new arrays: Lua's collector then sees their real size),
 * in a malloc'ed buffer handed over by C (freed by __gc), or inside another Array (a view:
 * a row or a reshape), which the view keeps alive through its user value. */
#include "lannarchy.h"
#include "larray.h"

#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { OWN_INLINE = 0, OWN_MALLOC = 1, OWN_VIEW = 2 };

typedef struct {
    ann_array a;  /* first: the userdata's address is the ann_array's */
    int owner;
} annl_ud;

#define DATA_OFFSET ((sizeof(annl_ud) + 15) & ~(size_t)15)

/* ---- errors ------------------------------------------------------------------------------ */

/* Raises "where: message", `where` being the Lua code that called the function or
 * metamethod (like luaL_error, with a printf-style format of lua_pushfstring). */
int annl_array_error(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    luaL_where(L, 1);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    return lua_error(L);
}

static const char *shape_str(const ann_array *a, char *buf, size_t n)
{
    ann_array_format_shape(a, buf, n);
    return buf;
}

/* ---- construction ------------------------------------------------------------------------ */

static annl_ud *push_ud(lua_State *L, size_t extra)
{
    annl_ud *u = lua_newuserdatauv(L, DATA_OFFSET + extra, 1);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, ANNL_ARRAY_MT);
    return u;
}

static void check_shape(lua_State *L, int ndim, const int64_t *shape, int64_t *size)
{
    ann_status st;
    if (ann_array_shape_check(ndim, shape, size, &st) != 0)
        annl_array_error(L, "ann.Array: %s", st.msg);
}

/* A new Array with uninitialised data. */
static ann_array *push_raw(lua_State *L, int ndim, const int64_t *shape)
{
    int64_t n;
    annl_ud *u;
    check_shape(L, ndim, shape, &n);
    u = push_ud(L, (size_t)n * sizeof(double));
    ann_array_wrap(&u->a, (double *)(void *)((char *)u + DATA_OFFSET), ndim, shape);
    u->owner = OWN_INLINE;
    return &u->a;
}

ann_array *annl_array_new(lua_State *L, int ndim, const int64_t *shape)
{
    ann_array *a = push_raw(L, ndim, shape);
    if (a->size)
        memset(a->data, 0, (size_t)a->size * sizeof(double));
    return a;
}

ann_array *annl_array_push_copy(lua_State *L, int ndim, const int64_t *shape, const double *src)
{
    ann_array *a = push_raw(L, ndim, shape);
    if (a->size)
        memcpy(a->data, src, (size_t)a->size * sizeof(double));
    return a;
}

ann_array *annl_array_adopt(lua_State *L, int ndim, const int64_t *shape, double *data)
{
    ann_status st;
    annl_ud *u;
    if (ann_array_shape_check(ndim, shape, NULL, &st) != 0) {
        free(data);
        annl_array_error(L, "ann.Array: %s", st.msg);
    }
    if (!lua_checkstack(L, 2)) {
        free(data);
        luaL_error(L, "ann.Array: stack overflow");
    }
    /* The userdata allocation may fail: keep data reachable by a finaliser first. */
    u = lua_newuserdatauv(L, DATA_OFFSET, 1);
    memset(u, 0, sizeof *u);
    ann_array_wrap(&u->a, data, ndim, shape);
    u->owner = OWN_MALLOC;
    luaL_setmetatable(L, ANNL_ARRAY_MT);
    return &u->a;
}

/* A view on data inside the Array at index `parent`. */
static ann_array *push_view(lua_State *L, int parent, double *data, int ndim,
                            const int64_t *shape)
{
    annl_ud *p = lua_touserdata(L, parent), *u;
    parent = lua_absindex(L, parent);
    u = push_ud(L, 0);
    ann_array_wrap(&u->a, data, ndim, shape);
    u->owner = OWN_VIEW;
    if (p->owner == OWN_VIEW)
        lua_getiuservalue(L, parent, 1); /* the storage's owner, not the intermediate view */
    else
        lua_pushvalue(L, parent);
    lua_setiuservalue(L, -2, 1);
    return &u->a;
}

ann_array *annl_array_test(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, ANNL_ARRAY_MT);
}

ann_array *annl_array_check(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, ANNL_ARRAY_MT);
}

/* ---- shapes ------------------------------------------------------------------------------ */

static int shape_error(lua_State *L, int idx, const char *fname)
{
    (void)fname;
    return luaL_argerror(L, idx, "a shape (a non-negative integer or a list of them) expected");
}

static int64_t shape_dim(lua_State *L, int idx, int vidx, const char *fname, int allow_neg1)
{
    int isint = 0;
    lua_Integer v;
    if (lua_type(L, vidx) != LUA_TNUMBER)
        return shape_error(L, idx, fname);
    v = lua_tointegerx(L, vidx, &isint);
    if (!isint || v < (allow_neg1 ? -1 : 0))
        return shape_error(L, idx, fname);
    return (int64_t)v;
}

static int read_shape(lua_State *L, int idx, int64_t *shape, const char *fname,
                      int allow_neg1)
{
    lua_Integer n, i;
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) == LUA_TNUMBER) {
        shape[0] = shape_dim(L, idx, idx, fname, allow_neg1);
        return 1;
    }
    if (lua_type(L, idx) != LUA_TTABLE || annl_array_test(L, idx))
        return shape_error(L, idx, fname);
    n = (lua_Integer)lua_rawlen(L, idx);
    if (n < 1 || n > ANN_ARRAY_MAXDIM)
        return luaL_argerror(L, idx, lua_pushfstring(L, "a shape has 1 to %d dimensions",
                                                     ANN_ARRAY_MAXDIM));
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        shape[i - 1] = shape_dim(L, idx, -1, fname, allow_neg1);
        lua_pop(L, 1);
    }
    return (int)n;
}

int annl_array_checkshape(lua_State *L, int idx, int64_t *shape, const char *fname)
{
    int ndim = read_shape(L, idx, shape, fname, 0);
    check_shape(L, ndim, shape, NULL);
    return ndim;
}

/* ---- indexing ---------------------------------------------------------------------------- */

static int64_t check_index(lua_State *L, const ann_array *a, int kidx)
{
    int isint = 0;
    lua_Integer i = lua_tointegerx(L, kidx, &isint);
    char s[96];
    if (!isint)
        annl_array_error(L, "ann.Array: index %s is not an integer", lua_tostring(L, kidx));
    if (i < 1 || i > a->shape[0]) {
        if (a->ndim == 1)
            annl_array_error(L, "ann.Array: index %I is out of range (size %I)", i,
                      (lua_Integer)a->shape[0]);
        annl_array_error(L, "ann.Array: index %I is out of range (first dimension %I, shape %s)", i,
                  (lua_Integer)a->shape[0], shape_str(a, s, sizeof s));
    }
    return (int64_t)i - 1;
}

static void push_shape(lua_State *L, const ann_array *a)
{
    int d;
    lua_createtable(L, a->ndim, 0);
    for (d = 0; d < a->ndim; d++) {
        lua_pushinteger(L, (lua_Integer)a->shape[d]);
        lua_rawseti(L, -2, d + 1);
    }
}

/* Pushes element i (0-based) along the first dimension of the Array at idx. */
static void push_item(lua_State *L, int idx, const ann_array *a, int64_t i)
{
    if (a->ndim == 1) {
        lua_pushnumber(L, a->data[i]);
    } else {
        int64_t rs = ann_array_row_size(a);
        push_view(L, idx, a->data + i * rs, a->ndim - 1, a->shape + 1);
    }
}

static int is_property(const char *k)
{
    return strcmp(k, "shape") == 0 || strcmp(k, "size") == 0 || strcmp(k, "ndim") == 0;
}

/* __index, with the method table as upvalue 1. */
static int m_index(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        /* one past the end reads nil, so that ipairs (which goes through __index) stops */
        int isint = 0;
        if (lua_tointegerx(L, 2, &isint) == (lua_Integer)a->shape[0] + 1 && isint) {
            lua_pushnil(L);
            return 1;
        }
        push_item(L, 1, a, check_index(L, a, 2));
        return 1;
    }
    if (lua_type(L, 2) == LUA_TSTRING) {
        const char *k = lua_tostring(L, 2);
        if (strcmp(k, "shape") == 0) {
            push_shape(L, a);
            return 1;
        }
        if (strcmp(k, "size") == 0) {
            lua_pushinteger(L, (lua_Integer)a->size);
            return 1;
        }
        if (strcmp(k, "ndim") == 0) {
            lua_pushinteger(L, a->ndim);
            return 1;
        }
        lua_pushvalue(L, 2);
        if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
            return 1;
        return annl_array_error(L, "ann.Array has no field '%s'", k);
    }
    return annl_array_error(L, "ann.Array: cannot index with %s (an integer index or a field name "
                     "expected)", luaL_typename(L, 2));
}

/* Writes the value at vidx into the row view `row` (ndim >= 1). */
static void assign_row(lua_State *L, ann_array *row, int vidx, int64_t i)
{
    ann_array *src;
    char s1[96], s2[96];
    if (lua_type(L, vidx) == LUA_TNUMBER) {
        ann_array_fill(row, lua_tonumber(L, vidx));
        return;
    }
    if (lua_type(L, vidx) != LUA_TTABLE && !annl_array_test(L, vidx))
        annl_array_error(L, "ann.Array: cannot assign %s to row %I (a number, a table or an Array "
                  "expected)", luaL_typename(L, vidx), (lua_Integer)i + 1);
    src = annl_array_from_value(L, vidx, "ann.Array");
    if (!ann_array_same_shape(src, row))
        annl_array_error(L, "ann.Array: cannot assign a value of shape (%s) to row %I of shape (%s)",
                  shape_str(src, s1, sizeof s1), (lua_Integer)i + 1,
                  shape_str(row, s2, sizeof s2));
    if (row->size)
        memmove(row->data, src->data, (size_t)row->size * sizeof(double));
    lua_pop(L, 1);
}

static int m_newindex(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    if (lua_type(L, 2) == LUA_TNUMBER) {
        int64_t i = check_index(L, a, 2);
        if (a->ndim == 1) {
            if (lua_type(L, 3) != LUA_TNUMBER)
                return annl_array_error(L, "ann.Array: cannot assign %s to element %I (a number "
                                 "expected)", luaL_typename(L, 3), (lua_Integer)i + 1);
            a->data[i] = lua_tonumber(L, 3);
        } else {
            ann_array row;
            ann_array_row(a, i, &row);
            assign_row(L, &row, 3, i);
        }
        return 0;
    }
    if (lua_type(L, 2) == LUA_TSTRING) {
        const char *k = lua_tostring(L, 2);
        if (is_property(k))
            return annl_array_error(L, "ann.Array: the field '%s' is read-only", k);
        return annl_array_error(L, "ann.Array has no field '%s'", k);
    }
    return annl_array_error(L, "ann.Array: cannot index with %s", luaL_typename(L, 2));
}

static int m_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)annl_array_check(L, 1)->shape[0]);
    return 1;
}

static int m_tostring(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    char buf[256];
    ann_array_format_summary(a, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int pairs_next(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    if (i < 0 || i >= a->shape[0])
        return 0;
    lua_pushinteger(L, i + 1);
    push_item(L, 1, a, (int64_t)i);
    return 2;
}

static int m_pairs(lua_State *L)
{
    annl_array_check(L, 1);
    lua_pushcfunction(L, pairs_next);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    return 3;
}

static int m_gc(lua_State *L)
{
    annl_ud *u = luaL_checkudata(L, 1, ANNL_ARRAY_MT);
    if (u->owner == OWN_MALLOC) {
        free(u->a.data);
        u->a.data = NULL;
        u->a.size = 0;
        u->a.shape[0] = 0;
        u->owner = OWN_INLINE;
    }
    return 0;
}

/* ---- arithmetic -------------------------------------------------------------------------- */

static const char *const op_names[] = {"+", "-", "*", "/", "^"};

static int arith(lua_State *L, ann_array_op op)
{
    ann_array *a = annl_array_test(L, 1), *b = annl_array_test(L, 2), *r;
    char s1[96], s2[96];
    if (a && b) {
        if (!ann_array_same_shape(a, b))
            return annl_array_error(L, "ann.Array: shapes (%s) and (%s) do not match for '%s'",
                             shape_str(a, s1, sizeof s1), shape_str(b, s2, sizeof s2),
                             op_names[op]);
        r = push_raw(L, a->ndim, a->shape);
        ann_array_op_vv(op, r->data, a->data, b->data, a->size);
    } else if (a && lua_type(L, 2) == LUA_TNUMBER) {
        r = push_raw(L, a->ndim, a->shape);
        ann_array_op_vs(op, r->data, a->data, lua_tonumber(L, 2), a->size);
    } else if (b && lua_type(L, 1) == LUA_TNUMBER) {
        r = push_raw(L, b->ndim, b->shape);
        ann_array_op_sv(op, r->data, lua_tonumber(L, 1), b->data, b->size);
    } else {
        return annl_array_error(L, "ann.Array: cannot apply '%s' to %s and %s (numbers and Arrays of "
                         "the same shape only)", op_names[op], luaL_typename(L, 1),
                         luaL_typename(L, 2));
    }
    return 1;
}

static int m_add(lua_State *L) { return arith(L, ANN_OP_ADD); }
static int m_sub(lua_State *L) { return arith(L, ANN_OP_SUB); }
static int m_mul(lua_State *L) { return arith(L, ANN_OP_MUL); }
static int m_div(lua_State *L) { return arith(L, ANN_OP_DIV); }
static int m_pow(lua_State *L) { return arith(L, ANN_OP_POW); }

static int m_unm(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1), *r = push_raw(L, a->ndim, a->shape);
    int64_t i;
    for (i = 0; i < a->size; i++)
        r->data[i] = -a->data[i];
    return 1;
}

/* ---- methods ----------------------------------------------------------------------------- */

static void push_nested(lua_State *L, const double *data, const ann_array *a, int depth,
                        int64_t stride)
{
    int64_t n = a->shape[depth], i;
    lua_createtable(L, n > 0x7fffffff ? 0x7fffffff : (int)n, 0);
    if (depth == a->ndim - 1) {
        for (i = 0; i < n; i++) {
            lua_pushnumber(L, data[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    } else {
        int64_t sub = stride / (a->shape[depth + 1] ? a->shape[depth + 1] : 1);
        for (i = 0; i < n; i++) {
            push_nested(L, data + i * stride, a, depth + 1, sub);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
    }
}

static int l_totable(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    luaL_checkstack(L, ANN_ARRAY_MAXDIM + 4, "ann.Array");
    push_nested(L, a->data, a, 0, ann_array_row_size(a));
    return 1;
}

static int l_copy(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    annl_array_push_copy(L, a->ndim, a->shape, a->data);
    return 1;
}

static int l_fill(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    ann_array_fill(a, luaL_checknumber(L, 2));
    lua_settop(L, 1);
    return 1;
}

static int l_reshape(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    int64_t shape[ANN_ARRAY_MAXDIM], known = 1, n;
    int ndim, d, infer = -1;
    char s[96];
    if (lua_isnoneornil(L, 2))
        return luaL_argerror(L, 2, "a shape expected");
    ndim = read_shape(L, 2, shape, "reshape", 1);
    for (d = 0; d < ndim; d++) {
        if (shape[d] == -1) {
            if (infer >= 0)
                return annl_array_error(L, "ann.Array: reshape: only one dimension can be -1");
            infer = d;
        } else {
            known *= shape[d] ? shape[d] : 1;
            if (shape[d] == 0)
                known = 0;
        }
    }
    if (infer >= 0) {
        if (known == 0 || a->size % known != 0)
            return annl_array_error(L, "ann.Array: cannot reshape an array of size %I (shape %s) with "
                             "a -1 dimension", (lua_Integer)a->size, shape_str(a, s, sizeof s));
        shape[infer] = a->size / known;
    }
    check_shape(L, ndim, shape, &n);
    if (n != a->size) {
        ann_array tmp;
        char s2[96];
        ann_array_wrap(&tmp, NULL, ndim, shape);
        return annl_array_error(L, "ann.Array: cannot reshape an array of size %I (shape %s) into "
                         "shape (%s) of size %I", (lua_Integer)a->size,
                         shape_str(a, s, sizeof s), shape_str(&tmp, s2, sizeof s2),
                         (lua_Integer)n);
    }
    push_view(L, 1, a->data, ndim, shape);
    return 1;
}

static int l_flatten(lua_State *L)
{
    ann_array *a = annl_array_check(L, 1);
    int64_t n = a->size;
    annl_array_push_copy(L, 1, &n, a->data);
    return 1;
}

static int l_sum(lua_State *L)
{
    lua_pushnumber(L, ann_array_sum(annl_array_check(L, 1)));
    return 1;
}

static int l_mean(lua_State *L)
{
    lua_pushnumber(L, ann_array_mean(annl_array_check(L, 1)));
    return 1;
}

static int l_std(lua_State *L)
{
    lua_pushnumber(L, ann_array_std(annl_array_check(L, 1)));
    return 1;
}

static ann_array *check_nonempty(lua_State *L, const char *what)
{
    ann_array *a = annl_array_check(L, 1);
    if (a->size == 0)
        annl_array_error(L, "ann.Array: %s() of an empty array", what);
    return a;
}

static int l_min(lua_State *L)
{
    lua_pushnumber(L, ann_array_min(check_nonempty(L, "min")));
    return 1;
}

static int l_max(lua_State *L)
{
    lua_pushnumber(L, ann_array_max(check_nonempty(L, "max")));
    return 1;
}

static int l_argmax(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ann_array_argmax(check_nonempty(L, "argmax")) + 1);
    return 1;
}

/* ---- constructors ------------------------------------------------------------------------ */

static int l_array(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_gettop(L) > 1)
        return luaL_argerror(L, 2, "ann.array takes one table");
    if (lua_type(L, 1) == LUA_TTABLE && lua_getmetatable(L, 1)) {
        lua_pop(L, 1);
        if (!annl_array_test(L, 1))
            return luaL_argerror(L, 1, "a plain table or an Array expected");
    }
    annl_array_from_nested(L, 1, "ann.array", 0);
    return 1;
}

static int l_zeros(lua_State *L)
{
    int64_t shape[ANN_ARRAY_MAXDIM];
    int ndim = annl_array_checkshape(L, 1, shape, "zeros");
    annl_array_new(L, ndim, shape);
    return 1;
}

static int l_ones(lua_State *L)
{
    int64_t shape[ANN_ARRAY_MAXDIM];
    int ndim = annl_array_checkshape(L, 1, shape, "ones");
    ann_array_fill(push_raw(L, ndim, shape), 1.0);
    return 1;
}

static int l_linspace(lua_State *L)
{
    double a = luaL_checknumber(L, 1), b = luaL_checknumber(L, 2);
    int64_t shape[ANN_ARRAY_MAXDIM];
    int ndim = annl_array_checkshape(L, 3, shape, "linspace");
    ann_array *r = push_raw(L, ndim, shape);
    ann_array_linspace(r->data, a, b, r->size);
    return 1;
}

static int l_is_array(lua_State *L)
{
    lua_pushboolean(L, annl_array_test(L, 1) != NULL);
    return 1;
}

static double opt_number(lua_State *L, int t, const char *k, double def)
{
    double v = def;
    if (lua_getfield(L, t, k) != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TNUMBER)
            annl_array_error(L, "ann.allclose: option '%s' should be a number, got %s", k,
                      luaL_typename(L, -1));
        v = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    return v;
}

/* allclose(a, b[, {rtol = 1e-7, atol = 0, equal_nan = true}]) -> true | false, message */
static int l_allclose(lua_State *L)
{
    double rtol = 1e-7, atol = 0.0;
    int equal_nan = 1, sa, sb;
    ann_array *a, *b;
    int64_t first, bad;
    char s1[96], s2[96], idx[128];
    luaL_checkany(L, 1);
    luaL_checkany(L, 2);
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        lua_pushnil(L);
        while (lua_next(L, 3)) {
            const char *k;
            lua_pop(L, 1);
            k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            if (!k || (strcmp(k, "rtol") && strcmp(k, "atol") && strcmp(k, "equal_nan")))
                return annl_array_error(L, "ann.allclose: unknown option '%s' (rtol, atol, equal_nan)",
                                 k ? k : luaL_typename(L, -1));
        }
        rtol = opt_number(L, 3, "rtol", rtol);
        atol = opt_number(L, 3, "atol", atol);
        if (lua_getfield(L, 3, "equal_nan") != LUA_TNIL)
            equal_nan = lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    sa = lua_type(L, 1) == LUA_TNUMBER;
    sb = lua_type(L, 2) == LUA_TNUMBER;
    a = annl_array_from_value(L, 1, "ann.allclose");
    b = annl_array_from_value(L, 2, "ann.allclose");
    if (sa && !sb) { /* broadcast a scalar first argument */
        double v = a->data[0];
        a = push_raw(L, b->ndim, b->shape);
        ann_array_fill(a, v);
    }
    if (!sa && !sb && !ann_array_same_shape(a, b)) {
        lua_pushboolean(L, 0);
        lua_pushfstring(L, "shapes (%s) and (%s) differ", shape_str(a, s1, sizeof s1),
                        shape_str(b, s2, sizeof s2));
        return 2;
    }
    bad = ann_array_allclose(a->data, b->data, sb ? 0 : 1, a->size, rtol, atol, equal_nan,
                             &first);
    if (bad == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    {
        double x = a->data[first], y = b->data[sb ? 0 : first];
        ann_array_format_index(a, first, idx, sizeof idx);
        lua_pushboolean(L, 0);
        lua_pushfstring(L, "not equal to tolerance rtol=%f, atol=%f: %I of %I elements differ; "
                        "first at %s: %f vs %f (|diff| = %f, allowed %f)",
                        (lua_Number)rtol, (lua_Number)atol, (lua_Integer)bad,
                        (lua_Integer)a->size, idx, (lua_Number)x, (lua_Number)y,
                        (lua_Number)fabs(x - y), (lua_Number)(atol + rtol * fabs(y)));
        return 2;
    }
}

/* ---- registration ------------------------------------------------------------------------ */

static const luaL_Reg methods[] = {
    {"totable", l_totable}, {"copy", l_copy},   {"fill", l_fill},   {"reshape", l_reshape},
    {"flatten", l_flatten}, {"sum", l_sum},     {"mean", l_mean},   {"min", l_min},
    {"max", l_max},         {"std", l_std},     {"argmax", l_argmax}, {NULL, NULL}
};

static const luaL_Reg metamethods[] = {
    {"__newindex", m_newindex}, {"__len", m_len}, {"__tostring", m_tostring},
    {"__pairs", m_pairs},       {"__gc", m_gc},   {"__add", m_add},
    {"__sub", m_sub},           {"__mul", m_mul}, {"__div", m_div},
    {"__pow", m_pow},           {"__unm", m_unm}, {NULL, NULL}
};

static const luaL_Reg functions[] = {
    {"array", l_array},       {"zeros", l_zeros},       {"ones", l_ones},
    {"linspace", l_linspace}, {"allclose", l_allclose}, {"is_array", l_is_array},
    {NULL, NULL}
};

void annl_open_array(lua_State *L)
{
    luaL_newmetatable(L, ANNL_ARRAY_MT); /* also sets __name */
    luaL_setfuncs(L, metamethods, 0);
    luaL_newlib(L, methods);
    lua_pushvalue(L, -1); /* core.array_methods: the front end adds methods written in Lua */
    lua_setfield(L, -4, "array_methods");
    lua_pushcclosure(L, m_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, functions, 0);
}
