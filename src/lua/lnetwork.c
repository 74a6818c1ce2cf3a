/* Lua binding of the network runtime: a low-level object used by the front end in
 * lua/annarchy/ (users see Network, Population and Monitor objects built on it).
 * Population ids, attribute indices and ranks are 0-based here; the front end converts. */
#include "lannarchy.h"
#include "larray.h"
#include "lbind.h"
#include "annarchy.h"

#include <lauxlib.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define MONITOR_MT "annarchy.core.Monitor"

static int check_pop(lua_State *L, ann_network *net, int idx)
{
    lua_Integer id = luaL_checkinteger(L, idx);
    luaL_argcheck(L, id >= 0 && id < ann_network_population_count(net), idx, "no such population");
    return (int)id;
}

static int check_attr(lua_State *L, ann_network *net, int pop, int idx)
{
    lua_Integer k = luaL_checkinteger(L, idx);
    luaL_argcheck(L, k >= 0 && k < ann_population_attr_count(net, pop), idx, "no such attribute");
    return (int)k;
}

/* network_new(dt, seed) */
static int l_network_new(lua_State *L)
{
    double dt = luaL_checknumber(L, 1);
    lua_Integer seed = luaL_checkinteger(L, 2);
    luaL_argcheck(L, dt > 0, 1, "dt must be positive");
    annl_net *n = lua_newuserdatauv(L, sizeof *n, 1);   /* user value: the kernel module */
    n->net = NULL;
    luaL_setmetatable(L, ANNL_NETWORK_MT);
    n->net = ann_network_new(dt, (uint64_t)seed);
    if (!n->net) return luaL_error(L, "annarchy: out of memory");
    return 1;
}

static int l_net_gc(lua_State *L)
{
    annl_net *n = luaL_checkudata(L, 1, ANNL_NETWORK_MT);
    ann_network_free(n->net);
    n->net = NULL;
    return 0;
}

static int l_add_constant(lua_State *L)
{
    int k = ann_network_add_constant(annl_net_check(L, 1), luaL_checknumber(L, 2));
    if (k < 0) return luaL_error(L, "annarchy: out of memory");
    lua_pushinteger(L, k);
    return 1;
}

static int l_set_constant(lua_State *L)
{
    ann_network_set_constant(annl_net_check(L, 1), (int)luaL_checkinteger(L, 2), luaL_checknumber(L, 3));
    return 0;
}

/* add_population(size, specs, spiking[, name]): specs = list of {type = 0..3, local = bool,
 * name = attribute name}; with a name, the core learns the names (for embedding hosts) */
static int l_add_population(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    lua_settop(L, 5);   /* the optional name (5) keeps its slot */
    lua_Integer size = luaL_checkinteger(L, 2);
    luaL_checktype(L, 3, LUA_TTABLE);
    int spiking = lua_toboolean(L, 4);
    lua_Integer nattr = luaL_len(L, 3);
    ann_attr_spec *specs = lua_newuserdatauv(L, (size_t)(nattr + 1) * sizeof *specs, 0);
    for (lua_Integer k = 0; k < nattr; k++) {
        lua_geti(L, 3, k + 1);
        lua_getfield(L, -1, "type");
        specs[k].type = (int32_t)luaL_checkinteger(L, -1);
        lua_getfield(L, -2, "local");
        specs[k].local = lua_toboolean(L, -1);
        lua_pop(L, 3);
    }
    luaL_argcheck(L, size > 0 && size <= INT32_MAX, 2, "population size out of range");
    ann_status st = {0, ""};
    int id = ann_network_add_population(net, (int32_t)size, (int32_t)nattr, specs, spiking, &st);
    if (id < 0) return annl_raise_core(L, &st);
    annl_set_names(L, net, 0, id, 5, 3);
    lua_pushinteger(L, id);
    return 1;
}

