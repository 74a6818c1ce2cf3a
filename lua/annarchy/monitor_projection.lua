--- The monitor backend of projections and dendrites (see annarchy.monitor): synaptic
-- attributes recorded by src/projection.c at the end of the learning phase (right before the
-- populations' phase J: the same timing). A dendrite's local attribute → Array {records, n};
-- a semiglobal one → Array {records, dendrites}; a global one → Array {records}; a whole
-- projection's local attribute → a list with one entry per record, shaped like proj.x.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local projection = require("annarchy.projection")
local attributes = require("annarchy.projection_attributes")

local fail = util.fail
local M = {}

function M.accepts(obj)
  if projection.is_projection(obj) then return true end
  return require("annarchy.dendrite").is_dendrite(obj)
end

local function split(obj)
  if projection.is_projection(obj) then return obj, nil end
  return obj._.proj, obj
end

function M.name(obj)
  return (split(obj))._.name
end

function M.bind(m, net)
  local proj, dend = split(m._.obj)
  if proj._.net ~= net then fail("Monitor: projection %q belongs to another network", proj._.name) end
  m._.proj, m._.dend = proj, dend
end

function M.check(m)
  if not m._.dend and m._.period == 1 then
    util.warn(m._.net, "Monitor %q records a whole projection at every step", m._.name)
  end
end

function M.resolve(m, name)
  if type(name) ~= "string" or not m._.proj._.A.attr[name] then
    fail("Monitor %q: the object does not have an attribute named %s", m._.name, util.show(name))
  end
  return {name = name}
end

function M.add(m, v)
  local proj = m._.proj
  local dends = m._.dend and {m._.dend._.index} or nil
  local index = proj._.layout.by_name[v.name].index
  v.rec = runtime.proj_recorder(m._.net._.rt, proj._.id, index, dends, m._.period, m._.period_offset)
  runtime.recorder_set_name(v.rec, ("%s (%s)"):format(m._.name, v.name))
  runtime.recorder_set_recording(v.rec, m._.recording)
end

function M.instantiate(m)
  for _, v in ipairs(m._.vars) do M.add(m, v) end
end

function M.set_recording(m, on)
  for _, v in ipairs(m._.vars) do runtime.recorder_set_recording(v.rec, on) end
end

--- The phase counts from the current step; offset (steps) defaults to the monitor's period_offset.
function M.set_period(m, offset)
  for _, v in ipairs(m._.vars) do runtime.recorder_set_period(v.rec, m._.period, offset or m._.period_offset) end
end

function M.clear(m, v)
  if v then runtime.recorder_clear(v.rec) return end
  for _, x in ipairs(m._.vars) do runtime.recorder_clear(x.rec) end
end

function M.free(m)
  for _, v in ipairs(m._.vars) do
    runtime.recorder_free(v.rec)
    v.rec = nil
  end
end

-- Values in one record of v.
local function width(m, v)
  local loc = attributes.locality(m._.proj, v.name)
  if loc == "global" then return 1 end
  if m._.dend then return loc == "local" and m._.dend.size or 1 end
  return loc == "local" and m._.proj.nb_synapses or m._.proj.size
end

--- Bytes held now, or (nsteps given) the bytes the next nsteps steps will add.
function M.bytes(m, nsteps)
  local b = 0
  for _, v in ipairs(m._.vars) do
    b = b + (nsteps and 8 * width(m, v) * math.floor(nsteps / m._.period) or runtime.recorder_bytes(v.rec))
  end
  return b
end

function M.data(m, v)
  local recs = runtime.recorder_data(v.rec)
  local proj = m._.proj
  local loc = attributes.locality(proj, v.name)
  if loc == "global" then
    local out = runtime.zeros(#recs)
    for k, r in ipairs(recs) do out[k] = r[1] end
    return out
  end
  if m._.dend or loc ~= "local" then
    local n = recs[1] and recs[1].size or 0
    local out = runtime.zeros({#recs, n})
    for k, r in ipairs(recs) do
      for x = 1, n do out[k][x] = r[x] end
    end
    return out
  end
  local sizes = runtime.proj_dendrite_sizes(m._.net._.rt, proj._.id)
  local total = 0
  for _, s in ipairs(sizes) do total = total + s end
  local out = {}
  for k, r in ipairs(recs) do
    if total ~= r.size then
      out[k] = r     -- the connectivity changed since this record (structural plasticity)
    else
      local rows, pos = {}, 0
      for d, s in ipairs(sizes) do
        local a = runtime.zeros(s)
        for x = 1, s do a[x] = r[pos + x] end
        pos = pos + s
        rows[d] = a
      end
      out[k] = rows
    end
  end
  return out
end

return M
