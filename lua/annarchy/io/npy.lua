--- numpy's .npy format: one array per file (a magic string, a version, a header holding a
-- Python dict literal with 'descr', 'fortran_order' and 'shape', then the data).
--
-- Written: version 1.0 (2.0 for headers longer than 65535 bytes), C order, little-endian,
-- the header padded so that the data start on a multiple of 64 bytes, as numpy writes it.
-- Types: '<f8' (float64), '<i8' (int64), '<i4' (int32), '|b1' (bool) and '<Uk' (unicode
-- strings of up to k characters, for names). Read: the same types, versions 1 to 3, C or
-- Fortran order. Numbers go through annarchy.io.codec's little-endian codec (string.pack where
-- the Lua has it, plain arithmetic under LuaJIT).
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local codecs = require("annarchy.io.codec")
local json = require("annarchy.io.json")

local fail = util.fail
local M = {}

local MAGIC = "\147NUMPY"
local ALIGN = 64
local codec = codecs._codecs.native or codecs._codecs.pure

--- The numeric types: numpy's descr -> the codec's type and the size of one element.
M.NUMERIC = {["<f8"] = {code = "F64", size = 8}, ["<i8"] = {code = "I64", size = 8},
             ["<i4"] = {code = "I32", size = 4}, ["|b1"] = {size = 1}}

-- ---- UTF-8 -> code points (arithmetic only: LuaJIT has no utf8 library) ------------------------

