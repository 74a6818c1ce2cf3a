-- Shared-weight projections: Convolution (connect_filter, connect_filters), their mapping of
-- geometries, padding modes, subsampling, delays, operations, weights, center(), saving and
-- errors. Expected values: hand calculations (comments) and the independent plain-Lua
-- computation in tests/reference/convolution_reference.lua. Every network is compiled with cc
-- and with tcc, which must agree exactly.
local ann = require("annarchy")
package.path = "tests/reference/?.lua;" .. package.path
local ref = require("convolution_reference")

local Readout = ann.Neuron{equations = "r = sum(exc)", name = "Readout"}

local function close(expected, got, tol)
  tol = tol or 1e-12
  local t = ann.is_array(got) and got:flatten():totable() or got
  assert.equal(#expected, #t)
  for i = 1, #expected do
    assert.is_true(math.abs(expected[i] - t[i]) <= tol * math.max(1, math.abs(expected[i])),
      ("element %d: expected %s, got %s"):format(i, tostring(expected[i]), tostring(t[i])))
  end
end

-- err(fn, text): fn fails with a message holding text.
local err = dofile("tests/support.lua").fails_with

local shape_of = ref.shape_of

-- pre (nested table) -> Convolution -> post of geometry post_g; the post rates after `steps`
-- steps, with each compiler (both results must be identical).
local function run(pre, post_g, connect, opts)
  opts = opts or {}
  local results = {}
  for _, compiler in ipairs{"cc", "tcc"} do
    local net = ann.Network{dt = 1.0}
    local inp = net:create(ann.InputArray(shape_of(pre)))
    local out = net:create(post_g, Readout)
    local proj = net:connect(ann.Convolution(inp, out, "exc", {psp = opts.psp, operation = opts.operation}))
    connect(proj)
    net:compile{compiler = compiler, silent = true}
    inp.r = ann.array(pre)
    net:simulate(opts.steps or 2)
    results[compiler] = out.r:flatten():totable()
  end
  assert.same(results.cc, results.tcc)
  return results.cc
end

local IMG = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
local W3 = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}

