--- arr:save(file) and m:save(file) for numpy: the format follows the file's extension, .npy
-- (one array), .npz (an archive of arrays) or .csv (numpy.loadtxt(file, delimiter=",")).
-- Monitors' recordings are retrieved as m:get does (with reshape) and are emptied, unless
-- keep = true, only once the file is written.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local monitor_file = require("annarchy.io.monitor_file")
local npy = require("annarchy.io.npy")
local npz = require("annarchy.io.npz")
local csv = require("annarchy.io.csv")

local fail = util.fail
local M = {}

--- The extension this module writes ("npy", "npz", "csv"), or nil.
function M.kind(filename)
  if type(filename) ~= "string" then return nil end
  local ext = filename:lower():match("%.(%w+)$")
  if ext == "npy" or ext == "npz" or ext == "csv" then return ext end
  return nil
end

-- ---- Arrays ------------------------------------------------------------------------------------------

--- arr:save(filename): .npy (float64, the Array's shape), .npz (one array named "arr_0", as
-- numpy.savez names an unnamed array) or .csv (one or two dimensions).
function M.save_array(a, filename)
  local what = "ann.Array:save"
  local kind = M.kind(filename)
  if not kind then
    fail("%s: %s: the file name must end in .npy, .npz or .csv", what, util.show(filename))
  end
  if kind == "npy" then
    util.write_file(filename, {npz.npy_of(a, what)}, what)
  elseif kind == "npz" then
    npz.write(filename, {{"arr_0", npz.npy_of(a, what)}}, what)
  else
    csv.write(filename, csv.rows_of(a, what), nil, what)
  end
end

-- ---- monitors ----------------------------------------------------------------------------------------

--- The values of a whole projection's records as an Array {records, synapses}.
local function records_array(recs, what, name)
  local rows = {}
  for i = 1, #recs do
    rows[i] = {}
    monitor_file.flatten_record(recs[i], rows[i])
    if #rows[i] ~= #rows[1] then
      fail("%s: the records of '%s' have different numbers of synapses (the connectivity changed "
        .. "during the recording): save them in annlua's own format", what, name)
    end
  end
  if #rows == 0 then return runtime.zeros({0, 0}) end
  if #rows[1] == 0 then return runtime.zeros({#rows, 0}) end
  return runtime.array(rows)
end

--- The monitored neurons' spikes: 0-based ranks in ascending order, and each one's steps.
local function spike_lists(sp)
  local ranks, steps = {}, {}
  for i, rank in ipairs(util.sorted_keys(sp)) do
    ranks[i] = rank - 1
    steps[i] = sp[rank]
  end
  return ranks, steps
end

local function dense(v, what, name)
  if runtime.is_array(v) then return v end
  if type(v) == "number" then return runtime.array({v}) end
  return records_array(v, what, name)
end

local function writer_npy(_, names, data, filename, what)
  if #names ~= 1 then
    fail("%s: a .npy file holds one variable, the monitor records %d (give {variables = {...}} or "
      .. "use .npz)", what, #names)
  end
  util.write_file(filename, {npz.npy_of(dense(data[names[1]], what, names[1]), what)}, what)
end

local function writer_npz(m, names, data, filename, what)
  local members = {}
  local taken = {}
  for _, name in ipairs(names) do
    if monitor_file.is_spikes(name) then
      local ranks, steps = spike_lists(data[name])
      for i, r in ipairs(ranks) do
        local key = name .. "/" .. r
        members[#members + 1] = {key, npy.encode("<i8", {#steps[i]}, steps[i], what)}
        taken[key] = true
      end
    else
      members[#members + 1] = {name, npz.npy_of(dense(data[name], what, name), what)}
      taken[name] = true
    end
  end
  -- the recording's description, where no variable took the name
  local net = m._.net
  local starts, stops = util.copy_list(m._.starts), util.copy_list(m._.stops)
  if m._.recording then stops[#stops + 1] = net.current_step end
  local extra = {
    {"dt", npy.encode("<f8", {}, {net._.dt}, what)},
    {"period", npy.encode("<f8", {}, {m.period}, what)},
    {"period_offset", npy.encode("<f8", {}, {m.period_offset}, what)},
    {"start", npy.encode("<i8", {#starts}, starts, what)},
    {"stop", npy.encode("<i8", {#stops}, stops, what)},
  }
  for _, e in ipairs(extra) do
    if not taken[e[1]] then members[#members + 1] = e end
  end
  npz.write(filename, members, what)
end

local function writer_csv(_, names, data, filename, what)
  local spikes
  for _, name in ipairs(names) do
    if monitor_file.is_spikes(name) then spikes = name end
  end
  if spikes then
    if #names ~= 1 then
      fail("%s: spikes and values cannot share a CSV file: save them separately", what)
    end
    local ranks, steps = spike_lists(data[spikes])
    local rows = {}
    for i, r in ipairs(ranks) do
      for _, s in ipairs(steps[i]) do rows[#rows + 1] = {s, r} end
    end
    table.sort(rows, function(x, y)
      if x[1] ~= y[1] then return x[1] < y[1] end
      return x[2] < y[2]
    end)
    csv.write(filename, rows, {"step", "rank"}, what)
    return
  end
  local columns, rows = {}, nil
  for _, name in ipairs(names) do
    local a = dense(data[name], what, name)
    local shape = a.shape
    local n = shape[1]
    local per = 1
    for d = 2, #shape do per = per * shape[d] end
    local t = a:reshape({n, per}):totable()
    if rows and #rows ~= n then
      fail("%s: '%s' has %d records, '%s' has %d: save them separately", what, name, n, names[1], #rows)
    end
    rows = rows or {}
    for i = 1, n do
      local row = rows[i] or {}
      for k = 1, per do row[#row + 1] = t[i][k] end
      rows[i] = row
    end
    for k = 1, per do columns[#columns + 1] = ("%s[%d]"):format(name, k - 1) end
  end
  csv.write(filename, rows or {}, columns, what)
end

local WRITERS = {npy = writer_npy, npz = writer_npz, csv = writer_csv}

--- m:save(filename, {variables, keep = false}) for .npy, .npz and .csv files.
function M.save_monitor(m, filename, opts)
  local names, what
  opts, names, what = monitor_file.monitor_save_options(m, opts)
  local kind = M.kind(filename)
  if kind == "npy" and monitor_file.is_spikes(names[1]) then
    fail("%s: spikes are one list of steps per neuron, which a .npy file cannot hold: use .npz "
      .. "(one array per neuron) or .csv (one line per spike)", what)
  end
  if #names == 0 then fail("%s: the monitor records no variable", what) end
  local data = m:get(names, {keep = true, reshape = true})
  WRITERS[kind](m, names, data, filename, what)
  if opts.keep ~= true then m:get(names) end   -- written: now the recordings are emptied
end

return M
