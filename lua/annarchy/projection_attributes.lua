--- The attributes of a projection: checks, localities, reads and writes, before compile (the
-- initial values) and after (the runtime). Shared by Projection, Dendrite and the compile stage.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local random = require("annarchy.random")
local connectors = require("annarchy.connectors")
local values = require("annarchy.values")

local fail = util.fail
local M = {}

local initial_home, runtime_home = {}, {}   -- where attribute values live (below)
M.HOMES = {initial = initial_home, runtime = runtime_home}

local function where(proj) return ("projection %q"):format(proj._.name) end
M.where = where

local function rt_of(proj) return proj._.net._.rt end

local function attribute(proj, name)
  local a = proj._.A.attr[name]
  if not a then fail("%s has no attribute '%s'", where(proj), tostring(name)) end
  return a
end
M.attribute = attribute

local function locality(proj, name)
  local L = proj._.layout
  if L then return L.by_name[name].locality end
  local a = attribute(proj, name)
  if name == "w" and connectors.shared_weight(proj) then return "global" end
  return a.locality
end
M.locality = locality

local function index(proj, name) return proj._.layout.by_name[name].index end
M.index = index

local function check_compiled(proj, what)
  if not rt_of(proj) then fail("%s: %s can only be accessed after compilation.", where(proj), what) end
end
M.check_compiled = check_compiled

--- Reads an attribute: local -> list of Arrays per dendrite; semiglobal -> Array; global ->
-- a number. Before compile: the stored initial value.
function M.read(proj, name)
  attribute(proj, name)
  return proj._.home.get(proj, name)
end

local function nested_count(v)
  if runtime.is_array(v) then return v.size end
  if type(v) ~= "table" then return 1 end
  return #v
end

--- Writes a value to the runtime (after compile): number, boolean, distribution, or a list
-- shaped like the attribute (per dendrite lists for locals).
function M.write_runtime(proj, name, v)
  local rt = rt_of(proj)
  local id, k = proj._.id, index(proj, name)
  local loc = locality(proj, name)
  local ndend, nsyn = runtime.proj_size(rt, id)
  if type(v) == "boolean" then v = v and 1 or 0 end
  if random.is_distribution(v) then
    local n = loc == "local" and nsyn or loc == "semiglobal" and ndend or 1
    v = proj._.net:_draw(v, n)
    if loc == "global" then v = v[1] end
  end
  if type(v) == "number" then
    runtime.proj_set(rt, id, k, v)
    return
  end
  if type(v) ~= "table" and not runtime.is_array(v) then
    fail("%s: cannot set '%s' to %s", where(proj), name, util.show(v))
  end
  if loc == "global" then
    fail("%s: the parameter '%s' is global to the projection, cannot assign a list.", where(proj), name)
  end
  if loc == "semiglobal" then
    if nested_count(v) ~= ndend then
      fail("%s: the projection has %d post-synaptic neurons, the list must have the same size.",
        where(proj), ndend)
    end
    runtime.proj_set(rt, id, k, v)
    return
  end
  -- local: one list per dendrite
  if runtime.is_array(v) and v.size == nsyn and #v.shape == 1 then runtime.proj_set(rt, id, k, v) return end
  if nested_count(v) ~= ndend then
    fail("%s: the projection has %d post-synaptic neurons, the list must have the same size.",
      where(proj), ndend)
  end
  local sizes = runtime.proj_dendrite_sizes(rt, id)
  local post = runtime.proj_post_ranks(rt, id)
  for d = 1, ndend do
    local row = v[d]
    local nrow = type(row) == "number" and 1 or nested_count(row)
    if type(row) ~= "number" and nrow ~= sizes[d] then
      fail("%s: the post-synaptic neuron %d of population %s receives %d synapses and not %d.",
        where(proj), post[d], proj._.post._.name, sizes[d], nrow)
    end
  end
  for d = 1, ndend do runtime.proj_set(rt, id, k, v[d], d - 1, d) end
end

function M.write(proj, name, v)
  local a = attribute(proj, name)
  values.check_finite(v, where(proj), name)
  proj._.home.set(proj, name, a, v)
end

-- ---- the home of the values -----------------------------------------------------------------
-- The current values of a projection's attributes have one home: before compile the initial
-- values the projection keeps (proj._.init), from compile on the runtime. Compiling moves
-- the projection into the runtime (projection_build.after_compile sets
-- proj._.home = HOMES.runtime); reads and writes go to proj._.home.

function initial_home.get(proj, name)
  local v = proj._.init[name]
  if v == nil then v = 0.0 end
  return v
end

function initial_home.set(proj, name, a, v)
  if type(v) ~= "number" and type(v) ~= "boolean" and not random.is_distribution(v) then
    fail("%s: before compile, '%s' takes a number or a distribution (lists need the connectivity)",
      where(proj), name)
  end
  if a.locality == "global" and random.is_distribution(v) then v = proj._.net:_draw(v, 1)[1] end
  proj._.init[name] = v
  proj._.init_set[name] = true
end

function runtime_home.get(proj, name)
  local loc = locality(proj, name)
  return runtime.proj_get(rt_of(proj), proj._.id, index(proj, name), nil, nil, loc == "local")
end

function runtime_home.set(proj, name, _, v)
  M.write_runtime(proj, name, v)
end

return M
