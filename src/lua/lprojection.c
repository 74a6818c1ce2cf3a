/* Lua binding of projections: connectors (core.connect -> a Connectivity userdata), and
 * methods on the runtime userdata (rt:add_projection, rt:proj_get, ...). Projection ids,
 * attribute and dendrite indices are 0-based here; rank lists handed back to Lua are 1-based
 * (they go straight to users); rank lists given by Lua are 0-based. */
#include "lannarchy.h"
#include "larray.h"
#include "lbind.h"
#include "connect.h"
#include "projection.h"
#include "rng.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NETWORK_MT "annarchy.core.Network"
#define CSR_MT "annarchy.core.Connectivity"
#define RECORDER_MT "annarchy.core.ProjectionRecorder"

typedef struct { ann_network *net; } lnet;   /* the layout of lnetwork.c's userdata */
typedef struct { ann_proj_recorder *rec; ann_network *net; } lrec;

static ann_network *check_net(lua_State *L, int idx)
{
    lnet *n = luaL_checkudata(L, idx, NETWORK_MT);
    if (!n->net) luaL_error(L, "annarchy: the network was destroyed");
    return n->net;
}

static int check_proj(lua_State *L, ann_network *net, int idx)
{
    lua_Integer id = luaL_checkinteger(L, idx);
    luaL_argcheck(L, id >= 0 && id < ann_network_projection_count(net), idx, "no such projection");
    return (int)id;
}

static int check_attr(lua_State *L, ann_network *net, int id, int idx)
{
    lua_Integer k = luaL_checkinteger(L, idx);
    luaL_argcheck(L, k >= 0 && k < ann_network_projection(net, id)->nattr, idx, "no such attribute");
    return (int)k;
}

static ann_csr *check_csr(lua_State *L, int idx)
{
    return luaL_checkudata(L, idx, CSR_MT);
}

static int l_csr_gc(lua_State *L)
{
    ann_csr_free(check_csr(L, 1));
    return 0;
}

/* ---- reading arguments ------------------------------------------------------------------- */

static lua_Number field_num(lua_State *L, int t, const char *k, lua_Number def)
{
    lua_getfield(L, t, k);
    lua_Number v = luaL_optnumber(L, -1, def);
    lua_pop(L, 1);
    return v;
}

