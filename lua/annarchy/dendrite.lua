--- Dendrite and IndividualSynapse (reference §9.5, §13.1; API.md). A dendrite is every
-- synapse of a projection reaching one post neuron; ranks are 1-based.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local time = require("annarchy.time")
local args = require("annarchy.args")
local random = require("annarchy.random")
local values = require("annarchy.values")

local fail = util.fail
local M = {}

local Dendrite = {}
local IndividualSynapse = {}
M.Dendrite, M.IndividualSynapse = Dendrite, IndividualSynapse

function M.is_dendrite(x) return getmetatable(x) == Dendrite end

local attributes = require("annarchy.projection_attributes")

--- A dendrite of proj: runtime index d (0-based), post rank (1-based).
function M.new(proj, d, rank)
  return setmetatable({_ = {proj = proj, index = d, post_rank = rank}}, Dendrite)
end

local function rt_of(dd) return dd._.proj._.net._.rt end
local function id_of(dd) return dd._.proj._.id end
local function where(dd)
  return ("dendrite %d of projection %q"):format(dd._.post_rank, dd._.proj._.name)
end

local function attr_index(dd, name)
  attributes.attribute(dd._.proj, name)
  return dd._.proj._.layout.by_name[name].index
end

local function pre_ranks(dd)
  return runtime.proj_pre_ranks(rt_of(dd), id_of(dd), dd._.index, dd._.index + 1)[1]
end

local function size(dd)
  return runtime.proj_dendrite_sizes(rt_of(dd), id_of(dd))[dd._.index + 1]
end

local function read(dd, name)
  local k = attr_index(dd, name)
  local loc = attributes.locality(dd._.proj, name)
  local v = runtime.proj_get(rt_of(dd), id_of(dd), k, dd._.index, dd._.index + 1)
  if loc == "semiglobal" then return v[1] end
  return v
end

