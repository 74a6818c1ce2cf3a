/* Lua binding of projections: methods on the runtime userdata (rt:add_projection,
 * rt:proj_get, ...) and the projection recorders. Projection ids,
 * attribute and dendrite indices are 0-based here; rank lists handed back to Lua are 1-based
 * (they go straight to users); rank lists given by Lua are 0-based. */
#include "lannarchy.h"
#include "larray.h"
#include "lbind.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RECORDER_MT "annarchy.core.ProjectionRecorder"


static int check_proj(lua_State *L, ann_network *net, int idx)
{
    lua_Integer id = luaL_checkinteger(L, idx);
    luaL_argcheck(L, id >= 0 && id < ann_network_projection_count(net), idx, "no such projection");
    return (int)id;
}

static int check_attr(lua_State *L, ann_network *net, int id, int idx)
{
    lua_Integer k = luaL_checkinteger(L, idx);
    luaL_argcheck(L, k >= 0 && k < ann_projection_attr_count(net, id), idx, "no such attribute");
    return (int)k;
}

/* ---- the runtime --------------------------------------------------------------------------- */

/* rt:add_projection(desc, csr) -> id. desc: pre, post, pre_major, post_index, delay_kind
 * ("none"|"uniform"|"variable"), spike_events, attrs = {{type, locality = 0|1|2, init, name}},
 * w_attr, last_event_attr (-1 if none), delayed = {pre attribute indices}, pre_read = {pre
 * attribute indices the kernels read}, plastic (kernels write synapses), transmit_local (the
 * spike kernel reads only the pre spike list), threads (laying out
 * the connectivity; the same result for any number), name (optional:
 * the core then learns the names, for embedding hosts). */
