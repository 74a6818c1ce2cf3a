-- neural_field.lua: a dynamic neural field after Rougier & Vitay (2005), "Emergence of
-- attention within a neural population", Neural Networks 19(5). A 20x20 input array feeds a
-- 20x20 field one to one through a 20 ms delay; the field's difference-of-Gaussians lateral
-- connections (short-range excitation, long-range inhibition) keep a single bump of activity,
-- which follows a Gaussian stimulus moving on a circle despite noise in the input and in the
-- field. Run: annlua examples/neural_field.lua [--duration ms] [--seed s] [--long]; prints how
-- closely the bump tracks the stimulus.
local ann = require("annarchy")

local M = {}

M.N = 20            -- side of the input and of the field
M.DELAY = 20        -- ms, input -> field
M.PERIOD = 1000     -- ms, one turn of the stimulus

--- The field's neuron. `noise` is the half-width of the uniform noise added to the input of
-- every neuron at every step (0.5 in the notebook: Uniform(-0.5, 0.5); written here as
-- noise * Uniform(-1, 1), the same distribution, so that it can be switched off).
M.Focus = ann.Neuron{
  parameters = [[
    tau = 10.0 : population
    noise = 0.5 : population
  ]],
  equations = "tau * dr/dt + r = sum(exc) + sum(inh) + noise * Uniform(-1.0, 1.0) : min = 0.0, max = 1.0",
  name = "Focus",
}

--- Centre (0-based coordinates, first axis then second) of the stimulus written before step k
-- (0-based): the angle advances by 1/PERIOD before each step, as in the notebook's loop.
function M.stimulus_centre(k)
  local a = (k + 1) / M.PERIOD
  local c1 = M.N / 2 * (1 + 0.5 * math.sin(2 * math.pi * a))
  local c2 = M.N / 2 * (1 + 0.5 * math.cos(2 * math.pi * a))
  return c1, c2
end

--- The input written before step k: a Gaussian bump of variance 4 (exp(-d^2/8)) at the
-- stimulus centre, plus Uniform(-noise, noise) from `dist` (a distribution over (-1, 1)
-- scaled, or nil for no noise). A nested table N x N.
function M.stimulus(k, noise, dist)
  local c1, c2 = M.stimulus_centre(k)
  local n = M.N
  local u = (dist and noise > 0) and dist:get_values(n * n) or nil
  local out = {}
  for i = 1, n do
    local row = {}
    for j = 1, n do
      local d2 = (i - 1 - c1) ^ 2 + (j - 1 - c2) ^ 2
      local v = math.exp(-d2 / 8.0)
      if u then v = v + noise * u[(i - 1) * n + j] end
      row[j] = v
    end
    out[i] = row
  end
  return out
end

--- Builds and runs the field for `steps` steps (default 1000, one turn), writing the moving
-- stimulus into the input before each step. Options: seed (the network's and the input
-- noise's), noise (half-width of the input noise, default 0.5), field_noise (the neuron's
-- `noise`, default 0.5). Returns the network, the recorded rates of the field (Array
-- {steps, N, N}) and the projections.
function M.run(opts)
  opts = opts or {}
  local steps = opts.steps or M.PERIOD
  local noise = opts.noise or 0.5
  local net = ann.Network{dt = 1.0, seed = opts.seed}
  local inp = net:create(ann.InputArray({M.N, M.N}, {name = "Input"}))
  local focus = net:create({M.N, M.N}, M.Focus, {name = "Focus"})
  focus.noise = opts.field_noise or 0.5
  local ff = net:connect(inp, focus, "exc"):one_to_one(1.0, {delays = M.DELAY})
  local lat = net:connect(focus, focus, "inh"):dog(0.2, 0.1, 0.1, 0.7)
  local m = net:monitor(focus, "r")
  net:compile{silent = true}
  local dist = ann.Uniform(-1.0, 1.0, {seed = opts.seed and opts.seed + 1000 or nil})
  for k = 0, steps - 1 do
    inp.r = M.stimulus(k, noise, dist)
    net:step()
  end
  return net, m:get("r"), ff, lat
