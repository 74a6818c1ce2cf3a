--- The named-argument convention of API.md: leading positional arguments followed by an
-- optional table of named options, or one single table holding every argument by name.
-- A *plain* table has no metatable; a plain table with only string keys is an options
-- table, a list is a positional value, a table mixing both is an error; an unknown option
-- name is an error.
local M = {}

local function is_plain(t)
  return type(t) == "table" and getmetatable(t) == nil
end
M.is_plain = is_plain

--- Classifies a plain table: "options" (string keys only, or empty), "list" or "mixed".
function M.table_kind(t)
  local n, strings, others = #t, 0, 0
  for k in pairs(t) do
    if type(k) == "string" then
      strings = strings + 1
    elseif type(k) ~= "number" or k < 1 or k > n or k ~= math.floor(k) then
      others = others + 1
    end
  end
  if strings == 0 and others == 0 and n == 0 then return "options" end
  if strings > 0 and (n > 0 or others > 0) then return "mixed" end
  if strings > 0 then return "options" end
  if others > 0 then return "mixed" end
  return "list"
end

--- Names for a message: "'a', 'b', 'c'".
local function names_list(names)
  local out = {}
  for i = 1, #names do out[i] = "'" .. names[i] .. "'" end
  return table.concat(out, ", ")
end
M.names_list = names_list

--- Parses the arguments of a call.
-- @param fname the function's name for messages ("Network:create")
-- @param names every argument name in positional order
-- @param n select('#', ...) of the call
-- @param ... the call's arguments (without self)
-- @return a table name -> value
function M.parse(fname, names, n, ...)
  local args = {...}
  local known = {}
  for i = 1, #names do known[names[i]] = i end
  local out = {}
  local last = args[n]
  local options
  if n >= 1 and is_plain(last) then
    local kind = M.table_kind(last)
    if kind == "mixed" then
      error(("annarchy: %s: a table argument mixes list items and named options"):format(fname), 3)
    end
    if kind == "options" then
      options = last
      n = n - 1
    end
  end
  if n > #names then
    error(("annarchy: %s: too many arguments (%d, at most %d)"):format(fname, n, #names), 3)
  end
  for i = 1, n do out[names[i]] = args[i] end
  if options then
    for k, v in pairs(options) do
      if not known[k] then
        error(("annarchy: %s: unknown option '%s' (expected one of %s)"):format(
          fname, tostring(k), names_list(names)), 3)
      end
      if known[k] <= n and args[known[k]] ~= nil then
        error(("annarchy: %s: '%s' given both by position and by name"):format(fname, k), 3)
      end
      out[k] = v
    end
  end
  return out
end

return M
