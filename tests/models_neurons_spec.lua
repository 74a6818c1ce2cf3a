-- The built-in neuron models (reference-library §1): each one analyses, compiles and runs,
-- and behaves as an independent computation written here says: closed forms where the
-- numerical method is exact for constant input, otherwise a plain-Lua integration of the
-- equations as reference-library §0.5/§0.6 define the step.
local ann = require("annarchy")
local models = require("annarchy.models")

local exp = math.exp

local function column(arr, j)
  local out = {}
  for k = 1, arr.shape[1] do out[k] = arr[k][j or 1] end
  return out
end

local function near(expected, got, tol, what)
  assert(math.abs(expected - got) <= tol * math.max(1, math.abs(expected)),
    ("%s: expected %.15g, got %.15g"):format(what or "value", expected, got))
end

local function run(model, opts)
  opts = opts or {}
  local net = ann.Network{dt = opts.dt or 1.0, seed = 1}
  local pop = net:create(opts.size or 1, model)
  for k, v in pairs(opts.set or {}) do pop[k] = v end
  local m = opts.record and net:monitor(pop, opts.record)
  net:compile{silent = true}
  if opts.duration then net:simulate(opts.duration) end
  return net, pop, m
end

describe("every built-in neuron", function()
  for _, name in ipairs(models.list_standard_neurons()) do
    it(name .. " analyses, compiles and runs", function()
      local net = ann.Network{dt = 0.1, seed = 7}
      local pop = net:create(4, models[name])
      net:compile{silent = true}
      net:simulate(5)
      assert.equal(4, pop.size)
      assert.near(5.0, net.time, 1e-9)
    end)
  end
end)

describe("LeakyIntegrator", function()
  it("relaxes towards the baseline with the exponential method (closed form)", function()
    -- exponential Euler is exact for constant input: v_k = B (1 - exp(-k dt / tau))
    local dt, tau, B = 0.5, 10.0, 2.0
    local net, _, m = run(models.LeakyIntegrator, {dt = dt, set = {B = B}, record = {"v", "r"}})
    net:simulate(20)
    local v, r = column(m:get("v")), column(m:get("r"))
    for k = 1, 40 do
      near(B * (1 - exp(-k * dt / tau)), v[k], 1e-12, "v after step " .. k)
      near(B * (1 - exp(-k * dt / tau)), r[k], 1e-12, "r after step " .. k)
    end
  end)

  it("r = pos(v - T)", function()
    local net, pop = run(models.LeakyIntegrator{T = 1.5}, {set = {B = 1.0}})
    net:simulate(200)
    assert.near(0.0, pop.r[1], 1e-12)
    pop.T = 0.25
    net:simulate(1)
    assert.near(1.0 - exp(-201 / 10.0) - 0.25, pop.r[1], 1e-12)
  end)

  it("tau and T are global, B local, v and r local", function()
    local _, pop = run(models.LeakyIntegrator, {size = 3})
    assert.equal("number", type(pop.tau))
    assert.equal("number", type(pop.T))
    assert.equal(3, pop.B.size)
    assert.equal(3, pop.v.size)
    assert.equal(3, pop.r.size)
    assert.equal(10.0, pop.tau)
  end)

  it("the sum option replaces the input expression", function()
    local Input = ann.Neuron{parameters = "r0 = 1.0", equations = "r = r0"}
    local dt, tau = 1.0, 10.0
    local net = ann.Network{dt = dt}
    local a = net:create(1, Input)
    local b = net:create(1, models.LeakyIntegrator.with{sum = "2.0 * sum(exc)"})
    net:connect(a, b, "exc"):all_to_all(0.5)
    local m = net:monitor(b, "v")
    net:compile{silent = true}
    net:simulate(10)
    local v = column(m:get("v"))
    -- step 0 sees r = 0 from the input (one-step lag), then 2 * 0.5 * 1 = 1
    near(0.0, v[1], 1e-12)
    for k = 2, 10 do near(1 - exp(-(k - 1) * dt / tau), v[k], 1e-12, "v after step " .. k) end
  end)

  it("the noise option adds a random term", function()
    local N = models.LeakyIntegrator.with{noise = "Normal(0.0, 1.0)", tau = 1.0}
    local net, pop = run(N, {size = 200})
    net:simulate(5)
    local v = pop.v
    assert.is_true(v:std() > 0.3 and v:std() < 1.5)
    assert.is_true(math.abs(v:mean()) < 0.3)
    assert.matches("Normal%(0%.0, 1%.0%)", N.equations[1])
    assert.not_matches("Normal", models.LeakyIntegrator.equations[1])
  end)
end)

