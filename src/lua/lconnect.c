/* Lua binding of the connectors: core.connect(kind, args) builds a Connectivity userdata (an
 * ann_csr, freed by __gc unless a projection took its arrays over). Rank lists given by Lua
 * are 0-based. */
#include "lannarchy.h"
#include "larray.h"
#include "lbind.h"

#include <lauxlib.h>
#include <string.h>

#define CSR_MT "annarchy.core.Connectivity"

ann_csr *annl_csr_check(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, CSR_MT);
}

static int l_csr_gc(lua_State *L)
{
    ann_csr_free(annl_csr_check(L, 1));
    return 0;
}

/* A number or a distribution descriptor {kind, p1, p2, min, max} at field k. */
static ann_value field_value(lua_State *L, int t, const char *k, double def)
{
    lua_getfield(L, t, k);
    ann_value v;
    if (lua_istable(L, -1)) {
        int d = lua_gettop(L);
        ann_dist dist;
        memset(&dist, 0, sizeof dist);
        lua_getfield(L, d, "kind");
        dist.kind = ann_dist_kind_from_name(luaL_checkstring(L, -1));
        lua_pop(L, 1);
        if (dist.kind < 0) luaL_error(L, "annarchy: unknown distribution");
        dist.p1 = annl_field_num(L, d, "p1", 0);
        dist.p2 = annl_field_num(L, d, "p2", 0);
        lua_getfield(L, d, "min");
        dist.has_min = !lua_isnil(L, -1);
        dist.min = dist.has_min ? lua_tonumber(L, -1) : 0;
        lua_getfield(L, d, "max");
        dist.has_max = !lua_isnil(L, -1);
        dist.max = dist.has_max ? lua_tonumber(L, -1) : 0;
        lua_pop(L, 2);
        v = ann_value_dist(&dist);
    } else {
        v = ann_value_const(luaL_optnumber(L, -1, def));
    }
    lua_pop(L, 1);
    return v;
}

/* core.connect(kind, args) -> Connectivity. args: pre_ranks, post_ranks (0-based lists),
 * pre_size, post_size, same, allow_self, weights, delays (numbers or descriptors), dt,
 * shared, seed, stream, threads (drawing the rows), and per kind: p, number,
 * allow_multapses, amp, sigma, amp_neg, sigma_neg, limit, pre_geom, post_geom, list_post,
 * list_row, pre, w, delay_ms. */
