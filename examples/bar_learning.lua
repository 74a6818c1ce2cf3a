-- bar_learning.lua: Foldiak's bar problem, learned with Oja's rule (ANNarchy's BarLearning
-- notebook). Each trial shows an 8x8 image in which every row and every column is, with
-- probability 1/8, a bar of 1s; 32 leaky rate neurons receive the image through plastic
-- feed-forward weights and inhibit each other through plastic lateral weights (both Oja's
-- rule). The neurons' receptive fields become single bars. Run: annlua examples/bar_learning.lua
-- [--trials n] [--seed s] [--long]; prints how many neurons learned a bar and which bars.
local ann = require("annarchy")

local M = {}

M.SIDE = 8                  -- the input is SIDE x SIDE
M.GEOMETRY = {8, 4}         -- 32 feature neurons
M.TRIAL = 50.0              -- ms per image

M.Leaky = ann.Neuron{
  parameters = "tau = 10.0 : population",
  equations = "tau * dr/dt + r = sum(exc) - sum(inh) : min = 0.0",
  name = "Leaky",
}

M.Oja = ann.Synapse{
  parameters = [[
    tau = 2000.0 : projection
    alpha = 8.0 : projection
    min_w = 0.0 : projection
  ]],
  equations = "tau * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min = min_w",
  name = "Oja",
}

