--- What the REPL of annlua asks Lua for (docs/cli.md): how to print results (plain tables show
-- their contents, truncated), the completions of a word (readline's Tab), and the global
-- `help`. src/host/repl.c calls M.setup() once, then M.print(...) and M.complete(word).
local help = require("annarchy.help")

local M = {}

local MAX_ITEMS = 20     -- items shown per table
local MAX_DEPTH = 2      -- nested tables shown inside a table
local MAX_CHARS = 400    -- characters of one printed table

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta == "number" end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

local show

--- A plain table as Lua source: `{1, 2, 3}`, `{a = 1, b = {...}}`, with `...` after MAX_ITEMS.
local function show_table(t, depth, seen)
  if seen[t] then return "{<cycle>}" end
  if depth > MAX_DEPTH then return "{...}" end
  seen[t] = true
  local parts, n = {}, #t
  for i = 1, math.min(n, MAX_ITEMS) do parts[#parts + 1] = show(t[i], depth + 1, seen) end
  local keys = {}
  for k in pairs(t) do
    if not (type(k) == "number" and k >= 1 and k <= n and k == math.floor(k)) then keys[#keys + 1] = k end
  end
  table.sort(keys, key_order)
  for _, k in ipairs(keys) do
    if #parts >= MAX_ITEMS then break end
    local name = is_identifier(k) and k or ("[" .. show(k, MAX_DEPTH + 1, seen) .. "]")
    parts[#parts + 1] = name .. " = " .. show(t[k], depth + 1, seen)
  end
  if n + #keys > #parts then parts[#parts + 1] = ("... (%d items)"):format(n + #keys) end
  seen[t] = nil
  return "{" .. table.concat(parts, ", ") .. "}"
end

--- One value as the REPL shows it: plain tables by their contents, strings quoted inside tables.
function show(v, depth, seen)
  if type(v) == "table" and getmetatable(v) == nil then
    local s = show_table(v, depth or 0, seen or {})
    if #s > MAX_CHARS then s = s:sub(1, MAX_CHARS - 5) .. " ...}" end
    return s
  end
  if type(v) == "string" and depth and depth > 0 then return ("%q"):format(v) end
  return tostring(v)
end
M.show = show

--- Prints the results of a line, tab-separated, as `print` does but with tables shown.
function M.print(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = show((select(i, ...))) end
  io.stdout:write(table.concat(parts, "\t"), "\n")
end

--- The names reachable from a value: its own keys (but "_"), those of an `__index` table, and
-- the members documented for its class.
local function names_of(v, colon)
  local out, seen = {}, {}
  local function add(name, value)
    if is_identifier(name) and name ~= "_" and not seen[name] and (not colon or type(value) == "function"
        or value == true) then
      seen[name] = true
      out[#out + 1] = name
    end
  end
  if type(v) == "table" then
    for k, x in pairs(v) do add(k, x) end
  end
  local mt = getmetatable(v)
  local index = type(mt) == "table" and rawget(mt, "__index")
  if type(index) == "table" then
    for k, x in pairs(index) do add(k, x) end
  end
  if v == package.loaded.annarchy then
    for _, name in ipairs(help.module_names()) do add(name, true) end
  end
  local class = help.class_of(v)
  if class == "Population" then
    local ok, attributes = pcall(function() return v.attributes end)
    if ok and type(attributes) == "table" then
      for _, name in ipairs(attributes) do add(name, true) end
    end
  end
  if class then
    for _, m in ipairs(help.members(class)) do
      local name, call = m:match("^([%w_]+)(%(?%)?)$")
      if call ~= "" or not colon then add(name, true) end
    end
  end
  table.sort(out)
  return out
end

--- Resolves a dotted path `a.b.c` from the globals without calling anything but __index;
-- nil when a step fails.
local function resolve(path)
  local v = _G
  for name in path:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    local ok, x = pcall(function() return v[name] end)
    if not ok or x == nil then return nil end
    v = x
  end
  return v
end

--- The completions of `word`: `ann.Ne` -> {"ann.Network", "ann.Neuron"}, `net:sim` ->
-- {"net:simulate", "net:simulate_until"}, `pri` -> {"print"}.
function M.complete(word)
  local base, sep, prefix = word:match("^([%a_][%w_.]*)([.:])([%w_]*)$")
  local names
  if base then
    if base:find("%.%.") or base:sub(-1) == "." then return {} end
    local v = resolve(base)
    if v == nil then return {} end
    names = names_of(v, sep == ":")
  else
    prefix = word:match("^[%a_][%w_]*$") or (word == "" and "")
    if not prefix then return {} end
    base, sep = "", ""
    names = names_of(_G, false)
  end
  local out = {}
  for _, name in ipairs(names) do
    if name:sub(1, #prefix) == prefix then out[#out + 1] = base .. sep .. name end
  end
  return out
end

--- Defines the global `help` (unless the user has one).
function M.setup()
  if rawget(_G, "help") == nil then rawset(_G, "help", require("annarchy").help) end
end

return M