local function write(dd, name, v)
  local k = attr_index(dd, name)
  local loc = attributes.locality(dd._.proj, name)
  if loc == "global" then
    fail("%s: the global attribute '%s' should not be updated through dendrites", where(dd), name)
  end
  if type(v) == "boolean" then v = v and 1 or 0 end
  local n = loc == "local" and size(dd) or 1
  if random.is_distribution(v) then v = dd._.proj._.net:_draw(v, n) end
  if loc == "semiglobal" and type(v) ~= "number" then
    fail("%s: the semiglobal attribute '%s' takes one number", where(dd), name)
  end
  if type(v) ~= "number" then
    local count = runtime.is_array(v) and v.size or (type(v) == "table" and #v or -1)
    if count ~= n then
      fail("%s: '%s' needs %d values (one per synapse), got %s", where(dd), name, n, util.show(v))
    end
  end
  values.check_finite(v, where(dd), name)
  runtime.proj_set(rt_of(dd), id_of(dd), k, v, dd._.index, dd._.index + 1)
end

local fields, methods = {}, {}

function fields.post_rank(dd) return dd._.post_rank end
function fields.proj(dd) return dd._.proj end
function fields.pre(dd) return dd._.proj._.pre_obj end
function fields.target(dd) return dd._.proj.target end
function fields.size(dd) return size(dd) end
function fields.pre_ranks(dd) return pre_ranks(dd) end
function fields.delay(dd)
  local d = dd._.proj.delay
  if type(d) == "table" then return d[dd._.index + 1] end
  return d
end
function fields.synapses(dd)
  local out = {}
  for i, r in ipairs(pre_ranks(dd)) do out[i] = methods.synapse(dd, r) end
  return out
end

function methods.get(dd, name) return read(dd, name) end
function methods.set(dd, t)
  if type(t) ~= "table" or getmetatable(t) ~= nil then fail("%s: set() takes a table", where(dd)) end
  for k in pairs(t) do attr_index(dd, k) end
  for k, v in pairs(t) do write(dd, k, v) end
end

local function pre_rank_of(dd, r)
  if type(r) == "table" then r = dd._.proj._.pre:rank_from_coordinates(r) end
  if not util.is_integer(r) then fail("%s: a pre-synaptic rank is a whole number", where(dd)) end
  return r
end

function methods.synapse(dd, r)
  r = pre_rank_of(dd, r)
  local k = runtime.proj_syn_index(rt_of(dd), id_of(dd), dd._.index, r - 1)
  if k < 0 then fail("%s: there is no synapse from pre-synaptic neuron %d", where(dd), r) end
  local row_base = 0
  return setmetatable({_ = {dendrite = dd, pre_rank = r, k = k, base = row_base}}, IndividualSynapse)
end

local function structural_allowed(dd)
  local p = dd._.proj
  if not (p._.net._.config.structural_plasticity or p._.A.creating or p._.A.pruning) then
    fail("%s: \"structural_plasticity\" has not been set to true in config(), can not add or "
      .. "remove synapses.", where(dd))
  end
end

local function steps_list(dd, delays, n)
  if delays == nil then return nil end
  local dt = dd._.proj._.net._.dt
  local out = {}
  for i = 1, n do
    local v = type(delays) == "table" and delays[i] or delays
    if type(v) ~= "number" then fail("%s: delays must be numbers of ms", where(dd)) end
    out[i] = time.delay_steps(v, dt)
  end
  return out
end

function methods.create_synapse(dd, rank, opts)
  opts = opts or {}
  if type(opts) == "number" then opts = {w = opts} end
  local a = args.parse("Dendrite:create_synapse", {"w", "delay"}, 1, opts)
  return methods.create_synapses(dd, {rank}, {weights = {a.w or 0.0}, delays = a.delay and {a.delay} or nil})
end

function methods.create_synapses(dd, ranks, opts)
  structural_allowed(dd)
  opts = opts or {}
  if type(opts) == "table" and #opts > 0 then opts = {weights = opts} end
  local a = args.parse("Dendrite:create_synapses", {"weights", "delays"}, 1, opts)
  if type(ranks) ~= "table" then fail("%s: create_synapses takes a list of ranks", where(dd)) end
  local r0, w = {}, {}
  local npre = dd._.proj._.pre._.size
  for i, r in ipairs(ranks) do
    r = pre_rank_of(dd, r)
    if r < 1 or r > npre then fail("%s: the pre-synaptic rank %d is out of range 1..%d", where(dd), r, npre) end
    r0[i] = r - 1
    local wi = a.weights
    if type(wi) == "table" then wi = wi[i] end
    w[i] = wi or 0.0
  end
  runtime.proj_create(rt_of(dd), id_of(dd), dd._.index, r0, w, steps_list(dd, a.delays, #ranks))
end

function methods.prune_synapse(dd, rank)
  return methods.prune_synapses(dd, {rank})
end

function methods.prune_synapses(dd, ranks)
  structural_allowed(dd)
  local r0 = {}
  for i, r in ipairs(ranks) do r0[i] = pre_rank_of(dd, r) - 1 end
  runtime.proj_prune(rt_of(dd), id_of(dd), dd._.index, r0)
end

--- The values of a variable over the pre population's geometry (fill where no synapse).
function methods.receptive_field(dd, opts)
  opts = opts or {}
  local a = args.parse("Dendrite:receptive_field", {"variable", "fill"}, 1, opts)
  local name = a.variable or "w"
  local pre = dd._.proj._.pre
  local out = runtime.zeros(pre._.size)
  if a.fill and a.fill ~= 0 then out:fill(a.fill) end
  local v = read(dd, name)
  for i, r in ipairs(pre_ranks(dd)) do
    out[r] = type(v) == "number" and v or v[i]
  end
  if #pre._.geometry > 1 then return out:reshape(pre._.geometry) end
  return out
end

Dendrite.__index = util.class_index(fields, methods, function(dd, k)
  if type(k) == "number" or (type(k) == "table" and getmetatable(k) == nil) then
    return methods.synapse(dd, k)
  end
  return read(dd, k)
end)

Dendrite.__newindex = function(dd, k, v)
  if fields[k] or methods[k] then fail("%s: '%s' is read-only", where(dd), tostring(k)) end
  write(dd, k, v)
end

Dendrite.__len = function(dd) return size(dd) end
Dendrite.__tostring = function(dd) return "Dendrite " .. where(dd) end

-- ---- IndividualSynapse -------------------------------------------------------------------------

local function syn_index(s)
  local dd = s._.dendrite
  local k = runtime.proj_syn_index(rt_of(dd), id_of(dd), dd._.index, s._.pre_rank - 1)
  if k < 0 then fail("%s: the synapse from pre-synaptic neuron %d no longer exists", where(dd), s._.pre_rank) end
  return k
end

IndividualSynapse.__index = function(s, k)
  if k == "pre_rank" or k == "rank" then return s._.pre_rank end
  if k == "dendrite" then return s._.dendrite end
  if k == "post_rank" then return s._.dendrite._.post_rank end
  if k == "_" then return nil end
  local dd = s._.dendrite
  local idx = attr_index(dd, k)
  local loc = attributes.locality(dd._.proj, k)
  local e = loc == "local" and syn_index(s) or (loc == "semiglobal" and dd._.index or 0)
  return runtime.proj_get1(rt_of(dd), id_of(dd), idx, e)
end

IndividualSynapse.__newindex = function(s, k, v)
  local dd = s._.dendrite
  local idx = attr_index(dd, k)
  local loc = attributes.locality(dd._.proj, k)
  if loc ~= "local" then
    fail("%s: the %s attribute '%s' is shared: set it on the %s", where(dd), loc, k,
      loc == "global" and "projection" or "dendrite")
  end
  if random.is_distribution(v) then v = dd._.proj._.net:_draw(v, 1)[1] end
  if type(v) ~= "number" and type(v) ~= "boolean" then fail("%s: '%s' takes a number", where(dd), k) end
  values.check_finite(v, where(dd), k)
  runtime.proj_set1(rt_of(dd), id_of(dd), idx, syn_index(s), v)
end

IndividualSynapse.__tostring = function(s)
  return ("IndividualSynapse %d -> %d of projection %q"):format(s._.pre_rank, s._.dendrite._.post_rank,
    s._.dendrite._.proj._.name)
end

return M
