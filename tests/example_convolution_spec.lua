-- examples/convolution.lua (ANNarchy's Image.ipynb ported): each layer against the plain-Lua
-- computation of tests/reference/convolution_reference.lua applied to the layer before it
-- (with the neurons' min = 0), and hand-computed values inside the shapes.
local convolution = dofile("examples/convolution.lua")
package.path = "tests/reference/?.lua;" .. package.path
local ref = require("convolution_reference")

local function close(want, got, what)
  assert.equal(#want, #got)
  for i = 1, #want do
    assert.is_true(math.abs(want[i] - got[i]) <= 1e-12, ("%s %d: %s vs %s"):format(what, i, want[i], got[i]))
  end
end

local function positive(list)
  for i, v in ipairs(list) do list[i] = math.max(0, v) end
  return list
end

describe("examples/convolution.lua", function()
  local res = convolution.run()

  it("gives the colours of the shapes (hand-computed)", function()
    -- deep inside the red rectangle: pooled and smoothed (1, 0, 0), filtered (2*1 - 0 - 0, 0, 0)
    assert.same({1, 0, 0}, res.pooled[12][48]:totable())
    -- (nine ninths add up to 1 within an ulp)
    close({1, 0, 0}, res.smoothed[12][48]:totable(), "smoothed")
    close({2, 0, 0}, res.filtered[12][48]:totable(), "filtered")
    -- inside the white square: every opponent filter gives 2 - 1 - 1 = 0
    assert.same({1, 1, 1}, res.pooled[12][15]:totable())
    assert.same({0, 0, 0}, res.filtered[12][15]:totable())
  end)

  it("matches the independent computation layer by layer", function()
    close(ref.pooling(res.image:totable(), {48, 64, 3}, {10, 10, 1}, "mean"), res.pooled:flatten():totable(),
      "pooled")
    close(positive(ref.convolution(res.pooled:totable(), convolution.SMOOTH, {48, 64, 3})),
      res.smoothed:flatten():totable(), "smoothed")
    close(positive(ref.convolution(res.smoothed:totable(), convolution.OPPONENT, {48, 64, 3}, {bank = true})),
      res.filtered:flatten():totable(), "filtered")
  end)

  it("draws the map", function()
    local lines = convolution.text(res.filtered)
    assert.equal(48, #lines)
    assert.truthy(lines[12]:find("RRRR", 1, true))
    assert.truthy(lines[35]:find("GGGG", 1, true))
    assert.truthy(lines[40]:find("BBBB", 1, true))
  end)
end)
