--- Lua values as a byte string and back, exactly: what a child process of net:parallel_run
-- sends to its parent. Numbers keep every bit (NaN, infinities, -0.0) and, under Lua 5.4,
-- their subtype (integer or float); strings, booleans, nested tables (a table met twice is
-- one table again, cycles included) and Arrays (their shape and values) come back equal. A
-- function, a userdata other than an Array, a coroutine or a table with a metatable (an
-- object such as a population or a monitor) cannot be sent: an error names it.
--
-- Layout: four 8-byte counts (tags, doubles, integers, string bytes), then the tags (one
-- character per value), the doubles, the integers (lengths, ids, shapes, Lua integers) and
-- the strings, each stream packed at once (io/codec.lua).
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local codec = require("annarchy.io.codec")

local fail = util.fail
local math_type = math.type       -- nil under LuaJIT, where every number is a double

local M = {}

local function is_integer(x) return math_type ~= nil and math_type(x) == "integer" end

local Encoder = {}
Encoder.__index = Encoder

function Encoder.number(e, x)
  local tags = e.tags
  if is_integer(x) then
    tags[#tags + 1] = "i"
    e.ints[#e.ints + 1] = x
  else
    tags[#tags + 1] = "d"
    e.f64[#e.f64 + 1] = x
  end
end

function Encoder.int(e, n) e.ints[#e.ints + 1] = n end

function Encoder.array(e, a)
  e.tags[#e.tags + 1] = "A"
  local shape = a.shape
  e:int(#shape)
  for _, d in ipairs(shape) do e:int(d) end
  local f64 = e.f64
  local base = #f64
  for i, v in ipairs(a:flatten():totable()) do f64[base + i] = v end
end

-- A table whose keys are exactly 1 .. n: its values alone are written.
local function sequence_length(t)
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  for i = 1, n do if t[i] == nil then return nil, n end end
  return n, n
end

function Encoder.table(e, t)
  local tags = e.tags
  if e.seen[t] then
    tags[#tags + 1] = "R"
    e:int(e.seen[t])
    return
  end
  if getmetatable(t) ~= nil then
    fail("%s: a table with a metatable (an object such as a population or a monitor) cannot be "
      .. "sent back; send its data", e.what)
  end
  e.tables = e.tables + 1
  e.seen[t] = e.tables
  local len, count = sequence_length(t)
  if len then
    tags[#tags + 1] = "L"
    e:int(len)
    for i = 1, len do e:value(t[i]) end
  else
    tags[#tags + 1] = "T"
    e:int(count)
    for k, v in pairs(t) do
      e:value(k)
      e:value(v)
    end
  end
end

function Encoder.value(e, v)
  local kind = type(v)
  local tags = e.tags
  if kind == "number" then e:number(v)
  elseif kind == "string" then
    tags[#tags + 1] = "s"
    e:int(#v)
    e.strs[#e.strs + 1] = v
  elseif kind == "boolean" then tags[#tags + 1] = v and "t" or "f"
  elseif kind == "nil" then tags[#tags + 1] = "n"
  elseif runtime.is_array(v) then e:array(v)
  elseif kind == "table" then e:table(v)
  else
    fail("%s: a %s cannot be sent back", e.what, kind)
  end
end

--- The bytes of a value; `what` starts the message of an error (a value that cannot be sent).
function M.encode(value, what)
  local e = setmetatable({tags = {}, f64 = {}, ints = {}, strs = {}, seen = {}, tables = 0,
                          what = what or "value_codec.encode"}, Encoder)
  e:value(value)
  local strs = table.concat(e.strs)
  return table.concat({
    codec.pack("I64", {#e.tags, #e.f64, #e.ints, #strs}, 4),
    table.concat(e.tags),
    codec.pack("F64", e.f64, #e.f64),
    codec.pack("I64", e.ints, #e.ints),
    strs,
  })
end

local Decoder = {}
Decoder.__index = Decoder

function Decoder.int(d)
  d.ni = d.ni + 1
  return d.ints[d.ni]
end

function Decoder.double(d)
  d.nf = d.nf + 1
  return d.f64[d.nf]
end

function Decoder.array(d)
  local ndim = d:int()
  local shape, size = {}, 1
  for i = 1, ndim do
    shape[i] = d:int()
    size = size * shape[i]
  end
  if size == 0 then return runtime.zeros(shape) end
  local values = {}
  for i = 1, size do values[i] = d:double() end
  local a = runtime.array(values)
  if ndim > 1 then a = a:reshape(shape):copy() end
  return a
end

function Decoder.value(d)
  d.nt = d.nt + 1
  local tag = d.tags:sub(d.nt, d.nt)
  if tag == "d" then return d:double()
  elseif tag == "i" then return d:int()
  elseif tag == "s" then
    local n = d:int()
    local s = d.s:sub(d.pos, d.pos + n - 1)
    d.pos = d.pos + n
    return s
  elseif tag == "t" then return true
  elseif tag == "f" then return false
  elseif tag == "n" then return nil
  elseif tag == "A" then return d:array()
  elseif tag == "R" then return d.list[d:int()]
  elseif tag == "L" or tag == "T" then
    local t = {}
    d.list[#d.list + 1] = t
    local n = d:int()
    if tag == "L" then
      for i = 1, n do t[i] = d:value() end
    else
      for _ = 1, n do
        local k = d:value()
        t[k] = d:value()
      end
    end
    return t
  end
  fail("value_codec.decode: a damaged byte string (tag %q at %d)", tag, d.nt)
end

--- The value of bytes made by encode.
function M.decode(s)
  if type(s) ~= "string" or #s < 32 then fail("value_codec.decode: a damaged byte string (too short)") end
  local counts = codec.unpack("I64", s, 1, 4)
  local nt, nf, ni, ns = counts[1], counts[2], counts[3], counts[4]
  local pos = 33
  if #s ~= 32 + nt + 8 * nf + 8 * ni + ns then
    fail("value_codec.decode: a damaged byte string (%d bytes for its counts)", #s)
  end
  local d = setmetatable({tags = s:sub(pos, pos + nt - 1), nt = 0}, Decoder)
  pos = pos + nt
  d.f64, d.nf = codec.unpack("F64", s, pos, nf), 0
  pos = pos + 8 * nf
  d.ints, d.ni = codec.unpack("I64", s, pos, ni), 0
  d.s, d.pos = s, pos + 8 * ni
  d.list = {}
  return d:value()
end

return M