static int field_bool(lua_State *L, int t, const char *k)
{
    lua_getfield(L, t, k);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* A list of integers at field k of table t (0-based values), in a userdata kept on the stack
 * (popped by the caller's return). NULL when the field is nil. */
static int32_t *field_i32_list(lua_State *L, int t, const char *k, int32_t *n)
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

static double *field_f64_list(lua_State *L, int t, const char *k, int64_t *n)
{
    lua_getfield(L, t, k);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); *n = 0; return NULL; }
    int li = lua_gettop(L);
    const ann_array *arr = annl_array_test(L, li);
    lua_Integer len = arr ? arr->size : luaL_len(L, li);
    double *out = lua_newuserdatauv(L, (size_t)(len + 1) * sizeof *out, 0);
    for (lua_Integer i = 0; i < len; i++) {
        if (arr) { out[i] = arr->data[i]; continue; }
        lua_geti(L, li, i + 1);
        out[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    lua_replace(L, li);
    *n = len;
    return out;
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
        dist.p1 = field_num(L, d, "p1", 0);
        dist.p2 = field_num(L, d, "p2", 0);
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
 * shared, seed, stream, and per kind: p, number, amp, sigma, amp_neg, sigma_neg, limit,
 * pre_geom, post_geom, list_post, list_row, pre, w, delay_ms. */
static int l_connect(lua_State *L)
{
    static const char *const kinds[] = {"all_to_all", "one_to_one", "fixed_probability",
        "fixed_number_pre", "fixed_number_post", "gaussian", "dog", "from_lists", NULL};
    int kind = luaL_checkoption(L, 1, NULL, kinds);
    luaL_checktype(L, 2, LUA_TTABLE);
    int top = lua_gettop(L);
    int32_t npre, npost;
    const int32_t *pre = field_i32_list(L, 2, "pre_ranks", &npre);
    const int32_t *post = field_i32_list(L, 2, "post_ranks", &npost);
    int32_t pre_size = (int32_t)field_num(L, 2, "pre_size", 0);
    int32_t post_size = (int32_t)field_num(L, 2, "post_size", 0);
    int32_t same = field_bool(L, 2, "same"), allow = field_bool(L, 2, "allow_self");
    ann_syn_values v;
    memset(&v, 0, sizeof v);
    v.weights = field_value(L, 2, "weights", 0.0);
    v.delays = field_value(L, 2, "delays", 0.0);
    v.dt = field_num(L, 2, "dt", 1.0);
    v.shared_weight = field_bool(L, 2, "shared");
    ann_rng rng;
    ann_rng_init(&rng, (uint64_t)(lua_Integer)field_num(L, 2, "seed", 0),
                 (uint32_t)field_num(L, 2, "stream", 0));
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
                                           field_num(L, 2, "p", 0), allow, &v, &rng, &st);
        break;
    case 3:
        rc = ann_connect_fixed_number_pre(c, pre, npre, pre_size, post, npost, post_size, same,
                                          (int32_t)field_num(L, 2, "number", 0), allow, &v, &rng, &st);
        break;
    case 4:
        rc = ann_connect_fixed_number_post(c, pre, npre, pre_size, post, npost, post_size, same,
                                           (int32_t)field_num(L, 2, "number", 0), allow, &v, &rng, &st);
        break;
    case 5:
    case 6: {
        int32_t pnd, qnd;
        const int32_t *pg = field_i32_list(L, 2, "pre_geom", &pnd);
        const int32_t *qg = field_i32_list(L, 2, "post_geom", &qnd);
        if (kind == 5)
            rc = ann_connect_gaussian(c, pg, pnd, qg, qnd, same, field_num(L, 2, "amp", 0),
                                      field_num(L, 2, "sigma", 0), field_num(L, 2, "limit", 0.01),
                                      allow, &v, &rng, &st);
        else
            rc = ann_connect_dog(c, pg, pnd, qg, qnd, same, field_num(L, 2, "amp", 0),
                                 field_num(L, 2, "sigma", 0), field_num(L, 2, "amp_neg", 0),
                                 field_num(L, 2, "sigma_neg", 0), field_num(L, 2, "limit", 0.01),
                                 allow, &v, &rng, &st);
        break;
    }
    default: {
        int32_t nl, nrow_i;
        int64_t nsyn, nw, nd;
        const int32_t *lpost = field_i32_list(L, 2, "list_post", &nl);
        double *rowd = field_f64_list(L, 2, "list_row", &nsyn);
        const int32_t *lpre = field_i32_list(L, 2, "pre", &nrow_i);
        const double *w = field_f64_list(L, 2, "w", &nw);
        const double *dms = field_f64_list(L, 2, "delay_ms", &nd);
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
    ann_csr *c = check_csr(L, 1);
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, c->ndend); lua_setfield(L, -2, "ndend");
    lua_pushinteger(L, c->nsyn); lua_setfield(L, -2, "nsyn");
    lua_pushinteger(L, c->max_delay); lua_setfield(L, -2, "max_delay");
    lua_pushinteger(L, c->uniform_delay); lua_setfield(L, -2, "uniform_delay");
    lua_pushboolean(L, c->delay != NULL); lua_setfield(L, -2, "variable");
    return 1;
}

/* ---- the runtime --------------------------------------------------------------------------- */

/* rt:add_projection(desc, csr) -> id. desc: pre, post, pre_major, post_index, delay_kind
 * ("none"|"uniform"|"variable"), spike_events, attrs = {{type, locality = 0|1|2, init}},
 * w_attr, last_event_attr (-1 if none), delayed = {pre attribute indices}. */
static int l_add_projection(lua_State *L)
{
    static const char *const dk[] = {"none", "uniform", "variable", NULL};
    ann_network *net = check_net(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    ann_csr *c = check_csr(L, 3);
    ann_proj_desc d;
    memset(&d, 0, sizeof d);
    d.pre = (int32_t)field_num(L, 2, "pre", -1);
    d.post = (int32_t)field_num(L, 2, "post", -1);
    d.pre_major = field_bool(L, 2, "pre_major");
    d.post_index = field_bool(L, 2, "post_index");
    d.spike_events = field_bool(L, 2, "spike_events");
    lua_getfield(L, 2, "delay_kind");
    d.delay_kind = luaL_checkoption(L, -1, "none", dk);
    lua_pop(L, 1);
    d.w_attr = (int32_t)field_num(L, 2, "w_attr", -1);
    d.last_event_attr = (int32_t)field_num(L, 2, "last_event_attr", -1);
    lua_getfield(L, 2, "attrs");
    luaL_checktype(L, -1, LUA_TTABLE);
    int at = lua_gettop(L);
    d.nattr = (int32_t)luaL_len(L, at);
    ann_proj_attr *attrs = lua_newuserdatauv(L, (size_t)(d.nattr + 1) * sizeof *attrs, 0);
    for (int32_t k = 0; k < d.nattr; k++) {
        lua_geti(L, at, k + 1);
        int e = lua_gettop(L);
        attrs[k].type = (int32_t)field_num(L, e, "type", ANNK_F64);
        attrs[k].locality = (int32_t)field_num(L, e, "locality", ANN_LOC_LOCAL);
        lua_getfield(L, e, "init");
        attrs[k].init = lua_isboolean(L, -1) ? lua_toboolean(L, -1) : lua_tonumber(L, -1);
        lua_pop(L, 2);
    }
    d.attrs = attrs;
    d.delayed = field_i32_list(L, 2, "delayed", &d.ndelayed);
    ann_status st = {0, ""};
    int id = ann_network_add_projection(net, &d, c, &st);
    if (id < 0) return annl_raise(L, &st);
    lua_pushinteger(L, id);
    return 1;
}

static int l_proj_set_connectivity(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    ann_status st = {0, ""};
    if (ann_projection_set_connectivity(net, id, check_csr(L, 3), &st)) return annl_raise(L, &st);
    return 0;
}

/* rt:proj_size(id) -> ndend, nsyn */
static int l_proj_size(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    annk_proj *p = ann_network_projection(net, check_proj(L, net, 2));
    lua_pushinteger(L, p->ndend);
    lua_pushinteger(L, p->nsyn);
    return 2;
}

/* rt:proj_post_ranks(id) -> list of 1-based post ranks */
static int l_proj_post_ranks(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    annk_proj *p = ann_network_projection(net, check_proj(L, net, 2));
    lua_createtable(L, p->ndend, 0);
    for (int32_t d = 0; d < p->ndend; d++) {
        lua_pushinteger(L, p->post_rank[d] + 1);
        lua_rawseti(L, -2, d + 1);
    }
    return 1;
}

static void check_range(lua_State *L, annk_proj *p, int idx, int32_t *d0, int32_t *d1)
{
    *d0 = (int32_t)luaL_optinteger(L, idx, 0);
    *d1 = (int32_t)luaL_optinteger(L, idx + 1, p->ndend);
    if (*d0 < 0 || *d1 > p->ndend || *d0 > *d1) luaL_error(L, "annarchy: dendrite range out of bounds");
}

/* rt:proj_pre_ranks(id[, d0, d1]) -> list (one per dendrite) of lists of 1-based pre ranks */
static int l_proj_pre_ranks(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    annk_proj *p = ann_network_projection(net, id);
    int32_t d0, d1;
    check_range(L, p, 3, &d0, &d1);
    const int64_t *row = ann_projection_row(net, id);
    const int32_t *pre = ann_projection_pre_ranks(net, id);
    if (!pre && p->nsyn > 0) return luaL_error(L, "annarchy: out of memory");
    lua_createtable(L, d1 - d0, 0);
    for (int32_t d = d0; d < d1; d++) {
        lua_createtable(L, (int)(row[d + 1] - row[d]), 0);
        for (int64_t k = row[d]; k < row[d + 1]; k++) {
            lua_pushinteger(L, pre[k] + 1);
            lua_rawseti(L, -2, k - row[d] + 1);
        }
        lua_rawseti(L, -2, d - d0 + 1);
    }
    return 1;
}

/* rt:proj_dendrite_sizes(id) -> list of synapse counts */
static int l_proj_dendrite_sizes(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    annk_proj *p = ann_network_projection(net, id);
    const int64_t *row = ann_projection_row(net, id);
    lua_createtable(L, p->ndend, 0);
    for (int32_t d = 0; d < p->ndend; d++) {
        lua_pushinteger(L, row[d + 1] - row[d]);
        lua_rawseti(L, -2, d + 1);
    }
    return 1;
}

static int l_proj_dendrite_of(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    lua_pushinteger(L, ann_projection_dendrite_of(net, id, (int32_t)luaL_checkinteger(L, 3)));
    return 1;
}

static int l_proj_syn_index(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    lua_pushinteger(L, ann_projection_synapse_index(net, id, (int32_t)luaL_checkinteger(L, 3),
                                                    (int32_t)luaL_checkinteger(L, 4)));
    return 1;
}

static void push_scalar(lua_State *L, double v, int32_t type)
{
    if (type == ANNK_BOOL) lua_pushboolean(L, v != 0);
    else if (type == ANNK_I32) lua_pushinteger(L, (lua_Integer)v);
    else lua_pushnumber(L, v);
}

/* rt:proj_get(id, attr[, d0, d1, split]) -> global: number; semiglobal: Array (one per
 * dendrite); local: a flat Array, or with split a list of Arrays (one per dendrite). */
static int l_proj_get(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    annk_proj *p = ann_network_projection(net, id);
    int32_t d0, d1;
    check_range(L, p, 4, &d0, &d1);
    int split = lua_toboolean(L, 6);
    int32_t loc = ann_projection_attr_locality(net, id, attr);
    ann_status st = {0, ""};
    if (loc == ANN_LOC_GLOBAL) {
        double v;
        ann_projection_read(net, id, attr, 0, 0, &v, &st);
        push_scalar(L, v, ann_projection_attr_type(net, id, attr));
        return 1;
    }
    int64_t n = ann_projection_count_values(net, id, attr, d0, d1);
    if (loc == ANN_LOC_LOCAL && split) {
        const int64_t *row = ann_projection_row(net, id);
        double *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
        if (!tmp) return luaL_error(L, "annarchy: out of memory");
        if (ann_projection_read(net, id, attr, d0, d1, tmp, &st)) { free(tmp); return annl_raise(L, &st); }
        lua_createtable(L, d1 - d0, 0);
        for (int32_t d = d0; d < d1; d++) {
            int64_t shape[1] = {row[d + 1] - row[d]};
            ann_array *a = annl_array_new(L, 1, shape);
            memcpy(a->data, tmp + (row[d] - row[d0]), (size_t)shape[0] * sizeof *tmp);
            lua_rawseti(L, -2, d - d0 + 1);
        }
        free(tmp);
        return 1;
    }
    int64_t shape[1] = {n};
    ann_array *a = annl_array_new(L, 1, shape);
    if (ann_projection_read(net, id, attr, d0, d1, a->data, &st)) return annl_raise(L, &st);
    return 1;
}

/* Flattens the value at idx (number, boolean, Array, nested lists) into a userdata buffer
 * pushed on the stack. */
static double *flatten_value(lua_State *L, int idx, int64_t *n);

static int64_t count_nested(lua_State *L, int idx)
{
    const ann_array *arr = annl_array_test(L, idx);
    if (arr) return arr->size;
    if (!lua_istable(L, idx)) return 1;
    int64_t c = 0;
    lua_Integer len = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_geti(L, idx, i);
        c += count_nested(L, lua_gettop(L));
        lua_pop(L, 1);
    }
    return c;
}

static void fill_nested(lua_State *L, int idx, double *out, int64_t *pos)
{
    const ann_array *arr = annl_array_test(L, idx);
    if (arr) {
        memcpy(out + *pos, arr->data, (size_t)arr->size * sizeof *out);
        *pos += arr->size;
        return;
    }
    if (!lua_istable(L, idx)) {
        out[(*pos)++] = lua_isboolean(L, idx) ? lua_toboolean(L, idx) : lua_tonumber(L, idx);
        return;
    }
    lua_Integer len = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= len; i++) {
        lua_geti(L, idx, i);
        fill_nested(L, lua_gettop(L), out, pos);
        lua_pop(L, 1);
    }
}

static double *flatten_value(lua_State *L, int idx, int64_t *n)
{
    idx = lua_absindex(L, idx);
    *n = count_nested(L, idx);
    double *buf = lua_newuserdatauv(L, (size_t)(*n + 1) * sizeof *buf, 0);
    int64_t pos = 0;
    fill_nested(L, idx, buf, &pos);
    return buf;
}

/* rt:proj_set(id, attr, value[, d0, d1]): value a number (all), or flat/nested values in
 * post-major order (Array or lists). */
static int l_proj_set(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    annk_proj *p = ann_network_projection(net, id);
    int32_t d0, d1;
    check_range(L, p, 5, &d0, &d1);
    int64_t n;
    double *buf = flatten_value(L, 4, &n);
    ann_status st = {0, ""};
    if (ann_projection_count_values(net, id, attr, d0, d1) == 0) return 0;
    if (ann_projection_write(net, id, attr, d0, d1, buf, n, &st)) return annl_raise(L, &st);
    return 0;
}

static int l_proj_get1(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    push_scalar(L, ann_projection_get1(net, id, attr, luaL_checkinteger(L, 4)),
                ann_projection_attr_type(net, id, attr));
    return 1;
}

static int l_proj_set1(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    double v = lua_isboolean(L, 5) ? lua_toboolean(L, 5) : luaL_checknumber(L, 5);
    ann_projection_set1(net, id, attr, luaL_checkinteger(L, 4), v);
    return 0;
}

/* rt:proj_delay(id) -> "none"|"uniform", steps  or  "variable", list of lists of steps */
static int l_proj_delay(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int32_t kind = ann_projection_delay_kind(net, id);
    if (kind != ANN_DELAY_VARIABLE) {
        lua_pushstring(L, kind == ANN_DELAY_NONE ? "none" : "uniform");
        lua_pushinteger(L, ann_projection_uniform_delay(net, id));
        return 2;
    }
    annk_proj *p = ann_network_projection(net, id);
    int32_t *tmp = malloc((size_t)(p->nsyn > 0 ? p->nsyn : 1) * sizeof *tmp);
    if (!tmp) return luaL_error(L, "annarchy: out of memory");
    ann_status st = {0, ""};
    if (ann_projection_delays(net, id, tmp, &st)) { free(tmp); return annl_raise(L, &st); }
    const int64_t *row = ann_projection_row(net, id);
    lua_pushstring(L, "variable");
    lua_createtable(L, p->ndend, 0);
    for (int32_t d = 0; d < p->ndend; d++) {
        lua_createtable(L, (int)(row[d + 1] - row[d]), 0);
        for (int64_t k = row[d]; k < row[d + 1]; k++) {
            lua_pushinteger(L, tmp[k]);
            lua_rawseti(L, -2, k - row[d] + 1);
        }
        lua_rawseti(L, -2, d + 1);
    }
    free(tmp);
    return 2;
}

/* rt:proj_set_delay(id, steps) with a number (uniform) or nested lists in post-major order */
static int l_proj_set_delay(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    ann_status st = {0, ""};
    if (lua_isnumber(L, 3)) {
        if (ann_projection_set_uniform_delay(net, id, (int32_t)lua_tointeger(L, 3), &st))
            return annl_raise(L, &st);
        return 0;
    }
    annk_proj *p = ann_network_projection(net, id);
    int64_t n;
    double *buf = flatten_value(L, 3, &n);
    if (n != p->nsyn) return luaL_error(L, "annarchy: expected %d delays, got %d", (int)p->nsyn, (int)n);
    int32_t *steps = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *steps, 0);
    for (int64_t k = 0; k < n; k++) steps[k] = (int32_t)buf[k];
    if (ann_projection_set_delays(net, id, steps, &st)) return annl_raise(L, &st);
    return 0;
}

