-- The errors of the shared-weight projections (Convolution, Pooling, Copy, Transpose) that
-- convolution_spec and pooling_spec do not raise; docs/errors.md lists them all.
local ann = require("annarchy")

local Readout = ann.Neuron{equations = "r = sum(exc)", name = "Readout"}

-- err(fn, text): fn fails with a message holding text.
local err = dofile("tests/support.lua").fails_with

local function setup(pre_g, post_g)
  local net = ann.Network()
  return net, net:create(ann.InputArray(pre_g)), net:create(post_g, Readout)
end

local function conv(pre_g, post_g)
  local net, inp, out = setup(pre_g, post_g)
  return net:connect(ann.Convolution(inp, out, "exc"))
end

describe("shared-weight projections", function()
  it("check the populations they are given", function()
    local _, inp, out = setup({3}, {3})
    err(function() ann.Convolution(nil, out, "exc") end, "Convolution: the pre-synaptic population must be given")
    err(function() ann.Pooling(3, out, "exc") end, "Pooling: the pre-synaptic population must be a Population, got 3")
    err(function() ann.Pooling(inp, out[{1, 2}], "exc") end,
      "Pooling: the post-synaptic population must be a whole Population, not a view")
  end)

  it("check a Convolution's filters", function()
    err(function() conv({3, 3}, {3, 3}):connect_filter() end, "connect_filter needs the weights")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1, 2}, 3}) end,
      "the weights are not rectangular (a number where a list is expected)")
    err(function() conv({3, 3}, {3, 3}):connect_filter({1, {2}}) end,
      "the weights are not rectangular (a list where a number is expected)")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1, 2}, {3}}) end,
      "the weights are not rectangular (lists of 2 and 1 elements at depth 2)")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1, "x"}}) end, 'the weights must hold numbers only, got "x"')
    err(function() conv({3, 3}, {3, 3, 2}):connect_filters({{{{1}}}, {{{1}}}}) end,
      "the filters have more dimensions (3) than the pre-synaptic population (2)")
    err(function() conv({3, 3, 2}, {3, 3, 2}):connect_filter({1}, {keep_last_dimension = true}) end,
      "with keep_last_dimension the filter must have one dimension less than the pre-synaptic population (2), not 1")
    err(function() conv({3, 3}, {3, 3, 2}):connect_filter({{1}}) end,
      "the post-synaptic geometry (3, 3, 2) does not match the pre-synaptic geometry (3, 3) with this filter "
      .. "(9 centres for 18 post-synaptic neurons)")
    err(function() conv({3, 3}, {3, 3}):connect_filter({{1}}, {padding = 0 / 0}) end,
      'the padding must be a number or "border", got nan')
    err(function() conv({3, 3}, {1, 2}):connect_filter({{1}}, {subsampling = {{1, 1}, {2}}}) end,
      "subsampling centre 2 must be a list of 2 pre-synaptic coordinates")
  end)

  it("check a Convolution's weights and centres after connecting", function()
    local p = conv({3, 3}, {3, 3})
    err(function() p.weights = {{1}} end, "no filter yet: call connect_filter or connect_filters")
    err(function() return p:center(1) end, "no filter yet")
    p:connect_filter({{1}})
    err(function() return p:center(1, 2, 3) end, "center() takes a post rank or 2 coordinates")
    err(function() return p:center(4, 1) end, "center(): coordinate 4 out of range 1..3 in dimension 1")
  end)

  it("check a Pooling's geometry and refuse to connect after compile", function()
    local net, inp, out = setup({4, 4}, {3, 2})
    err(function() net:connect(ann.Pooling(inp, out, "exc")):pooling() end,
      "the pre-synaptic dimension 1 (4 neurons) is not a multiple of the post-synaptic one (3 neurons): give the extent")
    local n2, x, y = setup({3}, {3})
    local p = n2:connect(ann.Pooling(x, y, "exc"))
    p:pooling{extent = {1}}
    n2:compile{silent = true}
    err(function() p:pooling{extent = {1}} end, 'Pooling "proj0": the network is compiled; connect before compile')
  end)

  it("check the projection a Copy copies", function()
    local net = ann.Network()
    local a, b = net:create(ann.InputArray({3})), net:create(3, Readout)
    local orig = net:connect(a, b, "exc")
    err(function() net:connect(ann.Copy(a, b, "inh")):connect_copy(orig) end,
      'projection "proj0" is not connected yet')
    orig:all_to_all(1.0)
    local other = ann.Network()
    local a2, b2 = other:create(ann.InputArray({3})), other:create(3, Readout)
    err(function() other:connect(ann.Copy(a2, b2, "inh")):connect_copy(orig) end,
      'projection "proj0" belongs to another network')
    local s1, s2 = net:create(3, ann.Izhikevich), net:create(3, ann.Izhikevich)
    local spiking = net:connect(s1, s2, "exc"):all_to_all(1.0)
    err(function() net:connect(ann.Copy(a, b, "inh")):connect_copy(spiking) end,
      "the projection to copy must be rate-coded (\"" .. spiking.name .. "\" is spiking)")
  end)

  it("check the projection a Transpose transposes", function()
    local net = ann.Network()
    local a, b = net:create(3, Readout), net:create(3, Readout)
    local fwd = net:connect(a, b, "exc")
    err(function() net:connect(ann.Transpose(fwd, "fb")):transpose() end, 'projection "proj0" is not connected yet')
    fwd:all_to_all(1.0)
    local tr = net:connect(ann.Transpose(fwd, "fb"))
    err(function() tr:transpose(1) end, "transpose() takes no argument")
    local c = net:connect(ann.Convolution(net:create(ann.InputArray({3})), b, "inh"))
    err(function() ann.Transpose(c, "fb") end,
      "the projection to transpose must be an ordinary Projection, not a Convolution")
    local view = net:connect(a[{1, 2}], b, "exc"):all_to_all(1.0)
    err(function() ann.Transpose(view, "fb") end,
      "connects population views: transpose a projection between whole populations")
    local other = ann.Network()
    err(function() other:connect(ann.Transpose(fwd, "fb")) end, 'projection "proj0" belongs to another network')
  end)
end)
