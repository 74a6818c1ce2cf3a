-- luacheck: no max line length
-- Model analysis: attributes, implicit ones, localities, and every error of reference §14.1
-- (plus what the reference only finds when compiling C++).
local model = require("annarchy.model")
local compiler = require("annarchy.compiler")
local analyse = compiler.analyse

local Neuron, Synapse = model.Neuron, model.Synapse

local function caret(err)
  local lines = {}
  for l in (err .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  local c = lines[3] and lines[3]:find("^", 1, true)
  return c and (c - 4)
end

local function neuron(t, env) return analyse.neuron(Neuron(t), env or {}) end
local function synapse(t, env) return analyse.synapse(Synapse(t), env or {kind = "rate"}) end

local function fails(f, msg, col)
  local ok, err = pcall(f)
  assert.is_false(ok, "expected an error containing: " .. msg)
  assert.is_string(err)
  assert.truthy(err:find("^annarchy: "), err)
  assert.truthy(err:find(msg, 1, true), "got: " .. err)
  if col then assert.are.equal(col, caret(err), err) end
  return err
end

describe("analysed neurons", function()
  it("a rate-coded neuron", function()
    local A = neuron{name = "Leaky", parameters = "tau = 10.0 : population\nB = 0.0",
      equations = "tau * dr/dt + r = sum(exc) + B : min = 0.0"}
    assert.are.equal("neuron", A.object)
    assert.are.equal("rate", A.kind)
    assert.are.equal("Leaky", A.name)
    assert.are.same({"tau", "B"}, A.parameters)
    assert.are.same({"r"}, A.variables)
    assert.are.equal("global", A.attr.tau.locality)
    assert.are.equal("local", A.attr.B.locality)
    assert.are.equal(10.0, A.attr.tau.init)
    assert.are.equal("explicit", A.attr.r.method)
    assert.is_truthy(A.attr.r.min)
    assert.are.same({"exc"}, A.targets)
    assert.is_false(A.uses_sum_all)
    assert.is_string(A.signature)
  end)

  it("a spiking neuron gets r and g_X, with g_X = 0 after the user equations", function()
    local A = neuron{parameters = "tau = 10.0", equations = "tau*dv/dt = -v + g_exc - g_inh\nx = 1",
      spike = "v > 1", reset = "v = 0", refractory = 2.0}
    assert.are.equal("spike", A.kind)
    assert.are.same({"exc", "inh"}, A.targets)
    assert.is_true(A.attr.r.implicit)
    assert.is_true(A.attr.g_exc.implicit)
    assert.are.equal("local", A.attr.g_exc.locality)
    local last = A.equations[#A.equations]
    assert.are.equal("g_inh", last.target)
    assert.is_true(last.implicit)
    assert.are.equal(2.0, A.refractory)
    assert.is_truthy(A.spike)
    assert.are.equal(1, #A.reset)
  end)

  it("a user equation for g_X replaces the implicit reset", function()
    local A = neuron{parameters = "tau = 5", equations = "tau*dg_exc/dt = -g_exc\nv = g_exc",
      spike = "v > 1"}
    assert.is_nil(A.attr.g_exc.implicit)
    for _, eq in ipairs(A.equations) do assert.is_nil(eq.implicit) end
  end)

  it("table parameters: alphabetical, global, booleans are bool", function()
    local A = neuron{parameters = {tau = 10, on = true, b = model.Parameter(1, {locality = "local",
      type = "int"})}, equations = "r = 1"}
    assert.are.same({"b", "on", "tau"}, A.parameters)
    assert.are.equal("bool", A.attr.on.type)
    assert.are.equal(true, A.attr.on.init)
    assert.are.equal("int", A.attr.b.type)
    assert.are.equal("local", A.attr.b.locality)
    assert.are.equal("global", A.attr.tau.locality)
  end)

  it("string parameters: local by default, true/false are bool, init form", function()
    local A = neuron{parameters = "a = 1\nb = true\nc : init = 3.0, population\nn = 3 : int",
      equations = "r = 1"}
    assert.are.equal("local", A.attr.a.locality)
    assert.are.equal("bool", A.attr.b.type)
    assert.are.equal(3.0, A.attr.c.init)
    assert.are.equal("global", A.attr.c.locality)
    assert.are.equal("int", A.attr.n.type)
  end)

  it("Variable objects and init forms", function()
    local A = neuron{parameters = "v0 = -65.0",
      equations = {model.Variable("dv/dt = -v", {init = "v0", min = -80, max = "v0 + 100",
        method = "exponential"}), "r = 2 : init = 0.5, population"}}
    assert.are.same({param = "v0"}, A.attr.v.init)
    assert.are.equal("exponential", A.attr.v.method)
    assert.is_truthy(A.attr.v.min)
    assert.is_truthy(A.attr.v.max)
    assert.are.equal(0.5, A.attr.r.init)
    assert.are.equal("global", A.attr.r.locality)
  end)

  it("init from a constant and from a distribution call", function()
    local A = neuron({equations = "r = 1 : init = K\nx = 2 : init = Uniform(0.0, 1.0)"},
      {constants = {K = true}})
    assert.are.same({const = "K"}, A.attr.r.init)
    assert.is_truthy(A.attr.x.init)
    assert.are.equal("table", type(A.attr.x.init))
  end)

  it("random variables inherit the locality of their equation", function()
    local A = neuron{parameters = "mu = 0.0 : population",
      equations = "r = Normal(mu, 1.0)\ng = Uniform(0, 1) + Exponential(2.0) : population"}
    assert.are.equal(3, #A.randoms)
    assert.are.equal("rand_1", A.randoms[1].name)
    assert.are.equal("Normal", A.randoms[1].dist)
    assert.are.equal("local", A.randoms[1].locality)
    assert.are.equal("global", A.randoms[2].locality)
    assert.are.equal("Exponential", A.randoms[3].dist)
  end)

  it("global operations are collected once", function()
    local A = neuron{equations = "r = 1\nm = mean(r) + max(r) : population\nn = mean(r) + norm1(r) + norm2(r)"}
    assert.are.equal(4, #A.gops)
    assert.are.equal("_gop_1", A.gops[1].name)
    assert.are.equal("mean", A.gops[1].op)
    assert.are.equal("r", A.gops[1].var)
  end)

  it("sum() over all targets, conditionals, functions, constants", function()
    local reg = compiler.new_function_registry()
    compiler.add_function(reg, "sigmoid(x) = 1 / (1 + exp(-x))")
    local A = neuron({equations = "r = sigmoid(sum()) + ite(t > 1, 1, 0) + K + f(2) + pi",
      functions = "f(x) = 2 * x"}, {functions = reg, constants = {K = true}})
    assert.is_true(A.uses_sum_all)
    local names = {}
    for _, f in ipairs(A.functions) do names[#names + 1] = f.name end
    table.sort(names)
    assert.are.same({"f", "sigmoid"}, names)
  end)

  it("refractory given by an attribute, unless_refractory recorded", function()
    local A = neuron{parameters = "tref = 2.0", equations = "dv/dt = 1 : unless_refractory\ng_exc = 0",
      spike = "v > 1", refractory = "tref"}
    assert.are.same({name = "tref"}, A.refractory)
    assert.is_true(A.attr.v.unless_refractory)
  end)

  it("the signature ignores parameter values but not equations", function()
    local N = Neuron{parameters = "a = 1", equations = "r = a"}
    local s1 = analyse.neuron(N, {}).signature
    assert.are.equal(s1, analyse.neuron(N{a = 2}, {}).signature)
    assert.are_not.equal(s1, neuron({parameters = "a = 1", equations = "r = 2*a"}).signature)
    assert.are_not.equal(s1, neuron({parameters = "a = 1 : population", equations = "r = a"}).signature)
  end)

  it("stop conditions", function()
    local A = neuron{equations = "r += 1"}
    local c = analyse.condition("r > 5.0 : all", A)
    assert.are.equal("all", c.mode)
    assert.is_truthy(c.expr)
    assert.are.equal("any", analyse.condition("r > 5.0", A).mode)
    fails(function() analyse.condition("mean(r) > 1", A) end, "global operations")
    fails(function() analyse.condition("q > 1", A) end, "unknown name 'q'")
  end)
end)

describe("neuron errors (reference §14.1)", function()
  it("unknown names with a suggestion", function()
    local err = fails(function()
      neuron{name = "Leaky", parameters = "tau = 10", equations = "taau * dr/dt + r = sum(exc)"}
    end, "unknown name 'taau' (did you mean 'tau'?)", 1)
    assert.truthy(err:find('^annarchy: neuron "Leaky", equation 1: '))
    assert.truthy(err:find("\n    taau %* dr/dt %+ r = sum%(exc%)\n    %^$"))
  end)
  it("rate neuron without r", function()
    fails(function() neuron{equations = "v = 1"} end, 'rate-coded neurons must define the variable "r"')
  end)
  it("spiking neuron defining r", function()
    fails(function() neuron{equations = "r = 1", spike = "r > 1"} end, 'use the variable "r"')
  end)
  it("attributes declared twice", function()
    fails(function() neuron{parameters = "r = 1", equations = "r = 2"} end, "declared only once", 1)
  end)
  it("locality flags of synapses", function()
    fails(function() neuron{parameters = "x = 1 : projection", equations = "r = 1"} end,
      'the flag "projection" is forbidden', 9)
    fails(function() neuron{equations = "r = 1 : postsynaptic"} end, 'the flag "postsynaptic" is forbidden')
  end)
  it("bad parameter values", function()
    fails(function() neuron{parameters = "x = abc", equations = "r = 1"} end, "is not a float", 5)
    fails(function() neuron{parameters = "x = 1.5 : int", equations = "r = 1"} end, "not an integer")
    fails(function() neuron{parameters = {x = model.Parameter(1.5, {type = "int"})}, equations = "r = 1"} end,
      "not an integer")
  end)
  it("reserved names", function()
    fails(function() neuron{equations = "t = 1\nr = 1"} end, "t is a reserved variable name", 1)
    fails(function() neuron{equations = "pos = 1\nr = 1"} end, "pos is a reserved keyword")
    fails(function() neuron{equations = "refractory = 1\nr = 1"} end, "reserved variable name")
    fails(function() neuron{equations = "_x = 1\nr = 1"} end, "can not start with '_'")
    fails(function() neuron({equations = "size = 1\nr = 1"}, {reserved = {size = true}}) end, "reserved")
    fails(function() neuron({equations = "name2 = 1\nr = 1"}, {reserved = {name2 = "a field"}}) end,
      "name2 is reserved (a field)")
  end)
  it("functions", function()
    fails(function() neuron{equations = "r = 1", functions = "exp(x) = x"} end, "the function name exp is reserved")
    fails(function() neuron{equations = "r = f(1)", functions = "f(x) = x : float"} end,
      "exactly the types of return value and arguments")
    fails(function() neuron{equations = "r = f(1)", functions = "f(x) = x + y"} end,
      "unknown name 'y'", 12)
    fails(function() neuron{equations = "r = f(1, 2)", functions = "f(x) = x"} end, "takes 1 argument")
    fails(function() neuron{equations = "r = g(1)", functions = "g(x) = f(x)\nf(x) = x"} end,
      "must be defined before")
  end)
  it("conditionals", function()
    fails(function() neuron{equations = "r = 1 + if t > 1: 1 else: 0"} end, "whole right-hand side", 9)
    fails(function() neuron{equations = "r = if t > 1: 1"} end, "both ':' and 'else'")
  end)
  it("numerical methods", function()
    fails(function() neuron{equations = "dx/dt = x^2 : implicit\nr = x"} end,
      "the ODE is not linear, can not use the implicit method")
    fails(function() neuron{equations = "dx/dt = x^2 : exponential\nr = x"} end,
      "reserved for linear first-order ODEs")
    fails(function() neuron{equations = "dx/dt = -x : implicit\ndy/dt = -y : midpoint\nr = x"} end,
      "cannot mix different numerical methods")
    fails(function() neuron{equations = "dx/dt = x*y : implicit\ndy/dt = x*y : implicit\nr = x"} end,
      "can not be solved together using the implicit Euler method")
    fails(function() neuron{equations = "r = 1 : implicit"} end, "only applies to ODEs", 9)
    fails(function() neuron{equations = "dx/dt = 1 : event-driven\nr = x"} end, "only available in spiking synapses")
    fails(function() neuron{equations = "(dx/dt)^2 = 1\nr = x"} end, "linear in the gradient")
  end)
  it("spike and reset", function()
    fails(function() neuron{equations = "v = 1", spike = "v > 1\nv > 2"} end, "the spike condition must be a single expression")
    -- a numeric spike condition is accepted: non-zero is true (tests/defects_spec.lua)
    assert.equal("!=", neuron{equations = "v = 1", spike = "v + 1"}.spike.op)
    fails(function() neuron{equations = "v = 1", spike = "v > 1", reset = "dv/dt = 1"} end,
      "it is forbidden to use ODEs in a reset term")
    fails(function() neuron{equations = "v = 1", spike = "v > 1", reset = "q = 1"} end, "unknown attribute 'q'", 1)
    fails(function() neuron{equations = "v = 1", spike = "v > 1", refractory = "tref"} end,
      "refractory = tref: parameter or variable does not exist")
    fails(function() neuron{equations = "v = 1", spike = "v > Uniform(0, 1)"} end, "only allowed in equations")
    fails(function() neuron{equations = "r = 1", reset = "r = 0"} end, "only for spiking neurons")
  end)
  it("random variables", function()
    fails(function() neuron{equations = "r = Uniform(0)"} end, "the distribution Uniform requires 2 parameters", 5)
    fails(function() neuron{equations = "r = Normal(0, 1, 2)"} end, "too many parameters provided", 18)
    fails(function() neuron{parameters = "a = 1", equations = "r = Uniform(a, 1)"} end,
      "a is not a global parameter of the neuron", 13)
    fails(function() neuron{equations = "r = Uniform(t + 1, 2)"} end, "is not a global parameter")
  end)
  it("global operations", function()
    fails(function() neuron{equations = "r = mean(q)"} end, "there is no local attribute q", 10)
    fails(function() neuron{parameters = "g = 1 : population", equations = "r = mean(g)"} end,
      "there is no local attribute g")
    fails(function() neuron{equations = "r = mean(2 * r)"} end, "must be the name of an attribute")
  end)
  it("a global variable depending on a local one (QUIRKS 27)", function()
    fails(function() neuron{equations = "r = 1\ng = r * 2 : population"} end,
      "the global variable g cannot depend on the local attribute r", 5)
    fails(function() neuron{equations = "r = 1\ng = sum(exc) : population"} end, "cannot depend on sum()")
    fails(function() neuron{parameters = "a = 1", equations = "r = 1\ng = 1 : population, max = a"} end,
      "cannot depend on the local attribute a")
  end)
  it("kind-specific names", function()
    fails(function() neuron{equations = "r = g_exc"} end, "unknown name 'g_exc' (conductances")
    fails(function() neuron{equations = "v = sum(exc)", spike = "v > 1"} end,
      "sum() is only defined in rate-coded neurons")
    fails(function() neuron{equations = "r = t_last"} end, "t_last is only defined in spiking neurons")
    fails(function() neuron{equations = "r = pre.r"} end, "can only be used in synapses")
    fails(function() neuron{equations = "r = dv/dt"} end, "only appear on the left side")
  end)
  it("flags", function()
    fails(function() neuron{equations = "r = 1 : populaton"} end, "unknown flag 'populaton' (did you mean 'population'?)", 9)
    fails(function() neuron{equations = "r = 1 : min"} end, "needs a value")
    fails(function() neuron{equations = "r = 1 : explicit, implicit"} end, "conflicts with an earlier flag")
    fails(function() neuron{equations = "r = 1 : init = foo"} end, "init = foo: unknown parameter")
    fails(function() neuron{equations = "r = 1 : unless_post"} end, "not allowed")
    fails(function() neuron{equations = "r = 1 : unless_refractory"} end, "only applies to spiking neurons")
  end)
  it("types", function()
    fails(function() neuron{equations = "dx/dt = 1 : bool\nr = x"} end, "can not be defined by an ODE")
    fails(function() neuron{equations = "x += 1 : bool\nr = x"} end, "can not be used on the bool variable")
    fails(function() neuron{equations = "x = 1 : bool, max = 1\nr = x"} end, "bool variable can not have")
  end)
  it("built-in arity", function()
    fails(function() neuron{equations = "r = exp(1, 2)"} end, "exp() takes 1 argument", 5)
    fails(function() neuron{equations = "r = clip(1, 2)"} end, "clip() takes 3 arguments")
    fails(function() neuron{equations = "r = unknownf(1)"} end, "unknown function 'unknownf'", 5)
  end)
end)

describe("analysed synapses", function()
  local pre = neuron{equations = "r = 1\nv = 2"}
  local spk = neuron{parameters = "vt = 1", equations = "v = 1", spike = "v > vt"}

  it("w is added, rate psp defaults to w * pre.r", function()
    local A = synapse({}, {kind = "rate", pre = pre, post = pre})
    assert.are.equal("parameter", A.attr.w.role)
    assert.are.equal("local", A.attr.w.locality)
    assert.is_truthy(A.psp)
    assert.is_true(A.pre_refs.r)
    assert.is_false(A.plastic)
    assert.are.equal("sum", A.operation)
  end)

  it("spiking synapses: default g_target += w, plasticity, event-driven", function()
    local A = synapse({parameters = "tau = 20.0 : projection",
      equations = "tau * dx/dt = -x : event-driven",
      pre_spike = "x += 1\nw -= 0.1 : min = 0.0, unless_post",
      post_spike = "y = 1"}, {kind = "spike", pre = spk, post = spk, targets = {"exc"}})
    assert.are.equal(1, #A.pre_spike.gtarget)
    assert.is_true(A.pre_spike.gtarget[1].implicit)
    assert.are.equal(2, #A.pre_spike.other)
    assert.is_true(A.pre_spike.other[2].unless_post)
    assert.is_true(A.plastic)
    assert.are.same({"x"}, A.event_driven)
    assert.is_truthy(A.attr.y)
    assert.are.equal("local", A.attr.y.locality)
  end)

  it("continuous psp in a spiking synapse has no default g_target", function()
    local A = synapse({psp = "w * pre.v"}, {kind = "spike", pre = spk, post = spk})
    assert.are.equal(0, #A.pre_spike.gtarget)
  end)

  it("plasticity from an equation on w; localities; pre./post. bookkeeping", function()
    local A = synapse({parameters = "eta = 0.1 : projection\ntau = 10 : postsynaptic",
      equations = "tau * dw/dt = eta * pre.r * post.r\nm = mean(post.r) : postsynaptic\nq = post.sum(exc)"},
      {kind = "rate", pre = pre, post = pre})
    assert.is_true(A.plastic)
    assert.are.equal("semiglobal", A.attr.tau.locality)
    assert.is_true(A.post_refs.r)
    assert.is_true(A.post_sum_refs.exc)
    assert.are.equal("post", A.gops[1].side)
  end)

  it("creating and pruning", function()
    local A = synapse({creating = "pre.r > 0.5 and post.r > Uniform(0, 1) : proba = 0.5, w = 1.0, d = 2.0",
      pruning = model.Pruning("w < 0.1", {proba = 0.2})}, {kind = "rate", pre = pre, post = pre})
    assert.are.equal(0.5, A.creating.proba)
    assert.are.equal(1.0, A.creating.w)
    assert.are.equal(2.0, A.creating.d)
    assert.are.equal(0.2, A.pruning.proba)
    assert.are.equal("creating", A.randoms[1].where)
  end)
end)

describe("synapse errors", function()
  local pre = neuron{name = "In", equations = "r = 1"}
  it("pre./post. existence", function()
    fails(function() synapse({psp = "w * pre.q"}, {kind = "rate", pre = pre, post = pre}) end,
      "the pre-synaptic neuron \"In\" has no attribute called 'q'", 5)
    fails(function() synapse({equations = "x = post.q"}, {kind = "rate", pre = pre, post = pre}) end,
      "post-synaptic neuron")
  end)
  it("operations", function()
    fails(function() synapse({operation = "prod"}) end, "the only operations permitted")
    fails(function() synapse({operation = "max"}, {kind = "spike"}) end, "can only perform a sum")
  end)
  it("locality rules", function()
    fails(function() synapse{equations = "x = pre.r : projection"} end,
      "the global variable x cannot depend on pre- or post-synaptic variables", 5)
    fails(function() synapse{equations = "x = w : projection"} end,
      "cannot depend on a synapse-specific one: w")
    fails(function() synapse{equations = "x = w : postsynaptic"} end,
      "the postsynaptic variable x cannot depend on a synapse-specific one: w")
    fails(function() synapse{equations = "x = pre.r : postsynaptic"} end, "cannot depend on pre-synaptic ones")
    fails(function() synapse{parameters = "w = 1 : population"} end, 'the flag "population" is forbidden')
  end)
  it("global operations on synaptic variables", function()
    fails(function() synapse{equations = "x = mean(w)"} end,
      "global operation 'mean' on synaptic variable 'w' is not implemented")
  end)
  it("event statements", function()
    fails(function() synapse({pre_spike = "dx/dt = 1"}, {kind = "spike"}) end,
      "it is forbidden to use ODEs in a pre_spike term")
    fails(function() synapse({post_spike = "dx/dt = 1"}, {kind = "spike"}) end,
      "it is forbidden to use ODEs in a post_spike term")
    fails(function() synapse({pre_spike = "g_target += w"}, {kind = "rate"}) end, "only for spiking synapses")
    fails(function() synapse({post_spike = "g_target += w"}, {kind = "spike"}) end,
      "g_target can only be assigned in the pre_spike")
    fails(function() synapse({pre_axon_spike = "g_target += w", post_spike = "w += 1"}, {kind = "spike"}) end,
      "axonal spike events")
  end)
  it("event-driven", function()
    fails(function() synapse({parameters = "tau = 1 : projection",
      equations = "tau*dx/dt = -x + y : event-driven\ny = 1"}, {kind = "spike"}) end,
      "can not depend on other variables (y)")
    fails(function() synapse({equations = "dx/dt = -x^2 : event-driven"}, {kind = "spike"}) end,
      "not a linear ODE")
    fails(function() synapse({equations = "dx/dt = -x : event-driven"}, {kind = "rate"}) end,
      "only available in spiking synapses")
    fails(function() synapse({equations = "dx/dt = -x : event-driven", psp = "x * w"}, {kind = "spike"}) end,
      "can not be used in psp")
  end)
  it("sums and structural plasticity", function()
    fails(function() synapse{psp = "pre.sum()"} end, "pre.sum() requires one argument")
    fails(function() synapse{creating = "pre.r > 0.5 and w > 1"} end,
      "a creating condition can not use synaptic variables (w)", 17)
    fails(function() synapse{pruning = "Uniform(0, 1) < 0.5 and Uniform(0, 1) > 0.1"} end,
      "only one random distribution per equation")
    fails(function() synapse{parameters = "a = 1 : projection", pruning = "Uniform(0, a) < 0.5"} end,
      "must use fixed values")
    fails(function() synapse{creating = "pre.r : proba = 0.5"} end, "must be a boolean expression")
  end)
  it("t_pre/t_post only in spiking synapses", function()
    fails(function() synapse{equations = "x = t_pre"} end, "t_pre is only defined in spiking synapses")
    local A = synapse({equations = "x = t_pre - t_post"}, {kind = "spike"})
    assert.is_truthy(A.attr.x)
  end)
end)

describe("global functions", function()
  it("registry, errors and host evaluation", function()
    local reg = compiler.new_function_registry()
    compiler.add_function(reg, "sigmoid(x) = 1 / (1 + exp(-x))")
    compiler.add_function(reg, "twice(x) = 2 * sigmoid(x)")
    local f = compiler.lua_function(reg, "twice", {})
    assert.is_true(math.abs(f(0) - 1) < 1e-15)
    fails(function() compiler.add_function(reg, "pos(x) = x") end, "the function name pos is reserved")
    fails(function() compiler.add_function(reg, "g(x) = x +") end, "expected an expression")
    fails(function() compiler.lua_function(reg, "sigmod", {}) end, "did you mean 'sigmoid'")
    compiler.add_function(reg, "k(x) = x * K")
    assert.are.equal(6, compiler.lua_function(reg, "k", {K = 3})(2))
    fails(function()
      analyse.neuron(Neuron{equations = "r = h(1)"}, {functions = reg})
    end, "unknown function 'h'")
  end)
  it("local functions on the host (reference E2)", function()
    local A = neuron{equations = "r = 1", functions = [[
      transfer_function(x, t) = if x > t: if x > 2*t : (x - 2*t)^2 else: x - t else: 0.
      ci(c, v, t) = if v > t : c + 1 else: c : int, int, float, float]]}
    local f = compiler.model_function(A, "transfer_function")
    local out = {}
    for i, x in ipairs({0, 1, 2, 3}) do out[i] = f(x, 2) end
    assert.are.same({0, 0, 0, 1}, out)
    assert.are.equal(3, compiler.model_function(A, "ci")(2.7, 5, 1))
  end)
end)
