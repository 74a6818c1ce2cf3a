--- Little-endian numbers of state files: string.pack where the Lua has it (5.3+), otherwise
-- plain arithmetic (LuaJIT has no string.pack and the front end must not use bitwise
-- operators). Both give the same bytes.
local M = {}


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

M.SIZES = SIZES

--- Packs n values of a dtype ("F64", "I64", "I32") into a string.
function M.pack(dtype, values, n) return codec.pack(dtype, values, n) end

--- Unpacks n values of a dtype from s, starting at the byte pos (1-based).
function M.unpack(dtype, s, pos, n) return codec.unpack(dtype, s, pos, n) end

return M
