--- Random distributions: Uniform, DiscreteUniform, Normal, LogNormal, Exponential, Gamma,
-- Binomial.
--
-- A distribution is an immutable value (it has a metatable, so it is never mistaken for an
-- options table). It draws from the counter-based generator of the core: its own stream
-- (`get_values`, `get_value`) is keyed by its `seed` option, or by a seed taken from the
-- system's entropy when none is given; the runtime draws the values of a network from the
-- network's seed with `D:sample(seed, stream, first, shape)`.
--
-- `Exponential(lambda)` takes a RATE: the mean is 1/lambda, as inside equations (QUIRKS 13).
-- @module annarchy.random

local runtime = require("annarchy.runtime")

local M = {}

local OBJECT_STREAM = runtime.RNG_STREAM_OBJECT

-- Per kind: the parameters in positional order, their defaults, and the options.
local KINDS = {
    Uniform = { params = { "min", "max" }, options = { seed = true, rng = true } },
    DiscreteUniform = { params = { "min", "max" }, options = { seed = true, rng = true }, integer = true },
    Normal = { params = { "mu", "sigma" }, options = { min = true, max = true, seed = true, rng = true } },
    LogNormal = { params = { "mu", "sigma" }, options = { min = true, max = true, seed = true, rng = true } },
    Exponential = { params = { "lambda" }, options = { min = true, max = true, seed = true, rng = true } },
    Gamma = { params = { "alpha", "beta" }, defaults = { beta = 1 },
              options = { min = true, max = true, seed = true, rng = true } },
    Binomial = { params = { "n", "p" }, options = { seed = true, rng = true }, integer = true },
}

local Distribution = {}        -- methods
local DistMT = { __name = "ann.Distribution" }
local state = setmetatable({}, { __mode = "k" })   -- proxy -> private fields

local function fmt(x)
    if x == math.floor(x) and math.abs(x) < 1e15 then
        return string.format("%d", x)
    end
    return string.format("%.14g", x)
end

local function is_plain_table(t)
    return type(t) == "table" and getmetatable(t) == nil
end

-- True when t has only string keys (an options table); errors on a mix.
local function is_options(t, fname, level)
    local has_str, has_other = false, false
    for k in pairs(t) do
        if type(k) == "string" then has_str = true else has_other = true end
    end
    if has_str and has_other then
        error(fname .. ": a table mixing named and positional arguments", level + 1)
    end
    return not has_other
end

local function check_integer_seed(kind, seed, level)
    if seed == nil then return nil end
    if type(seed) ~= "number" or seed ~= math.floor(seed) or math.abs(seed) >= 2 ^ 63 then
        error(kind .. ": the seed should be an integer, got " .. tostring(seed), level + 1)
    end
    return seed
end

--- Parameters of a distribution as the core's C functions take them.
local function descriptor(s)
    local p = KINDS[s.kind].params
    return s.kind, s.values[p[1]], s.values[p[2]], s.values.min_clip, s.values.max_clip
end