end

--- Centre of mass (0-based coordinates) of the part of an N x N frame above half its maximum
-- (the bump without the noisy background), and that maximum; nil when the frame is silent
-- (maximum at most 0.05). `frame` is an Array {N, N} or a flat Lua list in row-major order.
function M.bump_centre(frame)
  local n = M.N
  local v = type(frame) == "table" and frame or frame:flatten():totable()
  local mx = -math.huge
  for k = 1, n * n do if v[k] > mx then mx = v[k] end end
  if mx <= 0.05 then return nil, nil, mx end
  local s, s1, s2 = 0.0, 0.0, 0.0
  for i = 1, n do
    for j = 1, n do
      local x = v[(i - 1) * n + j]
      if x > 0.5 * mx then
        s, s1, s2 = s + x, s1 + x * (i - 1), s2 + x * (j - 1)
      end
    end
  end
  return s1 / s, s2 / s, mx
end

--- The bump's centre at every recorded step: a list indexed by record (record k holds step
-- k - 1), each `{c1, c2}` or false when there is no bump.
function M.bump_track(r)
  local steps = r.shape[1]
  local flat = r:reshape({steps, M.N * M.N})
  local track = {}
  for k = 1, steps do
    local c1, c2 = M.bump_centre(flat[k]:totable())
    track[k] = c1 and {c1, c2} or false
  end
  return track
end

--- Tracking error: for each recorded step n >= from (0-based), the distance (in neurons)
-- between the bump's centre and the centre of the stimulus written `lag` steps earlier.
-- `track` is the result of bump_track (or the recorded rates, from which it is computed).
-- Returns the mean and the largest distance, and the number of steps without a bump.
function M.tracking_error(track, lag, from)
  if type(track) ~= "table" then track = M.bump_track(track) end
  local total, count, worst, silent = 0.0, 0, 0.0, 0
  for n = from, #track - 1 do
    local b = track[n + 1]
    if b then
      local c1, c2 = M.stimulus_centre(n - lag)
      local d = math.sqrt((b[1] - c1) ^ 2 + (b[2] - c2) ^ 2)
      total, count, worst = total + d, count + 1, math.max(worst, d)
    else
      silent = silent + 1
    end
  end
  return count > 0 and total / count or math.huge, worst, silent
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return tonumber(arg[i + 1]) end end
    return default
  end
  local long = false
  for i = 1, #arg do if arg[i] == "--long" then long = true end end
  local duration = option("--duration", long and 5000 or 1000)
  local seed = option("--seed", 42)
  local t0 = os.clock()
  local net, r, _, lat = M.run{steps = math.floor(duration / 1.0 + 0.5), seed = seed}
  print(("Neural field 20x20, %d lateral synapses: %g ms in %.2f s"):format(lat.nb_synapses, duration,
    os.clock() - t0))
  local from = 200
  local track = M.bump_track(r)
  print("lag (ms)  mean distance bump-stimulus (neurons, from 200 ms on)")
  for _, lag in ipairs{0, 10, M.DELAY, M.DELAY + 10, M.DELAY + 20} do
    local mean, worst = M.tracking_error(track, lag, from)
    print(("%8d  %.2f (largest %.2f)"):format(lag, mean, worst))
  end
  local last = r[r.shape[1]]
  local b1, b2, mx = M.bump_centre(last)
  local c1, c2 = M.stimulus_centre(r.shape[1] - 1 - M.DELAY)
  print(("at %g ms: bump at (%.1f, %.1f), max rate %.2f; stimulus %d ms earlier at (%.1f, %.1f)")
    :format(net.time, b1 or 0 / 0, b2 or 0 / 0, mx, M.DELAY, c1, c2))
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.map(last, {file = figure, size = {560, 480}, title = ("Neural field: r at %g ms"):format(net.time)})
  end
end

return M
