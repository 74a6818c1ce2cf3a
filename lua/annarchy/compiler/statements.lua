--- Statement splitting and flags (reference §3.1, §3.3).
--
-- `split(text, ctx)` turns a block of model text into a list of statements:
--
--     { text = "tau * dv/dt + v = I",   -- the equation part, trimmed
--       source = "tau * dv/dt + v = I : init = 0.0, min = 0.0",  -- shown in errors
--       flags = { {key = "init", value = "0.0", pos = 24, vpos = 31}, ... },
--       index = 1 }                     -- 1-based statement number
--
-- `;` is a newline, `#` starts a comment, empty lines are skipped; the text after the last
-- `:` of a line is a flag list when it starts with a flag keyword; a line without an
-- assignment operator continues the previous statement (multi-line conditionals).
local errors = require("annarchy.compiler.errors")

local M = {}

--- Every word that may start a flag list.
M.KEYWORDS = {
  init = true, min = true, max = true,
  population = true, projection = true, postsynaptic = true,
  explicit = true, implicit = true, semiimplicit = true, exponential = true,
  midpoint = true, rk4 = true, ["runge-kutta4"] = true, ["event-driven"] = true,
  exact = true, method = true,
  int = true, bool = true, float = true,
  unless_post = true, unless_refractory = true,
  proba = true, w = true, d = true,
  any = true, all = true,
}

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end
M.trim = trim

--- The assignment operators of an equation part, as a list of `{op, pos}`
-- (`==`, `<=`, `>=`, `!=` are not assignments).
function M.assignments(s)
  local found = {}
  local i, n = 1, #s
  while i <= n do
    local c = s:sub(i, i)
    local nx = s:sub(i + 1, i + 1)
    if c == "=" and nx == "=" then
      i = i + 2
    elseif (c == "<" or c == ">" or c == "!") and nx == "=" then
      i = i + 2
    elseif c == "=" then
      local p = s:sub(i - 1, i - 1)
      if i > 1 and (p == "+" or p == "-" or p == "*" or p == "/") then
        found[#found + 1] = {op = p .. "=", pos = i - 1}
      else
        found[#found + 1] = {op = "=", pos = i}
      end
      i = i + 1
    else
      i = i + 1
    end
  end
  return found
end

-- Splits a flag list on top-level commas; returns items {text, offset} (offset 0-based
-- into s of the item's first non-blank character).
local function split_commas(s)
  local items, depth, start = {}, 0, 1
  local function push(stop)
    local raw = s:sub(start, stop)
    local lead = raw:match("^%s*")
    items[#items + 1] = {text = trim(raw), offset = start - 1 + #lead}
  end
  for i = 1, #s do
    local c = s:sub(i, i)
    if c == "(" then
      depth = depth + 1
    elseif c == ")" then
      depth = depth - 1
    elseif c == "," and depth <= 0 then
      push(i - 1)
      start = i + 1
    end
  end
  push(#s)
  return items
end

-- Position of the last ':' outside parentheses, or nil.
local function last_colon(line)
  local depth, pos = 0, nil
  for i = 1, #line do
    local c = line:sub(i, i)
    if c == "(" then depth = depth + 1
    elseif c == ")" then depth = depth - 1
    elseif c == ":" and depth <= 0 then pos = i end
  end
  return pos
end

local function has_word(s, w)
  return (" " .. s .. " "):find("[^%w_]" .. w .. "[^%w_]") ~= nil
end

-- Splits one line into equation part and flag text (or nil).
local function split_flags(line)
  local c = last_colon(line)
  if not c then return line, nil end
  local after = line:sub(c + 1)
  local word = after:match("^%s*([%a_][%w_%-]*)")
  if word then
    local rest = after:match("^%s*[%a_][%w_%-]*%s*(.?)")
    if M.KEYWORDS[word] and (rest == "" or rest == "=" or rest == ",") then
      return line:sub(1, c - 1), after
    end
  end
  -- Not a flag keyword: the ':' belongs to a conditional when there is one; otherwise the
  -- user most likely misspelt a flag, which the flag check reports with a suggestion.
  local before = line:sub(1, c - 1)
  if not has_word(line, "if") and not has_word(line, "else") and trim(after) ~= "" and
      not before:match("^%s*$") then
    return before, after
  end
  return line, nil
end

--- Splits a flag list text into items `{key, value, text, offset}`.
function M.parse_flags(text)
  local out = {}
  for _, item in ipairs(split_commas(text)) do
    local key, eq, value = item.text:match("^([^=]-)%s*(=)%s*(.*)$")
    if eq then
      out[#out + 1] = {key = trim(key), value = value, text = item.text, offset = item.offset}
    else
      out[#out + 1] = {key = item.text, text = item.text, offset = item.offset}
    end
  end
  return out
end

local function finalize(st)
  st.text = trim(st.text)
  local parts = {}
  local base = #st.text + 3
  for _, f in ipairs(st.raw_flags) do
    for _, item in ipairs(M.parse_flags(f)) do
      if item.text ~= "" or true then
        local before = table.concat(parts, ", ")
        local off = base + #before + (#parts > 0 and 2 or 0)
        item.pos = off + 1
        local vstart = item.value and item.text:find("=", 1, true)
        if vstart then
          local lead = item.text:sub(vstart + 1):match("^%s*")
          item.vpos = item.pos + vstart + #lead
        end
        parts[#parts + 1] = item.text
        st.flags[#st.flags + 1] = item
      end
    end
  end
  if #parts > 0 then
    st.source = st.text .. " : " .. table.concat(parts, ", ")
  else
    st.source = st.text
  end
  st.raw_flags = nil
  return st
end

--- Splits a block of text into statements.
-- @param text the model text (string)
-- @param ctx error context (object, model, where)
-- @param opts `{single = true}`: every non-empty line is a new statement (no continuation);
--   `{first_index = n}`: number statements from n
-- @return list of statements
function M.split(text, ctx, opts)
  opts = opts or {}
  local out = {}
  local cur
  local index = (opts.first_index or 1) - 1
  text = tostring(text):gsub(";", "\n")
  for rawline in (text .. "\n"):gmatch("([^\n]*)\n") do
    local line = rawline:gsub("#.*$", "")
    line = line:gsub("\r", "")
    if not line:match("^%s*$") then
      local eq, flags = split_flags(line)
      local ops = M.assignments(eq)
      if #ops > 1 then
        local src = trim(line)
        local lead = #(line:match("^%s*"))
        errors.raise(errors.with(ctx, {index = index + 1, source = src}), ops[2].pos - lead,
          "only one assignment operator is allowed per equation")
      end
      if #ops == 1 or cur == nil or opts.single then
        if cur then out[#out + 1] = finalize(cur) end
        index = index + 1
        cur = {text = eq, raw_flags = {}, flags = {}, index = index}
      else
        cur.text = trim(cur.text) .. " " .. trim(eq)
      end
      if flags then cur.raw_flags[#cur.raw_flags + 1] = flags end
    end
  end
  if cur then out[#out + 1] = finalize(cur) end
  return out
end

return M
