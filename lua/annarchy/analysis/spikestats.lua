--- Spike statistics on spike tables (reference §10.5; docs/spike-statistics.md).
-- A spike table maps 1-based neuron ranks to strictly ascending lists of integer steps, as
-- returned by `m:get("spike")`. Every function is pure: it reads the table and returns new
-- Arrays (or a number, or a table rank -> value). `M.monitor_methods` wraps them as Monitor
-- methods that fetch the spikes and the recording segment themselves.
local runtime = require("annarchy.runtime")
local args = require("annarchy.args")
local time = require("annarchy.time")

local floor, sqrt = math.floor, math.sqrt

local M = {}

-- ---- argument checks --------------------------------------------------------------------------

local function fail(fmt, ...)
  error("annarchy: " .. fmt:format(...), 0)
end

local function show(v)
  if type(v) == "string" then return ("%q"):format(v) end
  return tostring(v)
end

--- A finite number > 0 (NaN fails).
local function is_positive(x)
  return type(x) == "number" and x > 0 and x < math.huge
end

local function is_integer(x)
  return type(x) == "number" and x == floor(x) and x > -math.huge and x < math.huge
end

--- True when `t` is a plain table with at least one key, all of them strings.
local function only_string_keys(t)
  if type(t) ~= "table" or getmetatable(t) ~= nil or next(t) == nil then return false end
  for k in pairs(t) do
    if type(k) ~= "string" then return false end
  end
  return true
end

