-- convolution.lua: ANNarchy's notebook Image.ipynb (convolution and pooling on an image),
-- ported. A colour ImagePopulation of 480x640x3 (examples/images/shapes_640.png) is
-- averaged over 10x10 blocks by a Pooling (mean, automatic extent 10x10x1) into 48x64x3,
-- smoothed by a Convolution with a 3x3x1 filter of ninths (each colour channel on its own),
-- then filtered by a bank of three colour-opponent filters 1x1x3 ([2, -1, -1], [-1, 2, -1],
-- [-1, -1, 2]: red, green and blue against the other two). Neurons r = sum(exc), min 0.
-- Four steps bring the image through the three projections.
-- Run: annlua examples/convolution.lua [image]; prints the filtered map as text (R, G, B: the
-- strongest colour-opponent channel, ' ': none).
local ann = require("annarchy")

local M = {}

M.IMAGE = "examples/images/shapes_640.png"

M.SMOOTH = {}
for i = 1, 3 do M.SMOOTH[i] = {{1 / 9}, {1 / 9}, {1 / 9}} end
M.OPPONENT = {{{{2, -1, -1}}}, {{{-1, 2, -1}}}, {{{-1, -1, 2}}}}

M.Layer = ann.Neuron{equations = "r = sum(exc) : min = 0.0", name = "Layer"}

--- Runs the network on `image`; returns the four layers' rates (Arrays).
function M.run(image)
  local net = ann.Network{dt = 1.0}
  local img = net:create(ann.ImagePopulation({480, 640, 3}, {name = "image"}))
  local pooled = net:create({48, 64, 3}, M.Layer, {name = "pooled"})
  local smoothed = net:create({48, 64, 3}, M.Layer, {name = "smoothed"})
  local filtered = net:create({48, 64, 3}, M.Layer, {name = "filtered"})
  net:connect(ann.Pooling(img, pooled, "exc", {operation = "mean"})):pooling()
  net:connect(ann.Convolution(pooled, smoothed, "exc")):connect_filter(M.SMOOTH)
  net:connect(ann.Convolution(smoothed, filtered, "exc")):connect_filters(M.OPPONENT)
  net:compile{silent = true}
  img:set_image(image or M.IMAGE)
  net:simulate(4)
  return {image = img.r, pooled = pooled.r, smoothed = smoothed.r, filtered = filtered.r, net = net}
end

--- The filtered map as text: the strongest channel above `threshold` (R, G or B).
function M.text(filtered, threshold)
  threshold = threshold or 0.5
  local lines = {}
  for y = 1, filtered.shape[1] do
    local row = {}
    for x = 1, filtered.shape[2] do
      local best, c = threshold, " "
      for k, name in ipairs{"R", "G", "B"} do
        if filtered[y][x][k] > best then best, c = filtered[y][x][k], name end
      end
      row[x] = c
    end
    lines[y] = table.concat(row)
  end
  return lines
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local t0 = os.clock()
  local res = M.run(arg[1])
  print(("Image -> pooled -> smoothed -> colour-opponent filters (%.2f s)"):format(os.clock() - t0))
  for _, line in ipairs(M.text(res.filtered)) do print(line) end
end

return M
