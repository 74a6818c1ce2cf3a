-- BOLD monitoring: the six predefined balloon models against an independent explicit-Euler
-- integration of their equations (tests/reference/balloon_euler.lua), the accumulation and
-- normalisation of the inputs against hand calculations, the monitor's controls and its
-- errors.
local ann = require("annarchy")
local euler = dofile("tests/reference/balloon_euler.lua")

local SOURCE = ann.Neuron{parameters = "r = 0.0\nx = 0.0", name = "source"}

local function max_rel_diff(got, want)
  local worst = 0
  for k = 1, #want do
    local d = math.abs(got[k] - want[k]) / math.max(math.abs(want[k]), 1e-3)
    if d > worst then worst = d end
  end
  return worst
end

--- Drives `name` with piecewise-constant inputs: segments {steps, I_CBF, I_CMRO2}.
local function response(name, dt, segments)
  local net = ann.Network{dt = dt, seed = 1}
  local src = net:create(1, SOURCE)
  local bm = ann[name]
  local variables = {"I_CBF", "f_in", "q", "v", "f_out", "BOLD"}
  local mapping = {I_CBF = "r"}
  if name == "balloon_two_inputs" then
    mapping.I_CMRO2 = "x"
    for _, v in ipairs{"I_CMRO2", "s_CBF", "s_CMRO2", "r"} do variables[#variables + 1] = v end
  else
    for _, v in ipairs{"s", "E"} do variables[#variables + 1] = v end
  end
  local m = net:boldmonitor{populations = src, bold_model = bm, mapping = mapping,
                            recorded_variables = variables, start = true}
  net:compile{silent = true}
  local input, input2 = {}, {}
  for _, seg in ipairs(segments) do
    src.r, src.x = seg[2], seg[3] or 0.0
    net:simulate(seg[1] * dt)
    for _ = 1, seg[1] do
      input[#input + 1] = seg[2]
      input2[#input2 + 1] = seg[3] or 0.0
    end
  end
  local got = {}
  for _, v in ipairs(variables) do got[v] = m:get(v):flatten():totable() end
  return got, euler.run(name, dt, input, input2), variables
end

describe("balloon models", function()
  local box = {{1500, 0.5, 0.0}, {1000, 0.0, 0.3}, {5500, 0.0, 0.0}}
  for _, name in ipairs{"balloon_RN", "balloon_RL", "balloon_CN", "balloon_CL", "balloon_maith2021",
                        "balloon_two_inputs"} do
    it(name .. " follows an independent Euler integration of its equations (box input, 8 s)", function()
      local got, want, variables = response(name, 1.0, box)
      for _, v in ipairs(variables) do
        assert.are.equal(#want[v], #got[v])
        assert.is_true(max_rel_diff(got[v], want[v]) < 1e-9, name .. ": " .. v)
      end
      -- a visible response: the BOLD signal moves away from 0
      local peak = 0
      for _, x in ipairs(got.BOLD) do peak = math.max(peak, math.abs(x)) end
      assert.is_true(peak > 1e-3)
    end)
  end

  it("balloon_RN follows the integration with dt = 0.5 ms", function()
    local got, want, variables = response("balloon_RN", 0.5, {{2000, 1.0}, {6000, 0.0}})
    for _, v in ipairs(variables) do
      assert.is_true(max_rel_diff(got[v], want[v]) < 1e-9, v)
    end
  end)

  it("have the published coefficients with default parameters", function()
    local net = ann.Network{dt = 1.0}
    local src = net:create(1, SOURCE)
    local rn = net:boldmonitor{populations = src, recorded_variables = {"k_1", "k_2", "k_3"}, start = true}
    local cn = net:boldmonitor{populations = src, bold_model = ann.balloon_CN,
                               recorded_variables = {"k_1", "k_2", "k_3"}, start = true}
    net:compile{silent = true}
    net:simulate(1)
    -- revised: 4.3 * 40.3 * 0.34 * 0.04, 1.43 * 25 * 0.34 * 0.04, 1 - 1.43
    assert.is_true(math.abs(rn.k_1[1] - 2.356744) < 1e-6)
    assert.is_true(math.abs(rn.k_2[1] - 0.48620) < 1e-6)
    assert.is_true(math.abs(rn.k_3[1] + 0.43) < 1e-12)
    -- classical: 0.98 * 4.3 * 40.3 * 0.34 * 0.04, 2 * 0.34
    assert.is_true(math.abs(cn.k_1[1] - 2.30961) < 1e-5)
    assert.is_true(math.abs(cn.k_2[1] - 0.68) < 1e-12)
  end)

  it("take new parameter values when called, and keep their names", function()
    local net = ann.Network{dt = 1.0}
    local src = net:create(1, SOURCE)
    local m = net:boldmonitor{populations = src, bold_model = ann.balloon_RN{E_0 = 0.4, phi = 2.0}}
    local m2 = net:boldmonitor{populations = src, bold_model = ann.balloon_maith2021}
    net:compile{silent = true}
    -- the four variants have global parameters, the two models of Maith et al. local ones
    assert.same({0.3424}, m2.E_0:totable())
    assert.are.equal(0.4, m.E_0)
    assert.are.equal(2.0, m.phi)
    assert.are.equal(0.98, m.tau)
    assert.are.equal("BOLD model RN", ann.balloon_RN.name)
    assert.are.equal("BoldNeuron CN", ann.balloon_CN.name)
    assert.are.equal("BoldNeuron CL", ann.balloon_CL.name)
    assert.are.equal("BOLD model RL", ann.balloon_RL.name)
    assert.are.equal("Maith2021 BOLD model", ann.balloon_maith2021.name)
    assert.are.equal("BOLD model with two inputs", ann.balloon_two_inputs.name)
  end)
end)

-- A model that shows its inputs: BOLD = I_CBF (+ I_CMRO2).
local ECHO = ann.BoldModel{equations = {"I_CBF = sum(I_CBF)", "BOLD = I_CBF"}, inputs = "I_CBF",
                           name = "echo"}
local ECHO2 = ann.BoldModel{equations = "I_CBF = sum(I_CBF)\nI_CMRO2 = sum(I_CMRO2)\nBOLD = I_CBF + I_CMRO2",
                            inputs = {"I_CBF", "I_CMRO2"}, name = "echo2"}

--- I_CBF after one step of a monitor built by `make(net, p1, p2)`; p1 has r = {1, 3}, p2 has
-- r = {2, 4, 9} (their means: 2 and 5).
local function one_step(make)
  local net = ann.Network{dt = 1.0}
  local p1 = net:create(2, SOURCE)
  local p2 = net:create(3, SOURCE)
  local m = make(net, p1, p2)
  net:compile{silent = true}
  p1.r, p2.r = {1, 3}, {2, 4, 9}
  p1.x, p2.x = {10, 30}, {20, 40, 90}
  net:simulate(1)
  return m:get("BOLD")[1][1], m
end

describe("BoldMonitor accumulation", function()
  it("feeds the mean over all neurons of all populations by default (scale = size / total)", function()
    -- (2/5) * 2 + (3/5) * 5 = (1 + 3 + 2 + 4 + 9) / 5 = 3.8
    local v = one_step(function(net, p1, p2)
      return net:boldmonitor{populations = {p1, p2}, bold_model = ECHO, start = true}
    end)
    assert.is_true(math.abs(v - 3.8) < 1e-12)
  end)

  it("weights each population's mean by scale_factor (a list or one number)", function()
    local v = one_step(function(net, p1, p2)
      return net:boldmonitor{populations = {p1, p2}, bold_model = ECHO, scale_factor = {1, 2}, start = true}
    end)
    assert.are.equal(1 * 2 + 2 * 5, v)
    v = one_step(function(net, p1, p2)
      return net:boldmonitor{populations = {p1, p2}, bold_model = ECHO, scale_factor = 0.5, start = true}
    end)
    assert.are.equal(0.5 * 2 + 0.5 * 5, v)
  end)

  it("maps each input to its own population variable", function()
    -- I_CBF: 3.8 (r); I_CMRO2: mean of x = 38
    local v = one_step(function(net, p1, p2)
      return net:boldmonitor{populations = {p1, p2}, bold_model = ECHO2,
                             mapping = {I_CBF = "r", I_CMRO2 = "x"}, start = true}
    end)
    assert.is_true(math.abs(v - (3.8 + 38)) < 1e-12)
  end)

  it("records population views with their own size", function()
    -- p1 (2 neurons, mean 2) and ranks 2..3 of p2 (mean 6.5): scales 1/2 and 1/2
    local v = one_step(function(net, p1, p2)
      return net:boldmonitor{populations = {p1, p2:range(2, 3)}, bold_model = ECHO, start = true}
    end)
    assert.are.equal(0.5 * 2 + 0.5 * 6.5, v)
  end)

  it("sees the populations one step late, like any projection", function()
    -- r = t is computed in the update of step k; the BOLD model reads it at step k + 1
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, ann.Neuron{equations = "r = t"})
    local m = net:boldmonitor(p, ECHO, {I_CBF = "r"}, {start = true})
    net:compile{silent = true}
    net:simulate(4)
    assert.same({0, 0, 1, 2}, m:get("BOLD"):flatten():totable())
  end)
end)

describe("BoldMonitor normalisation", function()
  -- A TimedArray of 2 neurons showing row j = {j, 3j} (mean 2j) at step j - 1: a projection
  -- reads the mean m_k = 2k at step k.
  local function rows(n)
    local out = {}
    for j = 1, n do out[j] = {j, 3 * j} end
    return out
  end

  local function setup(opts)
    local net = ann.Network{dt = 1.0}
    local ta = net:create(ann.TimedArray{rates = rows(40)})
    opts.populations = ta
    opts.bold_model = ECHO
    local m = net:boldmonitor(opts)
    net:compile{silent = true}
    return net, m
  end

  it("contributes nothing during the baseline, then the relative deviation from it", function()
    local net, m = setup{normalize_input = 3}
    net:simulate(2)          -- stopped: the BOLD model does not run
    m:start()                -- baseline = steps 2, 3, 4: mu = (4 + 6 + 8) / 3 = 6
    net:simulate(8)
    local want = {0, 0, 0}
    for k = 5, 9 do want[#want + 1] = (2 * k - 6) / (6 + 1e-7) end
    assert.is_true(ann.allclose(m:get("BOLD"):flatten(), want, {rtol = 1e-12, atol = 0}))
  end)

  it("scales the normalised input and starts a new baseline at every start()", function()
    local net, m = setup{normalize_input = 2, scale_factor = 3}
    m:start()                -- steps 0, 1 (m = 0 then 2): mu = 1
    net:simulate(4)
    m:start()                -- steps 4, 5 (m = 8, 10): mu = 9
    net:simulate(4)
    local want = {0, 0, 3 * (4 - 1) / (1 + 1e-7), 3 * (6 - 1) / (1 + 1e-7),
                  0, 0, 3 * (12 - 9) / (9 + 1e-7), 3 * (14 - 9) / (9 + 1e-7)}
    assert.is_true(ann.allclose(m:get("BOLD"):flatten(), want, {rtol = 1e-12, atol = 0}))
  end)

  it("with start = true, takes the baseline from the first steps", function()
    local net, m = setup{normalize_input = 2, start = true}
    net:simulate(4)          -- m = 0, 2 -> mu = 1; then (4 - 1) / 1, (6 - 1) / 1
    local want = {0, 0, 3 / (1 + 1e-7), 5 / (1 + 1e-7)}
    assert.is_true(ann.allclose(m:get("BOLD"):flatten(), want, {rtol = 1e-12, atol = 0}))
  end)

  it("normalises each population with its own baseline", function()
    local net = ann.Network{dt = 1.0}
    local ta = net:create(ann.TimedArray{rates = rows(40)})
    local c = net:create(1, SOURCE)
    local m = net:boldmonitor{populations = {ta, c}, bold_model = ECHO, normalize_input = {2, 0},
                              scale_factor = {1, 1}}
    net:compile{silent = true}
    c.r = 7.0
    m:start()
    net:simulate(3)          -- ta: 0, 0, (4 - 1) / 1; c: 7 every step
    local want = {7, 7, 7 + 3 / (1 + 1e-7)}
    assert.is_true(ann.allclose(m:get("BOLD"):flatten(), want, {rtol = 1e-12, atol = 0}))
  end)
end)

describe("BoldMonitor controls", function()
  it("records the outputs and the requested variables, sorted, once each", function()
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    local m = net:boldmonitor{populations = p, recorded_variables = {"s", "BOLD", "I_CBF", "s"}}
    assert.same({"BOLD", "I_CBF", "s"}, m.recorded_variables)
    m = net:boldmonitor{populations = p}
    assert.same({"BOLD"}, m.recorded_variables)
  end)

  it("names its population after the model and integrates only between start() and stop()", function()
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    local m = net:boldmonitor{populations = p, bold_model = ECHO}
    local pop = net:get_population("echo")
    assert.is_false(pop.enabled)
    net:compile{silent = true}
    p.r = 2.0
    net:simulate(3)
    assert.are.equal(0, pop.I_CBF[1])
    m:start()
    assert.is_true(pop.enabled)
    net:simulate(2)
    assert.same({2, 2}, m:get("BOLD"):flatten():totable())
    m:stop()
    assert.is_false(pop.enabled)
    p.r = 5.0
    net:simulate(2)
    assert.are.equal(2, pop.I_CBF[1])
    assert.has_error(function() m:get("BOLD") end, 'annarchy: Monitor "Monitor_echo" was stopped')
    assert.has_error(function() m:start() end,
      'annarchy: BoldMonitor "echo": the monitor was stopped (its recordings are deleted); create a new one')
  end)

  it("reads and writes the model's attributes after compile", function()
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    local m = ann.BoldMonitor(p)
    assert.has_error(function() return m.E_0 end,
      'annarchy: BoldMonitor "BOLD model RN": attributes can not be read or modified before compile()')
    net:compile{silent = true}
    assert.are.equal(0.34, m.E_0)
    m.E_0 = 0.4
    assert.are.equal(0.4, net:get_population("BOLD model RN").E_0)
    assert.has_error(function() return m.nope end,
      'annarchy: BoldMonitor "BOLD model RN": \'nope\' is not an attribute of the BOLD model')
    assert.has_error(function() m.nope = 1 end,
      'annarchy: BoldMonitor "BOLD model RN": \'nope\' is not an attribute of the BOLD model')
  end)

  it("gives a second monitor of the same model its own population name", function()
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    net:boldmonitor{populations = p, bold_model = ECHO}
    net:boldmonitor{populations = p, bold_model = ECHO}
    assert.are.equal(1, net:get_population("echo (2)").size)
  end)

  it("accepts a BoldModel without parameters that defines r", function()
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    local m = net:boldmonitor{populations = p, start = true, bold_model = ann.BoldModel{
      equations = "r = 2 * sum(I_CBF)\nBOLD = r", inputs = "I_CBF"}}
    net:compile{silent = true}
    p.r = 1.5
    net:simulate(1)
    assert.are.equal(3, m:get("BOLD")[1][1])
  end)

  it("gives a BoldModel without r a local parameter r", function()
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    net:boldmonitor{populations = p, bold_model = ECHO}
    net:compile{silent = true}
    assert.same({0}, net:get_population("echo").r:totable())
  end)
end)

describe("BoldMonitor errors", function()
  local function net_and_pop()
    local net = ann.Network{dt = 1.0}
    return net, net:create(1, SOURCE)
  end

  it("needs populations of its network", function()
    local net = net_and_pop()
    assert.has_error(function() net:boldmonitor{} end,
      "annarchy: BoldMonitor: either a population or a list of populations must be provided (populations = ...)")
    assert.has_error(function() net:boldmonitor{populations = "nope"} end,
      'annarchy: the network has no population named "nope"')
    assert.has_error(function() ann.BoldMonitor{populations = "pop0"} end,
      'annarchy: BoldMonitor: population "pop0" is given by name; use net:boldmonitor(...) to look it up')
    local other = ann.Network{dt = 1.0}
    local q = other:create(1, SOURCE)
    assert.has_error(function() net:boldmonitor{populations = q} end,
      'annarchy: BoldMonitor: population "pop0" belongs to another network')
  end)

  it("checks the mapping against the model and the populations", function()
    local net, p = net_and_pop()
    assert.has_error(function() net:boldmonitor{populations = p, mapping = {I_X = "r"}} end,
      'annarchy: BoldMonitor: the key "I_X" of mapping is not an input of the BOLD model "BOLD model RN" (inputs: I_CBF)')
    assert.has_error(function() net:boldmonitor{populations = p, mapping = {I_CBF = "foo"}} end,
      'annarchy: BoldMonitor: population "pop0" has no attribute "foo" (mapping I_CBF = "foo")')
  end)

  it("checks the model, the recorded variables, the scale factors and the baseline", function()
    local net, p = net_and_pop()
    assert.has_error(function() net:boldmonitor{populations = p, bold_model = ann.LeakyIntegrator} end,
      "annarchy: BoldMonitor: bold_model must be a BOLD model (ann.BoldModel{...} or a balloon model), "
      .. 'got Neuron("Leaky-Integrator")')
    assert.has_error(function() net:boldmonitor{populations = p, recorded_variables = {"x"}} end,
      'annarchy: BoldMonitor: "x" is not a variable of the BOLD model "BOLD model RN"')
    assert.has_error(function() net:boldmonitor{populations = {p, p}, scale_factor = {1}} end,
      "annarchy: BoldMonitor: scale_factor has 1 values for 2 populations")
    assert.has_error(function() net:boldmonitor{populations = p, normalize_input = 0.5} end,
      "annarchy: BoldMonitor: normalize_input (0.5 ms) is shorter than one step (dt = 1 ms)")
  end)

  it("is created before compile", function()
    local net, p = net_and_pop()
    net:compile{silent = true}
    assert.has_error(function() net:boldmonitor{populations = p} end,
      "annarchy: BoldMonitor: the network is already compiled; create the monitor before compile()")
  end)
end)

describe("BoldModel", function()
  it("must declare inputs read with sum() and outputs it defines", function()
    assert.has_error(function() ann.BoldModel{equations = "BOLD = 1"} end,
      'annarchy: BoldModel "Custom BOLD model": inputs (the targets read with sum()) must be given')
    assert.has_error(function() ann.BoldModel{equations = "BOLD = 1", inputs = "I_CBF"} end,
      'annarchy: BoldModel "Custom BOLD model": the input "I_CBF" is not read by any equation (write sum(I_CBF))')
    assert.has_error(function() ann.BoldModel{equations = "x = sum(I_CBF)", inputs = "I_CBF"} end,
      'annarchy: BoldModel "Custom BOLD model": the output "BOLD" is neither a parameter nor a variable of the model')
    assert.has_error(function() ann.BoldModel{equations = "x = sum(I)", inputs = "I", outputs = "x"} end,
      'annarchy: ann.BoldModel: unknown field "outputs" '
      .. "(expected parameters, equations, inputs, output, name, description)")
  end)

  it("accepts parameters as a table and Variables, and an output of another name", function()
    local Davis = ann.BoldModel{
      parameters = {second = 1000.0, phi = 1.0, kappa = 1 / 1.54, gamma = 1 / 2.46, E_0 = 0.34,
                    M = 0.149, alpha = 0.14, beta = 0.91},
      equations = {
        "I_CBF = sum(I_CBF)",
        "ds/dt = (phi * I_CBF - kappa * s - gamma * (f_in - 1)) / second",
        ann.Variable("df_in/dt = s / second", {init = 1, min = 0.01}),
        ann.Variable("E = 1 - (1 - E_0)**(1 / f_in)", {init = 0.34}),
        ann.Variable("r = f_in * E / E_0", {init = 1}),
        "BOLD_Davis = M * (1 - f_in**alpha * (r / f_in)**beta)",
      },
      inputs = {"I_CBF"}, output = "BOLD_Davis", name = "Davis",
    }
    local net = ann.Network{dt = 1.0}
    local p = net:create(1, SOURCE)
    local m = net:boldmonitor{populations = p, bold_model = Davis, start = true}
    assert.same({"BOLD_Davis"}, m.recorded_variables)
    net:compile{silent = true}
    p.r = 1.0
    net:simulate(2)
    -- step 1: s = 1/1000; step 2: f_in = 1 + 1e-6, so the signal leaves 0
    assert.are.equal(1 + 1e-6, net:get_population("Davis").f_in[1])
    assert.is_true(m:get("BOLD_Davis")[2][1] ~= 0)
  end)
end)
