-- Pooling (max, min, mean, sum; automatic and explicit extents, delays), Copy and Transpose,
-- against hand calculations and tests/reference/convolution_reference.lua; cc and tcc agree.
local ann = require("annarchy")
package.path = "tests/reference/?.lua;" .. package.path
local ref = require("convolution_reference")

local Readout = ann.Neuron{equations = "r = sum(exc)", name = "Readout"}

-- err(fn, text): fn fails with a message holding text.
local err = dofile("tests/support.lua").fails_with

local function close(expected, got, tol)
  tol = tol or 1e-12
  local t = ann.is_array(got) and got:flatten():totable() or got
  assert.equal(#expected, #t)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - t[i]) <= tol * math.max(1, math.abs(expected[i])),
      ("element %d: expected %s, got %s"):format(i, tostring(expected[i]), tostring(t[i])))
  end
end

local shape_of = ref.shape_of

local function pool(pre, post_g, op, extent)
  local results = {}
  for _, compiler in ipairs{"cc", "tcc"} do
    local net = ann.Network{dt = 1.0}
    local inp = net:create(ann.InputArray(shape_of(pre)))
    local out = net:create(post_g, Readout)
    net:connect(ann.Pooling(inp, out, "exc", {operation = op})):pooling{extent = extent}
    net:compile{compiler = compiler, silent = true}
    inp.r = ann.array(pre)
    net:simulate(2)
    results[compiler] = out.r:flatten():totable()
  end
  assert.same(results.cc, results.tcc)
  return results.cc
end

local IMG = {{1, -2, 3, 4}, {5, 6, -7, 8}, {9, 10, 11, -12}, {13, -14, 15, 16}}

describe("Pooling", function()
  it("max-pools 2x2 blocks with the automatic extent (hand-computed)", function()
    assert.same({6, 8, 13, 16}, pool(IMG, {2, 2}, "max"))
    assert.same({-2, -7, -14, -12}, pool(IMG, {2, 2}, "min"))
    assert.same({10 / 4, 8 / 4, 18 / 4, 30 / 4}, pool(IMG, {2, 2}, "mean"))
    assert.same({10, 8, 18, 30}, pool(IMG, {2, 2}, "sum"))
  end)

  it("skips out-of-range elements with an extent that does not divide the size", function()
    local pre = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}
    -- corners (0,0), (0,2), (2,0), (2,2): the last regions are cut by the border
    assert.same({5, 6, 8, 9}, pool(pre, {2, 2}, "max", {2, 2}))
    -- mean divides by the full extent (4), also for the cut regions
    assert.same({12 / 4, 9 / 4, 15 / 4, 9 / 4}, pool(pre, {2, 2}, "mean", {2, 2}))
    close(ref.pooling(pre, {2, 2}, {2, 2}, "min"), pool(pre, {2, 2}, "min", {2, 2}))
  end)

  it("pools over the last dimension into a smaller post population", function()
    local pre = {{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}}
    assert.same({2, 5, 8, 11}, pool(pre, {2, 2}, "mean", {1, 1, 3}))
    close(ref.pooling(pre, {2, 1}, {1, 2, 3}, "max"), pool(pre, {2, 1}, "max", {1, 2, 3}))
    assert.same({6, 12}, pool(pre, {2, 1}, "max", {1, 2, 3}))
  end)

  it("works in 1-D", function()
    assert.same({2, 4, 6}, pool({1, 2, 3, 4, 5, 6}, {3}, "max"))
    assert.same({3, 7, 11}, pool({1, 2, 3, 4, 5, 6}, {3}, "sum"))
  end)

  it("delays the pre-synaptic values", function()
    local net = ann.Network{dt = 0.5}
    local inp = net:create(ann.InputArray(2))
    local out = net:create(1, Readout)
    net:connect(ann.Pooling(inp, out, "exc", {operation = "sum"})):pooling{delays = 1.0}
    net:compile{silent = true}
    local seen = {}
    for step = 1, 5 do
      inp.r = ann.array({step, 10 * step})
      net:simulate(0.5)
      seen[step] = out.r[1]
    end
    -- 1 ms = 2 steps
    assert.same({0, 0, 11, 22, 33}, seen)
  end)

  it("reports its errors", function()
    local net = ann.Network()
    local inp = net:create(ann.InputArray({4, 4}))
    local out = net:create({2, 2}, Readout)
    local o3 = net:create({2, 3}, Readout)
    local o1 = net:create(2, Readout)
    err(function() ann.Pooling(inp, out, "exc", {operation = "prod"}) end,
      'the operation must be "max", "min", "mean" or "sum"')
    err(function() net:connect(ann.Pooling(inp, o3, "exc")):pooling() end,
      "the pre-synaptic dimension 2 (4 neurons) is not a multiple of the post-synaptic one (3 neurons)")
    err(function() net:connect(ann.Pooling(inp, o1, "exc")):pooling() end,
      "without an extent the pre- and post-synaptic populations must have the same number of dimensions")
    err(function() net:connect(ann.Pooling(inp, out, "exc")):pooling{extent = {2}} end,
      "the extent must be a list of at least 2 numbers")
    err(function() net:connect(ann.Pooling(inp, out, "exc")):pooling{extent = {2, 0}} end,
      "the extent must hold positive integers")
    err(function() net:connect(ann.Pooling(o1, inp, "exc")):pooling{extent = {1}} end,
      "the post-synaptic population has more dimensions (2) than the pre-synaptic one (1)")
    local i4 = net:create(ann.InputArray({2, 2, 2, 2}))
    err(function() net:connect(ann.Pooling(i4, out, "exc")):pooling{extent = {1, 1, 2, 2}} end,
      "a 4-dimensional pre-synaptic population needs a 4-dimensional post-synaptic population")
    err(function() net:connect(ann.Pooling(inp, out, "exc")):pooling{delays = "x"} end,
      "delays must be a constant number of ms")
  end)
