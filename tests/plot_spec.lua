-- ann.plot: the image files (PNG size from the IHDR chunk, PDF page size, SVG header), the data
-- handed to gnuplot for known inputs (expected numbers computed by hand in the comments), and
-- the errors: unknown kind, bad options, empty data, gnuplot missing from the PATH.
-- Run from the repository root: busted --lua=./annlua tests/plot_spec.lua

local ann = require("annarchy")

local ANNLUA = os.getenv("ANNLUA") or "./annlua"

local tmp = {}
local function tmpname(ext)
  local base = os.tmpname()
  os.remove(base)
  local name = base .. ext
  tmp[#tmp + 1] = name
  return name
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

--- Width and height of a PNG from its IHDR chunk; errors when the file is not a PNG.
local function png_size(path)
  local s = slurp(path)
  assert.are.equal("\137PNG\r\n\26\n", s:sub(1, 8))
  assert.are.equal("IHDR", s:sub(13, 16))
  return (string.unpack(">I4", s, 17)), (string.unpack(">I4", s, 21))
end

--- The blocks of a data file: lists of rows (lists of numbers), `false` for an empty line.
local function read_data(path)
  local blocks, rows, blank = {}, {}, 0
  for line in io.lines(path) do
    if line == "" then
      blank = blank + 1
    else
      if blank >= 2 then
        blocks[#blocks + 1], rows = rows, {}
      elseif blank == 1 then
        rows[#rows + 1] = false
      end
      blank = 0
      local row = {}
      for cell in line:gmatch("%S+") do row[#row + 1] = assert(tonumber(cell), cell) end
      rows[#rows + 1] = row
    end
  end
  if blank == 1 then rows[#rows + 1] = false end
  blocks[#blocks + 1] = rows
  return blocks
end

local function near(expected, actual)
  assert.are.equal(#expected, #actual)
  for i, row in ipairs(expected) do
    if row == false then
      assert.is_false(actual[i])
    else
      assert.are.equal(#row, #actual[i], "row " .. i)
      for j, v in ipairs(row) do
        assert.is_true(math.abs(v - actual[i][j]) <= 1e-9 * math.max(1, math.abs(v)),
          ("row %d column %d: expected %.17g, got %.17g"):format(i, j, v, actual[i][j]))
      end
    end
  end
end

teardown(function()
  for _, name in ipairs(tmp) do os.remove(name) end
end)

describe("ann.plot files", function()
  it("writes a PNG of the requested size #lua54", function()
    local file = tmpname(".png")
    assert.are.equal(file, ann.plot.xy({0, 1, 2}, {0, 1, 4}, {file = file, size = {321, 123}}))
    assert.are.same({321, 123}, {png_size(file)})
    ann.plot.xy({0, 1, 2}, {0, 1, 4}, {file = file})
    assert.are.same({640, 480}, {png_size(file)})
    local bare = tmpname("")   -- no extension: PNG
    ann.plot.xy({0, 1, 2}, {0, 1, 4}, {file = bare, size = {100, 50}})
    assert.are.same({100, 50}, {png_size(bare)})
  end)

  it("writes PDF (100 pixels per inch: 300 x 200 is 216 x 144 points) and SVG", function()
    local pdf, svg = tmpname(".pdf"), tmpname(".SVG")
    ann.plot.xy({0, 1}, {1, 2}, {file = pdf, size = {300, 200}, title = "a \"quoted\" title_with_underscores"})
    local s = slurp(pdf)
    assert.are.equal("%PDF-", s:sub(1, 5))
    assert.truthy(s:find("/MediaBox [ 0 0 216 144 ]", 1, true))
    ann.plot.xy({0, 1}, {1, 2}, {file = svg, size = {300, 200}})
    s = slurp(svg)
    assert.truthy(s:find("<svg", 1, true))
    assert.truthy(s:find('width="300" height="200"', 1, true))
  end)
end)

describe("the data handed to gnuplot", function()
  it("puts a raster's spikes at (step * dt, rank) and the population rate beneath #lua54", function()
    local file, data = tmpname(".png"), tmpname(".dat")
    local spikes = {[1] = {10, 20}, [2] = {}, [3] = {15}}
    ann.plot.raster(spikes, {file = file, data = data, dt = 0.5, population_rate = true, bin = 5})
    local b = read_data(data)
    near({{5, 1}, {10, 1}, {7.5, 3}}, b[1])
    -- bins of 5 ms = 10 steps: steps 10 and 15 in bin [5, 10) ms, step 20 in [10, 15) ms;
    -- 3 neurons: 2 / 3 / 0.005 s = 133.33 Hz and 1 / 3 / 0.005 s = 66.67 Hz
    near({{7.5, 2 / 3 / 0.005}, {12.5, 1 / 3 / 0.005}}, b[2])
    assert.are.same({640, 480}, {png_size(file)})
  end)

  it("draws x-y curves point by point", function()
    local data = tmpname(".dat")
    ann.plot.xy(ann.array{0, 0.5, 2}, {{1, 4, 9}, ann.array{-1, -2, -3}},
      {file = tmpname(".png"), data = data, labels = {"a", "b"}, style = "points"})
    near({{0, 1, -1}, {0.5, 4, -2}, {2, 9, -3}}, read_data(data)[1])
  end)

  it("lays a matrix out as {column, row, value}, one scan line per row", function()
    local data = tmpname(".dat")
    ann.plot.weights(ann.array{{1, 2, 3}, {4, 5, 6}}, {file = tmpname(".png"), data = data})
    near({{1, 1, 1}, {2, 1, 2}, {3, 1, 3}, false, {1, 2, 4}, {2, 2, 5}, {3, 2, 6}, false}, read_data(data)[1])
  end)

  it("counts a histogram in equal bins, the last one closed", function()
    local data = tmpname(".dat")
    -- range 0..3 in 3 bins of width 1: [0,1) holds 0, 0.5; [1,2) holds 1, 1; [2,3] holds 3
    ann.plot.histogram({0, 0.5, 1, 1, 3}, {file = tmpname(".png"), data = data, bins = 3})
    near({{0.5, 2, 1}, {1.5, 2, 1}, {2.5, 1, 1}}, read_data(data)[1])
  end)

  it("makes firing rates of spikes over a duration", function()
    local data = tmpname(".dat")
    -- 500 ms: 1 spike = 2 Hz, 3 spikes = 6 Hz, 0 spikes = 0 Hz; range 0..6 in 2 bins of 3 Hz
    ann.plot.histogram({[1] = {1}, [2] = {1, 2, 3}, [3] = {}},
      {file = tmpname(".png"), data = data, duration = 500, bins = 2})
    near({{1.5, 2, 3}, {4.5, 1, 3}}, read_data(data)[1])
  end)

  it("histograms the inter-spike intervals in ms", function()
    local data = tmpname(".dat")
    -- steps 0, 10, 30 with dt = 0.5: intervals 5 and 10 ms; 2 bins over 5..10
    ann.plot.isi({[1] = {0, 10, 30}, [2] = {4}}, {file = tmpname(".png"), data = data, dt = 0.5, bins = 2})
    near({{6.25, 1, 2.5}, {8.75, 1, 2.5}}, read_data(data)[1])
  end)

  it("draws traces of an Array against t0 + k dt", function()
    local data = tmpname(".dat")
    ann.plot.traces(ann.array{{1, 2}, {3, 4}, {5, 6}}, {file = tmpname(".png"), data = data, dt = 2, t0 = 1})
    near({{1, 1, 2}, {3, 3, 4}, {5, 5, 6}}, read_data(data)[1])
  end)

  describe("of a network", function()
    local net, pop, m, proj
    setup(function()
      -- r relaxes as r(t) = I (1 - exp(-(step + 1) dt / tau)) with the exponential method
      net = ann.Network{dt = 1.0, seed = 1}
      local Leaky = ann.Neuron{parameters = "tau = 10.0 : population\nI = 0.5",
        equations = "tau * dr/dt + r = I : exponential"}
      pop = net:create({2, 3}, Leaky)
      pop.I = {{1, 2, 3}, {4, 5, 6}}
      proj = net:connect(pop, pop, "exc")
      proj:from_matrix({{false, 1, false, false, false, false}, {false, false, false, false, false, 2},
        {false, false, false, false, false, false}, {false, false, false, false, false, false},
        {false, false, false, false, false, false}, {3, false, false, false, false, false}})
      m = net:monitor(pop, "r", {period = 2})
      net:compile{silent = true}
      net:simulate(10)
    end)

    it("puts a monitor's records at their steps (every 2 ms from step 0)", function()
      local data = tmpname(".dat")
      ann.plot.traces(m, "r", {file = tmpname(".png"), data = data, ranks = {1, 6}})
      local rows = read_data(data)[1]
      local expected = {}
      for k = 1, 5 do
        local s = 2 * (k - 1)
        local f = 1 - math.exp(-(s + 1) / 10)
        expected[k] = {s, 1 * f, 6 * f}
      end
      near(expected, rows)
      assert.are.equal(5, m:get("r").shape[1], "plotting keeps the monitor's data")
    end)

    it("maps a population's values over its geometry, first coordinate as rows", function()
      local data = tmpname(".dat")
      ann.plot.map(pop, "I", {file = tmpname(".png"), data = data})
      near({{1, 1, 1}, {2, 1, 2}, {3, 1, 3}, false, {1, 2, 4}, {2, 2, 5}, {3, 2, 6}, false}, read_data(data)[1])
    end)

    it("draws a projection's weights post x pre", function()
      local data = tmpname(".dat")
      ann.plot.weights(proj, {file = tmpname(".png"), data = data})
      local rows = read_data(data)[1]
      assert.are.equal(6 * 7, #rows)   -- 6 values and a scan break per row
      assert.are.same({2, 1, 1}, rows[2])      -- post 1 <- pre 2, w = 1
      assert.are.same({6, 2, 2}, rows[7 + 6])  -- post 2 <- pre 6, w = 2
      assert.are.same({1, 6, 3}, rows[35 + 1]) -- post 6 <- pre 1, w = 3
      assert.are.same({1, 1, 0}, rows[1])      -- no synapse: 0
    end)

    it("draws one dendrite's field over the pre geometry", function()
      local data = tmpname(".dat")
      ann.plot.weights(proj:dendrite(2), {file = tmpname(".png"), data = data})
      near({{1, 1, 0}, {2, 1, 0}, {3, 1, 0}, false, {1, 2, 0}, {2, 2, 0}, {3, 2, 2}, false}, read_data(data)[1])
    end)
  end)
end)

describe("the examples' --plot option", function()
  it("writes the figure of a run #lua54", function()
    local file = tmpname(".png")
    local p = io.popen(("%s examples/izhikevich.lua --duration 100 --plot %s 2>&1"):format(ANNLUA, file))
    local out = p:read("a")
    p:close()
    assert.truthy(out:find("mean firing rate", 1, true), out)
    assert.are.same({640, 480}, {png_size(file)})
  end)
end)

describe("ann.plot errors", function()
  local png = "/tmp/annlua-plot-spec-never-written.png"
  local function fails(pattern, f, ...)
    local ok, err = pcall(f, ...)
    assert.is_false(ok)
    assert.truthy(tostring(err):find(pattern, 1, true), err)
  end

  it("names an unknown kind", function()
    fails('ann.plot has no kind of plot "bars" (kinds: histogram, isi, map, raster, traces, weights, xy)',
      function() return ann.plot.bars end)
  end)

  it("names bad options", function()
    fails("ann.plot.xy: give the output file", ann.plot.xy, {1}, {1}, {})
    fails("ann.plot.xy: unknown option \"colour\"", ann.plot.xy, {1}, {1}, {file = png, colour = 1})
    fails("must end in .png, .pdf or .svg", ann.plot.xy, {1}, {1}, {file = "/tmp/x.gif"})
    fails("size must be {width, height}, whole numbers of pixels from 16 to 10000; got 0",
      ann.plot.xy, {1}, {1}, {file = png, size = {0, 100}})
    fails("got 100.5", ann.plot.xy, {1}, {1}, {file = png, size = {100.5, 100}})
    fails("size must be {width, height} in pixels", ann.plot.xy, {1}, {1}, {file = png, size = 100})
    fails("xrange must be {low, high} with low < high", ann.plot.xy, {1}, {1}, {file = png, xrange = {2, 1}})
    fails("style must be", ann.plot.xy, {1}, {1}, {file = png, style = "bars"})
    fails("bins must be a whole number", ann.plot.histogram, {1}, {file = png, bins = 0})
    fails("rank 3 is out of range (1 to 2)", ann.plot.traces, ann.zeros{4, 2}, {file = png, ranks = {3}})
  end)

  it("names empty or wrong data", function()
    fails("ann.plot.raster: there is no spike to plot", ann.plot.raster, {[1] = {}, [2] = {}}, {file = png})
    fails("ann.plot.xy: there is no point to plot", ann.plot.xy, {}, {}, {file = png})
    fails("ann.plot.xy: curve 1 has 2 values for 3 xs", ann.plot.xy, {1, 2, 3}, {1, 2}, {file = png})
    fails("ann.plot.histogram: there is no value to plot", ann.plot.histogram, ann.zeros(0), {file = png})
    fails("ann.plot.isi: no neuron has two spikes", ann.plot.isi, {[1] = {3}}, {file = png})
    fails("ann.plot.weights: the matrix is empty", ann.plot.weights, ann.zeros{0, 3}, {file = png})
    fails("ann.raster_plot: the spikes of rank 1 must be a list of steps", ann.plot.raster, {[1] = 5}, {file = png})
    fails("ann.plot.weights: expected a Projection, a Dendrite or a 2-D Array", ann.plot.weights, 3, {file = png})
    fails("ann.plot.histogram: give the recording time", ann.plot.histogram, {[1] = {2}}, {file = png})
    assert.is_nil(io.open(png))
  end)

  it("carries gnuplot's message when it fails", function()
    fails("ann.plot.xy: gnuplot failed:", ann.plot.xy, {1}, {1}, {file = "/nonexistent-dir/x.png"})
  end)

  it("names the package when gnuplot is not on the PATH", function()
    local empty = os.tmpname()
    os.remove(empty)
    assert(os.execute("mkdir " .. empty))
    local p = io.popen(("cd %s && PATH=%s %s/%s -e 'require(\"annarchy\").plot.xy({1}, {1}, {file = \"x.png\"})' 2>&1")
      :format(os.getenv("PWD"), empty, os.getenv("PWD"), ANNLUA:gsub("^%./", "")))
    local out = p:read("a")
    p:close()
    os.remove(empty)
    assert.truthy(out:find("ann.plot.xy: gnuplot was not found on the PATH; install the Debian package gnuplot-nox",
      1, true), out)
  end)
end)
