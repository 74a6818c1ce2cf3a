-- stdp.lua: spike-timing dependent plasticity on one neuron, after Song, Miller & Abbott (2000),
-- "Competitive Hebbian learning through spike-timing-dependent synaptic plasticity", Nature
-- Neuroscience 3:919, as in ANNarchy's notebook STDP2.ipynb: 1000 Poisson inputs at 15 Hz drive
-- one integrate-and-fire neuron through all-to-all STDP synapses. Learning is competitive: the
-- output rate falls as the weights part into two groups, near 0 and near w_max.
-- Run: annlua examples/stdp.lua [--duration ms] [--seed s] [--annarchy-stamping]
-- (100 s by default, the notebook's protocol); prints the rates and the weight distribution.
local ann = require("annarchy")

local M = {}

M.W_MAX = 0.01

--- The notebook's neuron. Its driving force is written `Ee - vr` (a constant), not `Ee - v`.
M.IF = ann.Neuron{
  parameters = [[
    tau_m = 10.0 : population
    tau_e = 5.0 : population
    vt = -54.0 : population
    vr = -60.0 : population
    El = -74.0 : population
    Ee = 0.0 : population
  ]],
  equations = [[
    tau_m * dv/dt = El - v + g_exc * (Ee - vr) : init = -60.0
    tau_e * dg_exc/dt = - g_exc
  ]],
  spike = "v > vt",
  reset = "v = vr",
  name = "IF",
}

local RULE = {tau_plus = 20.0, tau_minus = 20.0, A_plus = 0.01, A_minus = 0.0105, w_max = M.W_MAX}

--- The built-in rule with the notebook's parameters (A_minus 5 % above A_plus).
M.STDP = ann.STDP(RULE)

--- The same rule with ANNarchy 5.0.3's stamping of pre-synaptic events: that version advances
-- the traces to t - 1 when it delivers a spike at t but stamps the synapse with t, so the next
-- advance skips one step of decay (QUIRKS 5, fixed in annlua). Multiplying both traces by
-- exp(dt / tau) at the end of each pre-synaptic event reproduces it exactly. At dt = 1 ms this
-- inflates every potentiation by exp(1/20) = 5.1 %, which cancels the 5 % excess of A_minus:
-- the output rate triples. Only here to compare with the figures published with ANNarchy.
M.STDP_ANNARCHY_503 = ann.Synapse{
  parameters = ([[
    tau_plus = %g : projection
    tau_minus = %g : projection
    A_plus = %g : projection
    A_minus = %g : projection
    w_max = %g : projection
  ]]):format(RULE.tau_plus, RULE.tau_minus, RULE.A_plus, RULE.A_minus, RULE.w_max),
  equations = {
    "tau_plus * dx/dt = -x : event-driven",
    "tau_minus * dy/dt = -y : event-driven",
  },
  pre_spike = {
    "g_target += w",
    "x += A_plus * w_max",
    "w = clip(w + y, 0.0, w_max)",
    "x *= exp(dt / tau_plus)",
    "y *= exp(dt / tau_minus)",
  },
  post_spike = {
    "y -= A_minus * w_max",
    "w = clip(w + x, 0.0, w_max)",
  },
  name = "STDP with ANNarchy 5.0.3 event stamping",
}

--- Builds and runs the network for `duration` ms. Options: `annarchy_stamping` (use
-- M.STDP_ANNARCHY_503), `record_inputs` (monitor the 1000 inputs' spikes too).
-- Returns a table: net, proj, output (spike table of the output neuron), inputs (or nil),
-- rate (Hz over the run), weights (Array of the final weights).
function M.run(duration, seed, options)
  options = options or {}
  local net = ann.Network{dt = 1.0, seed = seed}
  local inp = net:create(ann.PoissonPopulation(1000, {rates = 15.0, name = "Input"}))
  local out = net:create(1, M.IF, {name = "Output"})
  local synapse = options.annarchy_stamping and M.STDP_ANNARCHY_503 or M.STDP
  local proj = net:connect(inp, out, "exc", {synapse = synapse})
  proj:all_to_all(ann.Uniform(0.0, M.W_MAX))
  local mi = options.record_inputs and net:monitor(inp, "spike") or nil
  local mo = net:monitor(out, "spike")
  net:compile{silent = true}
  net:simulate(duration)
  local output = mo:get("spike")
  return {
    net = net, proj = proj, output = output, inputs = mi and mi:get("spike"),
    rate = ann.mean_fr(output, net.dt, {duration = duration}),
    weights = proj.w[1],
  }
end

--- Fractions of the weights near the bounds (below 0.1 w_max, above 0.9 w_max, either) and in
-- the middle ([0.3, 0.7] w_max; 0.4 for the uniform initial weights).
function M.weight_figures(w)
  local zero, max, middle = 0, 0, 0
  for i = 1, w.size do
    local x = w[i] / M.W_MAX
    if x < 0.1 then zero = zero + 1 elseif x > 0.9 then max = max + 1 end
    if x >= 0.3 and x <= 0.7 then middle = middle + 1 end
  end
  local n = w.size
  return {near_zero = zero / n, near_max = max / n, near_bounds = (zero + max) / n,
          middle = middle / n}
end

--- Spikes of the output neuron between two times (ms) divided by their distance: a rate in Hz.
function M.rate_between(output, dt, from, to)
  local count = 0
  for _, steps in pairs(output) do
    for _, s in ipairs(steps) do
      if s * dt >= from and s * dt < to then count = count + 1 end
    end
  end
  return count * 1000.0 / (to - from)
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return tonumber(arg[i + 1]) end end
    return default
  end
  local stamping = false
  for i = 1, #arg do if arg[i] == "--annarchy-stamping" then stamping = true end end
  local duration = option("--duration", 100000)
  local t0 = os.clock()
  local r = M.run(duration, option("--seed", 42), {annarchy_stamping = stamping, record_inputs = true})
  print(("Song-Abbott STDP%s: %g ms in %.2f s"):format(stamping and " (ANNarchy 5.0.3 stamping)" or "",
    duration, os.clock() - t0))
  print(("input rate: %.2f Hz"):format(ann.mean_fr(r.inputs, r.net.dt, {duration = duration})))
  print(("output rate: %.2f Hz over the run, %.2f Hz over the last fifth"):format(r.rate,
    M.rate_between(r.output, r.net.dt, 0.8 * duration, duration)))
  local f = M.weight_figures(r.weights)
  print(("weights: %.1f %% below 0.1 w_max, %.1f %% above 0.9 w_max, %.1f %% in [0.3, 0.7] w_max")
    :format(100 * f.near_zero, 100 * f.near_max, 100 * f.middle))
  local bins = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
  for i = 1, r.weights.size do
    local b = math.min(10, math.floor(r.weights[i] / M.W_MAX * 10) + 1)
    bins[b] = bins[b] + 1
  end
  print("histogram of w / w_max (10 bins):")
  for b = 1, 10 do
    print(("  %.1f-%.1f %4d %s"):format((b - 1) / 10, b / 10, bins[b], ("#"):rep(math.floor(bins[b] / 10))))
  end
  local figure
  for i = 1, #arg do if arg[i] == "--plot" then figure = arg[i + 1] end end
  if figure then
    ann.plot.histogram(r.weights / M.W_MAX, {file = figure, bins = 20, range = {0, 1}, xlabel = "w / w_max",
      ylabel = "synapses", title = ("Song-Abbott STDP: weights after %g s"):format(duration / 1000)})
  end
end

return M
