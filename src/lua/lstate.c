/* Lua binding of the dynamic state of populations and projections (src/network_state.c):
 * methods of the network runtime, with 0-based ids.
 *   rt:pop_state(id) / rt:proj_state(id)    -> {name = Array, ...}
 *   rt:pop_state_set(id, name, values, check_only) / rt:proj_state_set(...): an error naming
 *   the object and the fault when the buffer does not fit (nothing changes then). */
#include "lannarchy.h"
#include "larray.h"
#include "lbind.h"
#include "annarchy.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

typedef struct state_ops {
    const char *what;
    int32_t (*count)(const ann_network *, int);
    int32_t (*objects)(const ann_network *);
    const char *(*name)(const ann_network *, int, int);
    int64_t (*length)(ann_network *, int, int);
    void (*get)(ann_network *, int, int, double *);
    int (*set)(ann_network *, int, int, const double *, int64_t, int32_t, ann_status *);
} state_ops;

static const state_ops POP = {
    "population", ann_population_state_count, ann_network_population_count,
    ann_population_state_name, ann_population_state_length, ann_population_state_get,
    ann_population_state_set};
static const state_ops PROJ = {
    "projection", ann_projection_state_count, ann_network_projection_count,
    ann_projection_state_name, ann_projection_state_length, ann_projection_state_get,
    ann_projection_state_set};

static int check_id(lua_State *L, const ann_network *net, const state_ops *ops)
{
    lua_Integer id = luaL_checkinteger(L, 2);
    luaL_argcheck(L, id >= 0 && id < ops->objects(net), 2, "no such object");
    return (int)id;
}

static int state_get(lua_State *L, const state_ops *ops)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_id(L, net, ops);
    lua_newtable(L);
    for (int k = 0; k < ops->count(net, id); k++) {
        int64_t shape[1] = {ops->length(net, id, k)};
        ann_array *a = annl_array_new(L, 1, shape);
        ops->get(net, id, k, a->data);
        lua_setfield(L, -2, ops->name(net, id, k));
    }
    return 1;
}

static int state_set(lua_State *L, const state_ops *ops)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_id(L, net, ops);
    const char *name = luaL_checkstring(L, 3);
    ann_array *a = annl_array_from_value(L, 4, "state");
    int check_only = lua_toboolean(L, 5);
    int k = 0, n = ops->count(net, id);
    while (k < n && strcmp(ops->name(net, id, k), name) != 0) k++;
    ann_status st = {0};
    if (k == n) {
        snprintf(st.msg, sizeof st.msg, "%s %d keeps no state '%s' (its structure differs)",
                 ops->what, id, name);
        st.code = 1;
        return annl_raise_core(L, &st);
    }
    if (ops->set(net, id, k, a->data, a->size, check_only, &st) != 0) return annl_raise_core(L, &st);
    return 0;
}

static int l_pop_state(lua_State *L) { return state_get(L, &POP); }
static int l_proj_state(lua_State *L) { return state_get(L, &PROJ); }
static int l_pop_state_set(lua_State *L) { return state_set(L, &POP); }
static int l_proj_state_set(lua_State *L) { return state_set(L, &PROJ); }

void annl_open_state(lua_State *L)
{
    static const luaL_Reg rt_methods[] = {
        {"pop_state", l_pop_state},   {"pop_state_set", l_pop_state_set},
        {"proj_state", l_proj_state}, {"proj_state_set", l_proj_state_set},
        {NULL, NULL}};
    annl_add_runtime_methods(L, rt_methods);
}
