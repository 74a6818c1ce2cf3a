-- edge_detection.lua: an edge detector on a PNG image. ImagePopulation (the grey levels of
-- examples/images/shapes.png, 120x160) -> Convolution with a bank of two Sobel filters
-- (vertical and horizontal edges; the border replicated) -> a layer of 120x160x2 neurons
-- r = |sum(exc)| -> Pooling (max over 4x4 blocks) -> a 30x40x2 map of where the edges are.
-- Run: annlua examples/edge_detection.lua [image.png]; prints the pooled edge map as text
-- ('|' vertical edge, '-' horizontal, '+' both, '.' weak, ' ' none).
local ann = require("annarchy")

local M = {}

M.IMAGE = "examples/images/shapes.png"

-- Sobel filters: a vertical edge (a change along x) and a horizontal one (a change along y);
-- a step of height h under either gives 4h.
M.SOBEL = {
  {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}},
  {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}},
}

M.Edge = ann.Neuron{equations = "r = fabs(sum(exc))", name = "Edge magnitude"}

--- Builds and runs the network on `image` (a PNG or JPEG file); returns the image's grey
-- levels, the edges (120x160x2) and the pooled map (30x40x2) as Arrays.
function M.run(image)
  local net = ann.Network{dt = 1.0}
  local retina = net:create(ann.ImagePopulation({120, 160}, {name = "retina"}))
  local edges = net:create({120, 160, 2}, M.Edge, {name = "edges"})
  local pooled = net:create({30, 40, 2}, ann.Neuron{equations = "r = sum(exc)"}, {name = "pooled"})
  net:connect(ann.Convolution(retina, edges, "exc", {name = "sobel"})):connect_filters(M.SOBEL, {padding = "border"})
  net:connect(ann.Pooling(edges, pooled, "exc", {operation = "max", name = "pool"})):pooling()
  net:compile{silent = true}
  retina:set_image(image or M.IMAGE)
  net:simulate(3)   -- image -> edges -> pooled: two transmissions
  return {grey = retina.r, edges = edges.r, pooled = pooled.r, net = net}
end

--- The pooled map as lines of text.
function M.text(pooled, threshold)
  threshold = threshold or 0.4
  local lines = {}
  for y = 1, pooled.shape[1] do
    local row = {}
    for x = 1, pooled.shape[2] do
      local v, h = pooled[y][x][1], pooled[y][x][2]
      local c = " "
      if v >= threshold and h >= threshold then c = "+"
      elseif v >= threshold then c = "|"
      elseif h >= threshold then c = "-"
      elseif v + h > 0.05 then c = "." end
      row[x] = c
    end
    lines[y] = table.concat(row)
  end
  return lines
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local t0 = os.clock()
  local res = M.run(arg[1])
  print(("Edge detection on %s (%.2f s)"):format(arg[1] or M.IMAGE, os.clock() - t0))
  for _, line in ipairs(M.text(res.pooled)) do print(line) end
end

return M
