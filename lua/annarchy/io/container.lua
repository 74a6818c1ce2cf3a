--- The container of state files: a safetensors file (8-byte little-endian header length, a
-- JSON header, then the arrays, row-major little-endian) whose "__metadata__" holds
-- format = "annlua-state", the format version, and under "annlua" the JSON description of
-- what was saved. writer() collects arrays and writes a file; open() reads and checks a whole
-- file before anything uses it: a truncated or foreign file is an error naming the file and
-- the fault.
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local json = require("annarchy.io.json")
local codec = require("annarchy.io.codec")

local fail = util.fail
local M = {}

M.FORMAT = "annlua-state"
M.VERSION = 2     -- 2: the dynamic state of a network (io/dynamic_state.lua)
local MAX_HEADER = 100000000          -- bytes; the safetensors limit

local SIZES = codec.SIZES

--- Names ending in .npz are numpy archives in the reference's layout (annarchy.io.npz).
function M.is_npz(filename)
  return type(filename) == "string" and filename:lower():match("%.npz$") ~= nil
end

local Writer = {}
Writer.__index = Writer

-- discard: a writer that keeps nothing and writes nothing (the processes other than rank 0
-- saving a network that divides its synapses: they read, rank 0 writes).
local function writer(discard)
  return setmetatable({list = {}, names = {}, discard = discard}, Writer)
end

--- Adds an array: values a flat list (or an Array, or a number for shape {}).
function Writer.add(w, name, dtype, shape, values)
  if w.discard then return end
  if w.names[name] then fail("internal: two arrays named %q in one state file", name) end
  local n = util.product(shape)
  if type(values) == "number" then values = {values}
  elseif type(values) == "boolean" then values = {values and 1 or 0}
  elseif runtime.is_array(values) then values = values:flatten():totable() end
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
  if w.discard then return end
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
  if M.is_npz(filename) then return require("annarchy.io.npz").open_state(filename, what, M.FORMAT, M.VERSION) end
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
  local n = codec.unpack("I64", s, 1, 1)[1]
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
  table.sort(list, function(a, b)   -- empty arrays first where several start at one offset
    if a.b ~= b.b then return a.b < b.b end
    return a.e < b.e
  end)
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

-- ---- helpers of the files' descriptions ------------------------------------------------------------

--- The runtime of a compiled network (an error naming `what` before compile).
local function rt_of(net, what)
  local rt = net._.rt
  if not rt then fail("%s: the network is not compiled yet", what) end
  return rt
end

--- A JSON array of a copy of names.
local function list_of(names)
  return json.array(util.copy_list(names))
end

--- A boolean as 0/1, other values unchanged.
local function to_number(v)
  if type(v) == "boolean" then return v and 1 or 0 end
  return v
end

--- The description a state file starts with.
local function description(net, kind)
  return {format = M.FORMAT, version = M.VERSION, kind = kind, time_step = net.current_step,
          dt = net._.dt, net_id = net._.id, dtype = net._.config.dtype,
          obj_names = {populations = json.array({}), projections = json.array({})},
          populations = {}, projections = {}}
end


M.writer, M.open = writer, open
M.rt_of, M.list_of, M.to_number, M.description = rt_of, list_of, to_number, description

return M