local function new(kind, ...)
    local spec = KINDS[kind]
    local nargs = select("#", ...)
    local args = { ... }
    local values = {}
    local level = 3     -- the user's call of M.<kind>
    if nargs == 1 and is_plain_table(args[1]) and is_options(args[1], kind, level) then
        -- one table holding all arguments by name
        for k, v in pairs(args[1]) do
            local known = spec.options[k]
            for _, p in ipairs(spec.params) do
                if p == k then known = true end
            end
            if not known then
                error(string.format("%s: unknown argument '%s'", kind, k), level)
            end
            values[k] = v
        end
    else
        local np = #spec.params
        for i = 1, np do values[spec.params[i]] = args[i] end
        if nargs > np + 1 then
            error(string.format("%s: too many arguments (%d parameters and an options table)",
                kind, np), level)
        end
        local opts = args[np + 1]
        if nargs == np + 1 and opts ~= nil then
            if not is_plain_table(opts) or not is_options(opts, kind, level) then
                error(string.format("%s: argument #%d should be a table of options, got %s",
                    kind, np + 1, type(opts)), level)
            end
            for k, v in pairs(opts) do
                if not spec.options[k] then
                    error(string.format("%s: unknown option '%s'", kind, k), level)
                end
                values[k] = v
            end
        end
    end
    for _, p in ipairs(spec.params) do
        if values[p] == nil and spec.defaults then values[p] = spec.defaults[p] end
        if values[p] == nil then
            error(string.format("%s: missing argument '%s'", kind, p), level)
        end
        if type(values[p]) ~= "number" then
            error(string.format("%s: '%s' should be a number, got %s", kind, p,
                type(values[p])), level)
        end
    end
    for _, o in ipairs({ "min", "max" }) do
        if spec.options[o] and values[o] ~= nil and type(values[o]) ~= "number" then
            error(string.format("%s: '%s' should be a number, got %s", kind, o,
                type(values[o])), level)
        end
    end
    local seed = check_integer_seed(kind, values.seed, level)
    -- rng = a network: the values drawn outside a network come from that network's host
    -- draws (one shared sequence, as the reference's rng = net.default_rng)
    local rng = values.rng
    values.rng = nil
    if rng ~= nil then
        if type(rng) ~= "table" or type(rng._draw) ~= "function" then
            error(kind .. ": rng must be a network (rng = net), got " .. tostring(rng), level)
        end
        if seed ~= nil then error(kind .. ": give either seed or rng, not both", level) end
    end
    -- Uniform's min and max are parameters; clipping bounds exist for the others only
    if spec.options.min then
        values.min_clip, values.max_clip = values.min, values.max
    end
    local s = { kind = kind, values = values, seed = seed, rng = rng }
    local ok, msg = runtime.dist_check(descriptor(s))
    if not ok then error(msg, level) end
    s.rng_seed = seed or runtime.seed_from_entropy()
    s.pos = 0
    local d = setmetatable({}, DistMT)
    state[d] = s
    return d
end

DistMT.__index = function(d, k)
    local s = state[d]
    if k == "kind" then return s.kind end
    if k == "seed" then return s.seed end
    if k == "rng" then return s.rng end
    local spec = KINDS[s.kind]
    for _, p in ipairs(spec.params) do
        if p == k then return s.values[k] end
    end
    if spec.options[k] then return s.values[k] end
    local m = Distribution[k]
    if m then return m end
    error(string.format("%s has no field '%s'", s.kind, tostring(k)), 2)
end

DistMT.__newindex = function(d, k)
    error(string.format("%s: distributions are immutable (cannot set '%s'); create a new one",
        state[d].kind, tostring(k)), 2)
end

DistMT.__tostring = function(d)
    local s = state[d]
    local parts = {}
    for _, p in ipairs(KINDS[s.kind].params) do parts[#parts + 1] = fmt(s.values[p]) end
    if s.values.min_clip ~= nil then parts[#parts + 1] = "min=" .. fmt(s.values.min_clip) end
    if s.values.max_clip ~= nil then parts[#parts + 1] = "max=" .. fmt(s.values.max_clip) end
    return s.kind .. "(" .. table.concat(parts, ", ") .. ")"
end

local function is_count(v)
    return type(v) == "number" and v >= 0 and v == math.floor(v) and v < 2 ^ 53
end

-- The number of elements of a shape (a count or a list of counts); errors at `level`.
local function shape_size(shape, fname, level)
    if is_count(shape) then return shape end
    local n = 1
    local ok = type(shape) == "table" and getmetatable(shape) == nil and #shape >= 1
    if ok then
        for _, v in ipairs(shape) do
            if not is_count(v) then ok = false end
            n = n * (tonumber(v) or 0)
        end
    end
    if not ok then
        error(fname .. ": the shape should be a non-negative integer or a list of them, got "
            .. tostring(shape), level + 1)
    end
    return n
end

--- Values of the distribution's own stream, as an Array of the given shape.
-- @param shape a number or a list of numbers
function Distribution.get_values(d, shape)
    local s = state[d]
    if shape == nil then error(s.kind .. ":get_values(): a shape is needed", 2) end
    local n = shape_size(shape, s.kind .. ":get_values()", 2)
    if s.rng then return s.rng:_draw(d, shape) end
    local kind, p1, p2, lo, hi = descriptor(s)
    local a = runtime.dist_fill(kind, p1, p2, lo, hi, s.rng_seed, OBJECT_STREAM, s.pos, shape)
    s.pos = s.pos + n
    return a
end

local tointeger = math.tointeger or function(x) return x end

-- DiscreteUniform and Binomial values as Lua integers where the Lua has them.
local function as_number(s, x)
    if KINDS[s.kind].integer then return tointeger(x) or x end
    return x
end

--- One value of the distribution's own stream.
function Distribution.get_value(d)
    local s = state[d]
    local a = Distribution.get_values(d, 1)
    return as_number(s, a[1])
end

--- A plain Lua list of `size` values (the reference's get_list_values).
function Distribution.get_list_values(d, size)
    local s = state[d]
    shape_size(size, s.kind .. ":get_list_values()", 2)
    local a = Distribution.get_values(d, size)
    local t = {}
    for i = 1, a.size do t[i] = as_number(s, a[i]) end
    return t
end

--- Values for the runtime: value i (0-based, row-major) is position `first + i` of the
-- stream (seed, stream), whatever the distribution's own seed and stream.
-- @param seed the network's seed (an integer)
-- @param stream the runtime's stream id, an integer in [0, 2^32)
-- @param shape a number or a list of numbers
-- @param first the first position, default 0
function Distribution.sample(d, seed, stream, shape, first)
    shape_size(shape, state[d].kind .. ":sample()", 2)
    local kind, p1, p2, lo, hi = descriptor(state[d])
    return runtime.dist_fill(kind, p1, p2, lo, hi, seed, stream, first or 0, shape)
end

--- The parameters as a plain table {kind, p1, p2, min, max} (min/max are clipping bounds,
-- nil when absent), for code that hands them to C.
function Distribution.descriptor(d)
    local kind, p1, p2, lo, hi = descriptor(state[d])
    return { kind = kind, p1 = p1, p2 = p2, min = lo, max = hi }
end

--- A copy whose clipping bounds are replaced (nil keeps the current bound). For Uniform,
-- DiscreteUniform and Binomial this adds clipping that their constructors do not offer
-- (used for delays: values below dt are raised to dt).
function Distribution.with_bounds(d, min, max)
    local s = state[d]
    local values = {}
    for k, v in pairs(s.values) do values[k] = v end
    if min ~= nil then values.min_clip = min end
    if max ~= nil then values.max_clip = max end
    local c = { kind = s.kind, values = values, seed = s.seed, rng = s.rng, rng_seed = s.rng_seed, pos = 0 }
    local ok, msg = runtime.dist_check(descriptor(c))
    if not ok then error(msg, 2) end
    local r = setmetatable({}, DistMT)
    state[r] = c
    return r
end

--- The values a network draws for an initial value or a connector: from the network's
-- stream (seed, stream) from position `first` (default 0), unless the distribution was
-- given its own seed, which is then honoured (its own stream continues, as a seeded
-- generator would in the reference).
function M.sample(d, seed, stream, shape, first)
    if not M.is_distribution(d) then
        error("random.sample: a distribution expected, got " .. type(d), 2)
    end
    if state[d].seed ~= nil then return Distribution.get_values(d, shape) end
    return Distribution.sample(d, seed, stream, shape, first)
end

--- True if x is a distribution made by this module.
function M.is_distribution(x)
    return type(x) == "table" and state[x] ~= nil
end

for kind in pairs(KINDS) do
    M[kind] = function(...)
        local d = new(kind, ...)   -- not a tail call: error levels count this frame
        return d
    end
end

--- The names of the distributions (the reference's keywords()).
function M.names()
    return { "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma",
             "Binomial" }
end

return M
