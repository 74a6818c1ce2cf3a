-- microcircuit.lua: the cortical microcircuit of Potjans & Diesmann (2014, Cereb. Cortex 24:785),
-- the standard large-scale benchmark of spiking simulators. Eight populations in four layers
-- (L2/3, L4, L5, L6, excitatory and inhibitory), 77 169 current-based integrate-and-fire
-- neurons with exponential synaptic currents, about 3 * 10^8 synapses with normally
-- distributed weights and delays, Poisson background input, dt = 0.1 ms.
--
-- Run: annlua examples/microcircuit.lua [--scale 0.1] [--duration ms] [--transient ms]
--      [--seed s] [--dc] [--no-multapses] [--threads n] [--divide] [--raster prefix]
-- --raster prefix writes prefix_spikes.dat (time in ms, row from the top, population: the
-- last 100 ms) and prefix_rates.dat (population, rate in Hz) for docs/microcircuit.gp.
-- As a module: local mc = dofile("examples/microcircuit.lua"); mc.build{scale = 0.1} returns
-- the network, its populations and their spike monitors; mc.run(opts) also simulates.
local ann = require("annarchy")
local ann_clock = ann.clock

local M = {}

-- ---- the published parameter tables ---------------------------------------------------------

M.POPS = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"}
M.N_FULL = {20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948}
-- connection probabilities, [target][source]
M.CONN_PROBS = {
  {0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0,    0.0076, 0.0},
  {0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0,    0.0042, 0.0},
  {0.0077, 0.0059, 0.0497, 0.135,  0.0067, 0.0003, 0.0453, 0.0},
  {0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0,    0.1057, 0.0},
  {0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0},
  {0.0548, 0.0269, 0.0257, 0.0022, 0.06,   0.3158, 0.0086, 0.0},
  {0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252},
  {0.0364, 0.001,  0.0034, 0.0005, 0.0277, 0.008,  0.0658, 0.1443},
}
M.K_EXT = {1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100}
-- rates of the full-scale model (Hz), used only by the compensation of scaled in-degrees
M.FULL_MEAN_RATES = {0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851}
-- initial membrane potentials: population-specific normal distributions (mV)
M.V0_MEAN = {-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43}
M.V0_SD = {5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48}
M.BG_RATE = 8.0                                            -- Hz per background source
M.C_M, M.TAU_M, M.TAU_SYN, M.T_REF = 250.0, 10.0, 0.5, 2.0   -- pF, ms, ms, ms
M.E_L, M.V_TH, M.V_RESET = -65.0, -50.0, -65.0             -- mV
M.PSP_E, M.W_REL_SD, M.G = 0.15, 0.1, -4.0                 -- mV, relative sd, inhibitory factor
M.D_EXC, M.D_INH, M.D_REL_SD = 1.5, 0.75, 0.5              -- ms, ms, relative sd
M.DT = 0.1

-- round half to even, as numpy's round in the reference implementation (106.5 -> 106)
local function round(x)
  local r = math.floor(x + 0.5)
  if r - x == 0.5 and r % 2 == 1 then r = r - 1 end
  return r
end

--- The current amplitude (pA) of an exponential synaptic current whose PSP peaks at 1 mV.
function M.psc_over_psp(c_m, tau_m, tau_s)
  local t_peak = tau_m * tau_s / (tau_m - tau_s) * math.log(tau_m / tau_s)
  local psp = tau_m * tau_s / (c_m * (tau_m - tau_s)) * (math.exp(-t_peak / tau_m) - math.exp(-t_peak / tau_s))
  return 1.0 / psp
end

--- Number of synapses of the full model from population b to population a: the number of
-- uniform draws of (pre, post) pairs, multapses allowed, after which a pair is connected with
-- probability p: log(1 - p) / log(1 - 1 / (N_a N_b)).
function M.full_synapses(a, b)
  local p = M.CONN_PROBS[a][b]
  if p == 0 then return 0 end
  local prod = M.N_FULL[a] * M.N_FULL[b]
  return math.log(1.0 - p) / math.log((prod - 1.0) / prod)
end