--- Validates a spike table and returns it (unwrapped) with its ranks in ascending order.
-- A table holding the key `spike` and only string keys (the result of `m:get()`) is unwrapped.
local function read_spikes(fname, spikes)
  if type(spikes) ~= "table" then
    fail("%s: the spikes must be a table rank -> list of steps (as returned by m:get(\"spike\")), got %s",
      fname, type(spikes))
  end
  if only_string_keys(spikes) and type(spikes.spike) == "table" then spikes = spikes.spike end
  local ranks = {}
  for rank, list in pairs(spikes) do
    if not is_integer(rank) or rank < 1 then
      fail("%s: the spike table has the key %s; its keys must be neuron ranks (integers from 1)",
        fname, show(rank))
    end
    if type(list) ~= "table" then
      fail("%s: the spikes of rank %d must be a list of steps, got %s", fname, rank, type(list))
    end
    local prev
    for i = 1, #list do
      local s = list[i]
      if not is_integer(s) then
        fail("%s: spike %d of rank %d is %s; spikes are integer steps", fname, i, rank, show(s))
      end
      if prev and s <= prev then
        fail("%s: the steps of rank %d are not strictly ascending (%d after %d)", fname, rank, s, prev)
      end
      prev = s
    end
    ranks[#ranks + 1] = rank
  end
  table.sort(ranks)
  return spikes, ranks
end

local names_list = args.names_list

--- Checks an options table against the known names.
local function check_options(fname, opts, names)
  if opts == nil then return {} end
  if type(opts) ~= "table" or getmetatable(opts) ~= nil then
    fail("%s: expected a table of options, got %s", fname, type(opts))
  end
  for k in pairs(opts) do
    local known = false
    for i = 1, #names do
      if names[i] == k then known = true end
    end
    if not known then
      if #names == 0 then fail("%s: unknown option '%s' (it takes no options)", fname, tostring(k)) end
      fail("%s: unknown option '%s' (expected one of %s)", fname, tostring(k), names_list(names))
    end
  end
  return opts
end

--- Parses `(spikes, dt, opts)`, `(spikes, opts)` or the single table `{spikes = ..., dt = ..., ...}`.
local function parse(fname, names, ...)
  local n = select("#", ...)
  local spikes, dt, opts = ...
  if n > 3 then fail("%s: too many arguments (%d, at most 3)", fname, n) end
  if n == 1 and only_string_keys(spikes) and rawget(spikes, "spike") == nil then
    local all = {"spikes", "dt"}
    for i = 1, #names do all[#all + 1] = names[i] end
    opts = check_options(fname, spikes, all)
    spikes, dt = opts.spikes, opts.dt
    if spikes == nil then fail("%s: the argument 'spikes' is missing", fname) end
  else
    if n == 2 and type(dt) == "table" then dt, opts = nil, dt end
    opts = check_options(fname, opts, names)
  end
  if dt == nil then dt = 1.0 end
  if not is_positive(dt) then
    fail("%s: dt must be a positive number of ms, got %s", fname, show(dt))
  end
  local ranks
  spikes, ranks = read_spikes(fname, spikes)
  return fname, spikes, ranks, dt, opts
end

local function check_bool(fname, name, v)
  if v ~= nil and type(v) ~= "boolean" then
    fail("%s: option '%s' must be a boolean, got %s", fname, name, type(v))
  end
  return v == true
end

--- A window {start, stop} (or {start = a, stop = b}) in steps, with stop >= start.
local function check_window(fname, name, w)
  if w == nil then return nil end
  local a, b
  if type(w) == "table" then
    a, b = w[1], w[2]
    if a == nil and b == nil then a, b = w.start, w.stop end
  end
  if not is_integer(a) or not is_integer(b) or b < a then
    fail("%s: option '%s' must be {start, stop} in steps (integers, stop >= start)", fname, name)
  end
  return a, b
end

local function check_smooth(fname, v)
  if v == nil then return 0 end
  if v ~= 0 and not is_positive(v) then
    fail("%s: option 'smooth' must be a time constant in ms (a number >= 0), got %s", fname, show(v))
  end
  return v
end

--- The set of selected ranks (option `ranks`), or nil for all; each must be in the table.
local function check_ranks(fname, spikes, sel)
  if sel == nil then return nil end
  if runtime.is_array(sel) then sel = sel:flatten():totable() end
  if type(sel) ~= "table" then
    fail("%s: option 'ranks' must be a list of ranks, got %s", fname, type(sel))
  end
  local set = {}
  for k, r in pairs(sel) do
    if not is_integer(k) or k < 1 or k > #sel then
      fail("%s: option 'ranks' must be a list of ranks", fname)
    end
    if not is_integer(r) then fail("%s: option 'ranks' holds %s, not a rank", fname, show(r)) end
    if spikes[r] == nil then fail("%s: rank %d (option 'ranks') is not in the spike table", fname, r) end
    set[r] = true
  end
  return set
end

-- ---- helpers ----------------------------------------------------------------------------------

--- First and last spike step over all neurons, or nil when there is no spike.
local function spike_span(spikes, ranks)
  local lo, hi
  for _, r in ipairs(ranks) do
    local list = spikes[r]
    if #list > 0 then
      if lo == nil or list[1] < lo then lo = list[1] end
      if hi == nil or list[#list] > hi then hi = list[#list] end
    end
  end
  return lo, hi
end

--- A rows x cols Array from a flat row-major list.
local function matrix(flat, rows, cols)
  if rows * cols == 0 then return runtime.zeros({rows, cols}) end
  return runtime.array(flat):reshape({rows, cols})
end

--- First-order low-pass along a row of `n` values starting at flat offset `o` (in place).
local function low_pass(x, o, n, delta)
  for t = o + 2, o + n do
    x[t] = x[t - 1] + (x[t] - x[t - 1]) * delta
  end
end

--- Inter-spike intervals in ms of one neuron's list.
local function isi_of(list, dt)
  local out = {}
  for i = 2, #list do out[i - 1] = time.ms(list[i] - list[i - 1], dt) end
  return out
end

-- ---- the statistics ---------------------------------------------------------------------------

-- Spike times and ranks for a raster plot.
local function raster_plot(_, spikes, ranks, dt)
  local times, who = {}, {}
  for _, r in ipairs(ranks) do
    local list = spikes[r]
    for i = 1, #list do
      times[#times + 1] = time.ms(list[i], dt)
      who[#who + 1] = r
    end
  end
  return runtime.array(times), runtime.array(who)
end

-- Spike-count histogram.
-- Bins are `bin_step = floor(bins/dt)` steps wide, from `t_min` (first spike, or the window's
-- start) to `t_max` (last spike, or the window's stop): `floor((t_max - t_min)/bin_step) + 1`
-- bins; a spike at step s falls in bin `floor((s - t_min)/bin_step) + 1`.
local function histogram(fname, spikes, ranks, dt, opts)
  local bins = opts.bins
  if bins == nil then bins = dt end
  if not is_positive(bins) then
    fail("%s: option 'bins' must be a bin width in ms (a positive number), got %s", fname, show(bins))
  end
  local bin_step = time.steps_floor(bins, dt)
  if bin_step < 1 then
    fail("%s: option 'bins' (%g ms) is shorter than one step (dt = %g ms)", fname, bins, dt)
  end
  local per_neuron = check_bool(fname, "per_neuron", opts.per_neuron)
  local t_min, t_max = check_window(fname, "recording_window", opts.recording_window)
  if t_min == nil then t_min, t_max = spike_span(spikes, ranks) end
  if t_min == nil then
    if per_neuron then return runtime.zeros({#ranks, 0}) end
    return runtime.zeros({0})
  end
  local nb = floor((t_max - t_min) / bin_step) + 1
  local counts = {}
  for i = 1, (per_neuron and #ranks or 1) * nb do counts[i] = 0 end
  for row, r in ipairs(ranks) do
    local list = spikes[r]
    local o = per_neuron and (row - 1) * nb or 0
    for i = 1, #list do
      local s = list[i]
      if s >= t_min and s <= t_max then
        local b = o + floor((s - t_min) / bin_step) + 1
        counts[b] = counts[b] + 1
      end
    end
  end
  if per_neuron then return matrix(counts, #ranks, nb) end
  return runtime.array(counts)
end

-- Inter-spike intervals in ms, for the neurons with at least two spikes.
local function inter_spike_interval(fname, spikes, ranks, dt, opts)
  local sel = check_ranks(fname, spikes, opts.ranks)
  local per_neuron = check_bool(fname, "per_neuron", opts.per_neuron)
  local flat, out = {}, {}
  for _, r in ipairs(ranks) do
    local list = spikes[r]
    if #list >= 2 and (sel == nil or sel[r]) then
      local isi = isi_of(list, dt)
      if per_neuron then
        out[r] = runtime.array(isi)
      else
        for i = 1, #isi do flat[#flat + 1] = isi[i] end
      end
    end
  end
  if per_neuron then return out end
  return runtime.array(flat)
end

-- Coefficient of variation of the inter-spike intervals, std/mean (population std, as numpy),
-- for the neurons with at least two intervals.
local function coefficient_of_variation(fname, spikes, ranks, dt, opts)
  local sel = check_ranks(fname, spikes, opts.ranks)
  local per_neuron = check_bool(fname, "per_neuron", opts.per_neuron)
  local flat, out = {}, {}
  for _, r in ipairs(ranks) do
    local list = spikes[r]
    if #list >= 3 and (sel == nil or sel[r]) then
      local isi = isi_of(list, dt)
      local n, sum = #isi, 0
      for i = 1, n do sum = sum + isi[i] end
      local mean = sum / n
      local var = 0
      for i = 1, n do var = var + (isi[i] - mean) ^ 2 end
      local cv = sqrt(var / n) / mean
      if per_neuron then out[r] = cv else flat[#flat + 1] = cv end
    end
  end
  if per_neuron then return out end
  return runtime.array(flat)
end

-- Mean firing rate in Hz: spikes / neurons / duration.
-- The duration is `duration` (ms) when given; else the window {start, stop} in steps (only
-- the spikes with start <= s < stop count); else last minus first spike.
local function mean_fr(fname, spikes, ranks, dt, opts)
  if #ranks == 0 then fail("%s: the spike table has no neuron", fname) end
  local start, stop = check_window(fname, "window", opts.window)
  local duration = opts.duration
  if duration ~= nil and start ~= nil then
    fail("%s: give either 'duration' or 'window', not both", fname)
  end
  if duration ~= nil and not is_positive(duration) then
    fail("%s: option 'duration' must be a positive number of ms, got %s", fname, show(duration))
  end
  local count = 0
  for _, r in ipairs(ranks) do
    local list = spikes[r]
    if start == nil then
      count = count + #list
    else
      for i = 1, #list do
        if list[i] >= start and list[i] < stop then count = count + 1 end
      end
    end
  end
  if start ~= nil then
    duration = time.ms(stop - start, dt)
    if duration == 0 then fail("%s: the window {%d, %d} is empty", fname, start, stop) end
  elseif duration == nil then
    if count == 0 then return 0.0 end
    local lo, hi = spike_span(spikes, ranks)
    duration = time.ms(hi - lo, dt)
    if duration == 0 then
      fail("%s: every spike is at step %d, so the duration is zero; give 'duration'", fname, lo)
    end
  end
  return count / #ranks / duration * 1000.0
end

-- Instantaneous firing rate of each neuron, optionally low-pass filtered.
-- Between consecutive spikes s1 < s2 of a neuron the rate is 1000/(dt (s2 - s1)) Hz on the
-- steps [s1, s2); zero before the first and from the last spike on. Columns are the steps
-- [start, stop) of the window (default: first to last spike), relative to its start.
local function smoothed_rate(fname, spikes, ranks, dt, opts)
  local smooth = check_smooth(fname, opts.smooth)
  local start, stop = check_window(fname, "window", opts.window)
  if start == nil then start, stop = spike_span(spikes, ranks) end
  if start == nil then return runtime.zeros({#ranks, 0}) end
  local d = stop - start
  local x = {}
  for i = 1, #ranks * d do x[i] = 0 end
  for row, r in ipairs(ranks) do
    local list = spikes[r]
    local o = (row - 1) * d
    for i = 2, #list do
      local s1, s2 = list[i - 1], list[i]
      local rate = 1000.0 / time.ms(s2 - s1, dt)
      local a, b = s1 - start, s2 - start
      if a < 0 then a = 0 end
      if b > d then b = d end
      for t = a + 1, b do x[o + t] = rate end
    end
    if smooth > 0 and d > 0 then low_pass(x, o, d, dt / smooth) end
  end
  return matrix(x, #ranks, d)
end

-- Population firing rate in Hz, one bin per step, optionally low-pass filtered.
-- Bins cover the steps start .. stop of the window, both included (`stop - start + 1` bins,
-- as the reference; default: first to last spike); counts are divided by dt N / 1000 (N the
-- number of neurons in the table); the low-pass applies when `smooth > dt`.
local function population_rate(fname, spikes, ranks, dt, opts)
  local smooth = check_smooth(fname, opts.smooth)
  if #ranks == 0 then fail("%s: the spike table has no neuron", fname) end
  local start, stop = check_window(fname, "window", opts.window)
  if start == nil then start, stop = spike_span(spikes, ranks) end
  if start == nil then return runtime.zeros({0}) end
  local d = stop - start + 1
  local x = {}
  for i = 1, d do x[i] = 0 end
  for _, r in ipairs(ranks) do
    local list = spikes[r]
    for i = 1, #list do
      local b = list[i] - start + 1
      if b >= 1 and b <= d then x[b] = x[b] + 1 end
    end
  end
  local scale = dt * #ranks / 1000.0
  for i = 1, d do x[i] = x[i] / scale end
  if smooth > dt then low_pass(x, 0, d, dt / smooth) end
  return runtime.array(x)
end

-- ---- module functions -------------------------------------------------------------------------

--- Spike times and ranks for a raster plot.
-- @param spikes spike table rank -> list of steps
-- @param dt step in ms (default 1.0)
-- @return times (Array, ms) and ranks (Array), neurons in ascending rank, spikes in time order
function M.raster_plot(...)
  return raster_plot(parse("ann.raster_plot", {}, ...))
end

--- Spike-count histogram.
-- @param spikes spike table
-- @param dt step in ms (default 1.0)
-- @param opts `bins` (ms, default dt), `per_neuron` (one row per neuron, ascending rank),
--   `recording_window` ({start, stop} in steps; spikes outside it are not counted)
-- @return Array of counts (1-D, or neurons x bins); empty when there is no spike and no window
function M.histogram(...)
  return histogram(parse("ann.histogram", {"bins", "per_neuron", "recording_window"}, ...))
end

--- Inter-spike intervals in ms, for the neurons with at least two spikes.
-- @param spikes spike table
-- @param dt step in ms (default 1.0)
-- @param opts `ranks` (list of ranks to use, default all), `per_neuron`
-- @return one Array with every interval (ascending rank, then time), or with `per_neuron` a
--   table rank -> Array
function M.inter_spike_interval(...)
  return inter_spike_interval(parse("ann.inter_spike_interval", {"ranks", "per_neuron"}, ...))
end

--- Coefficient of variation of the inter-spike intervals, std/mean (population std, as numpy),
-- for the neurons with at least two intervals.
-- @param spikes spike table
-- @param dt step in ms (default 1.0)
-- @param opts `ranks` (list of ranks to use, default all), `per_neuron`
-- @return Array (ascending rank), or with `per_neuron` a table rank -> number
function M.coefficient_of_variation(...)
  return coefficient_of_variation(parse("ann.coefficient_of_variation", {"ranks", "per_neuron"}, ...))
end

--- Mean firing rate in Hz: spikes / neurons / duration.
-- @param spikes spike table
-- @param dt step in ms (default 1.0)
-- @param opts `duration` (ms) or `window` ({start, stop} in steps)
-- @return a number (0 when there is no spike)
function M.mean_fr(...)
  return mean_fr(parse("ann.mean_fr", {"duration", "window"}, ...))
end

--- Instantaneous firing rate of each neuron, optionally low-pass filtered.
-- @param spikes spike table
-- @param dt step in ms (default 1.0)
-- @param opts `smooth` (ms, default 0: none), `window` ({start, stop} in steps)
-- @return Array neurons (ascending rank) x (stop - start)
function M.smoothed_rate(...)
  return smoothed_rate(parse("ann.smoothed_rate", {"smooth", "window"}, ...))
end

--- Population firing rate in Hz, one bin per step, optionally low-pass filtered.
-- @param spikes spike table
-- @param dt step in ms (default 1.0)
-- @param opts `smooth` (ms, default 0: none), `window` ({start, stop} in steps)
-- @return 1-D Array (empty when there is no spike and no window)
function M.population_rate(...)
  return population_rate(parse("ann.population_rate", {"smooth", "window"}, ...))
end

-- ---- Monitor methods --------------------------------------------------------------------------

--- Splits a method's arguments into (spikes or nil, options): `m:f()`, `m:f{opts}`,
-- `m:f(spikes)`, `m:f(spikes, {opts})` or `m:f{spikes = ..., opts}`.
local function method_args(fname, names, ...)
  local n = select("#", ...)
  local first, second = ...
  if n > 2 then fail("%s: too many arguments (%d, at most 2)", fname, n) end
  local spikes, opts
  if n == 1 and type(first) == "table" and getmetatable(first) == nil
      and (next(first) == nil or (only_string_keys(first) and rawget(first, "spike") == nil)) then
    local all = {"spikes"}
    for i = 1, #names do all[#all + 1] = names[i] end
    opts = check_options(fname, first, all)
    spikes = opts.spikes
  else
    spikes = first
    opts = check_options(fname, second, names)
  end
  local out = {}
  for k, v in pairs(opts) do
    if k ~= "spikes" then out[k] = v end
  end
  return spikes, out
end

--- "Monitor \"name\": method" for messages; also catches `m.method(...)` without the colon.
local function monitor_name(m, method)
  if type(m) ~= "table" or rawget(m, "_") == nil then
    fail("Monitor:%s: expected a Monitor as first argument (call it as m:%s(...))", method, method)
  end
  return ("Monitor %q: %s"):format(m.name, method)
end

local function monitor_spikes(fname, m, spikes)
  local recorded = false
  for _, v in ipairs(m.variables) do
    if v == "spike" then recorded = true end
  end
  if not recorded then fail("%s: spike was not recorded", fname) end
  if spikes == nil then spikes = m:get("spike") end
  return read_spikes(fname, spikes)
end

--- The last recording segment {start, stop} in steps of the last retrieved spikes.
local function monitor_segment(fname, m)
  local t = m:times().spike
  if t == nil or #t.start == 0 or #t.stop == 0 then
    fail("%s: no recording segment (was the monitor started?)", fname)
  end
  return {t.start[#t.start], t.stop[#t.stop]}
end

local function monitor_dt(m)
  return m._.net.dt
end

local methods = {}

--- `m:raster_plot([spikes])` → times (ms), ranks.
function methods.raster_plot(m, ...)
  local fname = monitor_name(m, "raster_plot")
  local spikes = method_args(fname, {}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  return raster_plot(fname, spikes, ranks, monitor_dt(m))
end

--- `m:histogram{bins, per_neuron, recording_window}`: window from first/last spike by default.
function methods.histogram(m, ...)
  local fname = monitor_name(m, "histogram")
  local spikes, opts = method_args(fname, {"bins", "per_neuron", "recording_window"}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  return histogram(fname, spikes, ranks, monitor_dt(m), opts)
end

--- `m:inter_spike_interval{ranks, per_neuron}`.
function methods.inter_spike_interval(m, ...)
  local fname = monitor_name(m, "inter_spike_interval")
  local spikes, opts = method_args(fname, {"ranks", "per_neuron"}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  return inter_spike_interval(fname, spikes, ranks, monitor_dt(m), opts)
end

--- `m:coefficient_of_variation{ranks, per_neuron}`.
function methods.coefficient_of_variation(m, ...)
  local fname = monitor_name(m, "coefficient_of_variation")
  local spikes, opts = method_args(fname, {"ranks", "per_neuron"}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  return coefficient_of_variation(fname, spikes, ranks, monitor_dt(m), opts)
end

--- `m:mean_fr()`: over the last recording segment.
function methods.mean_fr(m, ...)
  local fname = monitor_name(m, "mean_fr")
  local spikes = method_args(fname, {}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  return mean_fr(fname, spikes, ranks, monitor_dt(m), {window = monitor_segment(fname, m)})
end

--- `m:smoothed_rate{smooth}`: neurons x steps of the last recording segment.
function methods.smoothed_rate(m, ...)
  local fname = monitor_name(m, "smoothed_rate")
  local spikes, opts = method_args(fname, {"smooth"}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  opts.window = monitor_segment(fname, m)
  return smoothed_rate(fname, spikes, ranks, monitor_dt(m), opts)
end

--- `m:population_rate{smooth}`: one bin per step of the last recording segment (stop included).
function methods.population_rate(m, ...)
  local fname = monitor_name(m, "population_rate")
  local spikes, opts = method_args(fname, {"smooth"}, ...)
  local ranks
  spikes, ranks = monitor_spikes(fname, m, spikes)
  opts.window = monitor_segment(fname, m)
  return population_rate(fname, spikes, ranks, monitor_dt(m), opts)
end

--- Monitor methods: functions taking the Monitor as first argument.
M.monitor_methods = methods

return M
