-- The built-in synapse models (reference-library §2): Hebb, Oja, IBCM transmit w * pre.r and
-- learn as computed by hand here; STP and STDP run, and their event-driven variables decay
-- exactly over the time between events (QUIRKS core 5: stamped with the step they were
-- advanced to).
local ann = require("annarchy")
local models = require("annarchy.models")

local exp = math.exp

local function near(expected, got, tol, what)
  assert(math.abs(expected - got) <= tol * math.max(1, math.abs(expected)),
    ("%s: expected %.15g, got %.15g"):format(what or "value", expected, got))
end

local function column(arr, j)
  local out = {}
  for k = 1, arr.shape[1] do out[k] = arr[k][j or 1] end
  return out
end

-- rate-coded neurons whose rate is a parameter (an input), or a copy of a parameter
local Input = ann.Neuron{parameters = "r = 0.0"}
local Fixed = ann.Neuron{parameters = "r0 = 0.0", equations = "r = r0"}
local Output = ann.Neuron{equations = "r = sum(exc)"}

describe("rate-coded learning rules", function()
  for _, name in ipairs({"Hebb", "Oja", "IBCM"}) do
    it(name .. " transmits w * pre.r with learning disabled (E11)", function()
      local net = ann.Network{}
      local a = net:create(1, Input)
      local b = net:create(1, Output)
      local p = net:connect(a, b, "exc", {synapse = models[name]}):all_to_all(0.1)
      net:compile{silent = true}
      p:disable_learning()
      a.r = 1.0
      net:simulate(1)
      assert.near(0.1, b:sum("exc")[1], 1e-12)
      net:simulate(5)
      assert.near(0.1, b.r[1], 1e-12)
      assert.near(0.1, p.w[1][1], 1e-12)
    end)
  end

  local function learning_net(syn)
    local net = ann.Network{dt = 1.0}
    local a = net:create(2, Fixed)
    local b = net:create(1, Fixed)
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(0.5)
    net:compile{silent = true}
    a.r0 = {1.0, 2.0}
    b.r0 = 1.5
    return net, p
  end

  it("Hebb: w += dt * eta * pre.r * post.r, bounded below by 0", function()
    local net, p = learning_net(models.Hebb{eta = 0.1})
    local w = {0.5, 0.5}
    for step = 1, 3 do
      net:step()
      for j, pre in ipairs({1.0, 2.0}) do w[j] = w[j] + 0.1 * pre * 1.5 end
      for j = 1, 2 do near(w[j], p.w[1][j], 1e-12, "w" .. j .. " after step " .. step) end
    end
    assert.equal(0.1, p.eta)
    assert.equal("number", type(p.eta))
  end)

  it("Oja: w += dt * eta * (pre.r * post.r - alpha * post.r^2 * w)", function()
    local net, p = learning_net(models.Oja{eta = 0.05, alpha = 2.0})
    local w = {0.5, 0.5}
    for step = 1, 3 do
      net:step()
      for j, pre in ipairs({1.0, 2.0}) do
        w[j] = math.max(0.0, w[j] + 0.05 * (pre * 1.5 - 2.0 * 1.5 ^ 2 * w[j]))
      end
      for j = 1, 2 do near(w[j], p.w[1][j], 1e-12, "w" .. j .. " after step " .. step) end
    end
  end)

  it("Oja clamps w at 0", function()
    local net, p = learning_net(models.Oja{eta = 1.0, alpha = 10.0})
    net:step()
    assert.same({0.0, 0.0}, p.w[1]:totable())
  end)

  it("IBCM: semiglobal theta (exponential), then w with the new theta", function()
    local net, p = learning_net(models.IBCM{eta = 0.2, tau = 5.0})
    local w, theta = {0.5, 0.5}, 0.0
    for step = 1, 3 do
      net:step()
      theta = theta + (1 - exp(-1.0 / 5.0)) * (1.5 ^ 2 - theta)
      for j, pre in ipairs({1.0, 2.0}) do
        w[j] = math.max(0.0, w[j] + 0.2 * 1.5 * (1.5 - theta) * pre)
      end
      near(theta, p.theta[1], 1e-12, "theta after step " .. step)
      for j = 1, 2 do near(w[j], p.w[1][j], 1e-12, "w" .. j .. " after step " .. step) end
    end
    assert.equal(1, p.theta.size)
    assert.equal(5.0, p.tau)
  end)
end)

-- a spiking neuron that spikes at the times listed in its parameters (ms)
local function spiker(cond)
  return ann.Neuron{parameters = "ts = -1.0", equations = "v = g_exc", spike = cond}
end