--- The derived parameters at a scale (neurons and in-degrees both scaled by `scale`):
-- neurons n[a], synapses k[a][b], background in-degrees k_ext[a], mean weights w[a][b] (pA),
-- background weight w_ext (pA), DC currents i_dc[a] (pA). With scale < 1 the weights grow
-- by 1/sqrt(scale) and a DC current restores the mean input lost (recurrent input at the
-- full model's rates, and the background), as in the reference implementation.
function M.parameters(scale, dc)
  local P = {n = {}, k = {}, k_ext = {}, w = {}, i_dc = {}}
  local w_unit = M.psc_over_psp(M.C_M, M.TAU_M, M.TAU_SYN) * M.PSP_E
  local sq = math.sqrt(scale)
  for a = 1, 8 do
    P.n[a] = round(M.N_FULL[a] * scale)
    P.k_ext[a] = round(M.K_EXT[a] * scale)
    P.k[a], P.w[a] = {}, {}
    local rec = 0.0
    for b = 1, 8 do
      local k_full = M.full_synapses(a, b)
      P.k[a][b] = round(k_full * scale * scale)
      local w = (b % 2 == 1) and w_unit or M.G * w_unit
      if a == 1 and b == 3 then w = 2 * w_unit end      -- L4E -> L23E doubled
      rec = rec + w * k_full / M.N_FULL[a] * M.FULL_MEAN_RATES[b]
      P.w[a][b] = w / sq
    end
    local ext = M.BG_RATE * M.K_EXT[a] * w_unit
    local i_dc = dc and 0.001 * M.TAU_SYN * ext or 0.0
    if scale ~= 1 then
      i_dc = i_dc + 0.001 * M.TAU_SYN * (1 - sq) * (rec + (dc and 0 or ext))
    end
    P.i_dc[a] = i_dc
  end
  P.w_ext = w_unit / sq
  return P
end

-- ---- the neuron -------------------------------------------------------------------------------

-- iaf_psc_exp integrated exactly, in the reference's order: v(t + dt) from v(t) and the
-- synaptic current I(t) (propagators P22, P21, P20), then I(t + dt) = I(t) P11 + the inputs
-- that arrived during the step. The inputs land on the instantaneous targets exc and inh
-- (reset to 0 after each step); the current itself is g_I, which keeps integrating during the
-- refractory period while v stays at V_reset. Like every g_ variable, a monitor records g_I
-- right after transmission, before the step's update (docs/monitors.md). With dc, no background draws.
function M.neuron(dc)
  local h, tm, ts, c = M.DT, M.TAU_M, M.TAU_SYN, M.C_M
  local p22, p11 = math.exp(-h / tm), math.exp(-h / ts)
  local p21 = tm * ts / (c * (tm - ts)) * (p22 - p11)
  local p20 = tm / c * (1 - p22)
  local background = dc and "" or " + w_ext * Binomial(K_ext, p_ext)"
  return ann.Neuron{
    parameters = ([[
      E_L = %.17g : population
      V_th = %.17g : population
      V_reset = %.17g : population
      P22 = %.17g : population
      P21 = %.17g : population
      P20 = %.17g : population
      P11 = %.17g : population
      I_dc = 0.0 : population
      w_ext = 0.0 : population
      K_ext = 0 : population, int
      p_ext = %.17g : population
    ]]):format(M.E_L, M.V_TH, M.V_RESET, p22, p21, p20, p11, M.BG_RATE * 0.001 * h),
    equations = ([[
      v = E_L + (v - E_L) * P22 + g_I * P21 + I_dc * P20
      g_I = g_I * P11 + g_exc + g_inh%s
    ]]):format(background),
    spike = "v > V_th",
    reset = "v = V_reset",
    refractory = M.T_REF,
    name = dc and "iaf_psc_exp_dc" or "iaf_psc_exp",
  }
end

-- ---- the network ------------------------------------------------------------------------------

--- Builds the microcircuit. opts: scale (1), seed (42), dc (false: Poisson background),
-- multapses (true: see below), threads (num_threads; default: see docs/threads.md), divide
-- (divide_synapses: under mpirun, each process holds only its neurons' synapses). Returns
-- net, pops (by name and in order), monitors (spike monitors, same keys), projs (projs[a][b]:
-- the projection from population b to a, nil where no synapse) and the derived parameters.
function M.build(opts)
  opts = opts or {}
  local scale = opts.scale or 1.0
  if type(scale) ~= "number" or scale ~= scale or scale <= 0 then
    error(("microcircuit: the scale must be a positive number, got %s"):format(tostring(scale)), 2)
  end
  local P = M.parameters(scale, opts.dc)
  local net = ann.Network{dt = M.DT, seed = opts.seed or 42}
  if opts.threads then net:config{num_threads = opts.threads} end
  -- under mpirun, each process then keeps only the synapses of its own neurons
  if opts.divide then net:config{divide_synapses = true} end
  local model = M.neuron(opts.dc)
  local pops, mons = {}, {}
  for a, name in ipairs(M.POPS) do
    local pop = net:create(P.n[a], model, {name = name})
    pop.v = ann.Normal(M.V0_MEAN[a], M.V0_SD[a])
    pop.I_dc = P.i_dc[a]
    pop.w_ext = P.w_ext
    pop.K_ext = P.k_ext[a]
    pops[a], pops[name] = pop, pop
    mons[a] = net:monitor(pop, "spike")
    mons[name] = mons[a]
  end
  -- Recurrent synapses, weights normal with the sign kept, delays normal clipped below at dt
  -- (rounded to steps by the projection). By default the reference's rule: k pairs
  -- (pre, post) drawn uniformly with replacement, multapses and autapses allowed
  -- (fixed_total_number). With multapses = false, each pair is connected at most once with
  -- probability k / (n_pre n_post) (fixed_probability): the same expected number of
  -- synapses and in-degrees, but no multapses.
  local projs = {}
  for a = 1, 8 do
    projs[a] = {}
    for b = 1, 8 do
      local k = P.k[a][b]
      if k > 0 then
        local w, exc = P.w[a][b], b % 2 == 1
        local d = exc and M.D_EXC or M.D_INH
        local weights = ann.Normal(w, math.abs(M.W_REL_SD * w), {min = exc and 0 or nil,
          max = (not exc) and 0 or nil})
        local delays = ann.Normal(d, M.D_REL_SD * d, {min = M.DT, max = d + 20 * M.D_REL_SD * d})
        local proj = net:connect(pops[b], pops[a], exc and "exc" or "inh")
        if opts.multapses == false then
          proj:fixed_probability(k / (P.n[a] * P.n[b]), weights,
            {delays = delays, allow_self_connections = true})
        else
          proj:fixed_total_number(k, weights, {delays = delays, allow_self_connections = true})
        end
        projs[a][b] = proj
      end
    end
  end
  return net, pops, mons, projs, P
end

-- ---- statistics -------------------------------------------------------------------------------

--- Mean rate (Hz) and mean CV of the inter-spike intervals (neurons with at least 3 spikes)
-- of a spike table over `duration` ms; the number of neurons with a CV.
function M.statistics(spikes, n, duration)
  local count, cv_sum, cv_n = 0, 0.0, 0
  for _, steps in pairs(spikes) do
    count = count + #steps
    if #steps >= 3 then
      local m, s2 = 0.0, 0.0
      for i = 2, #steps do m = m + (steps[i] - steps[i - 1]) end
      m = m / (#steps - 1)
      for i = 2, #steps do s2 = s2 + (steps[i] - steps[i - 1] - m) ^ 2 end
      cv_sum = cv_sum + math.sqrt(s2 / (#steps - 1)) / m
      cv_n = cv_n + 1
    end
  end
  return count / n / (duration / 1000.0), cv_n > 0 and cv_sum / cv_n or 0 / 0, cv_n
end

--- Writes the spikes of the last 100 ms (rows numbered from L23E at the top) and the rates.
function M.write_raster(R, prefix, duration)
  local f = assert(io.open(prefix .. "_spikes.dat", "w"))
  local row = 0
  for a = 1, 8 do
    for rank = 1, R.P.n[a] do
      for _, step in ipairs(R.spikes[a][rank] or {}) do
        local t = step * M.DT
        if t >= duration - 100 then f:write(("%.1f %d %d\n"):format(t, row + rank, a - 1)) end
      end
    end
    row = row + R.P.n[a]
  end
  f:close()
  f = assert(io.open(prefix .. "_rates.dat", "w"))
  for a, name in ipairs(M.POPS) do f:write(("%s %.4f %d\n"):format(name, R.rates[a], a - 1)) end
  f:close()
end

--- Resident memory of this process in MB (2^20 bytes): the peak (VmHWM of /proc/self/status),
-- or with field = "VmRSS" the current one; nil where /proc is missing.
function M.peak_rss_mb(field)
  local f = io.open("/proc/self/status")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  local kb = text:match((field or "VmHWM") .. ":%s*(%d+)")
  return kb and tonumber(kb) / 1024 or nil
end

--- Builds, compiles and simulates. opts: those of build, plus duration (ms, 1000) and
-- transient (ms, 0: discarded before the statistics). Returns a table: rates[a], cvs[a],
-- neurons, synapses, build_s, simulate_s (wall clock), build_cpu, simulate_cpu (CPU time of
-- the process), spikes[a] (the measured window), net, pops, projs.
function M.run(opts)
  opts = opts or {}
  local duration, transient = opts.duration or 1000.0, opts.transient or 0.0
  if not (transient >= 0 and duration > transient) then
    error(("microcircuit: the duration (%g ms) must exceed the transient (%g ms), which must not "
      .. "be negative"):format(duration, transient), 2)
  end
  local t0, c0 = ann_clock(), os.clock()
  local net, pops, mons, projs, P = M.build(opts)
  net:compile{silent = true}
  local build_s, build_cpu = ann_clock() - t0, os.clock() - c0
  local R = {rates = {}, cvs = {}, spikes = {}, net = net, pops = pops, projs = projs, P = P,
             neurons = 0, synapses = 0, build_s = build_s, build_cpu = build_cpu}
  for a = 1, 8 do
    R.neurons = R.neurons + P.n[a]
    for b = 1, 8 do
      if projs[a][b] then R.synapses = R.synapses + projs[a][b].nb_synapses end
    end
  end
  t0, c0 = ann_clock(), os.clock()
  if transient > 0 then
    net:simulate(transient)
    for a = 1, 8 do mons[a]:get("spike") end
  end
  net:simulate(duration - transient)
  R.simulate_s, R.simulate_cpu = ann_clock() - t0, os.clock() - c0
  for a = 1, 8 do
    R.spikes[a] = mons[a]:get("spike")
    R.rates[a], R.cvs[a] = M.statistics(R.spikes[a], P.n[a], duration - transient)
  end
  return R
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local opts = {scale = 1.0, duration = 1000.0, transient = 0.0, seed = 42}
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "--dc" or a == "--multapses" or a == "--divide" then
      opts[a:sub(3)] = true
    elseif a == "--no-multapses" then
      opts.multapses = false
    elseif a == "--raster" then
      opts.raster = arg[i + 1]
      i = i + 1
    elseif a == "--scale" or a == "--duration" or a == "--transient" or a == "--seed"
        or a == "--threads" then
      local v = tonumber(arg[i + 1])
      if not v then error(("microcircuit: %s needs a number"):format(a), 0) end
      opts[a:sub(3)] = v
      i = i + 1
    else
      error(("microcircuit: unknown option %q (options: --scale, --duration, --transient, " ..
        "--seed, --threads, --dc, --no-multapses, --divide, --raster prefix)"):format(a), 0)
    end
    i = i + 1
  end
  local R = M.run(opts)
  for a, name in ipairs(M.POPS) do
    print(("%s: %.2f Hz, CV %.2f"):format(name, R.rates[a], R.cvs[a]))
  end
  if opts.raster then M.write_raster(R, opts.raster, opts.duration) end
  print(("microcircuit: %d neurons, %d synapses, build %.1f s, simulate %.1f s for %g ms, " ..
    "peak RSS %.0f MB"):format(R.neurons, R.synapses, R.build_s, R.simulate_s, opts.duration,
    M.peak_rss_mb() or 0))
end

return M