static int l_proj_flags(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_flags(net, id, lua_toboolean(L, 3), lua_toboolean(L, 4), lua_toboolean(L, 5));
    return 0;
}

static int l_proj_schedule(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_schedule(net, id, (int32_t)luaL_checkinteger(L, 3), luaL_checkinteger(L, 4));
    return 0;
}

/* rt:proj_create(id, dend, ranks0, weights|nil, delay_steps|nil) */
static int l_proj_create(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int32_t d = (int32_t)luaL_checkinteger(L, 3);
    int64_t n, nw = 0, nd = 0;
    double *r = flatten_value(L, 4, &n);
    double *w = lua_isnoneornil(L, 5) ? NULL : flatten_value(L, 5, &nw);
    double *dl = lua_isnoneornil(L, 6) ? NULL : flatten_value(L, 6, &nd);
    if ((w && nw != n) || (dl && nd != n)) return luaL_error(L, "annarchy: lists of different lengths");
    int32_t *ranks = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *ranks, 0);
    int32_t *del = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *del, 0);
    for (int64_t i = 0; i < n; i++) { ranks[i] = (int32_t)r[i]; del[i] = dl ? (int32_t)dl[i] : 1; }
    ann_status st = {0, ""};
    if (ann_projection_create_synapses(net, id, d, (int32_t)n, ranks, w, dl ? del : NULL, &st))
        return annl_raise(L, &st);
    return 0;
}

