--- ann.plot: figures of recordings, connectivity and Arrays, drawn by gnuplot (docs/plotting.md).
-- Every function takes its data first and a table of options, writes one image file (PNG, PDF
-- or SVG by the extension of `file`) and returns its path. The numbers go to gnuplot through
-- a data file (kept at the path given as option `data`), the figure through a script of `set`
-- and `plot` commands (io/gnuplot.lua).
local runtime = require("annarchy.runtime")
local time = require("annarchy.time")
local gnuplot = require("annarchy.io.gnuplot")

local floor, huge = math.floor, math.huge
local q = gnuplot.quote

local M = {}

local function fail(fmt, ...)
  error("annarchy: " .. fmt:format(...), 0)
end

-- ---- options ----------------------------------------------------------------------------------

local COMMON = {"file", "title", "xlabel", "ylabel", "size", "xrange", "yrange", "legend", "data"}

--- Checks the options table of `fname` against the common names and `extra`; returns it.
local function options(fname, opts, extra)
  if opts == nil then opts = {} end
  if type(opts) ~= "table" or getmetatable(opts) ~= nil then
    fail("%s: the options must be a table such as {file = \"figure.png\"}, got %s", fname, type(opts))
  end
  local known = {}
  for _, k in ipairs(COMMON) do known[k] = true end
  for _, k in ipairs(extra or {}) do known[k] = true end
  for k in pairs(opts) do
    if not known[k] then
      local names = {}
      for name in pairs(known) do names[#names + 1] = name end
      table.sort(names)
      fail("%s: unknown option %s (known: %s)", fname, q(k), table.concat(names, ", "))
    end
  end
  if type(opts.file) ~= "string" or opts.file == "" then
    fail("%s: give the output file as option file (for example {file = \"figure.png\"})", fname)
  end
  local size = opts.size or {640, 480}
  if type(size) ~= "table" or #size ~= 2 then
    fail("%s: size must be {width, height} in pixels", fname)
  end
  for i = 1, 2 do
    local v = size[i]
    if type(v) ~= "number" or v ~= floor(v) or v < 16 or v > 10000 then
      fail("%s: size must be {width, height}, whole numbers of pixels from 16 to 10000; got %s",
        fname, tostring(v))
    end
  end
  for _, k in ipairs{"xrange", "yrange"} do
    local r = opts[k]
    if r ~= nil and (type(r) ~= "table" or type(r[1]) ~= "number" or type(r[2]) ~= "number" or r[1] >= r[2]) then
      fail("%s: %s must be {low, high} with low < high", fname, k)
    end
  end
  opts.size = size
  return opts
end

--- A 1-D list of numbers from an Array or a list; nil when `x` is neither.
local function numbers(fname, what, x)
  if runtime.is_array(x) then
    if x.ndim ~= 1 then fail("%s: %s must be 1-D, got an Array of shape {%s}", fname, what,
      table.concat(x.shape, ", ")) end
    return x:totable()
  end
  if type(x) ~= "table" then return nil end
  local out = {}
  for i = 1, #x do
    if type(x[i]) ~= "number" then fail("%s: element %d of %s is not a number", fname, i, what) end
    out[i] = x[i]
  end
  return out
end

-- ---- the figure -------------------------------------------------------------------------------

--- The common `set` lines: labels, title, ranges, legend.
local function axes(opts, defaults)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  if opts.title then add("set title %s", q(opts.title)) end
  add("set xlabel %s", q(opts.xlabel or defaults.xlabel or ""))
  add("set ylabel %s", q(opts.ylabel or defaults.ylabel or ""))
  if opts.xrange then add("set xrange [%.17g:%.17g]", opts.xrange[1], opts.xrange[2]) end
  if opts.yrange then add("set yrange [%.17g:%.17g]", opts.yrange[1], opts.yrange[2]) end
  if opts.legend == false then add("unset key")
  elseif type(opts.legend) == "string" then add("set key %s", opts.legend)
  else add("set key top right") end
  add("set grid")
  return table.concat(out, "\n") .. "\n"
end

--- Writes the data and runs `body` (the script after the terminal, with %DATA% for the data
-- file's quoted path); returns the output file.
local function draw(fname, opts, blocks, body)
  local path = opts.data or os.tmpname()
  gnuplot.write_data(path, blocks)
  local script = gnuplot.terminal(fname, opts.file, opts.size) .. body:gsub("%%DATA%%", function() return q(path) end)
    .. "unset output\n"
  local ok, err = pcall(gnuplot.run, fname, script)
  if not opts.data then os.remove(path) end
  if not ok then error(err, 0) end
  return opts.file
end

-- ---- spikes -----------------------------------------------------------------------------------

local function is_monitor(x)
  return type(x) == "table" and getmetatable(x) == require("annarchy.monitor").Monitor
end

--- (spike table, dt, steps recorded or nil) from a Monitor recording "spike" or a spike table
-- with option dt (ms, default 1). A monitor keeps its data (get with keep = true).
local function spikes_of(fname, x, opts)
  if is_monitor(x) then
    local net = x._.net
    local spikes = x:get("spike", {keep = true})
    local steps = 0
    for i, s in ipairs(x._.starts) do steps = steps + ((x._.stops[i] or net.current_step) - s) end
    return spikes, net.dt, steps
  end
  if type(x) ~= "table" then
    fail("%s: expected a Monitor recording \"spike\" or a spike table rank -> steps, got %s", fname, type(x))
  end
  if opts.dt ~= nil and (type(opts.dt) ~= "number" or opts.dt <= 0) then
    fail("%s: dt must be a positive number of ms", fname)
  end
  -- validation: the statistics module checks ranks and steps and names the fault
  require("annarchy.analysis.spikestats").raster_plot(x, opts.dt or 1.0)
  if type(x.spike) == "table" then x = x.spike end
  return x, opts.dt or 1.0, nil
end

--- Ranks in ascending order, the number of spikes, and the first and last step.
local function spike_summary(spikes)
  local ranks, count, first, last = {}, 0, huge, -huge
  for r, list in pairs(spikes) do
    ranks[#ranks + 1] = r
    count = count + #list
    if #list > 0 then
      if list[1] < first then first = list[1] end
      if list[#list] > last then last = list[#list] end
    end
  end
  table.sort(ranks)
  return ranks, count, first, last
end

--- Population rate in Hz in bins of `bin` ms from step 0: rows {bin centre (ms), rate}.
local function rate_rows(spikes, dt, nneurons, bin, first, last)
  local bsteps = math.max(1, time.steps_floor(bin, dt))
  local k0, k1 = floor(first / bsteps), floor(last / bsteps)
  local counts = {}
  for k = k0, k1 do counts[k] = 0 end
  for _, list in pairs(spikes) do
    for _, s in ipairs(list) do
      local k = floor(s / bsteps)
      counts[k] = counts[k] + 1
    end
  end
  local rows, width = {}, time.ms(bsteps, dt)
  for k = k0, k1 do
    rows[#rows + 1] = {(k + 0.5) * width, counts[k] / nneurons / (width / 1000)}
  end
  return rows
end

--- ann.plot.raster(monitor or spikes, {file, dt, ranks, population_rate, bin, ...}): one dot per
-- spike at (time in ms, rank) of the neurons in `ranks` (default all); with `population_rate =
-- true` the rate in Hz of all neurons (bins of `bin` ms, default 1 or dt) is drawn beneath on
-- the same time axis.
function M.raster(x, opts)
  local fname = "ann.plot.raster"
  opts = options(fname, opts, {"dt", "population_rate", "bin", "ranks"})
  local spikes, dt = spikes_of(fname, x, opts)
  local ranks, count, first, last = spike_summary(spikes)
  if count == 0 then fail("%s: there is no spike to plot", fname) end
  local shown = ranks
  if opts.ranks ~= nil then
    shown = opts.ranks
    if type(shown) ~= "table" or #shown == 0 then fail("%s: ranks must be a list of ranks", fname) end
    for _, r in ipairs(shown) do
      if spikes[r] == nil then fail("%s: rank %s is not in the spike table", fname, tostring(r)) end
    end
  end
  local rows = {}
  for _, r in ipairs(shown) do
    for _, s in ipairs(spikes[r]) do rows[#rows + 1] = {time.ms(s, dt), r} end
  end
  local lo, hi = time.ms(first, dt), math.max(time.ms(last, dt), time.ms(first, dt) + dt)
  local xr = opts.xrange and ("[%.17g:%.17g]"):format(opts.xrange[1], opts.xrange[2]) or ("[%.17g:%.17g]"):format(lo, hi)
  local top = axes(opts, {xlabel = "time (ms)", ylabel = "neuron rank"}) .. "unset key\nset xrange " .. xr .. "\n"
  local dots = "plot %DATA% index 0 using 1:2 with points pointtype 7 pointsize 0.3 linecolor rgb \"#1f4e9a\" notitle\n"
  if not opts.population_rate then
    return draw(fname, opts, {rows}, top .. dots)
  end
  if opts.bin ~= nil and (type(opts.bin) ~= "number" or opts.bin <= 0) then
    fail("%s: bin must be a positive number of ms", fname)
  end
  local rate = rate_rows(spikes, dt, #ranks, opts.bin or math.max(1, dt), first, last)
  local body = "set multiplot\nset lmargin at screen 0.12\nset rmargin at screen 0.95\n" ..
    "set origin 0,0.32\nset size 1,0.68\n" .. top .. "set xlabel \"\"\n" .. dots ..
    "unset title\nset origin 0,0\nset size 1,0.32\n" ..
    ("set xlabel %s\nset ylabel \"rate (Hz)\"\nset yrange [0:*]\n"):format(q(opts.xlabel or "time (ms)")) ..
    "plot %DATA% index 1 using 1:2 with steps linecolor rgb \"#b2182b\" notitle\nunset multiplot\n"
  return draw(fname, opts, {rows, rate}, body)
end

-- ---- histograms -------------------------------------------------------------------------------

--- Rows {bin centre, count, bin width} of `values` in `bins` equal bins over `range` (default
-- min..max); as numpy, the last bin includes its upper edge and values outside are left out.
local function histogram_rows(fname, values, bins, range)
  if #values == 0 then fail("%s: there is no value to plot", fname) end
  if type(bins) ~= "number" or bins ~= floor(bins) or bins < 1 then
    fail("%s: bins must be a whole number of bins (at least 1)", fname)
  end
  local lo, hi
  if range then
    if type(range) ~= "table" or type(range[1]) ~= "number" or type(range[2]) ~= "number" or range[1] >= range[2] then
      fail("%s: range must be {low, high} with low < high", fname)
    end
    lo, hi = range[1], range[2]
  else
    lo, hi = huge, -huge
    for _, v in ipairs(values) do
      if v == v then
        if v < lo then lo = v end
        if v > hi then hi = v end
      end
    end
    if lo > hi then fail("%s: every value is NaN", fname) end
    if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end
  end
  local width = (hi - lo) / bins
  local counts = {}
  for k = 1, bins do counts[k] = 0 end
  for _, v in ipairs(values) do
    if v >= lo and v <= hi then
      local k = math.min(bins, floor((v - lo) / width) + 1)
      counts[k] = counts[k] + 1
    end
  end
  local rows = {}
  for k = 1, bins do rows[k] = {lo + (k - 0.5) * width, counts[k], width} end
  return rows
end

local BARS = "set style fill solid 0.8 border -1\nset yrange [0:*]\nunset key\n" ..
  "plot %DATA% using 1:2:3 with boxes linecolor rgb \"#1f4e9a\" notitle\n"

--- ann.plot.histogram(x, {file, bins = 20, range, duration, dt, ...}): the distribution of
-- values. `x` is an Array or a list of numbers, or spikes (a Monitor recording "spike" or a
-- spike table): then the values are the neurons' mean firing rates in Hz over the monitor's
-- recording time or the option `duration` (ms).
function M.histogram(x, opts)
  local fname = "ann.plot.histogram"
  opts = options(fname, opts, {"bins", "range", "duration", "dt"})
  local values = (runtime.is_array(x) or (not is_monitor(x) and type(x) == "table" and type(x[1]) == "number"))
    and numbers(fname, "the values", x)
  local defaults = {xlabel = "value", ylabel = "count"}
  if not values then
    local spikes, dt, steps = spikes_of(fname, x, opts)
    local ms = opts.duration or (steps and time.ms(steps, dt))
    if type(ms) ~= "number" or ms <= 0 then
      fail("%s: give the recording time of the spikes as option duration (ms)", fname)
    end
    local ranks = spike_summary(spikes)
    values = {}
    for i, r in ipairs(ranks) do values[i] = #spikes[r] / (ms / 1000) end
    defaults = {xlabel = "firing rate (Hz)", ylabel = "neurons"}
  end
  local rows = histogram_rows(fname, values, opts.bins or 20, opts.range)
  return draw(fname, opts, {rows}, axes(opts, defaults) .. BARS)
end

--- ann.plot.isi(monitor or spikes, {file, bins = 20, range, dt, ...}): histogram of the
-- inter-spike intervals in ms of every neuron with at least two spikes.
function M.isi(x, opts)
  local fname = "ann.plot.isi"
  opts = options(fname, opts, {"bins", "range", "dt"})
  local spikes, dt = spikes_of(fname, x, opts)
  local isi = require("annarchy.analysis.spikestats").inter_spike_interval(spikes, dt):totable()
  if #isi == 0 then fail("%s: no neuron has two spikes, there is no interval to plot", fname) end
  local rows = histogram_rows(fname, isi, opts.bins or 20, opts.range)
  return draw(fname, opts, {rows}, axes(opts, {xlabel = "inter-spike interval (ms)", ylabel = "count"}) .. BARS)
end

-- ---- curves -----------------------------------------------------------------------------------

--- Times in ms of a monitor's records of one variable, following its recording segments.
local function record_times(m, nrec)
  local net = m._.net
  local dt, period, offset = net.dt, m._.period, m._.period_offset
  local times = {}
  for i, start in ipairs(m._.starts) do
    local stop = m._.stops[i] or net.current_step
    local s = start + offset
    while s < stop and #times < nrec do
      times[#times + 1] = time.ms(s, dt)
      s = s + period
    end
  end
  while #times < nrec do   -- records kept from before the last retrieval: continue the spacing
    times[#times + 1] = (#times > 0 and times[#times] or 0) + time.ms(period, dt)
  end
  return times
end

local COLOURS = {"#1f4e9a", "#b2182b", "#1b7837", "#e08214", "#762a83", "#35978f", "#8c510a", "#4d4d4d"}

--- `plot` clauses of `n` curves from columns 2..n+1 of block 0, with titles.
local function curves(n, titles, style)
  local parts = {}
  for i = 1, n do
    parts[i] = ("%s using 1:%d with %s linecolor rgb %q title %s"):format(i == 1 and "%DATA%" or "''",
      i + 1, style, COLOURS[(i - 1) % #COLOURS + 1], titles[i] and q(titles[i]) or "''")
  end
  return "plot " .. table.concat(parts, ", \\\n  ") .. "\n"
end

--- ann.plot.traces(monitor, name, {file, ranks, labels, ...}) or ann.plot.traces(array, {file,
-- dt, t0, ranks, labels, ...}): recorded values over time, one curve per neuron (the columns of
-- a {records, neurons} Array; option `ranks` chooses them, 1-based; `labels` names the curves).
function M.traces(x, name, opts)
  local fname = "ann.plot.traces"
  local data, times
  if is_monitor(x) then
    if type(name) ~= "string" then fail("%s: give the recorded variable's name after the monitor", fname) end
    opts = options(fname, opts, {"ranks", "labels"})
    data = x:get(name, {keep = true, reshape = false})
  elseif runtime.is_array(x) then
    opts = options(fname, name, {"ranks", "dt", "t0", "labels"})
    data, name = x, opts.ylabel or "value"
  else
    fail("%s: expected a Monitor and a variable name, or an Array {records, neurons}", fname)
  end
  if data.ndim > 2 then fail("%s: the data must have one or two dimensions, got %d", fname, data.ndim) end
  local nrec = data.shape[1]
  if nrec == 0 then fail("%s: there is no record of %s to plot", fname, q(name)) end
  if data.ndim == 1 then data = data:reshape{nrec, 1} end
  local ncol = data.shape[2]
  local ranks = opts.ranks
  if ranks == nil then
    ranks = {}
    for i = 1, ncol do ranks[i] = i end
  elseif type(ranks) == "number" then
    ranks = {ranks}
  end
  if type(ranks) ~= "table" or #ranks == 0 then fail("%s: ranks must be a rank or a list of ranks", fname) end
  for _, r in ipairs(ranks) do
    if type(r) ~= "number" or r ~= floor(r) or r < 1 or r > ncol then
      fail("%s: rank %s is out of range (1 to %d)", fname, tostring(r), ncol)
    end
  end
  if is_monitor(x) then
    times = record_times(x, nrec)
  else
    local dt, t0 = opts.dt or 1, opts.t0 or 0
    if type(dt) ~= "number" or dt <= 0 or type(t0) ~= "number" then
      fail("%s: dt must be a positive number of ms and t0 a number", fname)
    end
    times = {}
    for k = 1, nrec do times[k] = t0 + (k - 1) * dt end
  end
  local rows, titles = {}, {}
  for k = 1, nrec do
    local row, rec = {times[k]}, data[k]
    for i, r in ipairs(ranks) do row[i + 1] = rec[r] end
    rows[k] = row
  end
  for i, r in ipairs(ranks) do titles[i] = ncol > 1 and ("%s[%d]"):format(name, r) or name end
  if opts.labels ~= nil then
    if type(opts.labels) ~= "table" or #opts.labels ~= #ranks then
      fail("%s: labels must be a list of %d names, one per curve", fname, #ranks)
    end
    titles = opts.labels
  end
  if #ranks > 10 and opts.legend == nil then opts.legend = false end
  local body = axes(opts, {xlabel = "time (ms)", ylabel = name}) .. curves(#ranks, titles, "lines")
  return draw(fname, opts, {rows}, body)
end

local STYLES = {lines = "lines", points = "points pointtype 7 pointsize 0.6",
  linespoints = "linespoints pointtype 7 pointsize 0.6"}

--- ann.plot.xy(xs, ys, {file, labels, style = "lines", ...}): free x-y curves; `ys` is one
-- list or 1-D Array, or a list of them (one curve each), as long as `xs`.
function M.xy(xs, ys, opts)
  local fname = "ann.plot.xy"
  opts = options(fname, opts, {"labels", "style"})
  local x = numbers(fname, "xs", xs)
  if not x then fail("%s: xs must be a list of numbers or a 1-D Array", fname) end
  if #x == 0 then fail("%s: there is no point to plot (xs is empty)", fname) end
  local series
  if runtime.is_array(ys) or (type(ys) == "table" and type(ys[1]) == "number") then
    series = {numbers(fname, "ys", ys)}
  elseif type(ys) == "table" and #ys > 0 then
    series = {}
    for i, y in ipairs(ys) do
      series[i] = numbers(fname, ("ys[%d]"):format(i), y)
      if not series[i] then fail("%s: ys[%d] must be a list of numbers or a 1-D Array", fname, i) end
    end
  else
    fail("%s: ys must be a list of numbers, a 1-D Array, or a list of them", fname)
  end
  for i, y in ipairs(series) do
    if #y ~= #x then fail("%s: curve %d has %d values for %d xs", fname, i, #y, #x) end
  end
  local style = STYLES[opts.style or "lines"]
  if not style then fail("%s: style must be \"lines\", \"points\" or \"linespoints\"", fname) end
  local labels = opts.labels or {}
  if type(labels) == "string" then labels = {labels} end
  if opts.labels == nil and opts.legend == nil then opts.legend = false end
  local rows = {}
  for k = 1, #x do
    local row = {x[k]}
    for i, y in ipairs(series) do row[i + 1] = y[k] end
    rows[k] = row
  end
  return draw(fname, opts, {rows}, axes(opts, {xlabel = "x", ylabel = "y"}) .. curves(#series, labels, style))
end

-- ---- maps -------------------------------------------------------------------------------------

--- Heat map of a 2-D Array as matplotlib's imshow draws it: element [i][j] is the cell in row i
-- (from the top) and column j; the data file holds rows {j, i, value}.
local function heatmap(fname, a, opts, defaults)
  local rows_n, cols_n = a.shape[1], a.shape[2]
  if rows_n == 0 or cols_n == 0 then fail("%s: the matrix is empty", fname) end
  local rows = {}
  for i = 1, rows_n do
    local r = a[i]
    for j = 1, cols_n do rows[#rows + 1] = {j, i, r[j]} end
    rows[#rows + 1] = false
  end
  local body = axes(opts, defaults) ..
    ("set xrange [0.5:%d.5]\nset yrange [%d.5:0.5]\n"):format(cols_n, rows_n) ..
    "unset grid\nunset key\nset tics out\nset palette defined (0 \"#313695\", 1 \"#74add1\", 2 \"#ffffbf\", " ..
    "3 \"#f46d43\", 4 \"#a50026\")\n" ..
    ("set cblabel %s\n"):format(q(defaults.cblabel or "")) ..
    "plot %DATA% using 1:2:3 with image notitle\n"
  return draw(fname, opts, {rows}, body)
end

--- A 2-D Array of `a` (a 1-D one becomes one row).
local function as_matrix(fname, a)
  if a.ndim == 1 then return a:reshape{1, a.size} end
  if a.ndim ~= 2 then fail("%s: expected a 1-D or 2-D Array, got %d dimensions", fname, a.ndim) end
  return a
end

--- ann.plot.weights(x, {file, variable = "w", receptive_fields, ...}): heat map of a
-- projection's weight matrix (post ranks as rows, pre ranks as columns, absent synapses 0),
-- of its tiled receptive fields (`receptive_fields = true`), of one dendrite's receptive field
-- over the pre-synaptic geometry, or of a 2-D Array.
function M.weights(x, opts)
  local fname = "ann.plot.weights"
  opts = options(fname, opts, {"variable", "receptive_fields"})
  local projection, dendrite = require("annarchy.projection"), require("annarchy.dendrite")
  local a, defaults
  if projection.is_projection(x) then
    if opts.receptive_fields then
      a = x:receptive_fields{variable = opts.variable or "w"}
      defaults = {xlabel = "", ylabel = "", cblabel = opts.variable or "w"}
    else
      if opts.variable and opts.variable ~= "w" then
        fail("%s: the matrix is of the weights; use receptive_fields = true for %s", fname, q(opts.variable))
      end
      a = x:connectivity_matrix{fill = 0}
      defaults = {xlabel = "pre-synaptic rank", ylabel = "post-synaptic rank", cblabel = "w"}
    end
  elseif dendrite.is_dendrite(x) then
    a = x:receptive_field{variable = opts.variable or "w"}
    defaults = {xlabel = "", ylabel = "", cblabel = opts.variable or "w"}
  elseif runtime.is_array(x) then
    a = x
    defaults = {xlabel = "column", ylabel = "row", cblabel = ""}
  else
    fail("%s: expected a Projection, a Dendrite or a 2-D Array", fname)
  end
  return heatmap(fname, as_matrix(fname, a), opts, defaults)
end

--- ann.plot.map(population, name, {file, ...}) or ann.plot.map(array, {file, ...}): a
-- population's attribute over its geometry: a heat map for a 2-D geometry (first coordinate
-- as rows), a curve over the ranks for a 1-D one.
function M.map(x, name, opts)
  local fname = "ann.plot.map"
  local population = require("annarchy.population")
  local a
  if population.is_population(x) then
    if type(name) ~= "string" then fail("%s: give the attribute's name after the population", fname) end
    opts = options(fname, opts)
    a = x[name]
    if type(a) == "number" then fail("%s: %s of %s is a single (global) value", fname, q(name), q(x.name)) end
  elseif runtime.is_array(x) then
    opts = options(fname, name)
    a, name = x, "value"
  else
    fail("%s: expected a Population and an attribute name, or an Array", fname)
  end
  if a.ndim == 1 then
    if a.size == 0 then fail("%s: there is no value to plot", fname) end
    local rows = {}
    for i = 1, a.size do rows[i] = {i, a[i]} end
    if opts.legend == nil then opts.legend = false end
    local body = axes(opts, {xlabel = "rank", ylabel = name}) .. curves(1, {name}, STYLES.linespoints)
    return draw(fname, opts, {rows}, body)
  end
  if a.ndim > 2 then fail("%s: a %d-D geometry cannot be drawn as a map", fname, a.ndim) end
  return heatmap(fname, a, opts, {xlabel = "second coordinate", ylabel = "first coordinate", cblabel = name})
end

local KINDS = {"histogram", "isi", "map", "raster", "traces", "weights", "xy"}

return setmetatable(M, {__index = function(_, k)
  fail("ann.plot has no kind of plot %s (kinds: %s)", q(k), table.concat(KINDS, ", "))
end})