describe("Convolution, one filter", function()
  it("is a cross-correlation with zero padding by default (hand-computed)", function()
    local r = run(IMG, {3, 4}, function(p) p:connect_filter(W3) end)
    -- post[1,1] = w22*1 + w23*2 + w32*5 + w33*6 = 5 + 12 + 40 + 54
    assert.equal(111, r[1])
    -- post[1,2] = 4*1 + 5*2 + 6*3 + 7*5 + 8*6 + 9*7
    assert.equal(178, r[2])
    -- post[2,2] (interior) = sum_k w_k * pre around (2,2)
    assert.equal(1 * 1 + 2 * 2 + 3 * 3 + 4 * 5 + 5 * 6 + 6 * 7 + 7 * 9 + 8 * 10 + 9 * 11, r[6])
    close(ref.convolution(IMG, W3, {3, 4}), r)
  end)

  it("adds psp(w, padding) once per out-of-range element with a numeric padding", function()
    local r = run(IMG, {3, 4}, function(p) p:connect_filter(W3, {padding = 1.0}) end)
    -- post[1,1]: the five missing elements (w11, w12, w13, w21, w31) each add w * 1
    assert.equal(111 + 1 + 2 + 3 + 4 + 7, r[1])
    close(ref.convolution(IMG, W3, {3, 4}, {padding = 1.0}), r)
  end)

  it("replicates the border with padding = 'border'", function()
    local r = run(IMG, {3, 4}, function(p) p:connect_filter(W3, {padding = "border"}) end)
    -- post[1,1]: rows -1 and 0 both read row 0, columns -1 and 0 both read column 0
    local hand = 1 * 1 + 2 * 1 + 3 * 2 + 4 * 1 + 5 * 1 + 6 * 2 + 7 * 5 + 8 * 5 + 9 * 6
    assert.equal(hand, r[1])
    close(ref.convolution(IMG, W3, {3, 4}, {padding = "border"}), r)
  end)

  it("subsamples when the post population is smaller (stride pre/post)", function()
    local pre = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}}
    local r = run(pre, {2, 2}, function(p) p:connect_filter({{1, 1}, {1, 1}}) end)
    -- stride 2, centres 0 and 2, an even filter starts at the centre: 2x2 block sums
    assert.same({1 + 2 + 5 + 6, 3 + 4 + 7 + 8, 9 + 10 + 13 + 14, 11 + 12 + 15 + 16}, r)
    local r3 = run(pre, {2, 2}, function(p) p:connect_filter(W3) end)
    close(ref.convolution(pre, W3, {2, 2}), r3)
  end)

  it("uses the given centres (1-based) with subsampling", function()
    local r = run(IMG, {1, 2}, function(p) p:connect_filter(W3, {subsampling = {{2, 2}, {3, 4}}}) end)
    close(ref.convolution(IMG, W3, {2}, {centres = {{1, 1}, {2, 3}}}), r)
    -- centre (2,2), interior: the same as post[2,2] above
    assert.equal(1 * 1 + 2 * 2 + 3 * 3 + 4 * 5 + 5 * 6 + 6 * 7 + 7 * 9 + 8 * 10 + 9 * 11, r[1])
  end)

  it("max and min start from 0; mean divides by the filter size", function()
    local neg = {{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}}
    for _, op in ipairs{"max", "min", "mean"} do
      local r = run(IMG, {3, 4}, function(p) p:connect_filter(neg) end, {operation = op})
      close(ref.convolution(IMG, neg, {3, 4}, {op = op}), r)
    end
    -- all psp negative: max is 0 (the accumulator's start)
    local r = run(IMG, {3, 4}, function(p) p:connect_filter({{-1}}) end, {operation = "max"})
    close({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, r)
    local m = run(IMG, {3, 4}, function(p) p:connect_filter({{-1}}) end, {operation = "min"})
    close(ref.flatten({{-1, -2, -3, -4}, {-5, -6, -7, -8}, {-9, -10, -11, -12}}), m)
  end)

  it("takes a psp of w and pre-synaptic variables", function()
    local r = run(IMG, {3, 4}, function(p) p:connect_filter(W3) end, {psp = "w * log(1 + pre.r)"})
    close(ref.convolution(IMG, W3, {3, 4}, {psp = function(w, x) return w * math.log(1 + x) end}), r, 1e-12)
  end)

  it("works in 1-D and 3-D", function()
    local r = run({1, 2, 3, 4, 5, 6}, {6}, function(p) p:connect_filter({1, 10, 100}) end)
    -- post[1] = 10*1 + 100*2; post[6] = 1*5 + 10*6
    assert.equal(210, r[1])
    assert.equal(65, r[6])
    local pre3 = {{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}}
    local w3 = {{{1, 0}, {0, 1}}, {{2, 0}, {0, 2}}}
    local r3 = run(pre3, {2, 3, 2}, function(p) p:connect_filter(w3) end)
    close(ref.convolution(pre3, w3, {2, 3, 2}), r3)
  end)

  it("spans the last pre dimension when the post population has one dimension less", function()
    local pre = {{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}}
    local w = {{{1, -1}, {2, -2}}, {{3, -3}, {4, -4}}}
    local r = run(pre, {2, 3}, function(p) p:connect_filter(w) end)
    -- each element pair (a, b) contributes k*(a - b) = -k: post[1,1] = -(1 + 2 + 3 + 4)
    assert.equal(-10, r[1])
    close(ref.convolution(pre, w, {2, 3}), r)
  end)

  it("applies the filter to each slice with keep_last_dimension", function()
    local pre = {{{1, 10}, {2, 20}, {3, 30}}, {{4, 40}, {5, 50}, {6, 60}}}
    local w = {{1, 2}, {3, 4}}
    local r = run(pre, {2, 3, 2}, function(p) p:connect_filter(w, {keep_last_dimension = true}) end)
    -- even filter: window from the centre; slice 2 is ten times slice 1
    for i = 1, 6 do assert.equal(10 * r[2 * i - 1], r[2 * i]) end
    assert.equal(1 * 1 + 2 * 2 + 3 * 4 + 4 * 5, r[1])
    close(ref.convolution(pre, w, {2, 3, 2}, {keep_last = true}), r)
  end)

  it("delays the pre-synaptic values by floor(delays/dt) steps", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(ann.InputArray(3))
    local out = net:create(3, Readout)
    net:connect(ann.Convolution(inp, out, "exc")):connect_filter({0, 1, 0}, {delays = 3.5})
    net:compile{silent = true}
    local seen = {}
    for step = 1, 8 do
      inp.r = ann.array({step, 0, 0})
      net:simulate(1)
      seen[step] = out.r[1]
    end
    -- the input written before step s is read 3 steps later (a plain projection reads it at once)
    assert.same({0, 0, 0, 1, 2, 3, 4, 5}, seen)
  end)
end)

describe("Convolution, a bank of filters", function()
  local bank = {{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {{0, 0, 0}, {0, -1, 0}, {0, 0, 0}}}

  it("puts the filter index last in the post population", function()
    local r = run(IMG, {3, 4, 2}, function(p) p:connect_filters(bank) end)
    assert.equal(111, r[1])
    assert.equal(-1, r[2])
    assert.equal(-12, r[24])
    close(ref.convolution(IMG, bank, {3, 4, 2}, {bank = true}), r)
  end)

  it("takes new filters after compile (kept in the order given)", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(ann.InputArray({3, 4}))
    local out = net:create({3, 4, 2}, Readout)
    local proj = net:connect(ann.Convolution(inp, out, "exc")):connect_filters(bank)
    net:compile{silent = true}
    inp.r = ann.array(IMG)
    local other = {bank[2], bank[1]}
    proj.weights = other
    assert.same(ref.flatten(other), proj.weights:flatten():totable())
    net:simulate(2)
    close(ref.convolution(IMG, other, {3, 4, 2}, {bank = true}), out.r)
  end)

  it("means over one filter's size", function()
    local r = run(IMG, {3, 4, 2}, function(p) p:connect_filters(bank) end, {operation = "mean"})
    assert.equal(111 / 9, r[1])
    close(ref.convolution(IMG, bank, {3, 4, 2}, {bank = true, op = "mean"}), r)
  end)

  it("handles the (28,28,1) x (16,5,5,1) layout of a CNN layer, with subsampling", function()
    local pre, b = {}, {}
    for i = 1, 8 do
      pre[i] = {}
      for j = 1, 8 do pre[i][j] = {((i * 7 + j * 3) % 11) / 10} end
    end
    for f = 1, 3 do
      b[f] = {}
      for i = 1, 5 do
        b[f][i] = {}
        for j = 1, 5 do b[f][i][j] = {((f + i * j) % 5) - 2} end
      end
    end
    local r = run(pre, {8, 8, 3}, function(p) p:connect_filters(b) end)
    close(ref.convolution(pre, b, {8, 8, 3}, {bank = true}), r, 1e-12)
    local s = run(pre, {4, 4, 3}, function(p) p:connect_filters(b, {padding = "border"}) end)
    close(ref.convolution(pre, b, {4, 4, 3}, {bank = true, padding = "border"}), s, 1e-12)
  end)
end)

describe("Convolution, other populations", function()
  it("computes in float32 networks", function()
    local net = ann.Network{dt = 1.0}
    net:config{dtype = "float32"}
    local inp = net:create(ann.InputArray({3, 4}))
    local out = net:create({3, 4}, Readout)
    net:connect(ann.Convolution(inp, out, "exc")):connect_filter(W3)
    net:compile{silent = true}
    inp.r = ann.array(IMG)
    net:simulate(2)
    assert.equal(111, out.r[1][1])
    assert.equal(178, out.r[1][2])
  end)

  it("adds to g_target of a spiking post population", function()
    local net = ann.Network{dt = 1.0}
    local inp = net:create(ann.InputArray(3))
    local s = net:create(3, ann.Neuron{equations = "x = g_exc", spike = "x > 1e9", reset = ""})
    net:connect(ann.Convolution(inp, s, "exc")):connect_filter({1, 10, 100})
    local m = net:monitor(s, "x")
    net:compile{silent = true}
    inp.r = ann.array({1, 2, 3})
    net:simulate(3)
    -- g[1] = 10*1 + 100*2, g[2] = 1*1 + 10*2 + 100*3, g[3] = 1*2 + 10*3
    assert.same({210, 321, 32}, m:get("x")[3]:totable())
  end)

  it("works in 4-D", function()
    local pre = {}
    for a = 1, 2 do
      pre[a] = {}
      for b = 1, 2 do
        pre[a][b] = {}
        for c = 1, 3 do pre[a][b][c] = {a + 2 * b, c - b * a} end
      end
    end
    local w = {{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, {{{-1, -2}, {-3, -4}}, {{0, 1}, {1, 0}}}}
    local r = run(pre, {2, 2, 3, 2}, function(p) p:connect_filter(w) end)
    close(ref.convolution(pre, w, {2, 2, 3, 2}), r)
  end)
end)

describe("Convolution, the projection", function()
  local function make(connect)
    local net = ann.Network()
    local inp = net:create(ann.InputArray({3, 4}, {name = "img"}))
    local out = net:create({3, 4}, Readout, {name = "out"})
    local proj = net:connect(ann.Convolution(inp, out, "exc", {name = "conv"}))
    if connect ~= false then proj:connect_filter(W3) end
    return net, proj, inp, out
  end

  it("reads and writes its weights (same shape) before and after compile", function()
    local net, proj, inp, out = make()
    assert.same({3, 3}, proj.weights.shape)
    assert.same(ref.flatten(W3), proj:get("weights"):flatten():totable())
    net:compile{silent = true}
    inp.r = ann.array(IMG)
    proj.weights = {{0, 0, 0}, {0, 2, 0}, {0, 0, 0}}
    net:simulate(1)
    close({2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24}, out.r)
    proj:set{weights = ann.array({{0, 0, 0}, {0, 3, 0}, {0, 0, 0}})}
    net:simulate(1)
    assert.equal(3, out.r:flatten()[1])
    err(function() proj.weights = {{1, 2}, {3, 4}} end,
      'Convolution "conv": the new weights must have the shape (3, 3) of the filter given at connection, got (2, 2)')
  end)

  it("gives the centre of a post neuron", function()
    local _, proj = make()
    assert.same({1, 1}, proj:center(1))
    assert.same({2, 3}, proj:center(2, 3))
    assert.same({3, 4}, proj:center({3, 4}))
    err(function() proj:center(13) end, "center(): no post-synaptic rank 13")
  end)

  it("cannot be saved or loaded on its own; a network file leaves it out", function()
    local net, proj = make()
    net:compile{silent = true}
    local file = os.tmpname()
    err(function() proj:save(file) end, 'Convolution "conv": save: a Convolution has no synapses of its own')
    err(function() proj:load(file) end, 'Convolution "conv": load')
    err(function() proj:save_connectivity(file) end, "save_connectivity")
    -- the network's file holds the populations; loading it leaves the convolution as it is
    net:save(file)
    net:load(file)
    assert.same(ref.flatten(W3), proj.weights:flatten():totable())
    os.remove(file)
  end)

  it("has no connectivity matrix, receptive fields or w of its own", function()
    local net, proj = make()
    net:compile{silent = true}
    err(function() proj:connectivity_matrix() end,
      'Convolution "conv": connectivity_matrix() is not available: the projection has no synapses of its own')
    err(function() proj:receptive_fields() end, "receptive_fields() is not available")
    err(function() return proj.w end, "no w of its own (its filter is proj.weights)")
    err(function() proj.w = 1 end, "no w of its own")
    assert.equal(0, proj.size)
  end)

  it("appears in the report with its filter", function()
    local net = make()
    local file = os.tmpname() .. ".md"
    ann.report(net, {filename = file})
    local text = io.open(file):read("a")
    os.remove(file)
    assert.truthy(text:find("Filter (3, 3)", 1, true))
  end)
end)

describe("Convolution errors", function()
  local function setup(pre_g, post_g)
    local net = ann.Network()
    local inp = net:create(ann.InputArray(pre_g))
    local out = net:create(post_g, Readout)
    return net, inp, out
  end
  local function conv(pre_g, post_g, opts)
    local net, inp, out = setup(pre_g, post_g)
    return net:connect(ann.Convolution(inp, out, "exc", opts))
  end

  it("checks the constructor's arguments", function()
    local _, inp, out = setup({3, 3}, {3, 3})
    err(function() ann.Convolution(inp, out, "exc", {operation = "prod"}) end,
      'the operation must be "sum", "max", "min" or "mean"')
    err(function() ann.Convolution(inp, out, 3) end, "the target must be a name")
    err(function() ann.Convolution(inp[1], out, "exc") end, "not a view")
    err(function() ann.Convolution(inp, out, "exc", {psp = 3}) end, "psp must be a string")
  end)

  it("checks the dimensions", function()
    err(function() conv({2, 2, 2, 2, 2}, {2}):connect_filter({1}) end,
      "the pre-synaptic population has 5 dimensions (at most 4)")
    err(function() conv({2}, {1, 1, 1, 1, 2}):connect_filter({1}) end,
      "the post-synaptic population has 5 dimensions (at most 4)")
    local five = {{{{{1}}}}}
    err(function() conv({2, 2}, {2, 2}):connect_filter(five) end, "the filter has 5 dimensions (at most 4)")
    err(function() conv({2, 2}, {2, 2, 1}):connect_filters({five}) end,
      "the filter bank has 6 dimensions (at most 5)")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{{1}}}) end, "use connect_filters")
    err(function() conv({3, 3, 2}, {3, 3, 2}):connect_filter({{1}}) end, "set keep_last_dimension = true")
    err(function() conv({3, 3, 2}, {3, 3, 3}):connect_filter({{1}}, {keep_last_dimension = true}) end,
      "must be the last dimension of the post-synaptic population")
    err(function() conv({3, 3, 2}, {3, 3}):connect_filter({{{1, 1, 1}}}) end,
      "the last dimension of the filter (3) must cover the last pre-synaptic dimension (2)")
    err(function() conv({5, 4}, {2, 2}):connect_filter({{1}}) end,
      "the pre-synaptic dimension 1 (5 neurons) is not a multiple of the post-synaptic dimension 1 (2 neurons)")
    err(function() conv({3, 3}, {3, 3, 2}):connect_filters({{{1}}}) end,
      "the last dimension of the post-synaptic population (2) must be the number of filters (1)")
    err(function() conv({3, 3}, {3, 3}):connect_filters({1, 2, 3}) end, "connect_filters needs a bank of filters")
  end)

  it("checks the weights, delays, padding and centres", function()
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1, 2}, {3}}) end, "not rectangular")
    err(function() conv({3, 3}, {3, 3}):connect_filter("w") end, "a (nested) list of numbers or an Array")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1}}, {delays = ann.Uniform(0, 1)}) end,
      "delays must be a constant number of ms")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1}}, {padding = true}) end,
      'the padding must be a number or "border"')
    err(function() conv({3, 3}, {1, 2}):connect_filter({{1}}, {subsampling = {{1, 1}}}) end,
      "subsampling must be a list of 2 centres")
    err(function() conv({3, 3}, {1, 2}):connect_filter({{1}}, {subsampling = {{1, 1}, {4, 1}}}) end,
      "coordinate 4 out of range 1..3 in dimension 1")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1}}, {stride = 2}) end, "stride")
  end)

  it("refuses to connect after compile and to read the weights before connecting", function()
    local net, inp, out = setup({3, 3}, {3, 3})
    local p = net:connect(ann.Convolution(inp, out, "exc"))
    err(function() return p.weights end, "no filter yet")
    err(function() net:compile{silent = true} end, "has not been connected")
    p:connect_filter({{1}})
    net:compile{silent = true}
    err(function() p:connect_filter({{1}}) end, "the network is compiled")
  end)
end)