static int l_proj_prune(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int32_t d = (int32_t)luaL_checkinteger(L, 3);
    int64_t n;
    double *r = flatten_value(L, 4, &n);
    int32_t *ranks = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *ranks, 0);
    for (int64_t i = 0; i < n; i++) ranks[i] = (int32_t)r[i];
    ann_status st = {0, ""};
    if (ann_projection_prune_synapses(net, id, d, (int32_t)n, ranks, &st)) return annl_raise(L, &st);
    return 0;
}

static int l_proj_creating(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_creating(net, id, (int32_t)luaL_checkinteger(L, 3), luaL_optnumber(L, 4, 0),
                                (int32_t)luaL_optinteger(L, 5, 1));
    return 0;
}

static int l_proj_pruning(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_pruning(net, id, (int32_t)luaL_checkinteger(L, 3));
    return 0;
}

static int l_proj_init_history(lua_State *L)
{
    ann_projections_init_history(check_net(L, 1), (int)luaL_optinteger(L, 2, -1));
    return 0;
}

/* rt:proj_set_ext(id, k, array): extension buffer k of a shared-weight projection */
static int l_proj_set_ext(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int k = (int)luaL_checkinteger(L, 3);
    const ann_array *arr = annl_array_check(L, 4);
    ann_status st = {0, ""};
    if (ann_projection_set_ext(net, id, k, arr->data, arr->size, &st)) return annl_raise(L, &st);
    return 0;
}

