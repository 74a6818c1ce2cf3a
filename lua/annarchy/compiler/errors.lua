--- Error messages for model text.
--
-- Every user error in a model is raised as a string
--
--     annarchy: <object> "<model name>", <where> <n>: <message>
--         <the statement>
--         <caret under the fault>
--
-- with `error(msg, 0)`. A context table describes where we are:
-- `{object = "neuron", model = "Leaky", where = "equation", index = 1, source = "..."}`;
-- `where`, `index` and `source` are optional. Positions are 1-based character offsets
-- into `source`.
local M = {}

local PREFIX = "annarchy: "

--- Formats a message for a context and a position.
-- @param ctx context table (may be nil)
-- @param pos 1-based position in ctx.source, or nil for no caret
-- @param msg the message
-- @return the formatted string
function M.format(ctx, pos, msg)
  ctx = ctx or {}
  local head = PREFIX
  if ctx.object then
    head = head .. ctx.object .. ' "' .. tostring(ctx.model or "?") .. '"'
    if ctx.where then
      head = head .. ", " .. ctx.where
      if ctx.index then head = head .. " " .. tostring(ctx.index) end
    end
    head = head .. ": "
  end
  local out = head .. msg
  if ctx.source and ctx.source ~= "" then
    local src = ctx.source:gsub("[\r\n\t]", " ")
    out = out .. "\n    " .. src
    if pos then
      if pos < 1 then pos = 1 end
      if pos > #src + 1 then pos = #src + 1 end
      out = out .. "\n    " .. string.rep(" ", pos - 1) .. "^"
    end
  end
  return out
end

--- Raises a formatted error (never returns).
function M.raise(ctx, pos, msg)
  error(M.format(ctx, pos, msg), 0)
end

--- True if `err` is an annarchy error message (as opposed to a Lua runtime error).
function M.is_annarchy(err)
  return type(err) == "string" and err:sub(1, #PREFIX) == PREFIX
end

--- A copy of ctx with some fields replaced.
function M.with(ctx, fields)
  local c = {}
  for k, v in pairs(ctx or {}) do c[k] = v end
  for k, v in pairs(fields or {}) do c[k] = v end
  return c
end

-- Levenshtein distance, small strings only.
local function distance(a, b)
  local la, lb = #a, #b
  if la == 0 then return lb end
  if lb == 0 then return la end
  local prev = {}
  for j = 0, lb do prev[j] = j end
  for i = 1, la do
    local cur = {[0] = i}
    local ca = a:sub(i, i)
    for j = 1, lb do
      local cost = (ca == b:sub(j, j)) and 0 or 1
      local v = prev[j] + 1
      if cur[j - 1] + 1 < v then v = cur[j - 1] + 1 end
      if prev[j - 1] + cost < v then v = prev[j - 1] + cost end
      cur[j] = v
    end
    prev = cur
  end
  return prev[lb]
end
M.distance = distance

--- The closest candidate to `name` by edit distance, or nil if none is close.
-- @param name the misspelt name
-- @param candidates a list (or set: name -> true) of names
function M.suggest(name, candidates)
  local list = {}
  if candidates[1] ~= nil then
    list = candidates
  else
    for k in pairs(candidates) do list[#list + 1] = k end
  end
  table.sort(list)
  local best, bestd = nil, math.huge
  local limit = 2
  if #name <= 4 then limit = 1 end
  if #name <= 2 then limit = 0 end
  for _, c in ipairs(list) do
    if type(c) == "string" and c ~= name then
      local d = distance(name:lower(), c:lower())
      if d == 0 then d = 0.5 end
      if d < bestd then best, bestd = c, d end
    end
  end
  if best and (bestd <= limit or bestd == 0.5) then return best end
  return nil
end

--- " (did you mean 'x'?)" or "".
function M.hint(name, candidates)
  local s = M.suggest(name, candidates)
  if s then return " (did you mean '" .. s .. "'?)" end
  return ""
end

return M
