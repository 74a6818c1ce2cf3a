--- A small JSON writer and reader (RFC 8259), for the state files' headers and for
-- save_parameters/load_parameters. Numbers are written exactly (the shortest of %.15g, %.16g
-- and %.17g that reads back the same double); NaN and the infinities are written as Python's
-- json module writes them (NaN, Infinity, -Infinity) and read back, so that files written by
-- either side load in the other. Everything else is strict: a fault is reported with its line
-- and column. (Debian's lua-cjson 2.1 would change the files: it writes at most 14
-- significant digits and keys in table order, reads every number as a float, accepts 01,
-- duplicate keys and hexadecimal numbers, and reports faults by byte offset.)
local M = {}

--- Marks a table as a JSON array (an empty table is otherwise written as an object).
local ARRAY = {}
function M.array(t)
  return setmetatable(t or {}, ARRAY)
end

--- The value read for JSON null (a unique table, so that it survives in Lua tables).
M.null = setmetatable({}, {__tostring = function() return "null" end})

-- ---- writing ----------------------------------------------------------------------------------

local ESCAPES = {['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n",
                 ["\r"] = "\\r", ["\t"] = "\\t"}

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return ESCAPES[c] or ("\\u%04x"):format(c:byte())
  end) .. '"'
end
M.quote = quote

--- The shortest decimal text that reads back as exactly x.
local function number_text(x)
  if x ~= x then return "NaN" end
  if x == math.huge then return "Infinity" end
  if x == -math.huge then return "-Infinity" end
  if x == math.floor(x) and x > -2 ^ 53 and x < 2 ^ 53 then
    return ("%d"):format(x)
  end
  for _, f in ipairs{"%.15g", "%.16g"} do
    local s = f:format(x)
    if tonumber(s) == x then return s end
  end
  return ("%.17g"):format(x)
end
M.number_text = number_text

local function is_list(t)
  if getmetatable(t) == ARRAY then return true end
  local n = #t
  if n == 0 then return false end
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

