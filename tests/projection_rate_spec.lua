-- Rate-coded projections: connectors, weighted sums, operations, delays, from_sparse, views,
-- dendrites and recording (reference §6.2, §9, §16.2 E9-E12; ranks are 1-based here).
local ann = require("annarchy")

local Input = ann.Neuron{parameters = "r = 0.0", name = "Input"}
local Output = ann.Neuron{equations = "r = sum(exc)", name = "Output"}

local function close(expected, got, tol)
  tol = tol or 1e-9
  local t = ann.is_array(got) and got:flatten():totable() or got
  assert.equal(#expected, #t)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - t[i]) <= tol,
      ("element %d: expected %s, got %s"):format(i, tostring(expected[i]), tostring(t[i])))
  end
end

describe("E9 rate transmission: connectors", function()
  local function two(conn)
    local net = ann.Network{seed = 11}
    local a = net:create({3, 3}, Input)
    local b = net:create({3, 3}, Output)
    local p = conn(net:connect(a, b, "exc"))
    net:compile()
    return net, a, b, p
  end

  it("one_to_one: dendrite(4).pre_ranks = {4}, w {0.1}", function()
    local _, _, _, p = two(function(p) return p:one_to_one(0.1, {force_multiple_weights = true}) end)
    assert.same({4}, p:dendrite(4).pre_ranks)
    close({0.1}, p:dendrite(4).w)
    assert.equal(9, p.size)
  end)

  it("all_to_all: nine pre ranks of 0.1", function()
    local _, _, _, p = two(function(p) return p:all_to_all(0.1, {force_multiple_weights = true}) end)
    assert.same({1, 2, 3, 4, 5, 6, 7, 8, 9}, p:dendrite(4).pre_ranks)
    close({0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, p:dendrite(4).w)
  end)

  it("a constant weight is stored once: proj.w is a number", function()
    local _, _, _, p = two(function(p) return p:all_to_all(0.1) end)
    assert.equal(0.1, p.w)
    assert.equal(81, p.nb_synapses)
  end)

  it("fixed_number_pre: every dendrite has 3 synapses", function()
    local _, _, _, p = two(function(p) return p:fixed_number_pre(3, 0.1) end)
    for d in p:dendrites() do assert.equal(3, d.size) end
  end)

  for _, name in ipairs{"one_to_one", "all_to_all", "fixed_number_pre", "fixed_probability"} do
    it(name .. ": post.sum = connectivity_matrix * pre.r after one step", function()
      local net, a, b, p = two(function(p)
        if name == "fixed_number_pre" then return p:fixed_number_pre(3, ann.Uniform(0, 1)) end
        if name == "fixed_probability" then return p:fixed_probability(0.5, ann.Uniform(0, 1)) end
        return p[name](p, ann.Uniform(0, 1))
      end)
      a.r = ann.Uniform(0, 1)
      local r = a.r:flatten()
      net:simulate(1)
      local m = p:connectivity_matrix()
      local s = b:sum("exc"):flatten()
      for i = 1, 9 do
        local expect = 0
        for j = 1, 9 do expect = expect + m[i][j] * r[j] end
        assert.is_true(math.abs(expect - s[i]) < 1e-12)
      end
    end)
  end
end)

describe("E9a uniform delays", function()
  local Ramp = ann.Neuron{equations = {"r = r + t : init = -1", "glob_r = glob_r + t : population, init = -1"},
    name = "Ramp"}
  local function net_with(psp)
    local net = ann.Network{seed = 3}
    local a = net:create(3, Ramp)
    local b = net:create(3, Output)
    local syn = ann.Synapse{psp = psp}
    local p = net:connect(a, b, "exc", {synapse = syn}):fixed_number_pre(1, 1.0, {delays = 10.0})
    net:compile()
    return net, b, p
  end

  for _, psp in ipairs{"w * pre.r", "pre.glob_r * w"} do
    it("delay 10 ms then read back 2 ms (" .. psp .. ")", function()
      local net, b, p = net_with(psp)
      assert.equal(10.0, p.delay)
      net:simulate(10)
      close({-1, -1, -1}, b.r)
      net:simulate(1)
      close({-1, -1, -1}, b.r)
      net:simulate(4)
      close({9, 9, 9}, b.r)
      p.delay = 2.0
      assert.equal(2.0, p.delay)
    end)

    it("delay changed to 5 ms before simulating (" .. psp .. ")", function()
      local net, b, p = net_with(psp)
      p.delay = 5.0
      net:simulate(5)
      close({-1, -1, -1}, b.r)
      net:simulate(1)
      close({-1, -1, -1}, b.r)
      net:simulate(4)
      close({9, 9, 9}, b.r)
    end)
  end

  it("delays grow beyond the buffers", function()
    local net, b, p = net_with("w * pre.r")
    p.delay = 12.0
    net:simulate(13)
    close({-1, -1, -1}, b.r)
    net:simulate(1)
    close({0, 0, 0}, b.r)
  end)

  it("a projection without delays can not get them after compile", function()
    local net = ann.Network{}
    local a = net:create(3, Ramp)
    local b = net:create(3, Output)
    local p = net:connect(a, b, "exc"):all_to_all(1.0)
    net:compile()
    assert.equal(1.0, p.delay)
    p.delay = 1.0
    assert.has_error(function() p.delay = 3.0 end)
  end)
end)

describe("E9b non-uniform delays", function()
  local Ramp = ann.Neuron{equations = "r = r + t : init = -1", name = "Ramp"}
  local function build()
    local net = ann.Network{seed = 5}
    local a = net:create(3, Ramp)
    local b = net:create(3, Output)
    local p = net:connect(a, b, "exc"):fixed_number_pre(1, 1.0, {delays = ann.DiscreteUniform(1, 5)})
    net:compile()
    return net, b, p
  end

  it("per-synapse delays [[3], [5], [2]]", function()
    local net, b, p = build()
    p.delay = {{3}, {5}, {2}}
    assert.same({{3}, {5}, {2}}, p.delay)
    net:simulate(5)
    close({0, -1, 2}, b.r)
  end)

  it("per-synapse delays [[3], [3], [3]]", function()
    local net, b, p = build()
    p.delay = {{3}, {3}, {3}}
    net:simulate(10)
    close({20, 20, 20}, b.r)
  end)
end)

describe("E9c operations", function()
  for _, op in ipairs{"max", "min", "mean"} do
    it(op, function()
      local net = ann.Network{seed = 8}
      local a = net:create({3, 3}, Input)
      local b = net:create(4, Output)
      net:connect(a, b, "exc", {synapse = ann.Synapse{psp = "w * pre.r", operation = op}}):all_to_all(1.0)
      net:compile()
      a.r = ann.Uniform(0, 1)
      local r = a.r:flatten()
      net:simulate(1)
      local expect = op == "max" and r:max() or op == "min" and r:min() or r:mean()
      close({expect, expect, expect, expect}, b:sum("exc"), 1e-12)
    end)
  end

  it("several projections on one target accumulate", function()
    local net = ann.Network{}
    local a = net:create(2, Input)
    local b = net:create(2, Output)
    net:connect(a, b, "exc"):one_to_one(1.0)
    net:connect(a, b, "exc"):one_to_one(2.0)
    net:compile()
    a.r = {1, 2}
    net:simulate(1)
    close({3, 6}, b:sum("exc"))
  end)

  it("sum() adds every target", function()
    local All = ann.Neuron{equations = "r = sum()", name = "All"}
    local net = ann.Network{}
    local a = net:create(2, Input)
    local b = net:create(2, All)
    net:connect(a, b, "exc"):one_to_one(1.0)
    net:connect(a, b, "inh"):one_to_one(-0.5)
    net:compile()
    a.r = {1, 2}
    net:simulate(2)
    close({0.5, 1.0}, b.r)
  end)
end)

describe("from_sparse, attributes and views", function()
  it("from_sparse: two dendrites, weights, semiglobal/global parameters, init from parameter", function()
    local syn = ann.Synapse{
      parameters = "sg = 8.0 : postsynaptic\n gl = 8.0 : projection\n loc_var = 5000.0",
      equations = "dx/dt = -x : init = loc_var",
    }
    local net = ann.Network{}
    local a = net:create(8, Input)
    local b = net:create(4, Output)
    -- the reference's (4, 8) matrix: row 1 = 0.2 everywhere, row 3 = 0.5 on columns 2..5
    local pre, post, w = {}, {}, {}
    for j = 1, 8 do pre[#pre + 1] = j; post[#post + 1] = 2; w[#w + 1] = 0.2 end
    for j = 3, 6 do pre[#pre + 1] = j; post[#post + 1] = 4; w[#w + 1] = 0.5 end
    local p = net:connect(a, b, "exc", {synapse = syn}):from_sparse{pre_ranks = pre, post_ranks = post, weights = w}
    net:compile()
    assert.equal(2, p.size)
    assert.same({2, 4}, p.post_ranks)
    close({0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2}, p.w[1])
    close({0.5, 0.5, 0.5, 0.5}, p.w[2])
    close({8, 8}, p.sg)
    assert.equal(8.0, p.gl)
    close({5000, 5000, 5000, 5000}, p.x[2])
  end)

  it("views: pre range, post range, both", function()
    local function run(pre_view, post_view)
      local net = ann.Network{}
      local a = net:create(8, Input)
      local b = net:create(6, Output)
      local pre = pre_view and a:range(2, 4) or a
      local post = post_view and b:range(2, 3) or b
      net:connect(pre, post, "exc"):all_to_all(0.1)
      net:compile()
      a.r = {0, 1, 2, 3, 4, 5, 6, 7}
      net:simulate(1)
      return b:sum("exc")
    end
    close({0.6, 0.6, 0.6, 0.6, 0.6, 0.6}, run(true, false))
    close({0, 2.8, 2.8, 0, 0, 0}, run(false, true))
    close({0, 0.6, 0.6, 0, 0, 0}, run(true, true))
  end)
end)

describe("E10 recording", function()
  it("sum(exc) recorded from step 10 for 5 steps", function()
    local Ramp = ann.Neuron{equations = "r = t", name = "Ramp"}
    local net = ann.Network{}
    local a = net:create(3, Ramp)
    local b = net:create(1, Output)
    net:connect(a, b, "exc"):all_to_all(1.0)
    local m = net:monitor(b, "sum(exc)", {start = false})
    net:compile()
    net:simulate(10)
    m:start()
    net:simulate(5)
    m:pause()
    close({27, 30, 33, 36, 39}, m:get("sum(exc)"))
  end)

  it("a synaptic variable recorded on the projection and on a dendrite", function()
    local Up = ann.Neuron{equations = "r = t", name = "Up"}
    local Down = ann.Neuron{equations = "r = 10 - t", name = "Down"}
    local syn = ann.Synapse{equations = "y = pre.r * post.r * w", psp = "w * pre.r"}
    local net = ann.Network{}
    local a = net:create(2, Up)
    local b = net:create(1, Down)
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(0.5)
    local m = net:monitor(p, "y")
    net:compile()
    local md = net:monitor(p:dendrite(1), "y")
    net:simulate(10)
    local data = m:get("y")
    local expect = {0, 4.5, 8, 10.5, 12, 12.5, 12, 10.5, 8, 4.5}
    assert.equal(10, #data)
    for k = 1, 10 do close({expect[k], expect[k]}, data[k][1]) end
    local dd = md:get("y")
    assert.same({10, 2}, dd.shape)
    for k = 1, 10 do close({expect[k], expect[k]}, dd[k]) end
  end)
end)

describe("E11 learning rules transmit w * pre.r", function()
  local Hebb = ann.Synapse{parameters = "eta = 0.01 : projection", equations = "dw/dt = eta * pre.r * post.r",
    name = "Hebb"}
  local Oja = ann.Synapse{parameters = "eta = 0.01 : projection\n alpha = 1.0 : projection",
    equations = "dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w)", name = "Oja"}
  for name, syn in pairs{Hebb = Hebb, Oja = Oja} do
    it(name, function()
      local net = ann.Network{}
      local a = net:create(1, Input)
      local b = net:create(1, Output)
      local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(0.1)
      net:compile()
      p:disable_learning()
      a.r = 1.0
      net:simulate(1)
      close({0.1}, b:sum("exc"))
      net:simulate(5)
      close({0.1}, p.w[1])
    end)
  end

  it("Hebb and Oja against hand computation", function()
    local net = ann.Network{}
    local a = net:create(2, Input)
    local b = net:create(1, Output)
    local ph = net:connect(a, b, "exc", {synapse = Hebb}):all_to_all(0.1)
    local po = net:connect(a, b, "inh", {synapse = Oja}):all_to_all(0.1)
    net:compile()
    a.r = {1.0, 2.0}
    -- by hand: post.r(step k) = sum of the previous step's pre.r * w (exc only)
    local wh, wo = {0.1, 0.1}, {0.1, 0.1}
    local r_pre = {1.0, 2.0}
    for _ = 1, 5 do
      local r_post = r_pre[1] * wh[1] + r_pre[2] * wh[2]
      for j = 1, 2 do
        local dh = 0.01 * r_pre[j] * r_post
        local doj = 0.01 * (r_pre[j] * r_post - r_post ^ 2 * wo[j])
        wh[j] = wh[j] + dh
        wo[j] = wo[j] + doj
      end
      net:step()
    end
    close(wh, ph.w[1], 1e-12)
    close(wo, po.w[1], 1e-12)
  end)

  it("enable_learning{period} runs the equations every period with dt * period", function()
    local net = ann.Network{}
    local a = net:create(1, Input)
    local b = net:create(1, Output)
    local syn = ann.Synapse{equations = "dw/dt = 1.0"}
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(0.0)
    net:compile()
    p:enable_learning{period = 5.0}
    net:simulate(12)   -- updates at steps 0, 5, 10, each by 5
    close({15}, p.w[1])
    assert.has_error(function() p:enable_learning{period = 5.0, offset = 5.0} end)
    assert.has_error(function() p:enable_learning{offset = 1.0} end)
  end)
end)

describe("E12 dendrites", function()
  local syn = ann.Synapse{parameters = "tau = 5000.0 : postsynaptic\n alpha = 1.0"}
  local function build()
    local net = ann.Network{}
    local a = net:create(5, Input)
    local b = net:create(8, Output)
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(1.0, {force_multiple_weights = true})
    net:compile()
    return p
  end

  it("#dendrite is its size #lua54", function()
    assert.equal(5, #build():dendrite(6))
  end)

  it("dendrite access, get and set, IndividualSynapse", function()
    local p = build()
    assert.same({1, 2, 3, 4, 5}, p:dendrite(6).pre_ranks)
    assert.equal(5, p:dendrite(6).size)
    close({1, 1, 1, 1, 1}, p:dendrite(8).w)
    p:dendrite(7).w = 2.0
    close({2, 2, 2, 2, 2}, p:dendrite(7).w)
    p:dendrite(7)[3].w = 3.0
    close({2, 2, 3, 2, 2}, p:dendrite(7).w)
    assert.equal(3.0, p:synapse(3, 7).w)
    assert.equal(5000.0, p:dendrite(2).tau)
    p.tau = 6000.0
    assert.equal(6000.0, p:dendrite(2).tau)
    p:dendrite(5).alpha = 9.0
    p:dendrite(5)[2].alpha = 10.0
    close({9, 10, 9, 9, 9}, p:dendrite(5).alpha)
    assert.has_error(function() p:dendrite(14) end)
  end)

  it("a dendrite of a neuron without synapses is an error", function()
    local net = ann.Network{}
    local a = net:create(3, Input)
    local b = net:create(3, Output)
    local p = net:connect(a, b:range(1, 2), "exc"):all_to_all(1.0)
    assert.has_error(function() p:dendrite(1) end,
      "annarchy: projection \"proj0\": dendrites can only be accessed after compilation.")
    net:compile()
    assert.has_error(function() p:dendrite(3) end,
      "annarchy: projection \"proj0\": the neuron of rank 3 has no dendrite in this projection.")
  end)

  it("attribute lists: shapes are checked", function()
    local p = build()
    assert.has_error(function() p.w = {1, 2} end)
    assert.has_error(function() p.alpha = {{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}} end)
    local w = {}
    for d = 1, 8 do w[d] = {d, d, d, d, d} end
    p.w = w
    close({3, 3, 3, 3, 3}, p:dendrite(3).w)
    p.tau = {1, 2, 3, 4, 5, 6, 7, 8}
    close({1, 2, 3, 4, 5, 6, 7, 8}, p.tau)
  end)
end)

describe("user connectivity", function()
  it("from_function with a LILConnectivity, and the delay property", function()
    local LIL = require("annarchy.connectors").LILConnectivity
    local function diagonal(pre, post, dt, weight)
      local lil = LIL(dt)
      for i = 1, math.min(pre.size, post.size) do lil:add(i, {i}, {weight}, {2.0}) end
      return lil
    end
    local net = ann.Network{}
    local a = net:create(3, Input)
    local b = net:create(3, Output)
    local p = net:connect(a, b, "exc"):from_function(diagonal, 0.5)
    net:compile()
    assert.same({{1}, {2}, {3}}, p.pre_ranks)
    assert.equal(2.0, p.delay)
    close({0.5}, p.w[2])
  end)

  it("from_matrix with false and NaN holes", function()
    local net = ann.Network{}
    local a = net:create(3, Input)
    local b = net:create(2, Output)
    local p = net:connect(a, b, "exc"):from_matrix{{1.0, false, 2.0}, {0 / 0, 3.0, false}}
    net:compile()
    assert.same({{1, 3}, {2}}, p.pre_ranks)
    local m = p:connectivity_matrix{fill = -1}
    close({1, -1, 2, -1, 3, -1}, m)
  end)

  it("save_connectivity and from_file", function()
    local net = ann.Network{seed = 4}
    local a = net:create(4, Input)
    local b = net:create(4, Output)
    local p = net:connect(a, b, "exc"):fixed_probability(0.5, ann.Uniform(0, 1))
    net:compile()
    local file = os.tmpname()
    p:save_connectivity(file)
    local net2 = ann.Network{}
    local a2 = net2:create(4, Input)
    local b2 = net2:create(4, Output)
    local p2 = net2:connect(a2, b2, "exc"):from_file(file)
    net2:compile()
    os.remove(file)
    assert.same(p.pre_ranks, p2.pre_ranks)
    close(p:connectivity_matrix():totable()[2], p2:connectivity_matrix()[2], 1e-15)
  end)
end)

describe("synapse functions from Lua", function()
  it("E2: proj:hebb(list, list)", function()
    local syn = ann.Synapse{psp = "w * pre.r", functions = "hebb(x, y) = x * y"}
    local net = ann.Network{}
    local a = net:create(2, Input)
    local b = net:create(2, Output)
    local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(1.0)
    net:compile()
    close({0, 1, 4, 9}, p:hebb({0, 1, 2, 3}, {0, 1, 2, 3}))
  end)
end)

describe("gaussian and dog connectivity", function()
  it("gaussian weights follow the normalised distance; receptive fields tile", function()
    local net = ann.Network{}
    local a = net:create({5, 5}, Input)
    local b = net:create({5, 5}, Output)
    local p = net:connect(a, b, "exc"):gaussian(1.0, 0.5, {allow_self_connections = true})
    net:compile()
    local d = p:dendrite(13)                    -- the centre (3, 3)
    local w = p:connectivity_matrix()[13]
    assert.equal(1.0, w[13])
    -- (3, 4) is 0.25 away in normalised coordinates
    assert.is_true(math.abs(w[14] - math.exp(-0.0625 / 0.5)) < 1e-12)
    assert.equal(25, d.size)
    local rf = p:receptive_fields()
    assert.same({25, 25}, rf.shape)
    local field = d:receptive_field()
    assert.same({5, 5}, field.shape)
    assert.equal(1.0, field[3][3])
  end)

  it("dog keeps |w| above the limit", function()
    local net = ann.Network{}
    local a = net:create({6, 6}, Input)
    local b = net:create({6, 6}, Output)
    local p = net:connect(a, b, "exc"):dog(1.0, 0.2, 0.5, 0.6)
    net:compile()
    for d in p:dendrites() do
      for _, x in ipairs(d.w:totable()) do assert.is_true(math.abs(x) > 0.01 * 0.5) end
    end
  end)
end)

describe("save and load", function()
  it("attributes and delays come back", function()
    local syn = ann.Synapse{parameters = "g = 2.0 : projection\n s = 1.0 : postsynaptic", psp = "w * pre.r"}
    local function build()
      local net = ann.Network{seed = 9}
      local a = net:create(3, Input)
      local b = net:create(2, Output)
      local p = net:connect(a, b, "exc", {synapse = syn}):all_to_all(ann.Uniform(0, 1), {delays = ann.Uniform(1, 4)})
      net:compile()
      return p
    end
    local p = build()
    p.g = 7.0
    p.s = {3.0, 4.0}
    local file = os.tmpname()
    p:save(file)
    local q = build()
    q.w = 0.0
    q.g = 0.0
    q.delay = {{1, 1, 1}, {1, 1, 1}}
    q:load(file)
    os.remove(file)
    close(p.w[2], q.w[2], 1e-15)
    assert.equal(7.0, q.g)
    close({3, 4}, q.s)
    assert.same(p.delay, q.delay)
  end)
end)

describe("delayed pre-synaptic values in synaptic equations", function()
  it("with a delay of d steps, equations at step n see pre.r of step n - d + 1", function()
    local Ramp = ann.Neuron{equations = "r = t", name = "Ramp"}
    local net = ann.Network{}
    local a = net:create(2, Ramp)
    local b = net:create(1, Output)
    local p = net:connect(a, b, "exc", {synapse = ann.Synapse{equations = "y = pre.r"}}):all_to_all(1.0,
      {delays = 3.0})
    net:compile()
    net:simulate(10)
    close({7, 7}, p.y[1])
    close({12}, b.r)
  end)
end)
