--- numpy's .npz archives: a zip file (written and read by libzip, runtime.zip_*) with one .npy
-- member per array; np.load(file) gives a dict-like object whose keys are the member names
-- without ".npy".
--
-- State files (net:save, pop:save, proj:save, save_connectivity with a name ending in .npz)
-- keep the reference's dictionary: each key of an object's dictionary is the member
-- "<object>/<key>" (a network file) or "<key>" (a file of one object); every array is plain
-- (np.load reads them with allow_pickle=False). The description annlua needs to load the file
-- back (the same as in annlua's container) is the JSON text "__annlua__".
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local json = require("annarchy.io.json")
local codecs = require("annarchy.io.codec")
local npy = require("annarchy.io.npy")

local fail = util.fail
local M = {}

local DESC_KEY = "__annlua__"
local codec = codecs._codecs.native or codecs._codecs.pure

-- ---- archives ------------------------------------------------------------------------------------

--- Writes an archive: members a list of {key, bytes of a .npy file}. Written to a temporary
-- file renamed into place by libzip: a failed save leaves an older file intact.
function M.write(filename, members, what)
  if type(filename) ~= "string" then fail("%s: the file name must be a string", what) end
  local seen = {}
  for _, m in ipairs(members) do
    if seen[m[1]] then fail("%s: %q: two arrays would be named %q", what, filename, m[1]) end
    seen[m[1]] = true
  end
  local ok, err = pcall(function()
    local z = runtime.zip_create(filename)
    for _, m in ipairs(members) do runtime.zip_add(z, m[1] .. ".npy", m[2]) end
    runtime.zip_close(z)
  end)
  if not ok then fail("%s: cannot write %q: %s", what, filename, tostring(err)) end
end

--- Reads an archive: key -> decoded array ({descr, shape, values}) and the keys in archive
-- order. A file that is not a zip archive, or a damaged member, is an error naming the file.
function M.read(filename, what)
  if type(filename) ~= "string" then fail("%s: the file name must be a string", what) end
  local f, oerr = io.open(filename, "rb")
  if not f then fail("%s: cannot open %q: %s", what, filename, tostring(oerr)) end
  f:close()
  local arrays, keys = {}, {}
  local ok, err = pcall(function()
    local z = runtime.zip_open(filename)
    for _, name in ipairs(runtime.zip_names(z)) do
      local key = name:match("^(.*)%.npy$")
      if key then
        local t, fault = npy.decode(runtime.zip_read(z, name))
        if not t then error(("member %q: %s"):format(name, fault), 0) end
        arrays[key] = t
        keys[#keys + 1] = key
      end
    end
    runtime.zip_close(z)
  end)
  if not ok then fail("%s: %q is not a readable numpy .npz archive: %s", what, filename, tostring(err)) end
  return arrays, keys
end

--- The bytes of a .npy member holding an Array or a number (float64).
function M.npy_of(v, what)
  if type(v) == "number" then return npy.encode("<f8", {}, {v}, what) end
  return npy.encode("<f8", v.shape, v:flatten():totable(), what)
end

-- ---- state files --------------------------------------------------------------------------------

local CONTAINER_DESCR = {F64 = "<f8", I64 = "<i8", I32 = "<i4"}
local DTYPE_OF = {["<f8"] = "F64", ["<i8"] = "I64", ["<i4"] = "I32", ["|b1"] = "F64"}

--- Can values typed `ty` in the description be stored as '<i8' or '|b1' without loss?
local function typed_descr(ty, values)
  if ty ~= "int" and ty ~= "bool" then return nil end
  for _, v in ipairs(values) do
    if not util.is_integer(v) or (v == 0 and 1 / v < 0) or math.abs(v) >= 2 ^ 53 then return nil end
    if ty == "bool" and v ~= 0 and v ~= 1 then return nil end
  end
  return ty == "bool" and "|b1" or "<i8"
end

--- A description field as a .npy member (strings and lists of strings or numbers; nil for
-- tables that are not lists, which stay in the JSON description only).
local function field_npy(v, what)
  if type(v) == "string" then return npy.encode("U", {}, {v}, what) end
  if type(v) == "number" then
    return npy.encode(util.is_integer(v) and "<i8" or "<f8", {}, {v}, what)
  end
  if type(v) ~= "table" or (#v == 0 and (next(v) ~= nil or not getmetatable(v))) then return nil end
  if #v == 0 or type(v[1]) == "string" then return npy.encode("U", {#v}, v, what) end
  return npy.encode("<i8", {#v}, v, what)
end

local SECTIONS = {"populations", "projections"}

--- The member name of a container array: "<object>/<key>" in a network file, "<key>" in a
-- file of one object; other arrays ("monitor/v") lose their first component.
local function member_key(kind, name)
  local section, rest = name:match("^([^/]+)/(.*)$")
  if kind ~= "network" and (section == "populations" or section == "projections") then
    return (rest:match("([^/]*)$"))
  end
  return rest or name
end

--- annarchy.io.container's writer for names ending in .npz: list holds the container's arrays
-- ({name, dtype, shape, bytes}), meta the description. "__annlua__" holds the JSON
-- {"description": meta, "arrays": {container name: member name}}.
function M.write_state(list, meta, filename, what)
  local members, taken, names = {}, {}, {}
  local function add(key, bytes)
    if taken[key] then
      fail("%s: %q: two entries would be named %q in the .npz archive (an object and an attribute "
        .. "share a name; save in annlua's own format instead)", what, filename, key)
    end
    taken[key] = true
    members[#members + 1] = {key, bytes}
  end
  for name in pairs(meta.projections or {}) do
    if meta.kind == "network" and (meta.populations or {})[name] then
      fail("%s: %q: a population and a projection are both named %q: their keys would mix in the "
        .. ".npz archive (rename one, or save in annlua's own format)", what, filename, name)
    end
  end
  local regular = {}      -- projection name -> {dendrites, synapses per dendrite} when all have as many
  for _, e in ipairs(list) do
    local proj = e.name:match("^projections/(.*)/dendrite_ptr$")
    if proj then
      local ptr = codec.unpack("I64", e.bytes, 1, e.shape[1])
      local k = #ptr > 1 and ptr[2] - ptr[1] or nil
      for d = 2, #ptr - 1 do
        if ptr[d + 1] - ptr[d] ~= k then k = nil end
      end
      if k and k > 0 then regular[proj] = {#ptr - 1, k} end
    end
  end
  for _, e in ipairs(list) do
    local section, obj, attr = e.name:match("^([^/]+)/(.*)/([^/]*)$")
    local rec = section and meta[section] and meta[section][obj] or {}
    local shape = e.shape
    local reg = section == "projections" and regular[obj]
    local is_local = attr == "pre_ranks" or attr == "delays" or (rec.locality or {})[attr] == "local"
    if reg and is_local and #shape == 1 and shape[1] == reg[1] * reg[2] then shape = reg end
    local ty = (rec.types or {})[attr]
    local values = ty and codec.unpack(e.dtype, e.bytes, 1, util.product(e.shape))
    local descr = ty and typed_descr(ty, values)
    local key = member_key(meta.kind, e.name)
    if descr then
      add(key, npy.encode(descr, shape, values, what))
    else
      add(key, npy.header(CONTAINER_DESCR[e.dtype], shape) .. e.bytes)
    end
    names[e.name] = key
  end
  -- the reference's descriptive keys, where no value took the name
  local function describe(prefix, t)
    for _, k in ipairs(util.sorted_keys(t)) do
      local key = prefix .. k
      local b = not taken[key] and field_npy(t[k], what)
      if b then add(key, b) end
    end
  end
  for _, section in ipairs(SECTIONS) do
    for name, rec in pairs(meta[section] or {}) do
      describe(meta.kind == "network" and name .. "/" or "", rec)
    end
  end
  if meta.kind == "network" then
    describe("", {time_step = meta.time_step, net_id = meta.net_id})
    if not taken.dt then add("dt", npy.encode("<f8", {}, {meta.dt}, what)) end
    describe("obj_names/", meta.obj_names)
  end
  add(DESC_KEY, npy.encode("U", {}, {json.encode({description = meta, arrays = names})}, what))
  M.write(filename, members, what)
end

--- annarchy.io.container's reader for names ending in .npz: an object with the container reader's
-- interface (meta, version, entries, has, get, fault).
function M.open_state(filename, what, format, version)
  local arrays = M.read(filename, what)
  local function bad(fmt, ...) fail("%s: %q: " .. fmt, what, filename, ...) end
  local d = arrays[DESC_KEY]
  if not d or d.descr:sub(1, 2) ~= "<U" or #d.shape ~= 0 then
    bad("a numpy archive, but not one written by annlua (no %s entry describing the objects)", DESC_KEY)
  end
  local ok, t = pcall(json.decode, d.values[1])
  local meta = ok and type(t) == "table" and t.description
  if type(meta) ~= "table" or meta.format ~= format or type(t.arrays) ~= "table" then
    bad("the description of the saved objects (%s) is damaged", DESC_KEY)
  end
  if (tonumber(meta.version) or math.huge) > version then
    bad("written in format version %s by a newer annlua; this one reads up to version %d",
      tostring(meta.version), version)
  end
  local entries, by_name = {}, {}
  for name, key in pairs(t.arrays) do
    local a = arrays[key]
    if not a then bad("the archive lacks the array %q", tostring(key)) end
    if not DTYPE_OF[a.descr] then bad("array %q has the type '%s', not a number type", key, a.descr) end
    entries[name] = {dtype = DTYPE_OF[a.descr], shape = a.shape}
    by_name[name] = a
  end
  local r = {filename = filename, what = what, meta = meta, version = meta.version, entries = entries}
  function r.has(_, name) return entries[name] ~= nil end
  function r.get(_, name)
    local a = by_name[name]
    if not a then bad("the archive lacks the array %q", member_key(meta.kind, name)) end
    local vals = {}
    for i, v in ipairs(a.values) do vals[i] = v end
    return vals, a.shape
  end
  function r.fault(_, fmt, ...) bad(fmt, ...) end
  return r
end

return M
