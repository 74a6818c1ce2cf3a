-- hybrid.lua: a hybrid rate-coded / spiking network (the Hybrid notebook of ANNarchy; Vitay,
-- Dinkelbach & Hamker 2015, Fig. 4). A rate-coded input drives 1000 Poisson neurons through a
-- projection with target "exc" (every neuron fires at the input value, in Hz); their spikes are
-- decoded back into rates by a DecodingProjection with a 10 ms window. Post neuron N reads the
-- pre neurons 1..N, so its decoded rate follows the input more closely as N grows: the error of
-- a Poisson count falls as 1/sqrt(N F T) (rate F, window T).
-- Run: annlua examples/hybrid.lua [--size N] [--window ms] [--segment ms] [--repeats k]
-- [--seed s]; prints the decoded rates against the input and the decoding error against the
-- Poisson formula.
local ann = require("annarchy")

local function option(name, default)
  for i = 1, #arg do
    if arg[i] == name then return tonumber(arg[i + 1]) end
  end
  return default
end

local M = {}

--- The notebook's protocol: input rates (Hz), each held for `segment` ms.
M.defaults = {size = 1000, rates = {0, 10, 50, 100}, segment = 250.0, repeats = 1,
  window = 10.0, dt = 0.1, record = {1, 10, 100, 1000}}

--- The notebook's connector: post neuron i reads the pre neurons 1..i, weight 1.
function M.triangular(pre, post, dt)
  local lil = ann.LILConnectivity(dt)
  for i = 1, math.min(pre.size, post.size) do
    local ranks = {}
    for j = 1, i do ranks[j] = j end
    lil:add(i, ranks, 1.0, 0.0)
  end
  return lil
end