static int l_add_projection(lua_State *L)
{
    static const char *const dk[] = {"none", "uniform", "variable", NULL};
    ann_network *net = annl_net_check(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    ann_csr *c = annl_csr_check(L, 3);
    ann_proj_desc d;
    memset(&d, 0, sizeof d);
    d.pre = (int32_t)annl_field_num(L, 2, "pre", -1);
    d.post = (int32_t)annl_field_num(L, 2, "post", -1);
    d.pre_major = annl_field_bool(L, 2, "pre_major");
    d.post_index = annl_field_bool(L, 2, "post_index");
    d.spike_events = annl_field_bool(L, 2, "spike_events");
    lua_getfield(L, 2, "delay_kind");
    d.delay_kind = luaL_checkoption(L, -1, "none", dk);
    lua_pop(L, 1);
    d.w_attr = (int32_t)annl_field_num(L, 2, "w_attr", -1);
    d.last_event_attr = (int32_t)annl_field_num(L, 2, "last_event_attr", -1);
    lua_getfield(L, 2, "attrs");
    luaL_checktype(L, -1, LUA_TTABLE);
    int at = lua_gettop(L);
    d.nattr = (int32_t)luaL_len(L, at);
    ann_proj_attr *attrs = lua_newuserdatauv(L, (size_t)(d.nattr + 1) * sizeof *attrs, 0);
    for (int32_t k = 0; k < d.nattr; k++) {
        lua_geti(L, at, k + 1);
        int e = lua_gettop(L);
        attrs[k].type = (int32_t)annl_field_num(L, e, "type", ANN_TYPE_F64);
        attrs[k].locality = (int32_t)annl_field_num(L, e, "locality", ANN_LOC_LOCAL);
        lua_getfield(L, e, "init");
        attrs[k].init = lua_isboolean(L, -1) ? lua_toboolean(L, -1) : lua_tonumber(L, -1);
        lua_pop(L, 2);
    }
    d.attrs = attrs;
    d.delayed = annl_field_i32_list(L, 2, "delayed", &d.ndelayed);
    d.pre_read = annl_field_i32_list(L, 2, "pre_read", &d.npre_read);
    d.plastic = annl_field_bool(L, 2, "plastic");
    d.transmit_local = annl_field_bool(L, 2, "transmit_local");
    d.threads = (int32_t)annl_field_num(L, 2, "threads", 1);
    ann_status st = {0, ""};
    int id = ann_network_add_projection(net, &d, c, &st);
    if (id < 0) return annl_raise_core(L, &st);
    lua_getfield(L, 2, "name");
    annl_set_names(L, net, 1, id, -1, at);
    lua_pushinteger(L, id);
    return 1;
}

/* rt:proj_release(id): a divided projection gathered for reading goes back to this
 * process's part */
static int l_proj_release(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_status st = {0, ""};
    if (ann_projection_release(net, id, &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_proj_set_connectivity(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_status st = {0, ""};
    if (ann_projection_set_connectivity(net, id, annl_csr_check(L, 3), &st)) return annl_raise_core(L, &st);
    return 0;
}

/* rt:proj_size(id) -> ndend, nsyn */
static int l_proj_size(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    lua_pushinteger(L, ann_projection_dendrite_count(net, id));
    lua_pushinteger(L, ann_projection_synapse_count(net, id));
    return 2;
}

/* rt:proj_post_ranks(id) -> list of 1-based post ranks */
static int l_proj_post_ranks(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    lua_createtable(L, ann_projection_dendrite_count(net, id), 0);
    for (int32_t d = 0; d < ann_projection_dendrite_count(net, id); d++) {
        lua_pushinteger(L, ann_projection_post_ranks(net, id)[d] + 1);
        lua_rawseti(L, -2, d + 1);
    }
    return 1;
}

static void check_range(lua_State *L, ann_network *net, int id, int idx, int32_t *d0, int32_t *d1)
{
    int32_t ndend = ann_projection_dendrite_count(net, id);
    *d0 = (int32_t)luaL_optinteger(L, idx, 0);
    *d1 = (int32_t)luaL_optinteger(L, idx + 1, ndend);
    if (*d0 < 0 || *d1 > ndend || *d0 > *d1) luaL_error(L, "annarchy: dendrite range out of bounds");
}

/* rt:proj_pre_ranks(id[, d0, d1]) -> list (one per dendrite) of lists of 1-based pre ranks */
static int l_proj_pre_ranks(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int32_t d0, d1;
    check_range(L, net, id, 3, &d0, &d1);
    const int64_t *row = ann_projection_row(net, id);
    const int32_t *pre = ann_projection_pre_ranks(net, id);
    if (!pre && ann_projection_synapse_count(net, id) > 0) return luaL_error(L, "annarchy: out of memory");
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
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    const int64_t *row = ann_projection_row(net, id);
    lua_createtable(L, ann_projection_dendrite_count(net, id), 0);
    for (int32_t d = 0; d < ann_projection_dendrite_count(net, id); d++) {
        lua_pushinteger(L, row[d + 1] - row[d]);
        lua_rawseti(L, -2, d + 1);
    }
    return 1;
}

static int l_proj_dendrite_of(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    lua_pushinteger(L, ann_projection_dendrite_of(net, id, (int32_t)luaL_checkinteger(L, 3)));
    return 1;
}

static int l_proj_syn_index(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    lua_pushinteger(L, ann_projection_synapse_index(net, id, (int32_t)luaL_checkinteger(L, 3),
                                                    (int32_t)luaL_checkinteger(L, 4)));
    return 1;
}

/* rt:proj_get(id, attr[, d0, d1, split]) -> global: number; semiglobal: Array (one per
 * dendrite); local: a flat Array, or with split a list of Arrays (one per dendrite). */
static int l_proj_get(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    int32_t d0, d1;
    check_range(L, net, id, 4, &d0, &d1);
    int split = lua_toboolean(L, 6);
    int32_t loc = ann_projection_attr_locality(net, id, attr);
    ann_status st = {0, ""};
    if (loc == ANN_LOC_GLOBAL) {
        double v;
        ann_projection_read(net, id, attr, 0, 0, &v, &st);
        annl_push_value(L, v, ann_projection_attr_type(net, id, attr));
        return 1;
    }
    int64_t n = ann_projection_count_values(net, id, attr, d0, d1);
    if (loc == ANN_LOC_LOCAL && split) {
        const int64_t *row = ann_projection_row(net, id);
        double *tmp = malloc((size_t)(n > 0 ? n : 1) * sizeof *tmp);
        if (!tmp) return luaL_error(L, "annarchy: out of memory");
        if (ann_projection_read(net, id, attr, d0, d1, tmp, &st)) { free(tmp); return annl_raise_core(L, &st); }
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
    if (ann_projection_read(net, id, attr, d0, d1, a->data, &st)) return annl_raise_core(L, &st);
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
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    int32_t d0, d1;
    check_range(L, net, id, 5, &d0, &d1);
    int64_t n;
    double *buf = flatten_value(L, 4, &n);
    ann_status st = {0, ""};
    if (ann_projection_count_values(net, id, attr, d0, d1) == 0) return 0;
    if (ann_projection_write(net, id, attr, d0, d1, buf, n, &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_proj_get1(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    annl_push_value(L, ann_projection_get1(net, id, attr, luaL_checkinteger(L, 4)),
                ann_projection_attr_type(net, id, attr));
    return 1;
}

static int l_proj_set1(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    double v = lua_isboolean(L, 5) ? lua_toboolean(L, 5) : luaL_checknumber(L, 5);
    ann_projection_set1(net, id, attr, luaL_checkinteger(L, 4), v);
    return 0;
}

/* rt:proj_delay(id) -> "none"|"uniform", steps  or  "variable", list of lists of steps */
static int l_proj_delay(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int32_t kind = ann_projection_delay_kind(net, id);
    if (kind != ANN_DELAY_VARIABLE) {
        lua_pushstring(L, kind == ANN_DELAY_NONE ? "none" : "uniform");
        lua_pushinteger(L, ann_projection_uniform_delay(net, id));
        return 2;
    }
    int32_t *tmp = malloc((size_t)(ann_projection_synapse_count(net, id) > 0 ? ann_projection_synapse_count(net, id) : 1) * sizeof *tmp);
    if (!tmp) return luaL_error(L, "annarchy: out of memory");
    ann_status st = {0, ""};
    if (ann_projection_delays(net, id, tmp, &st)) { free(tmp); return annl_raise_core(L, &st); }
    const int64_t *row = ann_projection_row(net, id);
    lua_pushstring(L, "variable");
    lua_createtable(L, ann_projection_dendrite_count(net, id), 0);
    for (int32_t d = 0; d < ann_projection_dendrite_count(net, id); d++) {
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
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_status st = {0, ""};
    if (lua_isnumber(L, 3)) {
        if (ann_projection_set_uniform_delay(net, id, (int32_t)lua_tointeger(L, 3), &st))
            return annl_raise_core(L, &st);
        return 0;
    }
    int64_t n;
    double *buf = flatten_value(L, 3, &n);
    if (n != ann_projection_synapse_count(net, id)) return luaL_error(L, "annarchy: expected %d delays, got %d", (int)ann_projection_synapse_count(net, id), (int)n);
    int32_t *steps = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *steps, 0);
    for (int64_t k = 0; k < n; k++) steps[k] = (int32_t)buf[k];
    if (ann_projection_set_delays(net, id, steps, &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_proj_flags(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_flags(net, id, lua_toboolean(L, 3), lua_toboolean(L, 4), lua_toboolean(L, 5));
    ann_projection_set_axon_transmission(net, id, lua_isnoneornil(L, 6) || lua_toboolean(L, 6));
    return 0;
}

static int l_proj_schedule(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_schedule(net, id, (int32_t)luaL_checkinteger(L, 3), luaL_checkinteger(L, 4));
    return 0;
}

/* rt:proj_create(id, dend, ranks0, weights|nil, delay_steps|nil) */
static int l_proj_create(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
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
        return annl_raise_core(L, &st);
    return 0;
}

static int l_proj_prune(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int32_t d = (int32_t)luaL_checkinteger(L, 3);
    int64_t n;
    double *r = flatten_value(L, 4, &n);
    int32_t *ranks = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *ranks, 0);
    for (int64_t i = 0; i < n; i++) ranks[i] = (int32_t)r[i];
    ann_status st = {0, ""};
    if (ann_projection_prune_synapses(net, id, d, (int32_t)n, ranks, &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_proj_creating(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_creating(net, id, (int32_t)luaL_checkinteger(L, 3), luaL_optnumber(L, 4, 0),
                                (int32_t)luaL_optinteger(L, 5, 1));
    return 0;
}

static int l_proj_pruning(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    ann_projection_set_pruning(net, id, (int32_t)luaL_checkinteger(L, 3));
    return 0;
}

static int l_proj_init_history(lua_State *L)
{
    ann_projections_init_history(annl_net_check(L, 1), (int)luaL_optinteger(L, 2, -1));
    return 0;
}

/* rt:proj_set_ext(id, k, array): extension buffer k of a shared-weight projection */
static int l_proj_set_ext(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int k = (int)luaL_checkinteger(L, 3);
    const ann_array *arr = annl_array_check(L, 4);
    ann_status st = {0, ""};
    if (ann_projection_set_ext(net, id, k, arr->data, arr->size, &st)) return annl_raise_core(L, &st);
    return 0;
}

/* rt:proj_link(id, other): the projection a Copy or a Transpose reads (-1: none) */
static int l_proj_link(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int other = lua_isnoneornil(L, 3) || lua_tointeger(L, 3) < 0 ? -1 : check_proj(L, net, 3);
    ann_projection_link(net, id, other);
    return 0;
}

static int l_proj_bytes(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    lua_pushinteger(L, ann_projection_bytes(net, check_proj(L, net, 2)));
    return 1;
}

/* rt:proj_matrix(id, attr, fill) -> Array {post size, pre size} */
static int l_proj_matrix(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int id = check_proj(L, net, 2);
    int attr = check_attr(L, net, id, 3);
    double fill = luaL_optnumber(L, 4, 0.0);
    int64_t shape[2] = {ann_population_size(net, ann_projection_post(net, id)), ann_population_size(net, ann_projection_pre(net, id))};
    ann_array *a = annl_array_new(L, 2, shape);
    for (int64_t i = 0; i < a->size; i++) a->data[i] = fill;
    const int64_t *row = ann_projection_row(net, id);
    const int32_t *pre = ann_projection_pre_ranks(net, id);
    if (!pre && ann_projection_synapse_count(net, id) > 0) return luaL_error(L, "annarchy: out of memory");
    for (int32_t d = 0; d < ann_projection_dendrite_count(net, id); d++) {
        int64_t base = (int64_t)ann_projection_post_ranks(net, id)[d] * ann_population_size(net, ann_projection_pre(net, id));
        for (int64_t k = row[d]; k < row[d + 1]; k++)
            a->data[base + pre[k]] = ann_projection_get1(net, id, attr,
                ann_projection_attr_locality(net, id, attr) == ANN_LOC_SEMIGLOBAL ? d : k);
    }
    return 1;
}

/* ---- recorders ----------------------------------------------------------------------------- */

static ann_proj_recorder *check_rec(lua_State *L, int idx)
{
    return annl_owned_check(L, idx, RECORDER_MT, "monitor")->obj;
}

/* rt:proj_recorder(id, attr, dends0|nil, period, offset) */
static int l_proj_recorder(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
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
    annl_owned *r = annl_owned_push(L, 1, RECORDER_MT);
    ann_status st = {0, ""};
    r->obj = ann_proj_recorder_new(net, id, attr, dends, (int32_t)n, (int32_t)luaL_checkinteger(L, 5),
                                   (int32_t)luaL_checkinteger(L, 6), &st);
    if (!r->obj) return annl_raise_core(L, &st);
    return 1;
}

static int l_rec_free(lua_State *L)
{
    annl_owned *h = luaL_checkudata(L, 1, RECORDER_MT);
    ann_proj_recorder *r = annl_owned_release(L, 1, RECORDER_MT);
    if (r) ann_proj_recorder_free(h->owner->net, r);
    return 0;
}

static int l_rec_set_name(lua_State *L)
{
    ann_status st = {0, ""};
    if (ann_proj_recorder_set_name(check_rec(L, 1), luaL_checkstring(L, 2), &st))
        return annl_raise_core(L, &st);
    return 0;
}

static int l_rec_set_recording(lua_State *L)
{
    ann_proj_recorder_set_recording(check_rec(L, 1), lua_toboolean(L, 2));
    return 0;
}

static int l_rec_set_period(lua_State *L)
{
    ann_proj_recorder_set_period(check_rec(L, 1), (int32_t)luaL_checkinteger(L, 2),
                                 (int32_t)luaL_checkinteger(L, 3));
    return 0;
}

/* rec:data() -> list of flat Arrays, one per record */
static int l_rec_data(lua_State *L)
{
    ann_proj_recorder *r = check_rec(L, 1);
    int64_t nrec;
    const int64_t *widths;
    const double *d = ann_proj_recorder_data(r, &nrec, &widths);
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
    ann_proj_recorder_clear(check_rec(L, 1));
    return 0;
}

static int l_rec_bytes(lua_State *L)
{
    lua_pushinteger(L, ann_proj_recorder_bytes(check_rec(L, 1)));
    return 1;
}

void annl_open_projection(lua_State *L)
{
    static const luaL_Reg rt_methods[] = {
        {"add_projection", l_add_projection},   {"proj_set_connectivity", l_proj_set_connectivity},
        {"proj_release", l_proj_release},
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
        {"set_name", l_rec_set_name},
        {NULL, NULL}};
    annl_add_runtime_methods(L, rt_methods);
    annl_new_class(L, RECORDER_MT, rec_methods, l_rec_free);
    lua_pop(L, 1);
}
