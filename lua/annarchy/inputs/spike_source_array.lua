--- SpikeSourceArray (reference-library §3.5): neurons that spike at given times.
--   ann.SpikeSourceArray({10, 20, 35.5})               one neuron
--   ann.SpikeSourceArray({{10, 20}, {}, {5}}, {name})  one neuron per list ({} for a silent one)
-- Times are in ms on the population's own clock, which starts at compile and restarts at
-- reset(); each time becomes the step round(t/dt) (half to even, QUIRKS core 24). Times must
-- be non-negative and sorted. pop.spike_times reads the times as rounded to steps (ms);
-- pop:set_spike_times(times) replaces them, effective at once: the next spike of each neuron
-- is its first time not before the population's current clock (QUIRKS library 11).
--
-- The extension buffers (codegen/inputs.lua, slots.spike_source): the spike steps of every
-- neuron, their offsets, each neuron's cursor and the clock. The update kernel advances the
-- clock, the spike test fires the neurons whose next step is the current one.
local args = require("annarchy.args")
local time = require("annarchy.time")
local runtime = require("annarchy.runtime")
local model = require("annarchy.model")
local common = require("annarchy.inputs.common")
local SLOT = require("annarchy.codegen.inputs").slots.spike_source

local fail = common.fail
local M = {}

local KIND = "SpikeSourceArray"

--- Checks spike times: a list of numbers (one neuron) or a list of lists; returns the lists
-- of times (copies) and whether the form was one flat list. Raises on negative or unsorted
-- times, naming the neuron (1-based) and the position.
local function parse_times(v, what)
  if runtime.is_array(v) then
    if #v.shape > 2 then fail("%s: spike_times must be a list or a list of lists", what) end
    v = v:totable()
  end
  if type(v) ~= "table" or getmetatable(v) ~= nil then
    fail("%s: spike_times must be a list of times (ms) or a list of lists, got %s", what, type(v))
  end
  for k in pairs(v) do
    if type(k) ~= "number" or k < 1 or k > #v or k ~= math.floor(k) then
      fail("%s: spike_times must be a list (got the key %s)", what, tostring(k))
    end
  end
  local nums, lists = 0, 0
  for i = 1, #v do
    if type(v[i]) == "number" then nums = nums + 1
    elseif runtime.is_array(v[i]) or type(v[i]) == "table" and getmetatable(v[i]) == nil then lists = lists + 1
    else fail("%s: spike_times: item %d is a %s, not a time or a list of times", what, i, type(v[i])) end
  end
  if nums > 0 and lists > 0 then
    fail("%s: spike_times mixes times and lists: give one list (one neuron) or a list of lists", what)
  end
  local flat = lists == 0
  local raw = flat and {v} or v
  local out = {}
  for n = 1, #raw do
    local t = raw[n]
    if runtime.is_array(t) then t = t:flatten():totable() end
    local copy = {}
    for i = 1, #t do
      local x = t[i]
      if not common.is_number(x) then
        fail("%s: spike_times: neuron %d, time %d is %s, not a number of ms", what, n, i, tostring(x))
      end
      if x < 0 then
        fail("%s: spike_times: neuron %d, time %d is negative (%g ms)", what, n, i, x)
      end
      if i > 1 and x < copy[i - 1] then
        fail("%s: spike_times: neuron %d is not sorted (time %d, %g ms, comes before time %d, %g ms)",
          what, n, i, x, i - 1, copy[i - 1])
      end
      copy[i] = x
    end
    out[n] = copy
  end
  return out, flat
end

--- Times (ms) -> steps per neuron, duplicates removed.
local function to_steps(lists, dt)
  local out = {}
  for n, times in ipairs(lists) do
    local s = {}
    for _, t in ipairs(times) do
      local k = time.steps_rint(t, dt)
      if #s == 0 or s[#s] ~= k then s[#s + 1] = k end
    end
    out[n] = s
  end
  return out
end

--- The flattened steps, the offsets and the cursors for a clock at `now`.
local function buffers(steps, now)
  local flat, off, cur = {}, {0}, {}
  for n, s in ipairs(steps) do
    local first
    for _, k in ipairs(s) do
      flat[#flat + 1] = k
      if not first and k >= now then first = #flat - 1 end
    end
    off[n + 1] = #flat
    cur[n] = first or #flat
  end
  return flat, off, cur
end

local function push(pop, rt, clock)
  local st = pop._.input
  local flat, off, cur = buffers(st.steps, clock[1])
  runtime.pop_set_ext(rt, pop._.id, SLOT.steps, flat)
  runtime.pop_set_ext(rt, pop._.id, SLOT.offsets, off)
  runtime.pop_set_ext(rt, pop._.id, SLOT.cursor, cur)
  runtime.pop_set_ext(rt, pop._.id, SLOT.clock, clock)
end

local function what(pop)
  return ("%s %q"):format(KIND, pop._.name)
end

local function set_spike_times(pop, v)
  local st = pop._.input
  local lists, flat = parse_times(v, what(pop))   -- raises before anything changes
  if #lists ~= #st.steps then
    fail("%s: spike_times must keep the number of neurons (%d), got %d", what(pop), #st.steps, #lists)
  end
  st.flat = st.flat and flat
  st.steps = to_steps(lists, pop._.net._.dt)
  local rt = common.rt(pop)
  if rt then
    local clock = runtime.pop_get_ext(rt, pop._.id, SLOT.clock)
    push(pop, rt, {clock[1], clock[2]})
  end
end

local function get_spike_times(pop)
  local st = pop._.input
  local dt = pop._.net._.dt
  local out = {}
  for n, s in ipairs(st.steps) do out[n] = common.times_ms(s, dt) end
  if st.flat then return out[1] end
  return out
end

--- ann.SpikeSourceArray(spike_times, name) or by name.
function M.new(...)
  local n = select("#", ...)
  local a
  local first = ...
  if n == 1 and type(first) == "table" and getmetatable(first) == nil and next(first) == nil then
    a = {spike_times = {}}   -- {}: one silent neuron (an empty table is not an options table here)
  else
    a = args.parse(KIND, {"spike_times", "name"}, n, ...)
  end
  if a.spike_times == nil then fail("%s: spike_times is required", KIND) end
  if a.name ~= nil and type(a.name) ~= "string" then fail("%s: name must be a string", KIND) end
  local lists, flat = parse_times(a.spike_times, KIND)
  local neuron = model.Neuron{spike = "t < 0.0", name = "Spike source",
                              description = "Spikes at given times."}

  return common.special(KIND, function(_, net)
    local pop = net:create(#lists, neuron, {name = a.name})
    pop._.input = {kind = KIND, flat = flat, steps = to_steps(lists, net.dt)}
    local custom = {methods = {}, fields = {}}
    custom.kernel = {kind = "spike_source"}
    function custom.after_compile(p, rt) push(p, rt, {0, 0}) end
    function custom.reset(p, rt) push(p, rt, {0, 0}) end
    custom.clear = custom.reset   -- clear() also restarts the clock (reference §11.5)
    custom.methods.set_spike_times = set_spike_times
    custom.fields.spike_times = {get = get_spike_times, set = set_spike_times}
    return common.attach(pop, custom)
  end)
end

return M
