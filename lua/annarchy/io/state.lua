--- Saving and loading state (reference-core §11.4, reference-library §10.1): net:save/load,
-- pop:save/load, proj:save/load, proj:save_connectivity and the from_file connector: how the
-- objects map to the arrays and the description of a state file. The file itself is
-- io/container.lua (safetensors), its numbers io/codec.lua; monitors are io/monitor_file.lua,
-- parameters as JSON io/parameters.lua. docs/saving.md describes the files. Values are
-- float64, ranks int32 (0-based, as in the reference's files), offsets int64. Loading checks
-- the whole file before anything changes: the network is left as it was on any fault.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local time = require("annarchy.time")
local json = require("annarchy.io.json")
local container = require("annarchy.io.container")
local dynamic = require("annarchy.io.dynamic_state")

local fail = util.fail
local M = {}

local writer, open = container.writer, container.open
local rt_of, list_of, to_number, description = container.rt_of, container.list_of, container.to_number,
  container.description

-- ---- helpers ---------------------------------------------------------------------------------------

-- The writer of a save. A network dividing its synapses is saved by every process: each reads
-- (the reads gather the projections), rank 0 alone keeps and writes what it read.
local function writer_for(net)
  return writer(net._.config.divide_synapses and runtime.mpi_rank() ~= 0)
end

-- After a divided projection is saved: back to this process's part, so that saving a network
-- holds one projection whole at a time.
local function release(proj)
  runtime.proj_release(proj._.net._.rt, proj._.id)
end

local function key(section, name, attr)
  return section .. "/" .. name .. "/" .. attr
end

local function model_names(A)
  local all, params, vars = {}, {}, {}
  for _, a in ipairs(A.attributes) do
    all[#all + 1] = a.name
    if a.role == "parameter" then params[#params + 1] = a.name else vars[#vars + 1] = a.name end
  end
  return list_of(all), list_of(params), list_of(vars)
end

--- The names of a model's declared attributes (a layout may hold more: conductances, sums,
-- the hidden state of special projections, which are saved as "internal").
local function declared(A)
  local set = {}
  for _, a in ipairs(A.attributes) do set[a.name] = true end
  return set
end

local function all_equal(t)
  for i = 2, #t do
    if t[i] ~= t[1] and not (t[i] ~= t[i] and t[1] ~= t[1]) then return false end
  end
  return true
end

-- Special projections that the reference does not save (their connectivity is implicit).
local UNSAVED = {Convolution = true, Pooling = true, Copy = true, Transpose = true}

local function saveable(proj)
  local s = proj._.special
  return not (s and UNSAVED[s.kind])
end

-- proj:save, proj:load and proj:save_connectivity of a projection the files cannot hold.
local function refuse_unsaved(proj, what)
  if saveable(proj) then return end
  util.fail("%s %q: %s: a %s has no synapses of its own to save or load (its filter or the "
    .. "projection it reads is given in the script); network files leave it out", proj._.special.kind,
    proj._.name, what, proj._.special.kind)
end

-- The end of a plan: a warning for each attribute the file lacks (it keeps its value), and
-- the function that applies the writes once every check has passed.
local function apply(net, kind, p, present, writes, r)
  for _, a in ipairs(p.A.attributes) do
    if not present[a.name] then
      util.warn(net, "%s %q: '%s' is not in %q: it keeps its value", kind, p.name, a.name, r.filename)
    end
  end
  return function()
    for _, fn in ipairs(writes) do fn() end
  end
end

-- ---- populations ---------------------------------------------------------------------------------

local function save_population(pop, desc, w)
  local p = pop._
  local rt = p.net._.rt
  local A = p.A
  local attributes, parameters, variables = model_names(A)
  local model_attr = declared(A)
  local rec = {name = p.name, geometry = list_of(p.geometry), size = p.size, neuron = A.name or "",
               type = A.kind, attributes = attributes, parameters = parameters,
               variables = variables, internal = json.array({}), types = {}, locality = {}}
  for _, a in ipairs(p.layout.attrs) do
    local v = runtime.pop_get(rt, p.id, a.index)
    local k = key("populations", p.name, a.name)
    if a.is_local then w:add(k, "F64", p.geometry, v) else w:add(k, "F64", {}, to_number(v)) end
    rec.types[a.name] = a.type
    rec.locality[a.name] = a.is_local and "local" or "global"
    if not model_attr[a.name] then rec.internal[#rec.internal + 1] = a.name end
  end
  if p.layout_refractory and type(A.refractory) ~= "table" then
    local steps = runtime.pop_refractory(rt, p.id):totable()
    for i = 1, #steps do steps[i] = steps[i] * p.net._.dt end
    w:add(key("populations", p.name, "_refractory"), "F64", {p.size}, steps)
    rec.internal[#rec.internal + 1] = "_refractory"
  end
  desc.populations[p.name] = rec
  local names = desc.obj_names.populations
  names[#names + 1] = p.name
end

--- Checks a population's record against the population and returns the function that
-- writes it (nothing is written here).
local function plan_population(pop, rec, r)
  local p = pop._
  local net = p.net
  local rt = net._.rt
  if type(rec) ~= "table" or type(rec.size) ~= "number" then
    r:fault("the record of population %q is damaged", tostring(rec and rec.name))
  end
  if rec.size ~= p.size then
    r:fault("population %q has %d neurons, the file's population %q has %d", p.name, p.size,
      tostring(rec.name), rec.size)
  end
  local writes = {}
  local present, internal = {}, {}
  local names = {}
  for _, n in ipairs(rec.attributes or {}) do names[#names + 1] = n end
  for _, n in ipairs(rec.internal or {}) do
    names[#names + 1] = n
    internal[n] = true
  end
  for _, name in ipairs(names) do
    present[name] = true
    local k = key("populations", rec.name, name)
    if name == "_refractory" then
      if p.layout_refractory and type(p.A.refractory) ~= "table" then
        local ms = r:get(k)
        if #ms ~= p.size then r:fault("array %q has %d values, expected %d", k, #ms, p.size) end
        local steps = {}
        for i = 1, #ms do steps[i] = time.steps_floor(ms[i], net._.dt) end
        writes[#writes + 1] = function() runtime.pop_refractory(rt, p.id, steps) end
      end
    else
      local a = p.layout.by_name[name]
      if not a then
        if not internal[name] then   -- internal ones (g_target...) exist only where used
          util.warn(net, "population %q: the file's attribute '%s' is not an attribute of the "
            .. "population: skipped", p.name, name)
        end
      else
        local vals = r:get(k)
        if a.is_local then
          if #vals == 1 then
            local v = vals[1]
            writes[#writes + 1] = function() runtime.pop_set(rt, p.id, a.index, v) end
          elseif #vals == p.size then
            writes[#writes + 1] = function() runtime.pop_set(rt, p.id, a.index, vals) end
          else
            r:fault("array %q has %d values, population %q has %d neurons", k, #vals, p.name, p.size)
          end
        else
          if #vals == 0 or (#vals ~= 1 and not all_equal(vals)) then
            r:fault("'%s' is global in population %q, the file holds %d different values", name,
              p.name, #vals)
          end
          local v = vals[1]
          writes[#writes + 1] = function() runtime.pop_set(rt, p.id, a.index, v) end
        end
      end
    end
  end
  return apply(net, "population", p, present, writes, r)
end

-- ---- projections ---------------------------------------------------------------------------------

local function connectivity_of(proj)
  local p = proj._
  local rt = p.net._.rt
  local post1 = runtime.proj_post_ranks(rt, p.id)
  local pre1 = runtime.proj_pre_ranks(rt, p.id)
  local post, ptr, pre = {}, {0}, {}
  local n = 0
  for d = 1, #post1 do
    post[d] = post1[d] - 1
    local row = pre1[d]
    for k = 1, #row do
      n = n + 1
      pre[n] = row[k] - 1
    end
    ptr[d + 1] = n
  end
  return post, ptr, pre
end

--- Writes a projection's connectivity, delays and attributes (names: a list, or nil for all).
local function save_projection(proj, desc, w, only)
  local p = proj._
  local net = p.net
  local rt = net._.rt
  local dt = net._.dt
  local A = p.A
  local post, ptr, pre = connectivity_of(proj)
  local ndend, nsyn = #post, #pre
  local attributes, parameters, variables = model_names(A)
  local model_attr = declared(A)
  if only then
    local keep = {}
    for _, n in ipairs(only) do keep[n] = true end
    local function filter(l)
      local out = json.array({})
      for _, n in ipairs(l) do if keep[n] then out[#out + 1] = n end end
      return out
    end
    attributes, parameters, variables = filter(attributes), filter(parameters), filter(variables)
  end
  local target = #p.targets == 1 and p.targets[1] or list_of(p.targets)
  local rec = {name = p.name, pre = p.pre._.name, post = p.post._.name, target = target,
               pre_size = p.pre._.size, post_size = p.post._.size, size = ndend,
               nb_synapses = nsyn, synapse = A.name or "", type = A.kind,
               attributes = attributes, parameters = parameters, variables = variables,
               internal = json.array({}), types = {}, locality = {}}
  local S = "projections"
  w:add(key(S, p.name, "post_ranks"), "I32", {ndend}, post)
  w:add(key(S, p.name, "dendrite_ptr"), "I64", {ndend + 1}, ptr)
  w:add(key(S, p.name, "pre_ranks"), "I32", {nsyn}, pre)
  local kind, v = runtime.proj_delay(rt, p.id)
  rec.delay_kind = kind
  if kind == "variable" then
    local ms, maxd = {}, 1
    for _, row in ipairs(v) do
      for k = 1, #row do
        ms[#ms + 1] = time.ms(row[k], dt)
        if row[k] > maxd then maxd = row[k] end
      end
    end
    w:add(key(S, p.name, "delays"), "F64", {nsyn}, ms)
    rec.max_delay, rec.uniform_delay = maxd, -1
  else
    local steps = math.max(1, v)
    w:add(key(S, p.name, "delays"), "F64", {}, steps * dt)
    rec.max_delay, rec.uniform_delay = steps, steps
  end
  for _, a in ipairs(p.layout.attrs) do
    local wanted = not only
    for _, n in ipairs(only or {}) do if n == a.name then wanted = true end end
    if wanted then
      local k = key(S, p.name, a.name)
      if a.locality == "global" then
        w:add(k, "F64", {}, to_number(runtime.proj_get(rt, p.id, a.index)))
      elseif a.locality == "semiglobal" then
        w:add(k, "F64", {ndend}, runtime.proj_get(rt, p.id, a.index))
      else
        w:add(k, "F64", {nsyn}, runtime.proj_get(rt, p.id, a.index, nil, nil, false))
      end
      rec.types[a.name] = a.type
      rec.locality[a.name] = a.locality
      if not model_attr[a.name] then rec.internal[#rec.internal + 1] = a.name end
    end
  end
  desc.projections[p.name] = rec
  local names = desc.obj_names.projections
  names[#names + 1] = p.name
end

--- The connectivity of a projection's record, checked: 0-based post ranks, dendrite
-- pointers, 0-based pre ranks, delays in ms (a list per synapse, or one number) and weights.
local function read_connectivity(rec, r, pre_size, post_size)
  local S = "projections"
  local name = rec.name
  local post = r:get(key(S, name, "post_ranks"))
  local ptr = r:get(key(S, name, "dendrite_ptr"))
  local pre = r:get(key(S, name, "pre_ranks"))
  if #ptr ~= #post + 1 or ptr[1] ~= 0 or ptr[#ptr] ~= #pre then
    r:fault("the connectivity of projection %q is damaged (dendrite pointers)", tostring(name))
  end
  for d = 1, #post do
    if post[d] < 0 or post[d] >= post_size or (d > 1 and post[d] <= post[d - 1]) then
      r:fault("the connectivity of projection %q is damaged (post rank %d)", tostring(name), post[d] + 1)
    end
    if ptr[d + 1] < ptr[d] then
      r:fault("the connectivity of projection %q is damaged (dendrite pointers)", tostring(name))
    end
  end
  for k = 1, #pre do
    if pre[k] < 0 or pre[k] >= pre_size then
      r:fault("the connectivity of projection %q is damaged (pre rank %d)", tostring(name), pre[k] + 1)
    end
  end
  local delays = r:get(key(S, name, "delays"))
  if #delays ~= 1 and #delays ~= #pre then
    r:fault("projection %q: %d delays for %d synapses", tostring(name), #delays, #pre)
  end
  for k = 1, #delays do
    if delays[k] ~= delays[k] or delays[k] < 0 then
      r:fault("projection %q: delay %d is not a valid number of ms", tostring(name), k)
    end
  end
  local wkey = key(S, name, "w")
  local w = r:has(wkey) and r:get(wkey) or nil
  if w and #w ~= 1 and #w ~= #pre then
    r:fault("projection %q: %d weights for %d synapses", tostring(name), #w, #pre)
  end
  return {post = post, ptr = ptr, pre = pre, delays = delays, w = w}
end

local function same_connectivity(proj, c)
  local post, ptr, pre = connectivity_of(proj)
  if #post ~= #c.post or #pre ~= #c.pre then return false end
  for d = 1, #post do
    if post[d] ~= c.post[d] or ptr[d + 1] ~= c.ptr[d + 1] then return false end
  end
  for k = 1, #pre do
    if pre[k] ~= c.pre[k] then return false end
  end
  return true
end

--- Delays in ms -> steps with this network's dt, checked against the projection's storage
-- kind (structure, fixed at compile): returns a number (uniform) or a flat list.
local function delay_steps(proj, delays, nsyn, r)
  local p = proj._
  local dt = p.net._.dt
  local kind = runtime.proj_delay(p.net._.rt, p.id)
  local steps = {}
  local uniform = true
  for k = 1, #delays do
    steps[k] = time.delay_steps(delays[k], dt)
    if steps[k] ~= steps[1] then uniform = false end
  end
  if kind == "none" then
    for k = 1, #steps do
      if steps[k] > 1 then
        r:fault("projection %q was compiled without delays; the file has delays of up to %g ms "
          .. "(give the connector delays so that the network is built with them)", p.name,
          time.ms(steps[k], dt))
      end
    end
    return nil, kind
  end
  if kind == "uniform" then
    if not uniform then
      r:fault("projection %q was compiled with uniform delays; the file has one delay per "
        .. "synapse (give the connector a distribution of delays)", p.name)
    end
    return steps[1] or 1, kind
  end
  if #steps == 1 then   -- per-synapse storage: one value per synapse
    local s1 = steps[1]
    for k = 2, nsyn do steps[k] = s1 end
  end
  return steps, kind
end

--- Checks a projection's record against the projection and returns the function that writes
-- it. A different connectivity is rebuilt from the file.
local function plan_projection(proj, rec, r, step_after)
  local p = proj._
  local net = p.net
  local rt = net._.rt
  if type(rec) ~= "table" or type(rec.pre_size) ~= "number" or type(rec.post_size) ~= "number" then
    r:fault("the record of projection %q is damaged", tostring(rec and rec.name))
  end
  if rec.pre_size ~= p.pre._.size or rec.post_size ~= p.post._.size then
    r:fault("projection %q connects %d to %d neurons; the file's projection %q connects %d to %d",
      p.name, p.pre._.size, p.post._.size, tostring(rec.name), rec.pre_size, rec.post_size)
  end
  local c = read_connectivity(rec, r, rec.pre_size, rec.post_size)
  local steps, kind = delay_steps(proj, c.delays, #c.pre, r)
  local writes = {}
  local nsyn, ndend = #c.pre, #c.post
  local w_layout = p.layout.by_name.w
  if not same_connectivity(proj, c) then
    local wvals = c.w or {0.0}
    if w_layout and w_layout.locality == "global" and not all_equal(wvals) then
      r:fault("projection %q stores one shared weight; the file has different weights per synapse",
        p.name)
    end
    local list_post, list_row, wl = {}, {}, {}
    for d = 1, ndend do list_post[d] = c.post[d] end
    for d = 1, ndend + 1 do list_row[d] = c.ptr[d] end
    for k = 1, nsyn do wl[k] = #wvals == 1 and wvals[1] or wvals[k] end
    local t = {pre_size = p.pre._.size, post_size = p.post._.size, weights = wvals[1] or 0.0,
               delays = 0.0, dt = net._.dt, shared = w_layout ~= nil and w_layout.locality == "global",
               seed = net._.seed, stream = 0, allow_self = true,
               list_post = list_post, list_row = list_row, pre = c.pre, w = wl}
    if type(steps) == "table" then
      local ms = {}
      for k = 1, nsyn do ms[k] = time.ms(steps[k], net._.dt) end
      t.delay_ms = ms
    elseif steps then
      t.delays = time.ms(steps, net._.dt)
    end
    local ok, csr = pcall(runtime.connect, "from_lists", t)
    if not ok then
      r:fault("the connectivity of projection %q is damaged (%s)", p.name, tostring(csr))
    end
    writes[#writes + 1] = function() runtime.proj_set_connectivity(rt, p.id, csr) end
  elseif kind ~= "none" then
    writes[#writes + 1] = function() runtime.proj_set_delay(rt, p.id, steps) end
  end
  -- attributes
  local present, internal = {}, {}
  local names = {}
  for _, n in ipairs(rec.attributes or {}) do names[#names + 1] = n end
  for _, n in ipairs(rec.internal or {}) do
    names[#names + 1] = n
    internal[n] = true
  end
  for _, name in ipairs(names) do
    present[name] = true
    local a = p.layout.by_name[name]
    local k = key("projections", rec.name, name)
    if not a then
      if not internal[name] then
        util.warn(net, "projection %q: the file's attribute '%s' is not an attribute of the "
          .. "projection: skipped", p.name, name)
      end
    else
      local vals = r:get(k)
      if name == "_last_event" and rec.time_step ~= nil then
        local shift = step_after - rec.time_step
        for i = 1, #vals do
          if vals[i] > -10000 then vals[i] = vals[i] + shift end
        end
      end
      local want = a.locality == "local" and nsyn or a.locality == "semiglobal" and ndend or 1
      local value
      if #vals == 0 and want > 0 then
        r:fault("projection %q: the file holds no value of '%s'", p.name, name)
      elseif #vals == want then
        value = want == 1 and vals[1] or vals
      elseif #vals == 1 then
        value = vals[1]
      elseif all_equal(vals) and a.locality == "global" then
        value = vals[1]
      else
        r:fault("projection %q: '%s' is %s here (%d values), the file holds %d values", p.name, name,
          a.locality, want, #vals)
      end
      writes[#writes + 1] = function() runtime.proj_set(rt, p.id, a.index, value) end
    end
  end
  return apply(net, "projection", p, present, writes, r)
end

-- ---- finding records ------------------------------------------------------------------------------

--- The record of a file for one object: the one of the same name, else the only one.
local function record_for(r, section, name, what)
  local recs = r.meta[section]
  if type(recs) ~= "table" then r:fault("it holds no %s", section) end
  local function checked(rec)
    if type(rec) ~= "table" or type(rec.name) ~= "string" then
      r:fault("its description of %s is damaged (a record without a name)", section)
    end
    rec.time_step = rec.time_step or r.meta.time_step
    return rec
  end
  if recs[name] then return checked(recs[name]) end
  local only, count = nil, 0
  for _, rec in pairs(recs) do
    only, count = rec, count + 1
  end
  if count == 1 then return checked(only) end
  if count == 0 then r:fault("it holds no %s", section) end
  r:fault("it holds no %s named %q (it has %d %s)", what, name, count, section)
end

-- ---- public: networks --------------------------------------------------------------------------------

local function flags(opts, what)
  opts = opts or {}
  if type(opts) ~= "table" then fail("%s: the options must be a table", what) end
  for k in pairs(opts) do
    if k ~= "populations" and k ~= "projections" then fail("%s: unknown option '%s'", what, tostring(k)) end
  end
  return opts.populations ~= false, opts.projections ~= false
end

--- net:save(filename, {populations = true, projections = true})
function M.save_network(net, filename, opts)
  local what = "Network:save"
  local with_pops, with_projs = flags(opts, what)
  rt_of(net, what)
  local desc = description(net, "network")
  local w = writer_for(net)
  if with_pops then
    for _, pop in ipairs(net._.pops) do save_population(pop, desc, w) end
  end
  if with_projs then
    for _, proj in ipairs(net._.projs) do
      if saveable(proj) then save_projection(proj, desc, w) ; release(proj) end
    end
  end
  dynamic.save(net, desc, w)
  for _, proj in ipairs(net._.projs) do release(proj) end
  w:write(filename, desc, what)
end

--- net:load(filename, {populations = true, projections = true})
function M.load_network(net, filename, opts)
  local what = "Network:load"
  local with_pops, with_projs = flags(opts, what)
  local rt = rt_of(net, what)
  local r = open(filename, what)
  local meta = r.meta
  local step = meta.time_step
  if not util.is_integer(step) then r:fault("the time step is missing") end
  if meta.dt and meta.dt ~= net._.dt then
    util.warn(net, "%s: %q was saved with dt = %g ms, this network has dt = %g ms", what, filename,
      meta.dt, net._.dt)
  end
  local actions, matched = {}, 0
  local function section(list, key_, by_name, kind, plan)
    local recs = meta[key_]
    if type(recs) ~= "table" then return end
    for _, name in ipairs(util.sorted_keys(recs)) do
      if not by_name[name] then
        util.warn(net, "%s: the network has no %s named %q: the file's one is skipped", what, kind, name)
      end
    end
    for _, obj in ipairs(list) do
      local rec = recs[obj._.name]
      if rec then
        if type(rec) ~= "table" or rec.name ~= obj._.name then
          r:fault("its description of %s is damaged (the record of %q does not carry its name)",
            key_, obj._.name)
        end
        rec.time_step = rec.time_step or step
        actions[#actions + 1] = plan(obj, rec, r, step)
        matched = matched + 1
      elseif kind == "population" or saveable(obj) then
        util.warn(net, "%s: %q holds no %s named %q: it keeps its state", what, filename, kind, obj._.name)
      end
    end
  end
  if with_pops then section(net._.pops, "populations", net._.pop_by_name, "population", plan_population) end
  if with_projs then section(net._.projs, "projections", net._.proj_by_name, "projection", plan_projection) end
  if matched == 0 and (#net._.pops > 0 or #net._.projs > 0) then
    r:fault("it holds no population or projection of this network")
  end
  local restore = dynamic.plan(net, r, with_pops, with_projs, function(proj, rec)
    return same_connectivity(proj, read_connectivity(rec, r, rec.pre_size, rec.post_size))
  end)
  for _, fn in ipairs(restore) do actions[#actions + 1] = fn end   -- after values and connectivity
  -- every check passed: now the network changes
  runtime.step_count(rt, step)
  for _, act in ipairs(actions) do act() end
end

-- ---- public: one population or projection --------------------------------------------------------

-- One population or projection in a file of its own (kind "population" or "projection").
local function save_one(obj, kind, save, filename)
  local what = ("%s %q: save"):format(kind, obj._.name)
  rt_of(obj._.net, what)
  local desc = description(obj._.net, kind)
  local w = writer_for(obj._.net)
  save(obj, desc, w)
  w:write(filename, desc, what)
end

local function load_one(obj, kind, filename)
  local what = ("%s %q: load"):format(kind, obj._.name)
  rt_of(obj._.net, what)
  local r = open(filename, what)
  return record_for(r, kind .. "s", obj._.name, kind), r
end

function M.save_population(pop, filename) save_one(pop, "population", save_population, filename) end

function M.load_population(pop, filename)
  local rec, r = load_one(pop, "population", filename)
  plan_population(pop, rec, r)()
end

function M.save_projection(proj, filename)
  refuse_unsaved(proj, "save")
  save_one(proj, "projection", save_projection, filename)
end

function M.load_projection(proj, filename)
  refuse_unsaved(proj, "load")
  local rec, r = load_one(proj, "projection", filename)
  plan_projection(proj, rec, r, proj._.net.current_step)()
end

--- proj:save_connectivity(filename): ranks, delays and weights only.
function M.save_connectivity(proj, filename)
  refuse_unsaved(proj, "save_connectivity")
  local what = ("projection %q: save_connectivity"):format(proj._.name)
  rt_of(proj._.net, what)
  local desc = description(proj._.net, "connectivity")
  local w = writer_for(proj._.net)
  save_projection(proj, desc, w, {"w"})
  w:write(filename, desc, what)
end

--- The from_file connector: the synapse lists of a file's projection (the one of the same
-- name, else the only one) for connectors' record_lists, and its uniform delay in ms (nil
-- when the file has one delay per synapse).
function M.connectivity_lists(proj, filename)
  local what = ("projection %q: from_file"):format(proj._.name)
  local r = open(filename, what)
  local rec = record_for(r, "projections", proj._.name, "projection")
  if rec.pre_size ~= proj._.pre._.size or rec.post_size ~= proj._.post._.size then
    r:fault("it was saved for populations of %s and %s neurons, not %d and %d", tostring(rec.pre_size),
      tostring(rec.post_size), proj._.pre._.size, proj._.post._.size)
  end
  local c = read_connectivity(rec, r, rec.pre_size, rec.post_size)
  local lists = {}
  local per_syn = #c.delays > 1
  for d = 1, #c.post do
    local pre, wl, dl = {}, {}, per_syn and {} or nil
    for k = c.ptr[d] + 1, c.ptr[d + 1] do
      pre[#pre + 1] = c.pre[k]
      wl[#wl + 1] = c.w and (#c.w == 1 and c.w[1] or c.w[k]) or 0.0
      if dl then dl[#dl + 1] = c.delays[k] end
    end
    lists[d] = {post = c.post[d], pre = pre, w = wl, delay = dl}
  end
  return lists, (not per_syn) and c.delays[1] or nil
end

--- A state file's description and arrays, for inspection: {meta = <the description>,
-- arrays = name -> {dtype, shape}, get = function(name) -> Array}.
function M.read(filename)
  local r = open(filename, "read")
  local arrays = {}
  for name, e in pairs(r.entries) do arrays[name] = {dtype = e.dtype, shape = util.copy_list(e.shape)} end
  return {meta = r.meta, version = r.version, arrays = arrays, get = function(name)
    local vals, shape = r:get(name)
    local a = runtime.array(vals)
    if #shape > 1 then a = a:reshape(shape) end
    if #shape == 0 then return vals[1] end
    return a
  end}
end

return M