--- Builds the network (not compiled): the input, the feature population and the two plastic
-- projections, weights Uniform(0, 0.5) forward and Uniform(0, 1) lateral, lateral alpha 0.3.
function M.build(seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local inp = net:create(ann.InputArray({M.SIDE, M.SIDE}, {name = "inp"}))
  local pop = net:create(M.GEOMETRY, M.Leaky, {name = "pop"})
  local ff = net:connect(inp, pop, "exc", {synapse = M.Oja, name = "ff"}):all_to_all(ann.Uniform(0.0, 0.5))
  local lat = net:connect(pop, pop, "inh", {synapse = M.Oja, name = "lat"}):all_to_all(ann.Uniform(0.0, 1.0))
  lat.alpha = 0.3
  return net, inp, pop, ff, lat
end

--- The image of one trial from 16 numbers in [0, 1): rows first, then columns; a bar is on
-- when its number is below 1/SIDE. Returns the image (nested table) and the list of bars on
-- (bar b: row b for b <= SIDE, column b - SIDE otherwise).
function M.image(u)
  local n = M.SIDE
  local img, bars = {}, {}
  for i = 1, n do
    img[i] = {}
    for j = 1, n do img[i][j] = 0.0 end
  end
  for b = 1, 2 * n do
    if u[b] < 1.0 / n then
      bars[#bars + 1] = b
      for k = 1, n do
        if b <= n then img[b][k] = 1.0 else img[k][b - n] = 1.0 end
      end
    end
  end
  return img, bars
end

--- One trial: clamp the image and simulate TRIAL ms (the feature rates are not reset).
function M.trial(net, inp, u)
  inp.r = M.image(u)
  net:simulate(M.TRIAL)
end

--- The feed-forward weights of every feature neuron: a list (post rank) of flat lists of
-- SIDE^2 weights indexed by input rank ((row - 1) * SIDE + column).
function M.fields(ff)
  local w, ranks = ff.w, ff.pre_ranks
  local out = {}
  for d, post in ipairs(ff.post_ranks) do
    local f = {}
    for k = 1, M.SIDE * M.SIDE do f[k] = 0.0 end
    local wd = w[d]
    for s, pre in ipairs(ranks[d]) do f[pre] = wd[s] end
    out[post] = f
  end
  return out
end

--- The bar holding the most weight mass of a receptive field (bar b: row b for b <= SIDE,
-- column b - SIDE otherwise), with the fraction of the mass it holds.
function M.best_bar(field)
  local n = M.SIDE
  local total, best, best_bar = 0.0, -1.0, nil
  for k = 1, n * n do total = total + field[k] end
  for b = 1, 2 * n do
    local s = 0.0
    for k = 1, n do
      s = s + (b <= n and field[(b - 1) * n + k] or field[(k - 1) * n + (b - n)])
    end
    if s > best then best, best_bar = s, b end
  end
  return best_bar, total > 0 and best / total or 0.0
end

--- Selectivity of a receptive field: the smallest weight on its best bar divided by the
-- largest weight off it, and that bar. Above 1 the bar's 8 pixels are the field's 8 strongest;
-- a field made of two crossing bars, or still random, scores below 1.
-- (The fraction of the weight mass on the best bar is no good criterion here: Oja's rule makes
-- each weight proportional to how often its pixel is on while the neuron is active, and any
-- other pixel is on in 1 - (7/8)^2 = 23 % of the images, so a perfect bar detector keeps
-- 8 / (8 + 56 * 0.23) = 38 % of its mass on its bar.)
function M.selectivity(field)
  local n = M.SIDE
  local bar = M.best_bar(field)
  local on = {}
  for k = 1, n do on[bar <= n and (bar - 1) * n + k or (k - 1) * n + (bar - n)] = true end
  local lo, hi = math.huge, 0.0
  for k = 1, n * n do
    if on[k] then lo = math.min(lo, field[k]) else hi = math.max(hi, field[k]) end
  end
  return hi > 0 and lo / hi or math.huge, bar
end

--- Summary of learning: the selectivity and best bar of each neuron, the number of neurons
-- whose selectivity is at least `threshold` (default 1.5: every pixel of the bar at least
-- 1.5 times as strong as any other), the number of distinct bars they hold, and those bars.
function M.specialisation(fields, threshold)
  threshold = threshold or 1.5
  local sel, bars, held, specialised, covered = {}, {}, {}, 0, 0
  for q, f in ipairs(fields) do
    sel[q], bars[q] = M.selectivity(f)
    if sel[q] >= threshold then
      specialised = specialised + 1
      if not held[bars[q]] then held[bars[q]], covered = true, covered + 1 end
    end
  end
  return {selectivity = sel, bars = bars, specialised = specialised, covered = covered, held = held}
end

--- Runs `trials` trials from the network's initial weights; the images come from
-- Uniform(0, 1) draws of seed `seed` + 1 (the network's own seed is `seed`). Returns the
-- network, the projections and the feature population.
function M.run(trials, seed)
  local net, inp, pop, ff, lat = M.build(seed)
  net:compile{silent = true}
  local draws = ann.Uniform(0.0, 1.0, {seed = seed and seed + 1 or nil})
  for _ = 1, trials do M.trial(net, inp, draws:get_values(2 * M.SIDE)) end
  return net, ff, lat, pop
end

--- A text picture of ff:receptive_fields() (the notebook's figure): one 8x8 block per
-- neuron, laid out as the feature population (8 x 4 blocks); '#' marks weights above half the
-- neuron's largest, '+' above a quarter.
function M.picture(ff)
  local rf = ff:receptive_fields()            -- Array {8 * 8, 4 * 8}
  local n, gw, gh = M.SIDE, M.GEOMETRY[1], M.GEOMETRY[2]
  local lines = {}
  for bx = 0, gw - 1 do
    local mx = {}
    for by = 0, gh - 1 do
      mx[by] = 0.0
      for i = 1, n do
        for j = 1, n do mx[by] = math.max(mx[by], rf[bx * n + i][by * n + j]) end
      end
    end
    for i = 1, n do
      local parts = {}
      for by = 0, gh - 1 do
        local s = {}
        for j = 1, n do
          local v = rf[bx * n + i][by * n + j]
          s[j] = v > 0.5 * mx[by] and "#" or (v > 0.25 * mx[by] and "+" or ".")
        end
        parts[#parts + 1] = table.concat(s)
      end
      lines[#lines + 1] = table.concat(parts, "  ")
    end
    lines[#lines + 1] = ""
  end
  return table.concat(lines, "\n")
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return tonumber(arg[i + 1]) end end
    return default
  end
  local long = false
  for i = 1, #arg do if arg[i] == "--long" then long = true end end
  local trials = option("--trials", long and 10000 or 2000)
  local t0 = os.clock()
  local net, ff = M.run(trials, option("--seed", 42))
  print(("Bar learning: %d trials (%g ms) in %.2f s"):format(trials, net.time, os.clock() - t0))
  local fields = M.fields(ff)
  local s = M.specialisation(fields)
  local names = {}
  for b = 1, 2 * M.SIDE do
    if s.held[b] then names[#names + 1] = b <= M.SIDE and ("row " .. b) or ("column " .. (b - M.SIDE)) end
  end
  print(M.picture(ff))
  print(("%d of %d neurons hold a bar (its pixels >= 1.5 x any other weight); %d of %d bars learned:")
    :format(s.specialised, #fields, s.covered, 2 * M.SIDE))
  print("  " .. table.concat(names, ", "))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.weights(ff, {file = figure, receptive_fields = true, size = {480, 600},
      title = "Receptive fields after " .. trials .. " trials"})
  end
end

return M