local function encode(v, out, indent, level, seen)
  local tv = type(v)
  if v == nil or v == M.null then
    out[#out + 1] = "null"
  elseif tv == "boolean" then
    out[#out + 1] = v and "true" or "false"
  elseif tv == "number" then
    out[#out + 1] = number_text(v)
  elseif tv == "string" then
    out[#out + 1] = quote(v)
  elseif tv == "table" then
    if seen[v] then error("json: a table refers to itself", 0) end
    seen[v] = true
    local nl, pad, pad_in = "", "", ""
    if indent then
      nl = "\n"
      pad = (" "):rep(indent * level)
      pad_in = (" "):rep(indent * (level + 1))
    end
    if is_list(v) then
      if #v == 0 then
        out[#out + 1] = "[]"
      else
        out[#out + 1] = "[" .. nl
        for i = 1, #v do
          out[#out + 1] = pad_in
          encode(v[i], out, indent, level + 1, seen)
          if i < #v then out[#out + 1] = "," end
          out[#out + 1] = nl
        end
        out[#out + 1] = pad .. "]"
      end
    else
      local keys = {}
      for k in pairs(v) do
        if type(k) ~= "string" then
          error(("json: object keys must be strings, got %s %s"):format(type(k), tostring(k)), 0)
        end
        keys[#keys + 1] = k
      end
      table.sort(keys)
      if #keys == 0 then
        out[#out + 1] = "{}"
      else
        out[#out + 1] = "{" .. nl
        for i, k in ipairs(keys) do
          out[#out + 1] = pad_in .. quote(k) .. (indent and ": " or ":")
          encode(v[k], out, indent, level + 1, seen)
          if i < #keys then out[#out + 1] = "," end
          out[#out + 1] = nl
        end
        out[#out + 1] = pad .. "}"
      end
    end
    seen[v] = nil
  else
    error(("json: cannot write a %s"):format(tv), 0)
  end
end

--- JSON text of a value. opts.indent: spaces per level (nil: compact). Object keys are
-- written in sorted order, so the same value always gives the same text.
function M.encode(v, opts)
  local out = {}
  encode(v, out, opts and opts.indent, 0, {})
  return table.concat(out)
end

-- ---- reading ----------------------------------------------------------------------------------

local function position(s, i)
  local line, col = 1, 1
  for k = 1, math.min(i - 1, #s) do
    if s:byte(k) == 10 then line, col = line + 1, 1 else col = col + 1 end
  end
  return line, col
end

local function fault(s, i, what)
  local line, col = position(s, i)
  error(("json: line %d, column %d: %s"):format(line, col, what), 0)
end

local function skip(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local function utf8_char(c)
  if c < 0x80 then return string.char(c) end
  if c < 0x800 then
    return string.char(0xC0 + math.floor(c / 64), 0x80 + c % 64)
  end
  if c < 0x10000 then
    return string.char(0xE0 + math.floor(c / 4096), 0x80 + math.floor(c / 64) % 64, 0x80 + c % 64)
  end
  return string.char(0xF0 + math.floor(c / 262144), 0x80 + math.floor(c / 4096) % 64,
    0x80 + math.floor(c / 64) % 64, 0x80 + c % 64)
end

M.utf8_char = utf8_char   -- a code point's UTF-8 bytes

local UNESCAPE = {['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r",
                  t = "\t"}

local function read_string(s, i)
  -- s:sub(i, i) == '"'
  local parts = {}
  local j = i + 1
  while true do
    local k = s:find('["\\%c]', j)
    if not k then fault(s, i, "unterminated string") end
    parts[#parts + 1] = s:sub(j, k - 1)
    local c = s:sub(k, k)
    if c == '"' then return table.concat(parts), k + 1 end
    if c ~= "\\" then fault(s, k, "control character inside a string") end
    local e = s:sub(k + 1, k + 1)
    if UNESCAPE[e] then
      parts[#parts + 1] = UNESCAPE[e]
      j = k + 2
    elseif e == "u" then
      local hex = s:match("^%x%x%x%x", k + 2)
      if not hex then fault(s, k, "bad \\u escape") end
      local code = tonumber(hex, 16)
      j = k + 6
      if code >= 0xD800 and code <= 0xDBFF then
        local low = s:match("^\\u(%x%x%x%x)", j)
        local lc = low and tonumber(low, 16)
        if not lc or lc < 0xDC00 or lc > 0xDFFF then fault(s, k, "lone UTF-16 surrogate") end
        code = 0x10000 + (code - 0xD800) * 1024 + (lc - 0xDC00)
        j = j + 6
      elseif code >= 0xDC00 and code <= 0xDFFF then
        fault(s, k, "lone UTF-16 surrogate")
      end
      parts[#parts + 1] = utf8_char(code)
    else
      fault(s, k, "bad escape \\" .. e)
    end
  end
end

local read_value

local function read_number(s, i)
  local text = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
  if not text or not text:match("^-?0[%.eE]") and text:match("^-?0%d") then
    fault(s, i, "bad number")
  end
  -- the strict grammar: int [frac] [exp]
  if not (text:match("^-?%d+$") or text:match("^-?%d+%.%d+$") or text:match("^-?%d+[eE][-+]?%d+$")
      or text:match("^-?%d+%.%d+[eE][-+]?%d+$")) then
    fault(s, i, "bad number " .. text)
  end
  local v = tonumber(text)
  if math.tointeger and text:match("^-?%d+$") then v = math.tointeger(v) or v end
  return v, i + #text
end

local LITERALS = {["true"] = true, ["false"] = false, null = M.null, NaN = 0 / 0,
                  Infinity = math.huge, ["-Infinity"] = -math.huge}

read_value = function(s, i, depth)
  if depth > 200 then fault(s, i, "nested too deeply") end
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    local obj = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "}" then return obj, i + 1 end
    while true do
      if s:sub(i, i) ~= '"' then fault(s, i, "expected a string key") end
      local key
      key, i = read_string(s, i)
      i = skip(s, i)
      if s:sub(i, i) ~= ":" then fault(s, i, "expected ':'") end
      if obj[key] ~= nil then fault(s, i, ("duplicate key %q"):format(key)) end
      obj[key], i = read_value(s, i + 1, depth + 1)
      i = skip(s, i)
      c = s:sub(i, i)
      if c == "}" then return obj, i + 1 end
      if c ~= "," then fault(s, i, "expected ',' or '}'") end
      i = skip(s, i + 1)
    end
  elseif c == "[" then
    local arr = M.array({})
    i = skip(s, i + 1)
    if s:sub(i, i) == "]" then return arr, i + 1 end
    while true do
      arr[#arr + 1], i = read_value(s, i, depth + 1)
      i = skip(s, i)
      c = s:sub(i, i)
      if c == "]" then return arr, i + 1 end
      if c ~= "," then fault(s, i, "expected ',' or ']'") end
      i = i + 1
    end
  elseif c == '"' then
    return read_string(s, i)
  elseif c == "" then
    fault(s, i, "unexpected end of text")
  end
  for word, v in pairs(LITERALS) do
    if s:sub(i, i + #word - 1) == word then return v, i + #word end
  end
  if c:match("[-%d]") then return read_number(s, i) end
  fault(s, i, ("unexpected character %q"):format(c))
end

--- The value of a JSON text; errors name the line and column of the fault. Arrays come back
-- marked with json.array (so that they are written back as arrays), null as json.null.
function M.decode(s)
  if type(s) ~= "string" then error("json: decode takes a string", 0) end
  local v, i = read_value(s, 1, 0)
  i = skip(s, i)
  if i <= #s then fault(s, i, "text after the value") end
  return v
end

return M
