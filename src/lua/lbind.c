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

/* A list of integers at field k of table t (0-based values), in a userdata kept on the stack
 * (popped by the caller's return). NULL when the field is nil. */
int32_t *annl_field_i32_list(lua_State *L, int t, const char *k, int32_t *n)
{
    lua_getfield(L, t, k);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); *n = 0; return NULL; }
    int li = lua_gettop(L);
    const ann_array *arr = annl_array_test(L, li);
    lua_Integer len = arr ? arr->size : luaL_len(L, li);
    int32_t *out = lua_newuserdatauv(L, (size_t)(len + 1) * sizeof *out, 0);
    for (lua_Integer i = 0; i < len; i++) {
        if (arr) { out[i] = (int32_t)arr->data[i]; continue; }
        lua_geti(L, li, i + 1);
        out[i] = (int32_t)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    lua_replace(L, li);   /* keep the userdata alive in the slot of the list */
    *n = (int32_t)len;
    return out;
}
