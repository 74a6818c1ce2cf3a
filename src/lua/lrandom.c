/* Host-side random distributions for lua/annarchy/random.lua and the runtime.
 *
 *   dist_check(kind, p1, p2, min, max)           -> true | false, message
 *   dist_fill(kind, p1, p2, min, max, seed, stream, first, shape) -> Array
 *       value i (0-based, row-major) is position first + i of the stream (seed, stream)
 *   seed_from_entropy()                          -> integer in [0, 2^53)
 *   rng_draw(kind, p1, p2, seed, stream, elem, step, k) -> number
 *       the kernels' draw annk_<kind>(p1, p2, seed, stream, elem, step, k), unclipped
 *   philox4x32_10(c0, c1, c2, c3, k0, k1)        -> r0, r1, r2, r3
 *   RNG_STREAM_OBJECT                            stream id of stand-alone distribution objects
 *
 * `kind` is a distribution name ("Uniform", "DiscreteUniform", "Normal", "LogNormal",
 * "Exponential", "Gamma", "Binomial"); min and max are numbers or nil (no clipping). */
#include "lannarchy.h"
#include "larray.h"
#include "annarchy.h"

#include "kernel/10_rng.h"

#include <lauxlib.h>

static int check_kind(lua_State *L, int idx)
{
    const char *name = luaL_checkstring(L, idx);
    int kind = ann_dist_kind_from_name(name);
    if (kind < 0)
        luaL_argerror(L, idx, lua_pushfstring(L, "unknown distribution '%s'", name));
    return kind;
}

/* Reads (kind, p1, p2, min, max) from idx .. idx+4. */
static void read_dist(lua_State *L, int idx, ann_dist *d)
{
    d->kind = check_kind(L, idx);
    d->p1 = luaL_checknumber(L, idx + 1);
    d->p2 = luaL_optnumber(L, idx + 2, 0.0);
    d->has_min = !lua_isnoneornil(L, idx + 3);
    d->min = d->has_min ? luaL_checknumber(L, idx + 3) : 0.0;
    d->has_max = !lua_isnoneornil(L, idx + 4);
    d->max = d->has_max ? luaL_checknumber(L, idx + 4) : 0.0;
}

static uint64_t check_u64(lua_State *L, int idx, const char *what)
{
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint)
        luaL_argerror(L, idx, lua_pushfstring(L, "%s should be an integer", what));
    return (uint64_t)v;
}

static uint32_t check_u32(lua_State *L, int idx, const char *what)
{
    int isint = 0;
    lua_Integer v = lua_tointegerx(L, idx, &isint);
    if (!isint || v < 0 || v > (lua_Integer)0xffffffff)
        luaL_argerror(L, idx, lua_pushfstring(L, "%s should be an integer in [0, 2^32)", what));
    return (uint32_t)v;
}

static int l_dist_check(lua_State *L)
{
    ann_dist d;
    ann_status st;
    read_dist(L, 1, &d);
    if (ann_dist_check(&d, &st) != 0) {
        lua_pushboolean(L, 0);
        lua_pushstring(L, st.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int l_dist_fill(lua_State *L)
{
    ann_dist d;
    ann_rng r;
    ann_array *a;
    ann_status st;
    uint64_t seed, first;
    uint32_t stream;
    int64_t shape[ANN_ARRAY_MAXDIM];
    int ndim, isint = 0;
    lua_Integer f;
    read_dist(L, 1, &d);
    seed = check_u64(L, 6, "the seed");
    stream = check_u32(L, 7, "the stream");
    f = lua_tointegerx(L, 8, &isint);
    if (!isint || f < 0)
        return luaL_argerror(L, 8, "the first position should be a non-negative integer");
    first = (uint64_t)f;
    ndim = annl_array_checkshape(L, 9, shape, "dist_fill");
    if (ann_dist_check(&d, &st) != 0)
        return luaL_error(L, "%s", st.msg);
    a = annl_array_new(L, ndim, shape);
    ann_rng_init(&r, seed, stream);
    ann_rng_seek(&r, first);
    ann_dist_fill(&d, &r, a->data, a->size);
    return 1;
}

static int l_seed_from_entropy(lua_State *L)
{
    /* 53 bits: prints as an ordinary number and survives a trip through a double */
    lua_pushinteger(L, (lua_Integer)(ann_seed_from_entropy() & (((uint64_t)1 << 53) - 1)));
    return 1;
}

static int l_rng_draw(lua_State *L)
{
    int kind = check_kind(L, 1);
    double p1 = luaL_checknumber(L, 2), p2 = luaL_optnumber(L, 3, 0.0), x = 0.0;
    uint64_t seed = check_u64(L, 4, "the seed");
    uint32_t stream = check_u32(L, 5, "the stream");
    uint32_t elem = check_u32(L, 6, "the element");
    uint64_t step = check_u64(L, 7, "the step");
    uint32_t k = check_u32(L, 8, "k");
    switch (kind) {
    case ANN_DIST_UNIFORM:
        x = annk_uniform_ab(p1, p2, seed, stream, elem, step, k);
        break;
    case ANN_DIST_DISCRETE_UNIFORM:
        x = annk_discrete_uniform(p1, p2, seed, stream, elem, step, k);
        break;
    case ANN_DIST_NORMAL:
        x = annk_normal(p1, p2, seed, stream, elem, step, k);
        break;
    case ANN_DIST_LOGNORMAL:
        x = annk_lognormal(p1, p2, seed, stream, elem, step, k);
        break;
    case ANN_DIST_EXPONENTIAL:
        x = annk_exponential(p1, seed, stream, elem, step, k);
        break;
    case ANN_DIST_GAMMA:
        x = annk_gamma(p1, p2, seed, stream, elem, step, k);
        break;
    case ANN_DIST_BINOMIAL:
        x = annk_binomial(p1, p2, seed, stream, elem, step, k);
        break;
    default:
        break;
    }
    lua_pushnumber(L, x);
    return 1;
}

static int l_philox(lua_State *L)
{
    uint32_t ctr[4], key[2], out[4];
    int i;
    for (i = 0; i < 4; i++)
        ctr[i] = check_u32(L, i + 1, "a counter word");
    for (i = 0; i < 2; i++)
        key[i] = check_u32(L, i + 5, "a key word");
    annk_philox4x32_10(ctr, key, out);
    for (i = 0; i < 4; i++)
        lua_pushinteger(L, (lua_Integer)out[i]);
    return 4;
}

static const luaL_Reg functions[] = {
    {"dist_check", l_dist_check},
    {"dist_fill", l_dist_fill},
    {"seed_from_entropy", l_seed_from_entropy},
    {"rng_draw", l_rng_draw},
    {"philox4x32_10", l_philox},
    {NULL, NULL}
};

void annl_open_random(lua_State *L)
{
    luaL_setfuncs(L, functions, 0);
    lua_pushinteger(L, (lua_Integer)ANN_RNG_STREAM_OBJECT);
    lua_setfield(L, -2, "RNG_STREAM_OBJECT");
}
