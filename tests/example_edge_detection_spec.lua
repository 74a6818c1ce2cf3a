-- examples/edge_detection.lua: the Sobel edges and the pooled map against a hand calculation
-- (a step of 1 under a Sobel filter gives 4) and the plain-Lua computation of
-- tests/reference/convolution_reference.lua applied to the image's grey levels.
local ann = require("annarchy")
package.path = "tests/reference/?.lua;" .. package.path
local ref = require("convolution_reference")
local edge = dofile("examples/edge_detection.lua")

describe("examples/edge_detection.lua", function()
  local res = edge.run()

  it("sees the white square (rows 21-50, columns 21-60) as grey level 1", function()
    assert.equal(1, res.grey[21][21])
    assert.equal(1, res.grey[50][60])
    assert.equal(0, res.grey[20][21])
  end)

  it("finds the square's edges with the strength 4 of a unit step (hand-computed)", function()
    -- left side of the square: columns 20 (black) and 21 (white) see the step
    assert.equal(4, res.edges[30][20][1])
    assert.equal(4, res.edges[30][21][1])
    assert.equal(0, res.edges[30][20][2])
    assert.equal(0, res.edges[30][40][1])   -- inside the square
    -- top side: rows 20 and 21
    assert.equal(4, res.edges[20][40][2])
    assert.equal(4, res.edges[21][40][2])
  end)

  it("matches the independent computation, edges and pooled map", function()
    local grey = res.grey:totable()
    local want = ref.convolution(grey, edge.SOBEL, {120, 160, 2}, {bank = true, padding = "border"})
    for i, v in ipairs(want) do want[i] = math.abs(v) end
    local got = res.edges:flatten():totable()
    assert.equal(#want, #got)
    for i = 1, #want do assert.is_true(math.abs(want[i] - got[i]) <= 1e-12, "edge " .. i) end
    local nested = res.edges:totable()
    local pooled = ref.pooling(nested, {30, 40, 2}, {4, 4, 1}, "max")
    assert.same(pooled, res.pooled:flatten():totable())
  end)

  it("draws the map", function()
    local lines = edge.text(res.pooled)
    assert.equal(30, #lines)
    assert.equal("    ++--------++", lines[5]:sub(1, 16))
    local _ = ann
  end)
end)