local function code_points(s, what)
  local out, i, n = {}, 1, #s
  while i <= n do
    local b = s:byte(i)
    local len, cp = 1, b
    if b >= 240 then len, cp = 4, b - 240
    elseif b >= 224 then len, cp = 3, b - 224
    elseif b >= 192 then len, cp = 2, b - 192
    elseif b >= 128 then fail("%s: %q is not valid UTF-8", what, s) end
    for k = 1, len - 1 do
      local c = s:byte(i + k)
      if not c or c < 128 or c >= 192 then fail("%s: %q is not valid UTF-8", what, s) end
      cp = cp * 64 + (c - 128)
    end
    out[#out + 1] = cp
    i = i + len
  end
  return out
end

-- ---- writing ---------------------------------------------------------------------------------------

local function shape_text(shape)
  if #shape == 0 then return "()" end
  if #shape == 1 then return ("(%d,)"):format(shape[1]) end
  local parts = {}
  for i, d in ipairs(shape) do parts[i] = ("%d"):format(d) end
  return "(" .. table.concat(parts, ", ") .. ")"
end

--- The header of a .npy file of type descr ('<f8', '<U5'...) and shape (a list): the data
-- follow it.
function M.header(descr, shape)
  local dict = ("{'descr': '%s', 'fortran_order': False, 'shape': %s, }"):format(descr, shape_text(shape))
  local version, prefix = "\1\0", 10
  if #dict + 1 + prefix > 65535 then version, prefix = "\2\0", 12 end
  local total = prefix + #dict + 1
  dict = dict .. (" "):rep((ALIGN - total % ALIGN) % ALIGN) .. "\n"
  local len = codec.pack("I32", {#dict}, 1)
  if version == "\1\0" then len = len:sub(1, 2) end
  return MAGIC .. version .. len .. dict
end

--- The bytes of a .npy file: descr one of M.NUMERIC's or "U" (strings; the width is that of
-- the longest), shape a list of dimensions, values a flat list in row-major order (numbers,
-- booleans for '|b1', strings for "U"). `what` names the caller in errors.
function M.encode(descr, shape, values, what)
  local n = util.product(shape)
  if #values ~= n then
    fail("%s: %d values for the shape %s", what, #values, shape_text(shape))
  end
  local data
  if descr == "U" then
    local points, width = {}, 1
    for i = 1, n do
      points[i] = code_points(values[i], what)
      width = math.max(width, #points[i])
    end
    local flat = {}
    for i = 1, n do
      local p = points[i]
      for k = 1, width do flat[#flat + 1] = p[k] or 0 end
    end
    descr = "<U" .. width
    data = codec.pack("I32", flat, #flat)
  elseif descr == "|b1" then
    local parts = {}
    for i = 1, n do
      local v = values[i]
      parts[i] = (v == true or (type(v) == "number" and v ~= 0)) and "\1" or "\0"
    end
    data = table.concat(parts)
  else
    data = codec.pack(M.NUMERIC[descr].code, values, n)
  end
  return M.header(descr, shape) .. data
end

-- ---- reading ---------------------------------------------------------------------------------------

--- Row-major order of values stored in column-major (Fortran) order.
local function from_fortran(vals, shape)
  local nd = #shape
  if nd < 2 then return vals end
  local out, idx = {}, {}
  for d = 1, nd do idx[d] = 0 end
  for k = 1, #vals do
    local f, stride = 0, 1          -- the Fortran offset of the row-major index idx
    for d = 1, nd do
      f = f + idx[d] * stride
      stride = stride * shape[d]
    end
    out[k] = vals[f + 1]
    for d = nd, 1, -1 do            -- next row-major index
      idx[d] = idx[d] + 1
      if idx[d] < shape[d] then break end
      idx[d] = 0
    end
  end
  return out
end

--- Decodes the bytes of a .npy file: {descr, shape, values} (values a flat list in row-major
-- order: numbers, 0/1 for '|b1', strings for '<U'), or nil and the fault.
function M.decode(s)
  if #s < 10 or s:sub(1, 6) ~= MAGIC then return nil, "not a numpy .npy file (no \\x93NUMPY magic)" end
  local major = s:byte(7)
  local hlen, start
  if major == 1 then
    hlen, start = s:byte(9) + 256 * s:byte(10), 11
  elseif major == 2 or major == 3 then
    if #s < 12 then return nil, "truncated .npy header" end
    hlen, start = codec.unpack("I32", s, 9, 1)[1], 13
  else
    return nil, ("unknown .npy format version %d"):format(major)
  end
  if start + hlen - 1 > #s then return nil, "truncated .npy header" end
  local header = s:sub(start, start + hlen - 1)
  local descr = header:match("['\"]descr['\"]%s*:%s*['\"]([^'\"]*)['\"]")
  local order = header:match("['\"]fortran_order['\"]%s*:%s*(%a+)")
  local dims = header:match("['\"]shape['\"]%s*:%s*%(([^)]*)%)")
  if not descr or not order or not dims then return nil, "the .npy header is damaged" end
  local shape = {}
  for d in dims:gmatch("[^,%s]+") do
    local v = tonumber(d)
    if not util.is_integer(v) or v < 0 then return nil, "the .npy header has a bad shape" end
    shape[#shape + 1] = v
  end
  local n = util.product(shape)
  local width = descr:match("^<U(%d+)$")
  local size
  if width then size = 4 * tonumber(width)
  elseif M.NUMERIC[descr] then size = M.NUMERIC[descr].size
  else
    return nil, ("unsupported dtype '%s' (annlua reads float64, int64, int32, bool and unicode "
      .. "arrays, little-endian)"):format(descr)
  end
  local pos = start + hlen
  local have = #s - pos + 1
  if have < n * size then
    return nil, ("truncated data: %d bytes expected for the shape %s, %d found"):format(n * size,
      shape_text(shape), have)
  end
  if have > n * size then return nil, ("%d unexpected bytes after the data"):format(have - n * size) end
  local values
  if width then
    local points = codec.unpack("I32", s, pos, n * tonumber(width))
    values = {}
    for i = 1, n do
      local chars = {}
      for k = (i - 1) * width + 1, i * width do
        if points[k] == 0 then break end
        chars[#chars + 1] = json.utf8_char(points[k])
      end
      values[i] = table.concat(chars)
    end
  elseif descr == "|b1" then
    values = {s:byte(pos, pos + n - 1)}
    for i = 1, n do values[i] = values[i] ~= 0 and 1 or 0 end
  else
    values = codec.unpack(M.NUMERIC[descr].code, s, pos, n)
  end
  if order == "True" then values = from_fortran(values, shape) end
  return {descr = width and "<U" .. width or descr, shape = shape, values = values}
end

--- The numbers of a decoded array as an Array of its shape (a number for shape ()).
function M.to_array(t)
  if #t.shape == 0 then return t.values[1] + 0.0 end
  if #t.values == 0 then return runtime.zeros(t.shape) end
  local a = runtime.array(t.values)
  if #t.shape > 1 then a = a:reshape(t.shape):copy() end
  return a
end

--- Reads a .npy file of numbers: an Array of its shape (a number for a 0-d array).
function M.read(filename)
  local what = "read_npy"
  if type(filename) ~= "string" then fail("%s: the file name must be a string", what) end
  local f, err = io.open(filename, "rb")
  if not f then fail("%s: cannot open %q: %s", what, filename, tostring(err)) end
  local s = f:read("*a") or ""
  f:close()
  local t, fault = M.decode(s)
  if not t then fail("%s: %q: %s", what, filename, fault) end
  if t.descr:sub(1, 2) == "<U" then fail("%s: %q holds strings, not numbers", what, filename) end
  return M.to_array(t)
end

return M