describe("IF_curr_exp", function()
  -- exponential Euler with constant i_offset: v_k = S + (v_reset - S) exp(-k dt / tau_m),
  -- S = v_rest + tau_m / cm * i_offset
  local function closed(k, p) return p.S + (p.v0 - p.S) * exp(-k * p.dt / p.tau_m) end

  it("membrane response to a constant i_offset (below threshold)", function()
    local p = {dt = 0.1, tau_m = 20.0, v0 = -65.0, S = -65.0 + 20.0 * 0.5}
    local net, _, m = run(models.IF_curr_exp{i_offset = 0.5}, {dt = p.dt, record = {"v", "spike"}})
    net:simulate(100)
    local v = column(m:get("v"))
    for k = 1, 1000, 37 do near(closed(k, p), v[k], 1e-12, "v after step " .. k) end
    assert.same({}, m:get("spike")[1])
  end)

  it("fires periodically above threshold, at the closed form's steps", function()
    local p = {dt = 0.1, tau_m = 20.0, v0 = -65.0, S = -65.0 + 20.0 * 1.0}
    -- n updates from v_reset bring v above v_thresh; the spike step is the n-th update
    local n = 1
    while closed(n, p) <= -50.0 do n = n + 1 end
    local net, _, m = run(models.IF_curr_exp, {dt = p.dt, set = {i_offset = 1.0}, record = {"spike"}})
    net:simulate(200)
    local expected = {}
    for s = n - 1, 1999, n do expected[#expected + 1] = s end
    assert.is_true(#expected >= 5)
    assert.same(expected, m:get("spike")[1])
  end)

  it("tau_refrac freezes v for floor(tau_refrac / dt) steps after a spike", function()
    local p = {dt = 1.0, tau_m = 20.0, v0 = -65.0, S = -65.0 + 20.0 * 1.0}
    local n = 1
    while closed(n, p) <= -50.0 do n = n + 1 end
    local net, _, m = run(models.IF_curr_exp{tau_refrac = 5.0, i_offset = 1.0}, {record = {"spike"}})
    net:simulate(200)
    local expected, s = {}, n - 1
    while s < 200 do
      expected[#expected + 1] = s
      s = s + 5 + n
    end
    assert.same(expected, m:get("spike")[1])
  end)

  it("an input spike adds w to g_exc, which decays with tau_syn_E", function()
    local Pre = ann.Neuron{parameters = "ts = 3.0", spike = "t == ts"}
    local net = ann.Network{dt = 1.0}
    local a = net:create(1, Pre)
    local b = net:create(1, models.IF_curr_exp)
    net:connect(a, b, "exc"):all_to_all(2.0)
    local m = net:monitor(b, {"g_exc", "v"})
    net:compile{silent = true}
    net:simulate(12)
    local g, v = column(m:get("g_exc")), column(m:get("v"))
    -- plain-Lua step: transmission, then one ODE block (v sees g before this step's decay);
    -- a monitor records g_exc right after transmission (reference-library §0.4, phase 3)
    local gg, vv = 0.0, -65.0
    for k = 0, 11 do
      if k == 4 then gg = gg + 2.0 end
      near(gg, g[k + 1], 1e-12, "g_exc recorded at step " .. k)
      local S = -65.0 + 20.0 / 1.0 * gg
      vv = vv + (1 - exp(-1.0 / 20.0)) * (S - vv)
      gg = gg * exp(-1.0 / 5.0)
      near(vv, v[k + 1], 1e-12, "v after step " .. k)
    end
  end)
end)

describe("IF_cond_exp", function()
  it("fires under constant drive at the steps of an independent exponential-Euler integration", function()
    local dt, w, i_offset = 0.1, 0.05, 0.2
    local Pre = ann.Neuron{parameters = "on = 1.0", spike = "on > 0.0"}
    local net = ann.Network{dt = dt}
    local a = net:create(1, Pre)
    local b = net:create(1, models.IF_cond_exp{i_offset = i_offset, tau_refrac = 2.0})
    net:connect(a, b, "exc"):all_to_all(w)
    local m = net:monitor(b, {"v", "spike"})
    net:compile{silent = true}
    net:simulate(300)
    -- independent integration: the pre neuron spikes every step from step 0, so g_exc gains
    -- w at every step from step 1; then one exponential ODE block (v, g_exc, g_inh).
    local cm, tau_m, v_rest, e_E = 1.0, 20.0, -65.0, 0.0
    local v, g, ref = -65.0, 0.0, 0
    local spikes, trace = {}, {}
    local nref = math.floor(2.0 / dt + 1e-9)
    for k = 0, 2999 do
      if k >= 1 then g = g + w end
      local frozen = ref > 0
      local G = cm / tau_m + g
      local tau = cm / G
      local S = (cm / tau_m * v_rest + g * e_E + i_offset) / G
      if not frozen then v = v + (1 - exp(-dt / tau)) * (S - v) end
      g = g * exp(-dt / 5.0)
      if frozen then
        ref = ref - 1
      elseif v > -50.0 then
        spikes[#spikes + 1] = k
        v = -65.0
        ref = nref
      end
      trace[k + 1] = v
    end
    assert.is_true(#spikes > 10)
    assert.same(spikes, m:get("spike")[1])
    local got = column(m:get("v"))
    for k = 1, 3000, 53 do near(trace[k], got[k], 1e-9, "v after step " .. (k - 1)) end
  end)
end)

describe("alpha-shaped synapses", function()
  for _, name in ipairs({"IF_curr_alpha", "IF_cond_alpha", "EIF_cond_alpha_isfa_ista"}) do
    it(name .. ": alpha_exc peaks tau_syn_E after the spike, at about w", function()
      local dt, tau, w = 0.1, 5.0, 0.01
      local Pre = ann.Neuron{parameters = "ts = 1.0", spike = "t == ts"}
      local net = ann.Network{dt = dt}
      local a = net:create(1, Pre)
      local b = net:create(1, models[name])
      net:connect(a, b, "exc"):all_to_all(w)
      local m = net:monitor(b, "alpha_exc")
      net:compile{silent = true}
      net:simulate(30)
      local alpha = column(m:get("alpha_exc"))
      -- independent cascade: g += w at the delivery step (the step after the spike), then
      -- per step alpha and g from the same old values, exponential method
      local gmax = exp((tau - dt / 2) / tau)
      local g, al, best, best_k = 0.0, 0.0, -1, nil
      local spike_step = math.floor(1.0 / dt + 0.5)
      for k = 0, 299 do
        if k == spike_step + 1 then g = g + w end
        local new_al = al + (1 - exp(-dt / tau)) * (gmax * g - al)
        g = g * exp(-dt / tau)
        al = new_al
        near(al, alpha[k + 1], 1e-9, "alpha_exc after step " .. k)
        if al > best then best, best_k = al, k end
      end
      local peak, peak_k = -1, nil
      for k = 1, #alpha do if alpha[k] > peak then peak, peak_k = alpha[k], k - 1 end end
      assert.equal(best_k, peak_k)
      -- the peak is tau_syn_E after the delivery, within one step, and close to w
      assert.is_true(math.abs((peak_k - (spike_step + 1)) * dt - tau) <= dt + 1e-9)
      assert.is_true(math.abs(peak - w) < 0.02 * w)
    end)
  end
end)

describe("Izhikevich", function()
  -- explicit Euler of dv/dt = 0.04 v^2 + 5 v + 140 - u + I, du/dt = a (b v - u), both from
  -- the old values; spike v > 30, reset v = c, u += d
  local function euler(p, steps)
    local v, u = p.c, p.b * p.c
    local spikes = {}
    for k = 0, steps - 1 do
      local dv = 0.04 * v * v + 5.0 * v + 140.0 - u + p.I
      local du = p.a * (p.b * v - u)
      v, u = v + p.dt * dv, u + p.dt * du
      if v > 30.0 then
        spikes[#spikes + 1] = k
        v = p.c
        u = u + p.d
      end
    end
    return spikes
  end

  it("starts at v = c and u = b * c", function()
    local _, pop = run(models.Izhikevich, {size = 2})
    assert.same({-65.0, -65.0}, pop.v:totable())
    assert.same({-13.0, -13.0}, pop.u:totable())
    local _, pop2 = run(models.Izhikevich.with{b = 0.25, c = -60.0})
    assert.near(-60.0, pop2.v[1], 1e-12)
    assert.near(-15.0, pop2.u[1], 1e-12)
  end)

  it("regular spiking under i_offset = 10: the Euler integration's spikes, about 14 Hz", function()
    local p = {a = 0.02, b = 0.2, c = -65.0, d = 8.0, I = 10.0, dt = 0.5}
    local expected = euler(p, 2000)
    local net, _, m = run(models.Izhikevich{i_offset = 10.0}, {dt = p.dt, record = "spike"})
    net:simulate(1000)
    local spikes = m:get("spike")[1]
    assert.same(expected, spikes)
    -- regular spiking: the inter-spike intervals settle, and the rate is tonic
    local n = #spikes
    assert.is_true(n >= 10 and n <= 40, "rate " .. n .. " Hz")
    local last = spikes[n] - spikes[n - 1]
    assert.is_true(math.abs((spikes[n - 1] - spikes[n - 2]) - last) <= 1)
    assert.is_true(spikes[2] - spikes[1] < last)
  end)

  it("noise adds a standard normal draw per neuron and step", function()
    local net, pop = run(models.Izhikevich{noise = 2.0}, {size = 100})
    net:simulate(1)
    -- I = noise * N(0, 1) + i_offset (the conductances are 0)
    local I = pop.I
    assert.is_true(I:std() > 1.4 and I:std() < 2.6)
  end)

  it("the conductance option names the targets", function()
    local N = models.Izhikevich.with{conductance = "g_ampa * (1 + g_nmda) - g_gaba"}
    local Pre = ann.Neuron{parameters = "ts = 2.0", spike = "t == ts"}
    local net = ann.Network{dt = 1.0}
    local a = net:create(1, Pre)
    local b = net:create(1, N)
    net:connect(a, b, "ampa"):all_to_all(3.0)
    net:connect(a, b, "nmda"):all_to_all(0.5)
    local m = net:monitor(b, "I")
    net:compile{silent = true}
    net:simulate(6)
    assert.same({0, 0, 0, 4.5, 0, 0}, column(m:get("I")))
    assert.same({"ampa", "nmda"}, b.targets)
    local vars = {}
    for _, x in ipairs(b.variables) do vars[x] = true end
    assert.is_true(vars.g_ampa and vars.g_nmda and vars.g_gaba)
    assert.is_nil(vars.g_exc)
  end)

  it("all parameters are local", function()
    local _, pop = run(models.Izhikevich, {size = 3})
    for _, p in ipairs({"a", "b", "c", "d", "v_thresh", "i_offset", "noise", "tau_refrac"}) do
      assert.equal(3, pop[p].size)
    end
  end)
end)

describe("EIF_cond_exp_isfa_ista (AdEx)", function()
  it("adapts: inter-spike intervals grow, as in an independent integration", function()
    local dt, i_offset = 0.1, 1.0
    local net, _, m = run(models.EIF_cond_exp_isfa_ista{i_offset = i_offset}, {dt = dt, record = "spike"})
    net:simulate(400)
    local spikes = m:get("spike")[1]
    -- explicit Euler for v and w from the same old values, no conductance, refractory
    -- floor(0.1 / dt) = 1 step during which v and w are frozen
    local p = {v_rest = -70.6, cm = 0.281, tau_m = 9.3667, tau_w = 144.0, a = 4.0, b = 0.0805,
      delta_T = 2.0, v_thresh = -50.4, v_reset = -70.6, v_spike = -40.0}
    local v, w, ref = p.v_reset, 0.0, 0
    local expected = {}
    for k = 0, 3999 do
      if ref > 0 then
        ref = ref - 1
      else
        local dv = ((p.v_rest - v + p.delta_T * exp((v - p.v_thresh) / p.delta_T)) +
          p.tau_m / p.cm * (i_offset - w)) / p.tau_m
        local dw = (p.a * (v - p.v_rest) / 1000.0 - w) / p.tau_w
        v, w = v + dt * dv, w + dt * dw
        if v > p.v_spike then
          expected[#expected + 1] = k
          v = p.v_reset
          w = w + p.b
          ref = math.floor(0.1 / dt + 1e-9)
        end
      end
    end
    assert.same(expected, spikes)
    assert.is_true(#spikes >= 5)
    for i = 3, math.min(#spikes, 6) do
      assert.is_true(spikes[i] - spikes[i - 1] > spikes[i - 1] - spikes[i - 2],
        "ISI " .. (i - 1) .. " does not grow")
    end
  end)
end)

describe("HH_cond_exp", function()
  -- all six ODEs with the exponential method, in one block after the rate constants
  local function hh(i_of_step, steps, dt)
    local p = {gbar_Na = 20.0, gbar_K = 6.0, gleak = 0.01, cm = 0.2, v_offset = -63.0,
      e_Na = 50.0, e_K = -90.0, e_leak = -65.0}
    local v, n, m, h = -65.0, 0.0, 0.0, 1.0
    local spikes, trace = {}, {}
    local function step(x, tau, S) return x + (1 - exp(-dt / tau)) * (S - x) end
    for k = 0, steps - 1 do
      local prev = v
      local x = v - p.v_offset
      local an = 0.032 * (15 - x) / (exp((15 - x) / 5) - 1)
      local am = 0.32 * (13 - x) / (exp((13 - x) / 4) - 1)
      local ah = 0.128 * exp((17 - x) / 18)
      local bn = 0.5 * exp((10 - x) / 40)
      local bm = 0.28 * (x - 40) / (exp((x - 40) / 5) - 1)
      local bh = 4 / (1 + exp(10 - x))
      local G = p.gleak + p.gbar_K * n ^ 4 + p.gbar_Na * m ^ 3 * h
      local S = (p.gleak * p.e_leak + p.gbar_K * n ^ 4 * p.e_K + p.gbar_Na * m ^ 3 * h * p.e_Na +
        i_of_step(k)) / G
      local n1 = step(n, 1 / (an + bn), an / (an + bn))
      local m1 = step(m, 1 / (am + bm), am / (am + bm))
      local h1 = step(h, 1 / (ah + bh), ah / (ah + bh))
      v = step(v, p.cm / G, S)
      n, m, h = n1, m1, h1
      if v > 0.0 and prev <= 0.0 then spikes[#spikes + 1] = k end
      trace[k + 1] = v
    end
    return spikes, trace
  end

  -- With the reference's bh (no divisor in the exponential) h inactivates within a fraction of
  -- a ms above -53 mV: a step of current gives one action potential at its onset, not a train.
  it("spikes once at the onset of a current step, with the independent integration's shape", function()
    local dt = 0.01
    local on, off = 2000, 7000   -- 20 ms to 70 ms
    local function I(k) return (k >= on and k < off) and 5.0 or 0.0 end
    local expected, trace = hh(I, 9000, dt)
    local net, pop, m = run(models.HH_cond_exp, {dt = dt, record = {"v", "spike"}})
    net:simulate(20)
    pop.i_offset = 5.0
    net:simulate(50)
    pop.i_offset = 0.0
    net:simulate(20)
    local spikes = m:get("spike")[1]
    assert.same(expected, spikes)
    assert.equal(1, #spikes)
    assert.is_true(spikes[1] >= on and spikes[1] < on + 500)
    local v = column(m:get("v"))
    local peak = -math.huge
    for k = 1, #v, 7 do
      near(trace[k], v[k], 1e-6, "v after step " .. (k - 1))
      if v[k] > peak then peak = v[k] end
    end
    -- an action potential overshoots well above 0 mV and the rest stays near e_rev_leak
    assert.is_true(peak > 20.0, "peak " .. peak)
    assert.is_true(math.abs(v[on] + 65.0) < 1.0)
  end)
end)

describe("GIF_curr and GIF_curr_exp", function()
  it("R = tau_m / C_m, global parameters, u and v start at u_r and u_th", function()
    for _, name in ipairs({"GIF_curr", "GIF_curr_exp"}) do
      local _, pop = run(models[name], {size = 2})
      assert.near(0.04, pop.R, 1e-15)
      assert.equal("number", type(pop.tau_m))
      assert.same({-65.0, -65.0}, pop.u:totable())
      assert.same({-50.0, -50.0}, pop.v:totable())
      local _, pop2 = run(models[name].with{C_m = 500.0, tau_m = 20.0})
      assert.near(0.04, pop2.R, 1e-15)
      assert.equal(20.0, pop2.tau_m)
    end
  end)

  it("membrane and threshold relax by explicit Euler without spikes", function()
    -- c = 0 makes Lambda 0: no spike; u -> u_r + R I_ext, v -> u_th
    local net, _, m = run(models.GIF_curr{c = 0.0}, {dt = 1.0, record = {"u", "spike"}})
    net:simulate(30)
    local u, uu = column(m:get("u")), -65.0
    for k = 1, 30 do
      uu = uu + 1.0 / 10.0 * (-uu - 65.0 + 0.04 * 375.0)
      near(uu, u[k], 1e-12, "u after step " .. k)
    end
    assert.same({}, m:get("spike")[1])
  end)

  it("escape noise: the spike count follows Lambda dt / 1000", function()
    -- u = v = u_th: Lambda = c = 10 Hz constant (tau_v huge keeps v, J_v = 0 no jump)
    local N = models.GIF_curr.with{I_ext = 0.0, u_r = -50.0, J_v = 0.0, tau_v = 1e12,
      current = ""}
    local net, _, m = run(N, {size = 100, record = "spike"})
    net:simulate(2000)
    local count = 0
    for _, s in pairs(m:get("spike")) do count = count + #s end
    -- expected 100 * 2000 * 10 / 1000 = 2000, standard deviation about 45
    assert.is_true(math.abs(count - 2000) < 250, count .. " spikes")
  end)

  it("GIF_curr_exp's conductances decay by explicit Euler with tau_g_exc", function()
    local Pre = ann.Neuron{parameters = "ts = 0.0", spike = "t == ts"}
    local net = ann.Network{dt = 1.0}
    local a = net:create(1, Pre)
    local b = net:create(1, models.GIF_curr_exp{c = 0.0})
    net:connect(a, b, "exc"):all_to_all(1.0)
    local m = net:monitor(b, "g_exc")
    net:compile{silent = true}
    net:simulate(5)
    local g = column(m:get("g_exc"))
    -- recorded after transmission: the spike of step 0 arrives at step 1
    near(0.0, g[1], 1e-12)
    near(1.0, g[2], 1e-12)
    near(1.0 - 1.0 / 5.0, g[3], 1e-12)
    near((1.0 - 1.0 / 5.0) ^ 2, g[4], 1e-12)
  end)
end)
