--- Utilities of the reference's `ANNarchy.core.Utils` (reference-library §5.4-5.7): report,
-- timeit, sparse_random_matrix, sparse_delays_from_weights.
--
-- A sparse matrix is, in Lua, the coordinate form that `proj:from_sparse{...}` takes: a plain
-- table `{pre_ranks = {...}, post_ranks = {...}, weights = {...}}` (1-based ranks, one entry
-- per synapse, ordered by pre rank then post rank, as the rows of the reference's lil_matrix
-- of shape (pre, post)), plus `delays = {...}` (ms, one per entry) when it carries delays.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local args = require("annarchy.args")
local random = require("annarchy.random")

local fail = util.fail
local M = {}

M.report = require("annarchy.io.report").report

-- ---- timeit ---------------------------------------------------------------------------------

local function describe_function(fn)
  local info = debug.getinfo(fn, "S")
  if not info then return "function" end
  if info.what == "C" then return "function [C]" end
  return ("function %s:%d"):format(info.short_src, info.linedefined or 0)
end

local function show_args(n, ...)
  local t = {}
  for i = 1, n do
    local v = select(i, ...)
    t[i] = type(v) == "string" and ("%q"):format(v) or tostring(v)
  end
  return table.concat(t, ", ")
end

--- `timeit(fn, ...)`: calls `fn(...)` once, prints
-- `Function <where fn is defined>(<arguments>) took <seconds, 4 decimals> seconds` and returns
-- the elapsed wall-clock time in seconds (a monotonic clock) followed by everything `fn`
-- returned. An error in `fn` propagates (nothing is printed).
function M.timeit(fn, ...)
  if type(fn) ~= "function" and not (type(fn) == "table" and getmetatable(fn) and getmetatable(fn).__call) then
    fail("timeit(fn, ...): fn must be a function, got %s", type(fn))
  end
  local n = select("#", ...)
  local t0 = runtime.clock()
  local res = table.pack and table.pack(fn(...)) or {n = -1, fn(...)}
  local elapsed = runtime.clock() - t0
  if res.n == -1 then res.n = #res end
  local name = type(fn) == "function" and describe_function(fn) or "callable"
  io.write(("Function %s(%s) took %.4f seconds\n"):format(name, show_args(n, ...), elapsed))
  return elapsed, (table.unpack or _G.unpack)(res, 1, res.n)
end

-- ---- sparse matrices ----------------------------------------------------------------------

local SPARSE_STREAM = 0x7a000000   -- streams of these helpers' draws (any fixed numbers)

local function size_of(x, what)
  if util.is_integer(x) and x >= 0 then return x end
  if type(x) == "table" then
    local ok, n = pcall(function() return x.size end)
    if ok and util.is_integer(n) then return n end
  end
  fail("sparse_random_matrix: %s must be a number of neurons or a population, got %s", what, util.show(x))
end

local function seed_of(opts, fname)
  if opts.seed == nil then return runtime.seed_from_entropy() end
  if not util.is_integer(opts.seed) then fail("%s: the seed must be an integer", fname) end
  return opts.seed
end

--- `sparse_random_matrix(pre, post, proba, weights, {seed})`: a random sparse matrix of
-- shape (pre, post) (sizes, or populations/views whose sizes are taken): for every pre
-- neuron, k ~ Binomial(post, proba) distinct post neurons chosen uniformly; the weight of each
-- entry is `weights` (a number) or a draw of `weights` (a distribution). Returns
-- `{pre_ranks, post_ranks, weights}` for `proj:from_sparse`. The draws come from `seed`, or
-- from the system's entropy without one (the reference uses unseeded global generators);
-- a distribution with its own seed keeps its own stream.
function M.sparse_random_matrix(...)
  local a = args.parse("sparse_random_matrix", {"pre", "post", "proba", "weights", "seed"}, select("#", ...), ...)
  local npre, npost = size_of(a.pre, "pre"), size_of(a.post, "post")
  local p = a.proba
  if type(p) ~= "number" or p < 0 or p > 1 or p ~= p then
    fail("sparse_random_matrix: proba must be a number between 0 and 1, got %s", util.show(p))
  end
  local w = a.weights
  if type(w) ~= "number" and not random.is_distribution(w) then
    fail("sparse_random_matrix: weights must be a number or a random distribution, got %s", util.show(w))
  end
  local seed = seed_of(a, "sparse_random_matrix")
  local out = {pre_ranks = {}, post_ranks = {}, weights = {}}
  if npre == 0 or npost == 0 then return out end
  local counts = random.Binomial(npost, p):sample(seed, SPARSE_STREAM, npre)
  local total = 0
  for i = 1, npre do total = total + counts[i] end
  if total == 0 then return out end
  local u = random.Uniform(0.0, 1.0):sample(seed, SPARSE_STREAM + 1, total)
  local values
  if random.is_distribution(w) then values = random.sample(w, seed, SPARSE_STREAM + 2, total) end
  local pos = 0
  for i = 1, npre do
    local k = counts[i]
    -- Floyd's algorithm: k distinct ranks of 1..npost, each subset equally likely
    local chosen, list = {}, {}
    for j = npost - k + 1, npost do
      pos = pos + 1
      local t = math.floor(u[pos] * j) + 1
      if t > j then t = j end
      if chosen[t] then t = j end
      chosen[t] = true
      list[#list + 1] = t
    end
    table.sort(list)
    local base = pos - k
    for x, q in ipairs(list) do
      local n = #out.pre_ranks + 1
      out.pre_ranks[n] = i
      out.post_ranks[n] = q
      out.weights[n] = values and values[base + x] or w
    end
  end
  return out
end

local function check_sparse(m, fname)
  if type(m) ~= "table" or type(m.pre_ranks) ~= "table" or type(m.post_ranks) ~= "table" or
      #m.pre_ranks ~= #m.post_ranks then
    fail("%s: a sparse matrix {pre_ranks, post_ranks, weights} is expected (as returned by "
      .. "sparse_random_matrix)", fname)
  end
end

--- `sparse_delays_from_weights(weights, delays, {seed})`: the sparse matrix `weights` with a
-- delay (ms) for each of its entries: the number `delays`, or one draw of the distribution
-- `delays` per entry (its own stream, as the reference's get_value(), unless `seed` is
-- given). Returns `{pre_ranks, post_ranks, weights, delays}`: the same pattern, accepted as is
-- by `proj:from_sparse(...)`.
function M.sparse_delays_from_weights(...)
  local a = args.parse("sparse_delays_from_weights", {"weights", "delays", "seed"}, select("#", ...), ...)
  local m = a.weights
  check_sparse(m, "sparse_delays_from_weights")
  local d = a.delays
  local n = #m.pre_ranks
  local out = {pre_ranks = util.copy_list(m.pre_ranks), post_ranks = util.copy_list(m.post_ranks),
               delays = {}}
  if m.weights ~= nil then
    out.weights = type(m.weights) == "table" and util.copy_list(m.weights) or m.weights
  end
  if type(d) == "number" then
    if d < 0 or d ~= d then fail("sparse_delays_from_weights: delays must be non-negative") end
    for k = 1, n do out.delays[k] = d end
  elseif random.is_distribution(d) then
    if n > 0 then
      local v
      if a.seed ~= nil then
        v = random.sample(d, seed_of(a, "sparse_delays_from_weights"), SPARSE_STREAM + 3, n)
      else
        v = d:get_values(n)
      end
      for k = 1, n do out.delays[k] = v[k] end
    end
  else
    fail("sparse_delays_from_weights: delays must be a number or a random distribution, got %s", util.show(d))
  end
  return out
end

return M
