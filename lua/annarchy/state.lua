--- Saving and loading state (reference-core §11.4, reference-library §10.1-10.2; API.md):
-- net:save/load, pop:save/load, proj:save/load, proj:save_connectivity and the from_file
-- connector, m:save, net:save_parameters/load_parameters. docs/saving.md describes the files.
--
-- Every state file is a safetensors file (8-byte little-endian header length, a JSON header,
-- then the arrays, row-major little-endian) whose "__metadata__" holds format = "annlua-state",
-- the format version, and under "annlua" the JSON description of what was saved (the
-- reference's dictionary schema: names, geometry, attribute lists...). Values are float64,
-- ranks int32 (0-based, as in the reference's files), offsets int64. Reading checks the whole
-- file before anything changes: a truncated or foreign file is an error naming the file and
-- the fault, and the network is left as it was.
local core = require("annarchy.core")
local util = require("annarchy.util")
local json = require("annarchy.json")

local fail = util.fail
local M = {}

M.FORMAT = "annlua-state"
M.VERSION = 1
local MAX_HEADER = 100000000          -- bytes; the safetensors limit

-- ---- little-endian numbers ----------------------------------------------------------------------
-- string.pack where the Lua has it (5.3+); otherwise plain arithmetic (LuaJIT has no
-- string.pack and the front end must not use bitwise operators). Both give the same bytes.

local CODES = {F64 = "d", I64 = "i8", I32 = "i4"}
local SIZES = {F64 = 8, I64 = 8, I32 = 4}
local CHUNK = 2048

local unpack_list = table.unpack or _G.unpack

local native = {}
do
  local fmt_cache = {}
  local function fmt(code, n)
    local key = code .. n
    local f = fmt_cache[key]
    if not f then
      f = "<" .. code:rep(n)
      fmt_cache[key] = f
    end
    return f
  end
  function native.pack(dtype, t, n)
    local code = CODES[dtype]
    local parts = {}
    for i = 1, n, CHUNK do
      local j = math.min(n, i + CHUNK - 1)
      parts[#parts + 1] = string.pack(fmt(code, j - i + 1), unpack_list(t, i, j))
    end
    return table.concat(parts)
  end
  function native.unpack(dtype, s, pos, n)
    local code = CODES[dtype]
    local out = {}
    local k = 0
    while k < n do
      local m = math.min(CHUNK, n - k)
      local vals = {string.unpack(fmt(code, m), s, pos)}
      pos = vals[m + 1]
      for i = 1, m do out[k + i] = vals[i] end
      k = k + m
    end
    return out
  end
end

local pure = {}
do
  local TWO52 = 2 ^ 52
  local function exponent_of(x)          -- floor(log2(x)) for a finite x > 0
    local e = math.floor(math.log(x) / math.log(2))
    if e > 1023 then e = 1023 elseif e < -1074 then e = -1074 end
    while e < 1023 and x >= 2 ^ (e + 1) do e = e + 1 end
    while e > -1074 and x < 2 ^ e do e = e - 1 end
    return e
  end
  local function f64_bytes(x, out)
    local sign = 0
    if x < 0 or (x == 0 and 1 / x < 0) then sign, x = 1, -x end
    local E, mant
    if x ~= x then E, mant, sign = 2047, 2 ^ 51, 0
    elseif x == math.huge then E, mant = 2047, 0
    elseif x == 0 then E, mant = 0, 0
    else
      local e = exponent_of(x)
      if e < -1022 then
        E, mant = 0, x / 2 ^ -1074
      else
        E, mant = e + 1023, (x / 2 ^ e - 1) * TWO52
      end
    end
    for _ = 1, 6 do
      out[#out + 1] = mant % 256
      mant = math.floor(mant / 256)
    end
    out[#out + 1] = mant + (E % 16) * 16
    out[#out + 1] = math.floor(E / 16) + sign * 128
  end
  local function int_bytes(v, nbytes, out)
    local neg = v < 0
    if neg then v = -v - 1 end
    for _ = 1, nbytes do
      local b = v % 256
      out[#out + 1] = neg and 255 - b or b
      v = math.floor(v / 256)
    end
  end
  local PURE_CHUNK = 256           -- values per string.char call (LuaJIT limits its arguments)
  function pure.pack(dtype, t, n)
    local parts = {}
    for i = 1, n, PURE_CHUNK do
      local bytes = {}
      for k = i, math.min(n, i + PURE_CHUNK - 1) do
        if dtype == "F64" then f64_bytes(t[k], bytes) else int_bytes(t[k], SIZES[dtype], bytes) end
      end
      parts[#parts + 1] = string.char(unpack_list(bytes))
    end
    return table.concat(parts)
  end
  local function f64_of(s, p)
    local b1, b2, b3, b4, b5, b6, b7, b8 = s:byte(p, p + 7)
    local mant = ((((b7 % 16) * 256 + b6) * 256 + b5) * 256 + b4) * 16777216 + (b3 * 256 + b2) * 256 + b1
    local E = (b8 % 128) * 16 + math.floor(b7 / 16)
    local sign = b8 >= 128 and -1 or 1
    if E == 2047 then
      if mant == 0 then return sign * math.huge end
      return 0 / 0
    end
    if E == 0 then return sign * (mant * 2 ^ -1074) end   -- float product: keeps -0.0
    return sign * (1 + mant / TWO52) * 2 ^ (E - 1023)
  end
  local function int_of(s, p, nbytes)
    local v = 0
    for k = p + nbytes - 1, p, -1 do v = v * 256 + s:byte(k) end
    local top = 2 ^ (8 * nbytes)
    if v >= top / 2 then v = v - top end
    return v
  end
  function pure.unpack(dtype, s, pos, n)
    local out = {}
    local size = SIZES[dtype]
    for k = 1, n do
      local p = pos + (k - 1) * size
      if dtype == "F64" then out[k] = f64_of(s, p) else out[k] = int_of(s, p, size) end
    end
    return out
  end
end

local codec = string.pack and native or pure
M._codecs = {native = string.pack and native or nil, pure = pure}   -- for the tests

--- Selects the codec (tests): "native" or "pure".
function M._use_codec(name)
  codec = M._codecs[name] or codec
end

-- ---- the container (safetensors) ---------------------------------------------------------------

--- Names ending in .npz are numpy archives in the reference's layout (annarchy.io.npz).
function M.is_npz(filename)
  return type(filename) == "string" and filename:lower():match("%.npz$") ~= nil
end

local Writer = {}
Writer.__index = Writer

local function writer()
  return setmetatable({list = {}, names = {}}, Writer)
end

--- Adds an array: values a flat list (or an Array, or a number for shape {}).
function Writer.add(w, name, dtype, shape, values)
  if w.names[name] then fail("internal: two arrays named %q in one state file", name) end
  local n = util.product(shape)
  if type(values) == "number" then values = {values}
  elseif type(values) == "boolean" then values = {values and 1 or 0}
  elseif core.is_array(values) then values = values:flatten():totable() end
  if #values ~= n then
    fail("internal: array %q has %d values for the shape {%s}", name, #values, table.concat(shape, ", "))
  end
  local entry = {name = name, dtype = dtype, shape = shape, bytes = codec.pack(dtype, values, n)}
  w.list[#w.list + 1] = entry
  w.names[name] = entry
end

local function u64_bytes(n)
  return codec.pack("I64", {n}, 1)
end

--- Writes the file: the arrays (8-byte types first, so that every array is aligned) after the
-- header. Written to a temporary file renamed into place: a failed save leaves an older file
-- of the same name intact.
function Writer.write(w, filename, meta, what)
  if M.is_npz(filename) then return require("annarchy.io.npz").write_state(w.list, meta, filename, what) end
  local order = {}
  for i, e in ipairs(w.list) do order[i] = {e = e, i = i} end
  table.sort(order, function(a, b)
    local sa, sb = SIZES[a.e.dtype], SIZES[b.e.dtype]
    if sa ~= sb then return sa > sb end
    return a.i < b.i
  end)
  local header = {__metadata__ = {format = M.FORMAT, version = tostring(M.VERSION),
                                  annlua = json.encode(meta)}}
  local offset = 0
  local parts = {}
  for _, o in ipairs(order) do
    local e = o.e
    header[e.name] = {dtype = e.dtype, shape = json.array(util.copy_list(e.shape)),
                      data_offsets = json.array({offset, offset + #e.bytes})}
    offset = offset + #e.bytes
    parts[#parts + 1] = e.bytes
  end
  local text = json.encode(header)
  text = text .. (" "):rep((8 - #text % 8) % 8)
  table.insert(parts, 1, text)
  table.insert(parts, 1, u64_bytes(#text))
  util.write_file(filename, parts, what)
end

local Reader = {}
Reader.__index = Reader

--- Reads and checks a state file: header, format, version and every array's extent. The
-- arrays are decoded when asked for (Reader.get).
local function open(filename, what)
  if M.is_npz(filename) then return require("annarchy.io.npz").open_state(filename, what) end
  local function bad(fmt, ...)
    fail("%s: %q: " .. fmt, what, filename, ...)
  end
  if type(filename) ~= "string" then fail("%s: the file name must be a string", what) end
  local f, err = io.open(filename, "rb")
  if not f then fail("%s: cannot open %q: %s", what, filename, tostring(err)) end
  local s = f:read("*a") or ""
  f:close()
  if #s < 8 then
    bad("not an annlua state file (%d bytes: too short for a header)", #s)
  end
  local n = pure.unpack("I64", s, 1, 1)[1]
  if n < 2 or n > MAX_HEADER then
    bad("not an annlua state file (no safetensors header)")
  end
  if s:sub(9, 9) ~= "{" then bad("not an annlua state file (no safetensors header)") end
  if 8 + n > #s then
    bad("truncated file: the header alone should take %d bytes, the file has %d", 8 + n, #s)
  end
  local ok, header = pcall(json.decode, s:sub(9, 8 + n))
  if not ok then bad("not an annlua state file (the header is not JSON: %s)", tostring(header)) end
  if type(header) ~= "table" or header[1] ~= nil then bad("not an annlua state file (the header is not a JSON object)") end
  local meta = header.__metadata__
  if type(meta) ~= "table" or meta.format ~= M.FORMAT then
    bad("a safetensors file, but not an annlua state file (no __metadata__.format = %q)", M.FORMAT)
  end
  local version = tonumber(meta.version)
  if not version then bad("the format version is missing") end
  if version > M.VERSION then
    bad("written in format version %s by a newer annlua; this one reads up to version %d",
      tostring(meta.version), M.VERSION)
  end
  local dok, desc = pcall(json.decode, meta.annlua or "")
  if not dok or type(desc) ~= "table" then
    bad("the description of the saved objects is damaged (%s)", dok and "not an object" or tostring(desc))
  end
  local entries, list = {}, {}
  for name, e in pairs(header) do
    if name ~= "__metadata__" then
      if type(e) ~= "table" or not SIZES[e.dtype] or type(e.shape) ~= "table"
          or type(e.data_offsets) ~= "table" or #e.data_offsets ~= 2 then
        bad("the entry of array %q is damaged", name)
      end
      local count = 1
      for _, d in ipairs(e.shape) do
        if not util.is_integer(d) or d < 0 then bad("array %q has a bad shape", name) end
        count = count * d
      end
      local b, en = e.data_offsets[1], e.data_offsets[2]
      if not util.is_integer(b) or not util.is_integer(en) or en - b ~= count * SIZES[e.dtype] then
        bad("array %q: its extent does not match its shape and type", name)
      end
      local entry = {name = name, dtype = e.dtype, shape = e.shape, count = count, b = b, e = en}
      entries[name] = entry
      list[#list + 1] = entry
    end
  end
  table.sort(list, function(a, b) return a.b < b.b end)
  local expect = 0
  for _, e in ipairs(list) do
    if e.b ~= expect then bad("the arrays do not follow each other (array %q)", e.name) end
    expect = e.e
  end
  local have = #s - 8 - n
  if have < expect then
    bad("truncated file: %d bytes of data expected after the header, %d found", expect, have)
  end
  if have > expect then bad("%d unexpected bytes at the end of the file", have - expect) end
  return setmetatable({filename = filename, what = what, s = s, base = 8 + n, entries = entries,
                       meta = desc, version = version}, Reader)
end
M.open_file = open

function Reader.has(r, name) return r.entries[name] ~= nil end

--- The values of an array as a flat list, and its shape. Missing: an error (a damaged file).
function Reader.get(r, name)
  local e = r.entries[name]
  if not e then fail("%s: %q: the file lacks the array %q", r.what, r.filename, name) end
  return codec.unpack(e.dtype, r.s, r.base + e.b + 1, e.count), e.shape
end

function Reader.fault(r, fmt, ...)
  fail("%s: %q: " .. fmt, r.what, r.filename, ...)
end

-- ---- helpers ---------------------------------------------------------------------------------------

local function runtime(net, what)
  local rt = net._.rt
  if not rt then fail("%s: the network is not compiled yet", what) end
  return rt
end

local function key(section, name, attr)
  return section .. "/" .. name .. "/" .. attr
end

local function list_of(names)
  return json.array(util.copy_list(names))
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

local function to_number(v)
  if type(v) == "boolean" then return v and 1 or 0 end
  return v
end

local function all_equal(t)
  for i = 2, #t do
    if t[i] ~= t[1] and not (t[i] ~= t[i] and t[1] ~= t[1]) then return false end
  end
  return true
end

local function description(net, kind)
  return {format = M.FORMAT, version = M.VERSION, kind = kind, time_step = net.current_step,
          dt = net._.dt, net_id = net._.id, dtype = net._.config.dtype,
          obj_names = {populations = json.array({}), projections = json.array({})},
          populations = {}, projections = {}}
end

-- Special projections that the reference does not save (their connectivity is implicit).
local UNSAVED = {Convolution = true, Pooling = true, Copy = true, Transpose = true}

local function saveable(proj)
  local s = proj._.special
  return not (s and UNSAVED[s.kind])
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
    local v = rt:pop_get(p.id, a.index)
    local k = key("populations", p.name, a.name)
    if a.is_local then w:add(k, "F64", p.geometry, v) else w:add(k, "F64", {}, to_number(v)) end
    rec.types[a.name] = a.type
    rec.locality[a.name] = a.is_local and "local" or "global"
    if not model_attr[a.name] then rec.internal[#rec.internal + 1] = a.name end
  end
  if p.layout_refractory and type(A.refractory) ~= "table" then
    local steps = rt:pop_refractory(p.id):totable()
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
        for i = 1, #ms do steps[i] = util.steps_floor(ms[i], net._.dt) end
        writes[#writes + 1] = function() rt:pop_refractory(p.id, steps) end
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
            writes[#writes + 1] = function() rt:pop_set(p.id, a.index, v) end
          elseif #vals == p.size then
            writes[#writes + 1] = function() rt:pop_set(p.id, a.index, vals) end
          else
            r:fault("array %q has %d values, population %q has %d neurons", k, #vals, p.name, p.size)
          end
        else
          if #vals == 0 or (#vals ~= 1 and not all_equal(vals)) then
            r:fault("'%s' is global in population %q, the file holds %d different values", name,
              p.name, #vals)
          end
          local v = vals[1]
          writes[#writes + 1] = function() rt:pop_set(p.id, a.index, v) end
        end
      end
    end
  end
  for _, a in ipairs(p.A.attributes) do
    if not present[a.name] then
      util.warn(net, "population %q: '%s' is not in %q: it keeps its value", p.name, a.name, r.filename)
    end
  end
  return function()
    for _, fn in ipairs(writes) do fn() end
  end
end

-- ---- projections ---------------------------------------------------------------------------------

local function connectivity_of(proj)
  local p = proj._
  local rt = p.net._.rt
  local post1 = rt:proj_post_ranks(p.id)
  local pre1 = rt:proj_pre_ranks(p.id)
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
  local kind, v = rt:proj_delay(p.id)
  rec.delay_kind = kind
  if kind == "variable" then
    local ms, maxd = {}, 1
    for _, row in ipairs(v) do
      for k = 1, #row do
        ms[#ms + 1] = row[k] * dt
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
        w:add(k, "F64", {}, to_number(rt:proj_get(p.id, a.index)))
      elseif a.locality == "semiglobal" then
        w:add(k, "F64", {ndend}, rt:proj_get(p.id, a.index))
      else
        w:add(k, "F64", {nsyn}, rt:proj_get(p.id, a.index, nil, nil, false))
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
  local kind = p.net._.rt:proj_delay(p.id)
  local steps = {}
  local uniform = true
  for k = 1, #delays do
    steps[k] = math.max(1, util.round(delays[k] / dt))
    if steps[k] ~= steps[1] then uniform = false end
  end
  if kind == "none" then
    for k = 1, #steps do
      if steps[k] > 1 then
        r:fault("projection %q was compiled without delays; the file has delays of up to %g ms "
          .. "(give the connector delays so that the network is built with them)", p.name,
          steps[k] * dt)
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
      for k = 1, nsyn do ms[k] = steps[k] * net._.dt end
      t.delay_ms = ms
    elseif steps then
      t.delays = steps * net._.dt
    end
    local csr = core.connect("from_lists", t)
    writes[#writes + 1] = function() rt:proj_set_connectivity(p.id, csr) end
  elseif kind ~= "none" then
    writes[#writes + 1] = function() rt:proj_set_delay(p.id, steps) end
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
      writes[#writes + 1] = function() rt:proj_set(p.id, a.index, value) end
    end
  end
  for _, a in ipairs(p.A.attributes) do
    if not present[a.name] then
      util.warn(net, "projection %q: '%s' is not in %q: it keeps its value", p.name, a.name, r.filename)
    end
  end
  return function()
    for _, fn in ipairs(writes) do fn() end
  end
end

-- ---- finding records ------------------------------------------------------------------------------

--- The record of a file for one object: the one of the same name, else the only one.
local function record_for(r, section, name, what)
  local recs = r.meta[section]
  if type(recs) ~= "table" then r:fault("it holds no %s", section) end
  if recs[name] then
    local rec = recs[name]
    rec.time_step = rec.time_step or r.meta.time_step
    return rec
  end
  local only, count = nil, 0
  for _, rec in pairs(recs) do
    only, count = rec, count + 1
  end
  if count == 1 then
    only.time_step = only.time_step or r.meta.time_step
    return only
  end
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
  runtime(net, what)
  local desc = description(net, "network")
  local w = writer()
  if with_pops then
    for _, pop in ipairs(net._.pops) do save_population(pop, desc, w) end
  end
  if with_projs then
    for _, proj in ipairs(net._.projs) do
      if saveable(proj) then save_projection(proj, desc, w) end
    end
  end
  w:write(filename, desc, what)
end

--- net:load(filename, {populations = true, projections = true})
function M.load_network(net, filename, opts)
  local what = "Network:load"
  local with_pops, with_projs = flags(opts, what)
  local rt = runtime(net, what)
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
  -- every check passed: now the network changes
  rt:step_count(step)
  for _, act in ipairs(actions) do act() end
end

-- ---- public: one population or projection --------------------------------------------------------

function M.save_population(pop, filename)
  local what = ("population %q: save"):format(pop._.name)
  runtime(pop._.net, what)
  local desc = description(pop._.net, "population")
  local w = writer()
  save_population(pop, desc, w)
  w:write(filename, desc, what)
end

function M.load_population(pop, filename)
  local what = ("population %q: load"):format(pop._.name)
  runtime(pop._.net, what)
  local r = open(filename, what)
  local rec = record_for(r, "populations", pop._.name, "population")
  plan_population(pop, rec, r)()
end

function M.save_projection(proj, filename)
  local what = ("projection %q: save"):format(proj._.name)
  runtime(proj._.net, what)
  local desc = description(proj._.net, "projection")
  local w = writer()
  save_projection(proj, desc, w)
  w:write(filename, desc, what)
end

function M.load_projection(proj, filename)
  local what = ("projection %q: load"):format(proj._.name)
  runtime(proj._.net, what)
  local r = open(filename, what)
  local rec = record_for(r, "projections", proj._.name, "projection")
  plan_projection(proj, rec, r, proj._.net.current_step)()
end

--- proj:save_connectivity(filename): ranks, delays and weights only.
function M.save_connectivity(proj, filename)
  local what = ("projection %q: save_connectivity"):format(proj._.name)
  runtime(proj._.net, what)
  local desc = description(proj._.net, "connectivity")
  local w = writer()
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

-- ---- public: monitors --------------------------------------------------------------------------------

local function monitor_object(m)
  local obj = m._.obj
  local population = require("annarchy.population")
  local pop, ranks = population.resolve(obj)
  if pop then
    local kind = population.is_population(obj) and "population" or population.is_view(obj) and "view" or "neuron"
    return pop._.name, kind, ranks
  end
  local proj = m._.proj
  if m._.dend then return proj._.name, "dendrite", {m._.dend._.post_rank - 1} end
  return proj._.name, "projection", nil
end

--- Flattens one record (a number, an Array or nested lists of them) into out.
local function flatten_into(v, out)
  if type(v) == "number" or type(v) == "boolean" then
    out[#out + 1] = to_number(v)
  elseif core.is_array(v) then
    local t = v:flatten():totable()
    for i = 1, #t do out[#out + 1] = t[i] end
  else
    for i = 1, #v do flatten_into(v[i], out) end
  end
end
M.flatten_record = flatten_into

--- m:save's options, checked: the options table, the names of the variables to save and
-- the name of the call for errors.
function M.monitor_save_options(m, opts)
  local what = ("Monitor %q: save"):format(m._.name)
  opts = opts or {}
  if type(opts) ~= "table" then fail("%s: the options must be a table", what) end
  for k in pairs(opts) do
    if k ~= "variables" and k ~= "keep" then fail("%s: unknown option '%s'", what, tostring(k)) end
  end
  local names = opts.variables
  if type(names) == "string" then names = {names} end
  if names == nil then
    names = {}
    for _, v in ipairs(m._.vars) do names[#names + 1] = v.name end
  end
  return opts, names, what
end

--- m:save(filename, {variables, keep = false}): the recordings (retrieved as m:get does,
-- emptied unless keep) with the monitor's periods and recording segments.
function M.save_monitor(m, filename, opts)
  local names, what
  opts, names, what = M.monitor_save_options(m, opts)
  local net = m._.net
  runtime(net, what)
  -- the recording segments of the data saved (as m:times() will tell after a get)
  local starts, stops = util.copy_list(m._.starts), util.copy_list(m._.stops)
  if m._.recording then stops[#stops + 1] = net.current_step end
  local data = #names > 0 and m:get(names, {keep = opts.keep == true, reshape = true}) or {}
  local obj_name, obj_kind, ranks = monitor_object(m)
  local desc = description(net, "monitor")
  desc.monitor = {name = m._.name, object = obj_name, object_kind = obj_kind,
                  ranks = ranks and list_of(ranks) or nil, variables = list_of(names),
                  period = m.period, period_offset = m.period_offset,
                  start = list_of(starts), stop = list_of(stops), data = {}}
  local w = writer()
  for _, name in ipairs(names) do
    local v = data[name]
    local k = "monitor/" .. name
    if name == "spike" then
      local ranks0, ptr, steps = {}, {0}, {}
      local keys = util.sorted_keys(v)
      for i, rank in ipairs(keys) do
        ranks0[i] = rank - 1
        for _, s in ipairs(v[rank]) do steps[#steps + 1] = s end
        ptr[i + 1] = #steps
      end
      w:add(k .. "/ranks", "I32", {#ranks0}, ranks0)
      w:add(k .. "/ptr", "I64", {#ptr}, ptr)
      w:add(k .. "/steps", "I64", {#steps}, steps)
      desc.monitor.data[name] = {layout = "spikes"}
    elseif core.is_array(v) then
      w:add(k, "F64", v.shape, v)
      desc.monitor.data[name] = {layout = "dense"}
    else
      local values, ptr = {}, {0}
      for i = 1, #v do
        flatten_into(v[i], values)
        ptr[i + 1] = #values
      end
      w:add(k .. "/values", "F64", {#values}, values)
      w:add(k .. "/record_ptr", "I64", {#ptr}, ptr)
      desc.monitor.data[name] = {layout = "records"}
    end
  end
  w:write(filename, desc, what)
end

--- Reads a file written by m:save: a table with the monitor's description (name, object,
-- variables, period, period_offset, start, stop, dt) and `data`: variable -> Array (dense),
-- list of Arrays (one per record) or, for spikes, rank (1-based) -> list of steps.
function M.read_monitor(filename)
  local r = open(filename, "read_monitor")
  local d = r.meta.monitor
  if r.meta.kind ~= "monitor" or type(d) ~= "table" then r:fault("it is not a monitor file") end
  local out = {}
  for k, v in pairs(d) do if k ~= "data" then out[k] = v end end
  out.dt, out.time_step, out.data = r.meta.dt, r.meta.time_step, {}
  for _, name in ipairs(d.variables or {}) do
    local info = (d.data or {})[name] or {}
    local k = "monitor/" .. name
    if info.layout == "spikes" then
      local ranks, ptr, steps = r:get(k .. "/ranks"), r:get(k .. "/ptr"), r:get(k .. "/steps")
      local sp = {}
      for i, rank in ipairs(ranks) do
        local l = {}
        for j = ptr[i] + 1, ptr[i + 1] do l[#l + 1] = steps[j] end
        sp[rank + 1] = l
      end
      out.data[name] = sp
    elseif info.layout == "dense" then
      local vals, shape = r:get(k)
      local a = core.array(vals)
      if #shape ~= 1 then a = a:reshape(shape) end
      out.data[name] = a
    else
      local vals, ptr = r:get(k .. "/values"), r:get(k .. "/record_ptr")
      local recs = {}
      for i = 1, #ptr - 1 do
        local t = {}
        for j = ptr[i] + 1, ptr[i + 1] do t[#t + 1] = vals[j] end
        recs[i] = core.array(t)
      end
      out.data[name] = recs
    end
  end
  return out
end

--- A state file's description and arrays, for inspection: {meta = <the description>,
-- arrays = name -> {dtype, shape}, get = function(name) -> Array}.
function M.read(filename)
  local r = open(filename, "read")
  local arrays = {}
  for name, e in pairs(r.entries) do arrays[name] = {dtype = e.dtype, shape = util.copy_list(e.shape)} end
  return {meta = r.meta, version = r.version, arrays = arrays, get = function(name)
    local vals, shape = r:get(name)
    local a = core.array(vals)
    if #shape > 1 then a = a:reshape(shape) end
    if #shape == 0 then return vals[1] end
    return a
  end}
end

-- ---- public: parameters as JSON (reference-library §10.2) -----------------------------------------

local function json_value(v, a)
  if a.type == "bool" then
    if type(v) == "number" then return v ~= 0 end
    return v == true
  end
  return to_number(v)
end

--- net:save_parameters(filename): the global parameters of every population and projection,
-- and the constants, as JSON (indent 4). Values are the current ones (the initial ones before
-- compile).
function M.save_parameters(net, filename)
  local what = "Network:save_parameters"
  local pops, projs = {}, {}
  local population = require("annarchy.population")
  local projection = require("annarchy.projection")
  for _, pop in ipairs(net._.pops) do
    local t = {}
    for _, a in ipairs(pop._.A.attributes) do
      if a.role == "parameter" and a.locality == "global" then
        t[a.name] = json_value(population.read(pop, a.name), a)
      end
    end
    pops[pop._.name] = t
  end
  for _, proj in ipairs(net._.projs) do
    local t = {}
    for _, a in ipairs(proj._.A.attributes) do
      if a.role == "parameter" and a.locality == "global" then
        local v = projection.read(proj, a.name)
        if type(v) == "number" or type(v) == "boolean" then t[a.name] = json_value(v, a) end
      end
    end
    projs[proj._.name] = t
  end
  local consts = {}
  for _, c in ipairs(require("annarchy.constants").visible(net)) do consts[c.name] = c.value end
  local text = json.encode({populations = pops, projections = projs, network = {}, constants = consts},
    {indent = 4})
  local f, err = io.open(filename, "w")
  if not f then fail("%s: cannot write %q: %s", what, tostring(filename), tostring(err)) end
  local ok, werr = f:write(text, "\n")
  f:close()
  if not ok then fail("%s: cannot write %q: %s", what, filename, tostring(werr)) end
end

--- net:load_parameters(filename, {global_only = true, verbose = false}) -> the file's
-- "network" table (values as numbers).
function M.load_parameters(net, filename, opts)
  local what = "Network:load_parameters"
  opts = opts or {}
  if type(opts) ~= "table" then fail("%s: the options must be a table", what) end
  for k in pairs(opts) do
    if k ~= "global_only" and k ~= "verbose" then fail("%s: unknown option '%s'", what, tostring(k)) end
  end
  local global_only = opts.global_only ~= false
  if type(filename) ~= "string" then fail("%s: the file name must be a string", what) end
  local f, err = io.open(filename, "r")
  if not f then fail("%s: cannot open %q: %s", what, filename, tostring(err)) end
  local text = f:read("*a") or ""
  f:close()
  local ok, data = pcall(json.decode, text)
  if not ok then fail("%s: %q is not a JSON file: %s", what, filename, tostring(data)) end
  if type(data) ~= "table" or getmetatable(data) ~= nil then
    fail("%s: %q: the file must hold a JSON object", what, filename)
  end
  local writes = {}
  local function scalar(v, where_)
    if type(v) == "number" or type(v) == "boolean" then return v end
    fail("%s: %q: %s must be a number or a boolean (arrays are not allowed)", what, filename, where_)
  end
  local function section(name, by_name, kind)
    local t = data[name]
    if t == nil then return end
    if type(t) ~= "table" or getmetatable(t) ~= nil then
      fail("%s: %q: \"%s\" must be an object", what, filename, name)
    end
    for _, obj_name in ipairs(util.sorted_keys(t)) do
      local params = t[obj_name]
      local obj = by_name[obj_name]
      if type(params) ~= "table" or getmetatable(params) ~= nil then
        fail("%s: %q: the entry of %s %q must be an object", what, filename, kind, obj_name)
      end
      if not obj then
        util.warn(net, "%s: the network has no %s named %q", what, kind, obj_name)
      else
        for _, pname in ipairs(util.sorted_keys(params)) do
          local v = scalar(params[pname], ("%s.%s.%s"):format(name, obj_name, pname))
          local a = obj._.A.attr[pname]
          if not a or a.role ~= "parameter" then
            util.warn(net, "%s: '%s' is not a parameter of %s %q: skipped", what, pname, kind, obj_name)
          elseif global_only and a.locality ~= "global" then
            util.warn(net, "%s: '%s' of %s %q is not global: skipped (global_only)", what, pname, kind, obj_name)
          else
            if kind == "projection" or a.type ~= "bool" then v = to_number(v) end
            writes[#writes + 1] = {obj = obj, name = pname, value = v, kind = kind}
          end
        end
      end
    end
  end
  section("populations", net._.pop_by_name, "population")
  section("projections", net._.proj_by_name, "projection")
  local const_writes = {}
  if data.constants ~= nil then
    if type(data.constants) ~= "table" or getmetatable(data.constants) ~= nil then
      fail("%s: %q: \"constants\" must be an object", what, filename)
    end
    local visible = {}
    for _, c in ipairs(require("annarchy.constants").visible(net)) do visible[c.name] = c end
    for _, cname in ipairs(util.sorted_keys(data.constants)) do
      local v = to_number(scalar(data.constants[cname], "constants." .. cname))
      if visible[cname] then const_writes[#const_writes + 1] = {c = visible[cname], value = v}
      else util.warn(net, "%s: there is no constant named %q", what, cname) end
    end
  end
  local result = {}
  if data.network ~= nil then
    if type(data.network) ~= "table" or getmetatable(data.network) ~= nil then
      fail("%s: %q: \"network\" must be an object", what, filename)
    end
    for k, v in pairs(data.network) do
      v = scalar(v, "network." .. k)
      result[k] = to_number(v) + 0.0
    end
  end
  -- everything read and checked: now the network changes
  for _, wr in ipairs(writes) do
    if opts.verbose then
      io.stdout:write(("%s %q: %s: %s -> %s\n"):format(wr.kind, wr.obj._.name, wr.name,
        tostring(wr.obj:get(wr.name)), tostring(wr.value)))
    end
    wr.obj:set{[wr.name] = wr.value}
  end
  for _, cw in ipairs(const_writes) do cw.c:set(cw.value) end
  return result
end

return M