static int l_connect(lua_State *L)
{
    static const char *const kinds[] = {"all_to_all", "one_to_one", "fixed_probability",
        "fixed_number_pre", "fixed_number_post", "gaussian", "dog", "from_lists",
        "fixed_total_number", NULL};
    int kind = luaL_checkoption(L, 1, NULL, kinds);
    luaL_checktype(L, 2, LUA_TTABLE);
    int top = lua_gettop(L);
    int32_t npre, npost;
    const int32_t *pre = annl_field_i32_list(L, 2, "pre_ranks", &npre);
    const int32_t *post = annl_field_i32_list(L, 2, "post_ranks", &npost);
    int32_t pre_size = (int32_t)annl_field_num(L, 2, "pre_size", 0);
    int32_t post_size = (int32_t)annl_field_num(L, 2, "post_size", 0);
    int32_t same = annl_field_bool(L, 2, "same"), allow = annl_field_bool(L, 2, "allow_self");
    ann_syn_values v;
    memset(&v, 0, sizeof v);
    v.weights = field_value(L, 2, "weights", 0.0);
    v.delays = field_value(L, 2, "delays", 0.0);
    v.dt = annl_field_num(L, 2, "dt", 1.0);
    v.shared_weight = annl_field_bool(L, 2, "shared");
    v.rows.threads = (int32_t)annl_field_num(L, 2, "threads", 1);
    v.rows.divide_size = annl_field_bool(L, 2, "divide") ? post_size : 0;
    ann_rng rng;
    ann_rng_init(&rng, (uint64_t)(lua_Integer)annl_field_num(L, 2, "seed", 0),
                 (uint32_t)annl_field_num(L, 2, "stream", 0));
    ann_csr *c = lua_newuserdatauv(L, sizeof *c, 0);
    memset(c, 0, sizeof *c);
    luaL_setmetatable(L, CSR_MT);
    int out = lua_gettop(L);
    ann_status st = {0, ""};
    int rc = 0;
    switch (kind) {
    case 0:
        rc = ann_connect_all_to_all(c, pre, npre, pre_size, post, npost, post_size, same, allow, &v,
                                    &rng, &st);
        break;
    case 1:
        rc = ann_connect_one_to_one(c, pre, npre, pre_size, post, npost, post_size, &v, &rng, &st);
        break;
    case 2:
        rc = ann_connect_fixed_probability(c, pre, npre, pre_size, post, npost, post_size, same,
                                           annl_field_num(L, 2, "p", 0), allow, &v, &rng, &st);
        break;
    case 3:
        rc = ann_connect_fixed_number_pre(c, pre, npre, pre_size, post, npost, post_size, same,
                                          (int32_t)annl_field_num(L, 2, "number", 0), allow, &v, &rng, &st);
        break;
    case 4:
        rc = ann_connect_fixed_number_post(c, pre, npre, pre_size, post, npost, post_size, same,
                                           (int32_t)annl_field_num(L, 2, "number", 0), allow, &v, &rng, &st);
        break;
    case 8:
        rc = ann_connect_fixed_total_number(c, pre, npre, pre_size, post, npost, post_size, same,
                                            (int64_t)annl_field_num(L, 2, "number", 0), allow,
                                            annl_field_bool(L, 2, "allow_multapses"), &v, &rng,
                                            &st);
        break;
    case 5:
    case 6: {
        int32_t pnd, qnd;
        const int32_t *pg = annl_field_i32_list(L, 2, "pre_geom", &pnd);
        const int32_t *qg = annl_field_i32_list(L, 2, "post_geom", &qnd);
        if (kind == 5)
            rc = ann_connect_gaussian(c, pg, pnd, qg, qnd, same, annl_field_num(L, 2, "amp", 0),
                                      annl_field_num(L, 2, "sigma", 0), annl_field_num(L, 2, "limit", 0.01),
                                      allow, &v, &rng, &st);
        else
            rc = ann_connect_dog(c, pg, pnd, qg, qnd, same, annl_field_num(L, 2, "amp", 0),
                                 annl_field_num(L, 2, "sigma", 0), annl_field_num(L, 2, "amp_neg", 0),
                                 annl_field_num(L, 2, "sigma_neg", 0), annl_field_num(L, 2, "limit", 0.01),
                                 allow, &v, &rng, &st);
        break;
    }
    default: {
        int32_t nl, nrow_i;
        int64_t nsyn, nw, nd;
        const int32_t *lpost = annl_field_i32_list(L, 2, "list_post", &nl);
        double *rowd = annl_field_f64_list(L, 2, "list_row", &nsyn);
        const int32_t *lpre = annl_field_i32_list(L, 2, "pre", &nrow_i);
        const double *w = annl_field_f64_list(L, 2, "w", &nw);
        const double *dms = annl_field_f64_list(L, 2, "delay_ms", &nd);
        int64_t *row = lua_newuserdatauv(L, (size_t)(nl + 1) * sizeof *row, 0);
        for (int32_t i = 0; i <= nl; i++) row[i] = i < nsyn ? (int64_t)rowd[i] : 0;
        rc = ann_connect_from_lists(c, nl, lpost, row, lpre, w, dms, pre_size, post_size, &v, &rng,
                                    &st);
        break;
    }
    }
    if (rc) return annl_raise(L, &st);
    lua_pushvalue(L, out);
    (void)top;
    return 1;
}

/* csr:info() -> {ndend, nsyn, max_delay, uniform_delay, variable = bool} */
static int l_csr_info(lua_State *L)
{
    ann_csr *c = annl_csr_check(L, 1);
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, c->ndend); lua_setfield(L, -2, "ndend");
    lua_pushinteger(L, c->nsyn); lua_setfield(L, -2, "nsyn");
    lua_pushinteger(L, c->max_delay); lua_setfield(L, -2, "max_delay");
    lua_pushinteger(L, c->uniform_delay); lua_setfield(L, -2, "uniform_delay");
    lua_pushboolean(L, c->delay != NULL); lua_setfield(L, -2, "variable");
    return 1;
}

void annl_open_connect(lua_State *L)
{
    static const luaL_Reg csr_methods[] = {{"info", l_csr_info}, {NULL, NULL}};
    annl_new_class(L, CSR_MT, csr_methods, l_csr_gc);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_connect);
    lua_setfield(L, -2, "connect");
}