static int l_pop_mark_sum(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    ann_status st = {0, ""};
    if (ann_population_mark_sum(net, pop, check_attr(L, net, pop, 3), &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_pop_add_gop(lua_State *L)
{
    static const char *const ops[] = {"min", "max", "mean", "norm1", "norm2", NULL};
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    int op = luaL_checkoption(L, 3, NULL, ops);
    ann_status st = {0, ""};
    int g = ann_population_add_gop(net, pop, op, check_attr(L, net, pop, 4), &st);
    if (g < 0) return annl_raise_core(L, &st);
    lua_pushinteger(L, g);
    return 1;
}

static int l_pop_enable_refractory(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    ann_status st = {0, ""};
    if (ann_population_enable_refractory(net, check_pop(L, net, 2), &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_pop_set_rate_window(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    lua_Integer steps = luaL_checkinteger(L, 3);
    int r = (int)luaL_optinteger(L, 4, 0);
    ann_status st = {0, ""};
    if (ann_population_set_rate_window(net, pop, (int32_t)steps, r, &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_pop_clear(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    ann_population_clear(net, check_pop(L, net, 2));
    return 0;
}

/* pop_get(id, k, ranks?) -> number (global) or 1-D Array (local; of the listed ranks) */
static int l_pop_get(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    int k = check_attr(L, net, pop, 3);
    if (!ann_population_attr_local(net, pop, k)) {
        double v = ann_population_get(net, pop, k, 0);
        annl_push_value(L, v, ann_population_attr_type(net, pop, k));
        return 1;
    }
    int32_t size = ann_population_size(net, pop);
    if (lua_isnoneornil(L, 4)) {
        int64_t shape[1] = {size};
        ann_array *a = annl_array_new(L, 1, shape);
        for (int32_t i = 0; i < size; i++) a->data[i] = ann_population_get(net, pop, k, i);
        return 1;
    }
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 4);
    int64_t shape[1] = {n};
    ann_array *a = annl_array_new(L, 1, shape);
    for (lua_Integer i = 0; i < n; i++) {
        lua_geti(L, 4, i + 1);
        lua_Integer r = lua_tointeger(L, -1);
        lua_pop(L, 1);
        if (r < 0 || r >= size) return luaL_error(L, "annarchy: rank %d out of range", (int)r + 1);
        a->data[i] = ann_population_get(net, pop, k, r);
    }
    return 1;
}

/* Value i of the argument at idx: a number, an Array or a list. */
static double value_at(lua_State *L, int idx, const ann_array *arr, lua_Integer i)
{
    if (arr) return arr->data[i];
    if (lua_type(L, idx) == LUA_TTABLE) {
        lua_geti(L, idx, i + 1);
        double v = lua_isboolean(L, -1) ? (double)lua_toboolean(L, -1) : lua_tonumber(L, -1);
        lua_pop(L, 1);
        return v;
    }
    if (lua_isboolean(L, idx)) return lua_toboolean(L, idx);
    return lua_tonumber(L, idx);
}

/* pop_set(id, k, value, ranks?): value is a number/boolean (broadcast), an Array or a list with
 * one value per neuron (per listed rank). Sizes are checked by the front end and here. */
static int l_pop_set(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    int k = check_attr(L, net, pop, 3);
    const ann_array *arr = annl_array_test(L, 4);
    int scalar = !arr && lua_type(L, 4) != LUA_TTABLE;
    if (scalar && !lua_isnumber(L, 4) && !lua_isboolean(L, 4))
        return luaL_error(L, "annarchy: expected a number, a boolean, a list or an Array");
    int32_t size = ann_population_size(net, pop);
    if (!ann_population_attr_local(net, pop, k)) {
        if (!scalar) return luaL_error(L, "annarchy: a global attribute takes a single value");
        ann_population_set(net, pop, k, 0, value_at(L, 4, NULL, 0));
        return 0;
    }
    lua_Integer n = lua_isnoneornil(L, 5) ? size : luaL_len(L, 5);
    if (!scalar) {
        lua_Integer have = arr ? arr->size : luaL_len(L, 4);
        if (have != n)
            return luaL_error(L, "annarchy: expected %d values, got %d", (int)n, (int)have);
    }
    for (lua_Integer i = 0; i < n; i++) {
        lua_Integer r = i;
        if (!lua_isnoneornil(L, 5)) {
            lua_geti(L, 5, i + 1);
            r = lua_tointeger(L, -1);
            lua_pop(L, 1);
            if (r < 0 || r >= size) return luaL_error(L, "annarchy: rank %d out of range", (int)r + 1);
        }
        ann_population_set(net, pop, k, r, scalar ? value_at(L, 4, NULL, 0) : value_at(L, 4, arr, i));
    }
    return 0;
}

/* pop_refractory(id[, steps]) -> Array of per-neuron refractory steps; sets when given (a
 * number or one value per neuron). */
static int l_pop_refractory(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    int32_t size = ann_population_size(net, pop);
    ann_status st = {0, ""};
    if (ann_population_enable_refractory(net, pop, &st)) return annl_raise_core(L, &st);
    if (!lua_isnoneornil(L, 3)) {
        const ann_array *arr = annl_array_test(L, 3);
        int scalar = !arr && lua_type(L, 3) != LUA_TTABLE;
        if (!scalar) {
            lua_Integer have = arr ? arr->size : luaL_len(L, 3);
            if (have != size)
                return luaL_error(L, "annarchy: expected %d values, got %d", (int)size, (int)have);
        }
        for (int32_t i = 0; i < size; i++)
            ann_population_set_refractory(net, pop, i, (int32_t)(scalar ? value_at(L, 3, NULL, 0)
                                                                        : value_at(L, 3, arr, i)));
        return 0;
    }
    int64_t shape[1] = {size};
    ann_array *a = annl_array_new(L, 1, shape);
    for (int32_t i = 0; i < size; i++) a->data[i] = ann_population_refractory(net, pop, i);
    return 1;
}

/* pop_set_ext(id, k, values): extension buffer k (an Array or a list of numbers) */
static int l_pop_set_ext(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    int k = (int)luaL_checkinteger(L, 3);
    const ann_array *arr = annl_array_test(L, 4);
    ann_status st = {0, ""};
    if (arr) {
        if (ann_population_set_ext(net, pop, k, arr->data, arr->size, &st)) return annl_raise_core(L, &st);
        return 0;
    }
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 4);
    double *tmp = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *tmp, 0);
    for (lua_Integer i = 0; i < n; i++) {
        lua_geti(L, 4, i + 1);
        tmp[i] = lua_tonumber(L, -1);
        lua_pop(L, 1);
    }
    if (ann_population_set_ext(net, pop, k, tmp, n, &st)) return annl_raise_core(L, &st);
    return 0;
}

/* pop_get_ext(id, k) -> Array */
static int l_pop_get_ext(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    lua_Integer k = luaL_checkinteger(L, 3);
    luaL_argcheck(L, k >= 0 && k < ann_population_ext_count(net, pop), 3, "no such extension buffer");
    int64_t n;
    const double *ext = ann_population_ext(net, pop, (int)k, &n);
    int64_t shape[1] = {n};
    ann_array *a = annl_array_new(L, 1, shape);
    if (n > 0) memcpy(a->data, ext, (size_t)n * sizeof(double));
    return 1;
}

/* pop_spiked(id) -> list of 0-based ranks that spiked in the last step */
static int l_pop_spiked(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int32_t n;
    const int32_t *spiked = ann_population_spiked(net, check_pop(L, net, 2), &n);
    lua_createtable(L, n, 0);
    for (int32_t i = 0; i < n; i++) {
        lua_pushinteger(L, spiked[i]);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static int l_pop_enabled(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    if (!lua_isnoneornil(L, 3)) ann_population_set_enabled(net, pop, lua_toboolean(L, 3));
    lua_pushboolean(L, ann_population_enabled(net, pop));
    return 1;
}

/* bind(module): looks the kernels up; the network keeps the module alive. */
static int l_bind(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    const ann_module *m = annl_module_check(L, 2);
    ann_status st = {0, ""};
    if (ann_network_bind(net, m, &st)) return annl_raise_core(L, &st);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, 1, 1);
    return 0;
}

/* The network a run of this thread simulates, for Ctrl-C: SIGINT asks it to stop at the next
 * step boundary (the core installs no handler; the binding is the host here). */
static ann_network *volatile running;
static void on_sigint(int sig)
{
    (void)sig;
    ann_network *net = running;
    if (net) ann_network_interrupt(net);
}

/* run(nsteps[, mode, pops]) -> steps done; mode "and"/"or" with a list of population ids */
static int l_run(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    lua_Integer n = luaL_checkinteger(L, 2);
    static const char *const modes[] = {"none", "and", "or", NULL};
    int mode = luaL_checkoption(L, 3, "none", modes);
    int32_t pops[64];
    int32_t npops = 0;
    if (mode != ANN_UNTIL_NONE) {
        luaL_checktype(L, 4, LUA_TTABLE);
        lua_Integer len = luaL_len(L, 4);
        luaL_argcheck(L, len <= 64, 4, "too many populations");
        for (lua_Integer i = 0; i < len; i++) {
            lua_geti(L, 4, i + 1);
            pops[npops++] = (int32_t)check_pop(L, net, -1);
            lua_pop(L, 1);
        }
    }
    int64_t done = 0;
    ann_status st = {0, ""};
    /* Ctrl-C stops a run of several steps between two of them. Not around a single step:
     * there is no boundary to stop at, and the two sigaction calls would cost more than a
     * small network's step (the host's own handler then sees Ctrl-C). Inside an embedding
     * host the program owns signals: no handler at all. */
    int handler = n > 1;
    if (handler) {
        lua_getfield(L, LUA_REGISTRYINDEX, ANNL_EMBEDDED_KEY);
        handler = !lua_toboolean(L, -1);
        lua_pop(L, 1);
    }
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    ann_network *outer = running;
    if (handler) {
        running = net;
        sigaction(SIGINT, &sa, &old);
    }
    int rc = ann_network_run(net, n, mode, pops, npops, &done, &st);
    if (handler) {
        sigaction(SIGINT, &old, NULL);
        running = outer;
    }
    if (rc) {
        lua_pushinteger(L, done);
        lua_pushstring(L, st.msg);
        return 2;
    }
    lua_pushinteger(L, done);
    return 1;
}

static int l_step_count(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    if (!lua_isnoneornil(L, 2)) ann_network_set_step_count(net, luaL_checkinteger(L, 2));
    lua_pushinteger(L, ann_network_step_count(net));
    return 1;
}

static int l_seed(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    if (!lua_isnoneornil(L, 2)) ann_network_set_seed(net, (uint64_t)luaL_checkinteger(L, 2));
    lua_pushinteger(L, (lua_Integer)ann_network_seed(net));
    return 1;
}

/* threads(net [, n]) -> the number of threads running its steps, after setting it to n */
static int l_threads(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    ann_status st;
    if (!lua_isnoneornil(L, 2) && ann_network_set_threads(net, (int32_t)luaL_checkinteger(L, 2), &st))
        return annl_raise_core(L, &st);
    lua_pushinteger(L, ann_network_threads(net));
    return 1;
}

/* divide_synapses(net [, on]) -> whether projections keep their synapses only on the process
 * of their post neurons, after setting it */
static int l_divide_synapses(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    if (!lua_isnoneornil(L, 2)) ann_network_set_divide_synapses(net, lua_toboolean(L, 2));
    lua_pushboolean(L, ann_network_divide_synapses(net));
    return 1;
}

static int l_cpu_count(lua_State *L)
{
    lua_pushinteger(L, ann_cpu_count());
    return 1;
}

static int l_mpi_rank(lua_State *L)
{
    lua_pushinteger(L, ann_mpi_rank());
    return 1;
}

static int l_mpi_size(lua_State *L)
{
    lua_pushinteger(L, ann_mpi_size());
    return 1;
}

/* ---- monitors ---- */

static ann_monitor *check_mon(lua_State *L, int idx)
{
    return annl_owned_check(L, idx, MONITOR_MT, "monitor")->obj;
}

/* monitor_new(pop, ranks|nil, period, period_offset) */
static int l_monitor_new(lua_State *L)
{
    ann_network *net = annl_net_check(L, 1);
    int pop = check_pop(L, net, 2);
    int32_t period = (int32_t)luaL_checkinteger(L, 4);
    int32_t offset = (int32_t)luaL_checkinteger(L, 5);
    int32_t size = ann_population_size(net, pop);
    int32_t *ranks = NULL;
    lua_Integer n = 0;
    if (!lua_isnoneornil(L, 3)) {
        luaL_checktype(L, 3, LUA_TTABLE);
        n = luaL_len(L, 3);
        ranks = lua_newuserdatauv(L, (size_t)(n + 1) * sizeof *ranks, 0);
        for (lua_Integer i = 0; i < n; i++) {
            lua_geti(L, 3, i + 1);
            lua_Integer r = lua_tointeger(L, -1);
            lua_pop(L, 1);
            if (r < 0 || r >= size) return luaL_error(L, "annarchy: rank %d out of range", (int)r + 1);
            ranks[i] = (int32_t)r;
        }
    }
    annl_owned *m = annl_owned_push(L, 1, MONITOR_MT);
    ann_status st = {0, ""};
    m->obj = ann_monitor_new(net, pop, ranks, (int32_t)n, period, offset, &st);
    if (!m->obj) return annl_raise_core(L, &st);
    return 1;
}

static int l_mon_free(lua_State *L)
{
    annl_owned *h = luaL_checkudata(L, 1, MONITOR_MT);
    ann_monitor *m = annl_owned_release(L, 1, MONITOR_MT);
    if (m) ann_monitor_free(h->owner->net, m);
    return 0;
}

static int l_mon_add_variable(lua_State *L)
{
    ann_monitor *m = check_mon(L, 1);
    ann_status st = {0, ""};
    int v = ann_monitor_add_variable(m, (int)luaL_checkinteger(L, 2), (int32_t)luaL_checkinteger(L, 3),
                                     lua_toboolean(L, 4), &st);
    if (v < 0) return annl_raise_core(L, &st);
    lua_pushinteger(L, v);
    return 1;
}

static int l_mon_set_name(lua_State *L)
{
    ann_status st = {0, ""};
    if (ann_monitor_set_name(check_mon(L, 1), luaL_checkstring(L, 2), &st)) return annl_raise_core(L, &st);
    return 0;
}

static int l_mon_set_recording(lua_State *L)
{
    ann_monitor_set_recording(check_mon(L, 1), lua_toboolean(L, 2));
    return 0;
}

static int l_mon_restart_phase(lua_State *L)
{
    ann_monitor_restart_phase(check_mon(L, 1));
    return 0;
}

static int l_mon_set_period(lua_State *L)
{
    ann_monitor_set_period(check_mon(L, 1), (int32_t)luaL_checkinteger(L, 2),
                           (int32_t)luaL_checkinteger(L, 3));
    return 0;
}

/* data(v) -> Array {records, width} */
static int l_mon_data(lua_State *L)
{
    ann_monitor *m = check_mon(L, 1);
    int64_t nrec, width;
    const double *d = ann_monitor_data(m, (int)luaL_checkinteger(L, 2), &nrec, &width);
    int64_t shape[2] = {nrec, width};
    ann_array *a = annl_array_new(L, 2, shape);
    if (nrec * width > 0) memcpy(a->data, d, (size_t)(nrec * width) * sizeof *d);
    return 1;
}

/* spikes(v) -> table 0-based rank -> list of steps (only ranks that spiked) */
static int l_mon_spikes(lua_State *L)
{
    ann_monitor *m = check_mon(L, 1);
    int64_t n;
    const int64_t *s = ann_monitor_spikes(m, (int)luaL_checkinteger(L, 2), &n);
    lua_newtable(L);
    for (int64_t i = 0; i < n; i++) {
        if (lua_rawgeti(L, -1, s[2 * i]) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_rawseti(L, -3, s[2 * i]);
        }
        lua_pushinteger(L, s[2 * i + 1]);
        lua_rawseti(L, -2, (lua_Integer)luaL_len(L, -2) + 1);
        lua_pop(L, 1);
    }
    return 1;
}

static int l_mon_clear(lua_State *L)
{
    ann_monitor_clear(check_mon(L, 1), (int)luaL_optinteger(L, 2, -1));
    return 0;
}

static int l_mon_bytes(lua_State *L)
{
    ann_monitor *m = check_mon(L, 1);
    if (lua_isnoneornil(L, 2)) lua_pushinteger(L, ann_monitor_bytes(m));
    else lua_pushinteger(L, ann_monitor_bytes_needed(m, luaL_checkinteger(L, 2)));
    return 1;
}

void annl_open_network(lua_State *L)
{
    static const luaL_Reg net_methods[] = {
        {"add_constant", l_add_constant},       {"set_constant", l_set_constant},
        {"add_population", l_add_population},   {"pop_mark_sum", l_pop_mark_sum},
        {"pop_add_gop", l_pop_add_gop},         {"pop_enable_refractory", l_pop_enable_refractory},
        {"pop_set_rate_window", l_pop_set_rate_window}, {"pop_clear", l_pop_clear},
        {"pop_get", l_pop_get},                 {"pop_set", l_pop_set},
        {"pop_refractory", l_pop_refractory},   {"pop_spiked", l_pop_spiked},
        {"pop_enabled", l_pop_enabled},         {"bind", l_bind},
        {"pop_set_ext", l_pop_set_ext},         {"pop_get_ext", l_pop_get_ext},
        {"run", l_run},                         {"step_count", l_step_count},
        {"seed", l_seed},                       {"monitor_new", l_monitor_new},
        {"threads", l_threads},
        {"divide_synapses", l_divide_synapses},
        {"destroy", l_net_gc},                  {NULL, NULL}};
    static const luaL_Reg mon_methods[] = {
        {"add_variable", l_mon_add_variable},   {"set_recording", l_mon_set_recording},
        {"restart_phase", l_mon_restart_phase}, {"set_period", l_mon_set_period},
        {"data", l_mon_data},                   {"spikes", l_mon_spikes},
        {"clear", l_mon_clear},                 {"bytes", l_mon_bytes},
        {"free", l_mon_free},                   {"set_name", l_mon_set_name},
        {NULL, NULL}};
    annl_new_class(L, ANNL_NETWORK_MT, net_methods, l_net_gc);
    lua_pop(L, 1);
    annl_new_class(L, MONITOR_MT, mon_methods, l_mon_free);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_network_new);
    lua_setfield(L, -2, "network_new");
    lua_pushcfunction(L, l_cpu_count);
    lua_setfield(L, -2, "cpu_count");
    lua_pushcfunction(L, l_mpi_rank);
    lua_setfield(L, -2, "mpi_rank");
    lua_pushcfunction(L, l_mpi_size);
    lua_setfield(L, -2, "mpi_size");
}