/* rt:proj_link(id, other): the projection a Copy or a Transpose reads (-1: none) */
static int l_proj_link(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int other = lua_isnoneornil(L, 3) || lua_tointeger(L, 3) < 0 ? -1 : check_proj(L, net, 3);
    ann_projection_link(net, id, other);
    return 0;
}

static int l_proj_bytes(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    lua_pushinteger(L, ann_projection_bytes(net, check_proj(L, net, 2)));
    return 1;
}

/* rt:proj_matrix(id, attr, fill) -> Array {post size, pre size} */
static int l_proj_matrix(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    double fill = luaL_optnumber(L, 4, 0.0);
    annk_proj *p = ann_network_projection(net, id);
    int64_t shape[2] = {p->npost, p->npre};
    ann_array *a = annl_array_new(L, 2, shape);
    for (int64_t i = 0; i < a->size; i++) a->data[i] = fill;
    const int64_t *row = ann_projection_row(net, id);
    const int32_t *pre = ann_projection_pre_ranks(net, id);
    if (!pre && p->nsyn > 0) return luaL_error(L, "annarchy: out of memory");
    for (int32_t d = 0; d < p->ndend; d++) {
        int64_t base = (int64_t)p->post_rank[d] * p->npre;
        for (int64_t k = row[d]; k < row[d + 1]; k++)
            a->data[base + pre[k]] = ann_projection_get1(net, id, attr,
                ann_projection_attr_locality(net, id, attr) == ANN_LOC_SEMIGLOBAL ? d : k);
    }
    return 1;
}

