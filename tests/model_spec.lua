-- luacheck: no max line length
-- Model objects: Neuron, Synapse, Parameter, Variable, Creating, Pruning.
local model = require("annarchy.model")
local analyse = require("annarchy.compiler.analyse")

local function fails(f, msg)
  local ok, err = pcall(f)
  assert.is_false(ok)
  assert.is_string(err)
  assert.truthy(err:find("^annarchy: "), err)
  assert.truthy(err:find(msg, 1, true), err)
end

describe("Neuron and Synapse", function()
  it("are values with a metatable and keep their fields", function()
    local N = model.Neuron{parameters = "tau = 10", equations = "r = 1", name = "N", description = "d"}
    assert.is_truthy(getmetatable(N))
    assert.are.equal("N", N.name)
    assert.are.equal("r = 1", N.equations)
    assert.is_true(model.is_neuron(N))
    assert.are.equal("neuron", model.object_kind(N))
    local S = model.Synapse{psp = "w * pre.r"}
    assert.is_true(model.is_synapse(S))
    assert.is_false(model.is_neuron(S))
  end)

  it("reject unknown fields, naming the field and the model", function()
    fails(function() model.Neuron{equation = "r = 1", name = "Leaky"} end,
      'neuron "Leaky": unknown field \'equation\' (did you mean \'equations\'?)')
    fails(function() model.Synapse{pre_spikes = "g_target += w"} end, "unknown field 'pre_spikes'")
    fails(function() model.Neuron{reset = "v = 0", spikes = "v > 1"} end, "unknown field 'spikes'")
  end)

  it("check field types", function()
    fails(function() model.Neuron{equations = 3} end, "equations must be")
    fails(function() model.Neuron{parameters = 3} end, "parameters should")
    fails(function() model.Neuron{spike = {}} end, "spike must be a string")
    fails(function() model.Neuron{refractory = -1} end, "refractory")
    fails(function() model.Synapse{creating = 1} end, "creating must be")
    fails(function() model.Neuron("r = 1") end, "takes one table")
  end)

  it("are callable with new parameter defaults", function()
    local N = model.Neuron{parameters = "a = 0.02\nb = 0.2 : population", equations = "r = a + b", name = "Izh"}
    local N2 = N{a = 0.1}
    assert.are_not.equal(N, N2)
    assert.is_true(model.is_neuron(N2))
    assert.are.equal(0.1, analyse.neuron(N2, {}).attr.a.init)
    assert.are.equal(0.02, analyse.neuron(N, {}).attr.a.init)
    assert.are.equal(0.3, analyse.neuron(N2{b = 0.3}, {}).attr.b.init)
    assert.are.equal(0.1, analyse.neuron(N2{b = 0.3}, {}).attr.a.init)
    fails(function() return N{c = 1} end, 'neuron "Izh": unknown parameter \'c\'')
    local L = model.Neuron{parameters = {tau = 10}, equations = "r = tau"}
    fails(function() return L{taau = 1} end, "did you mean 'tau'")
    local S = model.Synapse{parameters = {eta = 0.1}, equations = "dw/dt = eta"}
    assert.are.equal(0.5, analyse.synapse(S{eta = 0.5}, {kind = "rate"}).attr.eta.init)
  end)
end)

describe("Parameter and Variable", function()
  it("Parameter(value, {locality, type}) and the named form", function()
    local p = model.Parameter(30.0, {locality = "local"})
    assert.is_true(model.is_parameter(p))
    assert.are.equal(30.0, p.value)
    assert.are.equal("local", p.locality)
    local q = model.Parameter{value = 1, type = "int"}
    assert.are.equal("int", q.type)
    fails(function() model.Parameter(1, {locality = "everywhere"}) end, "the locality must be in")
    fails(function() model.Parameter(1, {type = "double precision"}) end, "the data type must be in")
    fails(function() model.Parameter(1, {localty = "local"}) end, "unknown option 'localty'")
    fails(function() model.Parameter("x") end, "the value must be")
  end)
  it("Variable(equation, {init, min, max, method, locality, type})", function()
    local v = model.Variable("dx/dt = -x", {init = 1, min = 0, method = "exponential"})
    assert.is_true(model.is_variable(v))
    assert.are.equal("dx/dt = -x", v.equation)
    assert.are.equal(1, v.init)
    fails(function() model.Variable("x = 1", {methd = "rk4"}) end, "unknown option 'methd'")
    fails(function() model.Variable(1) end, "the equation must be a string")
  end)
  it("Creating and Pruning", function()
    local c = model.Creating("pre.r > 0.5", {proba = 0.5, w = 1.0, d = 2.0})
    assert.is_true(model.is_creating(c))
    assert.are.equal(2.0, c.d)
    local p = model.Pruning("w < 0.1", {proba = 0.1})
    assert.is_true(model.is_pruning(p))
    fails(function() model.Pruning("w < 0.1", {w = 1}) end, "unknown option 'w'")
  end)
  it("a distribution as a parameter value or an init", function()
    local Dist = setmetatable({}, {})
    local mt = {__index = function(_, k) if k == "kind" then return "Uniform" end error("no field " .. k) end}
    local d = setmetatable(Dist, mt)
    assert.is_true(model.is_distribution(d))
    local N = model.Neuron{parameters = {p = d}, equations = {model.Variable("r = 1", {init = d})}}
    local A = analyse.neuron(N, {})
    assert.are.equal(d, A.attr.p.init)
    assert.are.equal(d, A.attr.r.init)
  end)
end)