describe("STP", function()
  it("every built-in spiking synapse compiles and runs", function()
    for _, name in ipairs(models.list_standard_synapses()) do
      local syn = models[name]
      if name == "STP" or name == "STDP" then
        local net = ann.Network{dt = 0.5}
        local a = net:create(5, models.Izhikevich{i_offset = 10.0})
        local b = net:create(3, models.IF_cond_exp)
        net:connect(a, b, "exc", {synapse = syn}):all_to_all(0.1)
        net:compile{silent = true}
        net:simulate(50)
      end
    end
  end)

  it("rejects tau_facil <= 0", function()
    for _, bad in ipairs({0.0, -1.0}) do
      local ok, err = pcall(models.STP.with, {tau_facil = bad})
      assert.is_false(ok)
      assert.matches("tau_facil must be positive", err)
    end
    assert.has_no.errors(function() return models.STP.with{tau_facil = 50.0} end)
  end)

  it("g_target += w u x; x *= 1 - u; u += U (1 - u), with exact recovery between spikes", function()
    -- the pre neuron spikes every 10 ms (t = 0, 10, 20...), delivered one step later
    local dt, w, U, tau_rec, tau_facil = 1.0, 2.0, 0.3, 50.0, 20.0
    local net = ann.Network{dt = dt}
    local a = net:create(1, spiker("modulo(t, 10.0) == 0.0"))
    local b = net:create(1, spiker("v < -1.0"))
    local p = net:connect(a, b, "exc", {synapse = models.STP{tau_rec = tau_rec, tau_facil = tau_facil,
      U = U}}):all_to_all(w)
    local m = net:monitor(b, "v")
    net:compile{silent = true}
    net:simulate(45)
    local v = column(m:get("v"))
    -- by hand: the first event sees the initial x = 1, u = U; between events the variables
    -- relax over exactly 10 ms
    local x, u = 1.0, U
    for e = 0, 4 do
      if e > 0 then
        x = 1 + (x - 1) * exp(-10.0 / tau_rec)
        u = U + (u - U) * exp(-10.0 / tau_facil)
      end
      local step = 10 * e + 1
      near(w * u * x, v[step + 1], 1e-12, "g_exc received at step " .. step)
      near(0.0, v[step], 1e-12)
      x = x * (1 - u)
      u = u + U * (1 - u)
    end
    assert.equal("number", type(p.tau_rec))
    assert.equal(1, p.U[1].size)
  end)
end)

describe("STDP", function()
  local function pair(t_pre, t_post, syn, w0)
    local net = ann.Network{dt = 1.0}
    local a = net:create(1, spiker("t == ts"))
    local b = net:create(1, spiker("t == ts"))
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(w0)
    net:compile{silent = true}
    a.ts = t_pre
    b.ts = t_post
    net:simulate(math.max(t_pre, t_post) + 5)
    return p
  end

  it("pre then post: w += A_plus * w_max * exp(-dt / tau_plus)", function()
    local syn = models.STDP{A_plus = 0.02, w_max = 2.0, tau_plus = 15.0}
    local p = pair(10.0, 17.0, syn, 0.5)
    near(0.5 + 0.02 * 2.0 * exp(-7.0 / 15.0), p.w[1][1], 1e-12, "w")
    -- the pre trace x, read after the post spike: decayed over 7 ms, not updated since
    near(0.02 * 2.0 * exp(-7.0 / 15.0), p.x[1][1], 1e-12, "x")
  end)

  it("post then pre: w -= A_minus * w_max * exp(-dt / tau_minus)", function()
    local syn = models.STDP{A_minus = 0.03, w_max = 1.5, tau_minus = 25.0}
    local p = pair(17.0, 10.0, syn, 0.5)
    near(0.5 - 0.03 * 1.5 * exp(-7.0 / 25.0), p.w[1][1], 1e-12, "w")
  end)

  it("w stays within [w_min, w_max]", function()
    local p = pair(10.0, 11.0, models.STDP{A_plus = 1.0, w_max = 1.0}, 0.9)
    assert.near(1.0, p.w[1][1], 1e-12)
    local q = pair(11.0, 10.0, models.STDP{A_minus = 1.0, w_min = 0.2}, 0.5)
    assert.near(0.2, q.w[1][1], 1e-12)
  end)

  it("g_target += w uses the weight before the event's change; learning can be disabled", function()
    local net = ann.Network{dt = 1.0}
    local a = net:create(1, spiker("t == 3.0 or t == 6.0"))
    local b = net:create(1, spiker("t == 1.0"))
    local p = net:connect(a, b, "exc", {synapse = models.STDP{A_minus = 0.1}}):all_to_all(0.5)
    local m = net:monitor(b, "v")
    net:compile{silent = true}
    net:simulate(10)
    local v = column(m:get("v"))
    -- post spiked at step 1: y = -0.1; pre spikes at 3 and 6 arrive at 4 and 7
    local w1 = 0.5 - 0.1 * exp(-2.0 / 20.0)
    near(0.5, v[5], 1e-12, "first transmission")
    near(w1, v[8], 1e-12, "second transmission")
    near(w1 - 0.1 * exp(-5.0 / 20.0), p.w[1][1], 1e-12, "w")
    -- disabled: transmission goes on, the weight stays
    local net2 = ann.Network{dt = 1.0}
    local a2 = net2:create(1, spiker("t == 3.0 or t == 6.0"))
    local b2 = net2:create(1, spiker("t == 1.0"))
    local p2 = net2:connect(a2, b2, "exc", {synapse = models.STDP{A_minus = 0.1}}):all_to_all(0.5)
    local m2 = net2:monitor(b2, "v")
    net2:compile{silent = true}
    p2:disable_learning()
    net2:simulate(10)
    local v2 = column(m2:get("v"))
    near(0.5, v2[5], 1e-12)
    near(0.5, v2[8], 1e-12)
    near(0.5, p2.w[1][1], 1e-12)
  end)

  it("all parameters are global, x and y local", function()
    local p = pair(10.0, 12.0, models.STDP, 0.5)
    for _, n in ipairs({"tau_plus", "tau_minus", "A_plus", "A_minus", "w_min", "w_max"}) do
      assert.equal("number", type(p[n]))
    end
    assert.equal(1, p.x[1].size)
    assert.equal(1, p.y[1].size)
  end)
end)
