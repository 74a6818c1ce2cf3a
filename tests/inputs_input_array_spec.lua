-- InputArray (reference-library §3.1): r is set from outside, kept by the simulation,
-- recordable, and read by projections one step later (§0.4).
local ann = require("annarchy")
local inputs = require("annarchy.inputs")
local InputArray = inputs.InputArray

describe("InputArray", function()
  it("keeps the values written to r and records them", function()
    local net = ann.Network{}
    local inp = net:create(InputArray(3, {name = "in"}))
    assert.equal(inp, net:get_population("in"))
    assert.same({"r"}, inp.variables)
    local m = net:monitor(inp, "r")
    net:compile{silent = true}
    inp.r = {1, 2, 3}
    net:simulate(2)
    inp:neuron(2).r = 5
    net:simulate(1)
    local rec = m:get("r")
    assert.same({{1, 2, 3}, {1, 2, 3}, {1, 5, 3}}, {rec[1]:totable(), rec[2]:totable(), rec[3]:totable()})
  end)

  it("has a 2-D geometry", function()
    local net = ann.Network{}
    local inp = net:create(InputArray{geometry = {2, 3}})
    net:compile{silent = true}
    inp.r = {{1, 2, 3}, {4, 5, 6}}
    net:simulate(1)
    assert.same({2, 3}, inp.r.shape)
    assert.equal(6, inp.r[2][3])
  end)

  it("is read by a projection at the next step", function()
    local net = ann.Network{}
    local inp = net:create(InputArray(2))
    local post = net:create(2, ann.Neuron{equations = "r = sum(exc)"})
    net:connect(inp, post, "exc"):one_to_one(2.0)
    local m = net:monitor(post, "r")
    net:compile{silent = true}
    net:simulate(1)
    inp.r = {1, 3}
    net:simulate(2)
    local rec = m:get("r")
    assert.same({{0, 0}, {2, 6}, {2, 6}}, {rec[1]:totable(), rec[2]:totable(), rec[3]:totable()})
  end)

  it("comes back to 0 at reset()", function()
    local net = ann.Network{}
    local inp = net:create(InputArray(2))
    net:compile{silent = true}
    inp.r = {1, 3}
    net:reset()
    assert.same({0, 0}, inp.r:totable())
  end)

  it("needs a geometry and rejects unknown option names", function()
    assert.has_error(function() InputArray() end)
    local ok, err = pcall(InputArray, 3, {nme = "x"})
    assert.is_false(ok)
    assert.matches("unknown option 'nme'", err)
  end)
end)
