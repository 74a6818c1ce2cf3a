--- Tokenizer of the equation language (reference §4.1).
--
-- `tokenize(src, ctx)` returns a list of tokens `{t = "num"|"name"|"op"|"eof", v = text,
-- pos = first character, stop = last character}`; numbers carry `num` (the value, a float)
-- and `int` (written without '.' or exponent).
local errors = require("annarchy.compiler.errors")

local M = {}

local TWO = {
  ["**"] = true, ["<="] = true, [">="] = true, ["=="] = true, ["!="] = true,
  ["+="] = true, ["-="] = true, ["*="] = true, ["/="] = true,
}
local ONE = {
  ["+"] = true, ["-"] = true, ["*"] = true, ["/"] = true, ["^"] = true, ["("] = true,
  [")"] = true, [","] = true, ["<"] = true, [">"] = true, ["="] = true, [":"] = true,
  ["."] = true,
}

--- Tokenizes a source string.
-- @param src the text
-- @param ctx error context (its `source` is set to src when absent)
function M.tokenize(src, ctx)
  if not ctx or ctx.source == nil then ctx = errors.with(ctx, {source = src}) end
  local toks = {}
  local i, n = 1, #src
  while i <= n do
    local c = src:sub(i, i)
    if c:match("%s") then
      i = i + 1
    elseif c:match("%d") or (c == "." and src:sub(i + 1, i + 1):match("%d")) then
      local s = src:match("^%d*%.?%d*", i)
      local j = i + #s
      local e = src:match("^[eE][%+%-]?%d+", j)
      if e then j = j + #e end
      local text = src:sub(i, j - 1)
      local v = tonumber(text)
      if not v then errors.raise(ctx, i, "malformed number '" .. text .. "'") end
      if src:sub(j, j):match("[%a_]") then
        errors.raise(ctx, j, "malformed number '" .. src:match("^[%w_%.]+", i) .. "'")
      end
      toks[#toks + 1] = {t = "num", v = text, num = v + 0.0, pos = i, stop = j - 1,
        int = not text:find("[%.eE]")}
      i = j
    elseif c:match("[%a_]") then
      local s = src:match("^[%a_][%w_]*", i)
      toks[#toks + 1] = {t = "name", v = s, pos = i, stop = i + #s - 1}
      i = i + #s
    else
      local two = src:sub(i, i + 1)
      if TWO[two] then
        toks[#toks + 1] = {t = "op", v = two, pos = i, stop = i + 1}
        i = i + 2
      elseif ONE[c] then
        toks[#toks + 1] = {t = "op", v = c, pos = i, stop = i}
        i = i + 1
      else
        local hint = ""
        if c == "%" then hint = " (use modulo(a, b))"
        elseif c == "!" then hint = " (use 'not')"
        elseif c == "&" then hint = " (use 'and')"
        elseif c == "|" then hint = " (use 'or')"
        elseif c == "[" or c == "]" or c == "{" or c == "}" then hint = " (use parentheses)" end
        local shown = c
        if c:byte() < 32 or c:byte() > 126 then shown = string.format("\\%d", c:byte()) end
        errors.raise(ctx, i, "unexpected character '" .. shown .. "'" .. hint)
      end
    end
  end
  toks[#toks + 1] = {t = "eof", v = "<end>", pos = n + 1, stop = n + 1}
  return toks
end

return M