end)

describe("Copy", function()
  local function build(opts, connect_opts)
    local net = ann.Network{dt = 1.0}
    local a = net:create(ann.InputArray({2, 2}))
    local b = net:create(3, Readout)
    local a2 = net:create(ann.InputArray({2, 2}))
    local b2 = net:create(3, Readout)
    local orig = net:connect(a, b, "exc"):from_matrix({{1, 2, false, 4}, {false, -1, 0.5, false}, {2, 2, 2, 2}},
      connect_opts)
    local copy = net:connect(ann.Copy(a2, b2, "exc", opts)):connect_copy(orig)
    return net, a, b, a2, b2, orig, copy
  end

  it("computes with the original's synapses and its own pre-synaptic values", function()
    for _, compiler in ipairs{"cc", "tcc"} do
      local net, a, b, a2, b2, orig = build()
      net:compile{compiler = compiler, silent = true}
      a.r = ann.array({{1, 2}, {3, 4}})
      a2.r = ann.array({{10, 20}, {30, 40}})
      net:simulate(1)
      assert.same({1 + 4 + 16, -2 + 1.5, 20}, b.r:totable())
      assert.same({10 + 40 + 160, -20 + 15, 200}, b2.r:totable())
      -- weight changes of the original are seen at once
      orig:dendrite(3).w = {0, 0, 0, 1}
      net:simulate(1)
      assert.equal(40, b2.r[3])
    end
  end)

  it("reduces with max, min and mean over each dendrite", function()
    local expect = {max = {160, 15, 80}, min = {10, -20, 20}, mean = {210 / 3, -5 / 2, 200 / 4}}
    for op, want in pairs(expect) do
      local net, _, _, a2, b2 = build({operation = op})
      net:compile{silent = true}
      a2.r = ann.array({{10, 20}, {30, 40}})
      net:simulate(1)
      assert.same(want, b2.r:totable())
    end
  end)

  it("applies the original's delays", function()
    local net, a, _, a2, b2 = build(nil, {delays = 2.0})
    net:compile{silent = true}
    local seen = {}
    for step = 1, 4 do
      a.r = ann.array({{0, 0}, {0, 0}})
      a2.r = ann.array({{step, 0}, {0, 0}})
      net:simulate(1)
      seen[step] = b2.r[1]
    end
    assert.same({0, 0, 1, 2}, seen)
  end)

  it("reports its errors", function()
    local net, a, b, a2, b2, orig = build()
    local conv = net:connect(ann.Convolution(a, b2, "inh"))
    local other = net:create(ann.InputArray({4}))
    err(function() net:connect(ann.Copy(a2, b2, "exc")):connect_copy(conv) end,
      "the projection to copy must be an ordinary Projection, not a Convolution")
    err(function() net:connect(ann.Copy(other, b2, "exc")):connect_copy(orig) end,
      "the pre- and post-synaptic geometries (4) and (3) must be those of projection")
    err(function() net:connect(ann.Copy(a2, b2, "exc")):connect_copy(3) end, "connect_copy needs a Projection")
    local s = net:create(3, ann.Izhikevich)
    err(function() net:connect(ann.Copy(a2, s, "exc")):connect_copy(orig) end,
      "the post-synaptic population \"" .. s.name .. "\" must be rate-coded")
    local _ = b
  end)
end)