/* ---- recorders ----------------------------------------------------------------------------- */

static lrec *check_rec(lua_State *L, int idx)
{
    lrec *r = luaL_checkudata(L, idx, RECORDER_MT);
    if (!r->rec) luaL_error(L, "annarchy: the monitor was stopped");
    return r;
}

/* rt:proj_recorder(id, attr, dends0|nil, period, offset) */
static int l_proj_recorder(lua_State *L)
{
    ann_network *net = check_net(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    int32_t *dends = NULL;
    lua_Integer n = 0;
    if (!lua_isnoneornil(L, 4)) {
        luaL_checktype(L, 4, LUA_TTABLE);
        n = luaL_len(L, 4);
        dends = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *dends, 0);
        for (lua_Integer i = 0; i < n; i++) {
            lua_geti(L, 4, i + 1);
            dends[i] = (int32_t)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
    }
    lrec *r = lua_newuserdatauv(L, sizeof *r, 1);
    r->rec = NULL;
    r->net = net;
    luaL_setmetatable(L, RECORDER_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    ann_status st = {0, ""};
    r->rec = ann_proj_recorder_new(net, id, attr, dends, (int32_t)n, (int32_t)luaL_checkinteger(L, 5),
                                   (int32_t)luaL_checkinteger(L, 6), &st);
    if (!r->rec) return annl_raise(L, &st);
    return 1;
}

static int l_rec_free(lua_State *L)
{
    lrec *r = luaL_checkudata(L, 1, RECORDER_MT);
    if (r->rec) ann_proj_recorder_free(r->net, r->rec);
    r->rec = NULL;
    return 0;
}

static int l_rec_set_recording(lua_State *L)
{
    ann_proj_recorder_set_recording(check_rec(L, 1)->rec, lua_toboolean(L, 2));
    return 0;
}

static int l_rec_set_period(lua_State *L)
{
    ann_proj_recorder_set_period(check_rec(L, 1)->rec, (int32_t)luaL_checkinteger(L, 2),
                                 (int32_t)luaL_checkinteger(L, 3));
    return 0;
}

/* rec:data() -> list of flat Arrays, one per record */
static int l_rec_data(lua_State *L)
{
    lrec *r = check_rec(L, 1);
    int64_t nrec;
    const int64_t *widths;
    const double *d = ann_proj_recorder_data(r->rec, &nrec, &widths);
    lua_createtable(L, (int)nrec, 0);
    int64_t off = 0;
    for (int64_t i = 0; i < nrec; i++) {
        int64_t shape[1] = {widths[i]};
        ann_array *a = annl_array_new(L, 1, shape);
        if (widths[i] > 0) memcpy(a->data, d + off, (size_t)widths[i] * sizeof *d);
        off += widths[i];
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int l_rec_clear(lua_State *L)
{
    ann_proj_recorder_clear(check_rec(L, 1)->rec);
    return 0;
}

static int l_rec_bytes(lua_State *L)
{
    lua_pushinteger(L, ann_proj_recorder_bytes(check_rec(L, 1)->rec));
    return 1;
}

void annl_open_projection(lua_State *L)
{
    static const luaL_Reg rt_methods[] = {
        {"add_projection", l_add_projection},   {"proj_set_connectivity", l_proj_set_connectivity},
        {"proj_size", l_proj_size},             {"proj_post_ranks", l_proj_post_ranks},
        {"proj_pre_ranks", l_proj_pre_ranks},   {"proj_dendrite_sizes", l_proj_dendrite_sizes},
        {"proj_dendrite_of", l_proj_dendrite_of}, {"proj_syn_index", l_proj_syn_index},
        {"proj_get", l_proj_get},               {"proj_set", l_proj_set},
        {"proj_get1", l_proj_get1},             {"proj_set1", l_proj_set1},
        {"proj_delay", l_proj_delay},           {"proj_set_delay", l_proj_set_delay},
        {"proj_flags", l_proj_flags},           {"proj_schedule", l_proj_schedule},
        {"proj_create", l_proj_create},         {"proj_prune", l_proj_prune},
        {"proj_creating", l_proj_creating},     {"proj_pruning", l_proj_pruning},
        {"proj_init_history", l_proj_init_history}, {"proj_bytes", l_proj_bytes},
        {"proj_matrix", l_proj_matrix},         {"proj_recorder", l_proj_recorder},
        {"proj_set_ext", l_proj_set_ext},       {"proj_link", l_proj_link},
        {NULL, NULL}};
    static const luaL_Reg rec_methods[] = {
        {"set_recording", l_rec_set_recording}, {"set_period", l_rec_set_period},
        {"data", l_rec_data},                   {"clear", l_rec_clear},
        {"bytes", l_rec_bytes},                 {"free", l_rec_free},
        {NULL, NULL}};
    static const luaL_Reg csr_methods[] = {{"info", l_csr_info}, {NULL, NULL}};
    /* methods on the runtime: added to the Network metatable's __index table */
    luaL_getmetatable(L, NETWORK_MT);
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "__index");
        if (lua_istable(L, -1)) luaL_setfuncs(L, rt_methods, 0);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, RECORDER_MT)) {
        luaL_newlib(L, rec_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_rec_free);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, CSR_MT)) {
        luaL_newlib(L, csr_methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_csr_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_connect);
    lua_setfield(L, -2, "connect");
}