--- Builds and runs the network. `opts` (all optional, see M.defaults): size (Poisson and
-- decoding neurons), rates (Hz, one per segment), segment (ms), repeats (the rate sequence
-- played that many times), window (ms), dt, seed, record (the N whose decoded rate is kept).
-- Returns a table: net, input (Array, the input rate at every step), decoded (N -> Array, the
-- decoded rate of post neuron N at every step), record, window_steps, segment_steps, dt, rates.
function M.run(opts)
  opts = opts or {}
  local o = {}
  for k, v in pairs(M.defaults) do o[k] = v end
  for k, v in pairs(opts) do o[k] = v end
  local record, seen = {}, {}
  for _, n in ipairs(o.record) do
    if n >= 1 and n <= o.size and not seen[n] then record[#record + 1], seen[n] = n, true end
  end
  if not seen[o.size] then record[#record + 1] = o.size end
  table.sort(record)

  local net = ann.Network{dt = o.dt, seed = o.seed}
  local inp = net:create(ann.InputArray(1, {name = "input"}))
  local spikes = net:create(ann.PoissonPopulation(o.size, {target = "exc", name = "poisson"}))
  net:connect(inp, spikes, "exc"):all_to_all(1.0)
  local decoded = net:create(o.size, ann.Neuron{equations = "r = sum(exc)", name = "Decoder"},
    {name = "decoded"})
  net:connect(ann.DecodingProjection(spikes, decoded, "exc", {window = o.window}))
    :from_function(M.triangular)
  local m_in = net:monitor(inp, "r")
  local m_out = net:monitor(decoded[record], "r")
  net:compile{silent = true}
  for _ = 1, o.repeats do
    for _, f in ipairs(o.rates) do
      inp.r = f
      net:simulate(o.segment)
    end
  end

  local r = m_out:get("r")
  local res = {net = net, input = m_in:get("r"):flatten(), decoded = {}, record = record,
    window_steps = math.floor(o.window / o.dt + 1e-9), segment_steps = math.floor(o.segment / o.dt + 0.5),
    dt = o.dt, rates = o.rates}
  if res.window_steps < 1 then res.window_steps = 1 end
  local steps = r.shape[1]
  for c, n in ipairs(record) do
    local a = ann.zeros(steps)
    for k = 1, steps do a[k] = r[k][c] end
    res.decoded[n] = a
  end
  return res
end

--- Steady steps: the window (the W steps before a step) lies inside one segment. Step k (0-based)
-- is steady when k mod S >= W. Record j holds step j - 1.
local function steady(res, j)
  return (j - 1) % res.segment_steps >= res.window_steps
end

--- RMS difference between the decoded rate of post neuron n and the input, over steady steps.
function M.decoding_error(res, n)
  local d, sum, count = res.decoded[n], 0.0, 0
  for j = 1, d.size do
    if steady(res, j) then
      local e = d[j] - res.input[j]
      sum, count = sum + e * e, count + 1
    end
  end
  return math.sqrt(sum / count)
end

--- Mean decoded rate of post neuron n over the steady steps of the segments at each rate.
function M.mean_decoded(res, n)
  local sums, counts = {}, {}
  local d = res.decoded[n]
  for j = 1, d.size do
    if steady(res, j) then
      local f = res.input[j]
      sums[f], counts[f] = (sums[f] or 0) + d[j], (counts[f] or 0) + 1
    end
  end
  local means = {}
  for f, s in pairs(sums) do means[f] = s / counts[f] end
  return means
end

--- The Poisson figure: N neurons at F Hz give a count over T = W dt / 1000 s with variance
-- N W p (1 - p), p = F dt / 1000; divided by N T it is a rate with variance F (1 - p) / (N T)
-- (relative error 1 / sqrt(N F T) when p is small). Averaged over equal segments: the root of
-- the mean of F (1 - p) / (N T).
function M.expected_error(res, n)
  local t, ms = res.window_steps * res.dt / 1000, 0.0
  for _, f in ipairs(res.rates) do ms = ms + f * (1 - f * res.dt / 1000) end
  return math.sqrt(ms / #res.rates / (n * t))
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local opts = {size = option("--size", 1000), window = option("--window", 10.0),
    segment = option("--segment", 250.0), repeats = option("--repeats", 1), seed = option("--seed", 42)}
  local t0 = os.clock()
  local res = M.run(opts)
  local dur = #res.rates * res.segment_steps * res.dt * opts.repeats
  print(("Hybrid network: input -> %d Poisson neurons -> DecodingProjection (window %g ms), " ..
    "%g ms in %.2f s"):format(opts.size, opts.window, dur, os.clock() - t0))
  local head = {"  t (ms)  input"}
  for _, n in ipairs(res.record) do head[#head + 1] = ("%7s"):format("N=" .. n) end
  print(table.concat(head, "  "))
  local every = math.max(1, math.floor(res.segment_steps / 5))
  for j = every, res.input.size, every do
    local line = {("%8.1f %6.1f"):format((j - 1) * res.dt, res.input[j])}
    for _, n in ipairs(res.record) do line[#line + 1] = ("%7.1f"):format(res.decoded[n][j]) end
    print(table.concat(line, "  "))
  end
  print("decoding error (RMS over steady steps) against the Poisson formula sqrt(mean F (1 - p) / (N T)):")
  for _, n in ipairs(res.record) do
    local e, x = M.decoding_error(res, n), M.expected_error(res, n)
    print(("  N = %4d: %7.3f Hz, formula %7.3f Hz, ratio %.3f"):format(n, e, x, e / x))
  end
  local n = res.record[#res.record]
  local means = M.mean_decoded(res, n)
  local parts = {}
  for _, f in ipairs(res.rates) do parts[#parts + 1] = ("%g -> %.2f"):format(f, means[f] or 0) end
  print(("mean decoded rate of N = %d (input -> decoded, Hz): %s"):format(n, table.concat(parts, ", ")))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    local t, curves, labels = {}, {res.input}, {"input"}
    for j = 1, res.input.size do t[j] = (j - 1) * res.dt end
    for _, k in ipairs(res.record) do
      curves[#curves + 1], labels[#labels + 1] = res.decoded[k], ("decoded, N = %d"):format(k)
    end
    ann.plot.xy(t, curves, {file = figure, labels = labels, xlabel = "time (ms)", ylabel = "rate (Hz)",
      legend = "top left", title = "Hybrid network: Poisson coding and decoding"})
  end
end

return M