describe("Transpose", function()
  it("sends the forward post rates back through the forward weights (rate-coded)", function()
    for _, compiler in ipairs{"cc", "tcc"} do
      local net = ann.Network()
      local a = net:create(3, ann.Neuron{parameters = "b = 0.0", equations = "r = b + sum(fb)"})
      local b = net:create(2, ann.Neuron{parameters = "c = 0.0", equations = "r = c"})
      local fwd = net:connect(a, b, "exc"):from_matrix({{1, 2, 3}, {4, false, 6}})
      net:connect(ann.Transpose(fwd, "fb")):transpose()
      net:compile{compiler = compiler, silent = true}
      b.c = ann.array({10, 100})
      net:simulate(2)
      -- a[q] = sum over the forward synapses from q of w * r(post)
      assert.same({1 * 10 + 4 * 100, 2 * 10, 3 * 10 + 6 * 100}, a.r:totable())
      fwd:dendrite(1).w = {0, 0, 0}
      net:simulate(1)
      assert.same({400, 0, 600}, a.r:totable())
    end
  end)

  it("sends forward post spikes to g_target of the pre neurons (spiking)", function()
    local net = ann.Network{dt = 1.0}
    local Fire = ann.Neuron{parameters = "on = 0.0", equations = "v = on", spike = "v > 0.5", reset = ""}
    local Acc = ann.Neuron{equations = "x = g_fb", spike = "x > 1e9", reset = ""}
    local pre = net:create(3, Acc)
    local post = net:create(2, Fire)
    local fwd = net:connect(pre, post, "exc"):from_matrix({{1, 2, 3}, {4, false, 6}})
    net:connect(ann.Transpose(fwd, "fb")):transpose()
    local m = net:monitor(pre, "x")
    net:compile{silent = true}
    post.on = ann.array({0, 1})
    net:simulate(3)
    local x = m:get("x")
    -- post neuron 2 fires at every step: g_fb += its weights (4, -, 6) each step, read by x
    -- (conductances are reset after each step, so x shows one step's input)
    assert.same({4, 0, 6}, x[3]:totable())
  end)

  it("reports its errors", function()
    local net = ann.Network()
    local r = net:create(3, Readout)
    local s = net:create(3, ann.Izhikevich)
    local hybrid = net:connect(r, s, "exc"):all_to_all(1.0)
    err(function() ann.Transpose(hybrid, "fb") end,
      "only rate-coded to rate-coded or spiking to spiking projections can be transposed")
    local r2 = net:create(3, Readout)
    local delayed = net:connect(r, r2, "exc"):all_to_all(1.0, {delays = 2.0})
    err(function() net:connect(ann.Transpose(delayed, "fb")):transpose() end,
      "has delays: a Transpose needs a projection without delays")
    err(function() ann.Transpose(3, "fb") end, "the first argument must be a Projection")
    local r3 = net:create(3, Readout)
    local growing = net:connect(r, r3, "exc", ann.Synapse{psp = "w * pre.r", creating = "pre.r > 1.0"})
    growing:all_to_all(1.0)
    err(function() net:connect(ann.Transpose(growing, "fb")):transpose() end,
      "may change its synapses (structural plasticity): a Transpose needs fixed synapses")
  end)
end)
