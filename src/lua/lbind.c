/* Helpers shared by the binding files: raising core failures, the network handle and the
 * handles on objects it owns, and reading fields of argument tables. */
#include "lbind.h"
#include "larray.h"

#include <lauxlib.h>

int annl_raise(lua_State *L, const ann_status *st)
{
    lua_pushstring(L, st->msg);
    return lua_error(L);
}

int annl_raise_core(lua_State *L, const ann_status *st)
{
    lua_pushfstring(L, "annarchy: %s", st->msg);
    return lua_error(L);
}

ann_network *annl_net_check(lua_State *L, int idx)
{
    annl_net *n = luaL_checkudata(L, idx, ANNL_NETWORK_MT);
    if (!n->net) luaL_error(L, "annarchy: the network was destroyed");
    return n->net;
}

void annl_set_names(lua_State *L, ann_network *net, int proj, int id, int name_idx, int attrs_idx)
{
    name_idx = lua_absindex(L, name_idx);
    attrs_idx = lua_absindex(L, attrs_idx);
    if (lua_isnoneornil(L, name_idx)) return;
    const char *name = luaL_checkstring(L, name_idx);
    lua_Integer n = luaL_len(L, attrs_idx);
    const char **names = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *names, 0);
    for (lua_Integer k = 0; k < n; k++) {
        lua_geti(L, attrs_idx, k + 1);
        lua_getfield(L, -1, "name");
        names[k] = lua_tostring(L, -1);
        lua_pop(L, 2);   /* the strings stay alive in the attribute tables */
        if (!names[k]) luaL_error(L, "annarchy: attribute %d has no name", (int)k + 1);
    }
    ann_status st = {0, ""};
    int rc = proj ? ann_projection_set_names(net, id, name, names, (int32_t)n, &st)
                  : ann_population_set_names(net, id, name, names, (int32_t)n, &st);
    lua_pop(L, 1);
    if (rc) annl_raise_core(L, &st);
}

annl_owned *annl_owned_push(lua_State *L, int net_idx, const char *mt)
{
    annl_net *n = luaL_checkudata(L, net_idx, ANNL_NETWORK_MT);
    net_idx = lua_absindex(L, net_idx);
    annl_owned *h = lua_newuserdatauv(L, sizeof *h, 1);
    h->obj = NULL;
    h->owner = n;
    luaL_setmetatable(L, mt);
    lua_pushvalue(L, net_idx);
    lua_setiuservalue(L, -2, 1);   /* the handle keeps its network's userdata alive */
    return h;
}

annl_owned *annl_owned_check(lua_State *L, int idx, const char *mt, const char *what)
{
    annl_owned *h = luaL_checkudata(L, idx, mt);
    if (!h->owner->net) luaL_error(L, "annarchy: the network was destroyed");
    if (!h->obj) luaL_error(L, "annarchy: the %s was stopped", what);
    return h;
}

void *annl_owned_release(lua_State *L, int idx, const char *mt)
{
    annl_owned *h = luaL_checkudata(L, idx, mt);
    void *obj = h->obj;
    h->obj = NULL;
    return h->owner->net ? obj : NULL;
}

lua_Number annl_field_num(lua_State *L, int t, const char *k, lua_Number def)
{
    lua_getfield(L, t, k);
    lua_Number v = luaL_optnumber(L, -1, def);
    lua_pop(L, 1);
    return v;
}

int annl_field_bool(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* The list at field k of table t (an Array or a table) copied into a userdata of int32 or
 * double elements, left in the field's stack slot (popped by the caller's return); NULL and
 * *n = 0 when the field is nil. */
static void *field_list(lua_State *L, int t, const char *k, int as_i32, lua_Integer *n)
{
    lua_getfield(L, t, k);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); *n = 0; return NULL; }
    int li = lua_gettop(L);
    const ann_array *arr = annl_array_test(L, li);
    lua_Integer len = arr ? arr->size : luaL_len(L, li);
    size_t elem = as_i32 ? sizeof(int32_t) : sizeof(double);
    void *out = lua_newuserdatauv(L, (size_t)(len + 1) * elem, 0);
    for (lua_Integer i = 0; i < len; i++) {
        if (!arr) lua_geti(L, li, i + 1);
        if (as_i32)
            ((int32_t *)out)[i] = arr ? (int32_t)arr->data[i] : (int32_t)lua_tointeger(L, -1);
        else
            ((double *)out)[i] = arr ? arr->data[i] : lua_tonumber(L, -1);
        if (!arr) lua_pop(L, 1);
    }
    lua_replace(L, li);   /* keep the userdata alive in the slot of the list */
    *n = len;
    return out;
}

int32_t *annl_field_i32_list(lua_State *L, int t, const char *k, int32_t *n)
{
    lua_Integer len;
    int32_t *out = field_list(L, t, k, 1, &len);
    *n = (int32_t)len;
    return out;
}

double *annl_field_f64_list(lua_State *L, int t, const char *k, int64_t *n)
{
    lua_Integer len;
    double *out = field_list(L, t, k, 0, &len);
    *n = len;
    return out;
}

void annl_new_class(lua_State *L, const char *mt, const luaL_Reg *methods, lua_CFunction gc)
{
    if (luaL_newmetatable(L, mt)) {
        if (methods) {
            lua_newtable(L);
            luaL_setfuncs(L, methods, 0);
            lua_setfield(L, -2, "__index");
        }
        lua_pushcfunction(L, gc);
        lua_setfield(L, -2, "__gc");
    }
}

void annl_push_value(lua_State *L, double v, int32_t type)
{
    if (type == ANN_TYPE_BOOL) lua_pushboolean(L, v != 0);
    else if (type == ANN_TYPE_I32) lua_pushinteger(L, (lua_Integer)v);
    else lua_pushnumber(L, v);
}

void annl_add_runtime_methods(lua_State *L, const luaL_Reg *methods)
{
    luaL_getmetatable(L, ANNL_NETWORK_MT);
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "__index");
        if (lua_istable(L, -1)) luaL_setfuncs(L, methods, 0);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}
