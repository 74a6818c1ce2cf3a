--- Parser of the equation language: expressions, statements and function definitions.
--
-- Expression nodes (every node has `pos`, the 1-based position of its first character):
--
--   {op = "num", value = <float>, int = <bool>}      literal
--   {op = "bool", value = <bool>}                    True / False
--   {op = "name", name = "x", side = nil|"pre"|"post"}
--   {op = "call", name = "f", side = nil|"pre"|"post", args = {...}}
--   {op = "grad", name = "v"}                        dv/dt
--   {op = "neg", a = e}, {op = "not", a = e}
--   {op = "+"|"-"|"*"|"/"|"^"|"<"|"<="|">"|">="|"=="|"!="|"and"|"or", a = l, b = r, opos}
--   {op = "if", c = cond, a = then, b = else}         conditional (and ite())
--
-- Precedence, lowest first: conditional, or, and, not, comparisons (chained as in Python),
-- + -, * /, unary -, ^ / ** (right associative, binds tighter than a unary minus on its
-- left: -x^2 = -(x^2)).
local errors = require("annarchy.compiler.errors")
local lexer = require("annarchy.compiler.lexer")

-- Under LuaJIT the parser is never compiled to machine code (jit.off on this chunk and every
-- function in it): the JIT compiler of Debian 12's LuaJIT 2.1 (a 2022 snapshot) runs some of
-- its traces wrongly: one run in ten to twenty of the converter's tests saw a parse stop
-- advancing and reject the `1` of "vt = 1" (docs/luajit.md). The parser runs once per
-- equation, when a model is compiled: interpreted, it costs nothing that shows.
local luajit = rawget(_G, "jit")
if luajit then luajit.off(true, true) end

local M = {}

local KEYWORDS = {
  ["and"] = true, ["or"] = true, ["not"] = true, ["is"] = true, ["if"] = true,
  ["else"] = true, ["True"] = true, ["False"] = true, ["true"] = true, ["false"] = true,
}
M.KEYWORDS = KEYWORDS

local COMPARE = {["<"] = true, ["<="] = true, [">"] = true, [">="] = true, ["=="] = true,
  ["!="] = true}

local ASSIGN = {["="] = true, ["+="] = true, ["-="] = true, ["*="] = true, ["/="] = true}

local function describe(tok)
  if tok.t == "eof" then return "end of expression" end
  return "'" .. tok.v .. "'"
end

-- Checks that parentheses balance; raises with a caret at the first unmatched one.
local function check_parens(toks, ctx)
  local stack = {}
  for _, tk in ipairs(toks) do
    if tk.t == "op" and tk.v == "(" then
      stack[#stack + 1] = tk
    elseif tk.t == "op" and tk.v == ")" then
      if #stack == 0 then
        errors.raise(ctx, tk.pos, "the number of parentheses does not match (unexpected ')')")
      end
      stack[#stack] = nil
    end
  end
  if #stack > 0 then
    errors.raise(ctx, stack[#stack].pos,
      "the number of parentheses does not match (this '(' is not closed)")
  end
end

-- A parser over toks[first..last] followed by an end token.
local function new_parser(toks, first, last, ctx)
  local P = {ctx = ctx, toks = {}}
  for k = first, last do P.toks[#P.toks + 1] = toks[k] end
  local endpos = (toks[last + 1] and toks[last + 1].pos) or (toks[last] and toks[last].stop + 1) or 1
  P.toks[#P.toks + 1] = {t = "eof", v = "<end>", pos = endpos, stop = endpos}
  P.i = 1
  return P
end

local parse_cond, parse_or

local function peek(P, k) return P.toks[P.i + (k or 0)] or P.toks[#P.toks] end
local function advance(P)
  local t = P.toks[P.i]
  if P.i < #P.toks then P.i = P.i + 1 end
  return t
end
local function is_op(tok, v) return tok.t == "op" and tok.v == v end
local function is_kw(tok, v) return tok.t == "name" and tok.v == v end
local function fail(P, tok, msg) errors.raise(P.ctx, tok.pos, msg) end

local function expect_op(P, v, msg)
  local t = peek(P)
  if not is_op(t, v) then
    fail(P, t, msg or ("expected '" .. v .. "' but found " .. describe(t)))
  end
  return advance(P)
end

local function parse_primary(P)
  local t = peek(P)
  if t.t == "num" then
    advance(P)
    return {op = "num", value = t.num, int = t.int, pos = t.pos}
  elseif t.t == "name" then
    local v = t.v
    if v == "True" or v == "true" then
      advance(P); return {op = "bool", value = true, pos = t.pos}
    elseif v == "False" or v == "false" then
      advance(P); return {op = "bool", value = false, pos = t.pos}
    elseif v == "if" then
      fail(P, t, "a conditional must be the whole right-hand side (or be put in parentheses)")
    elseif KEYWORDS[v] then
      fail(P, t, "unexpected '" .. v .. "'")
    end
    advance(P)
    local side
    local name, npos = v, t.pos
    if (v == "pre" or v == "post") and is_op(peek(P), ".") then
      advance(P)
      local nt = peek(P)
      if nt.t ~= "name" or KEYWORDS[nt.v] then
        fail(P, nt, "expected an attribute name after '" .. v .. ".'")
      end
      advance(P)
      side, name = v, nt.v
    elseif v == "pre" or v == "post" then
      fail(P, peek(P), "expected '.' after '" .. v .. "' (as in " .. v .. ".r)")
    end
    -- dX/dt
    if not side and name:match("^d[%a_][%w_]*$") and name ~= "dt" and is_op(peek(P), "/")
        and is_kw(peek(P, 1), "dt") and not is_op(peek(P, 2), "(") then
      advance(P); advance(P)
      return {op = "grad", name = name:sub(2), pos = npos}
    end
    if is_op(peek(P), "(") then
      advance(P)
      local args = {}
      if not is_op(peek(P), ")") then
        while true do
          args[#args + 1] = parse_cond(P)
          if is_op(peek(P), ",") then
            advance(P)
          else
            break
          end
        end
      end
      expect_op(P, ")", "expected ',' or ')' in the arguments of " .. name .. "() but found "
        .. describe(peek(P)))
      return {op = "call", name = name, side = side, args = args, pos = side and t.pos or npos,
        npos = npos}
    end
    return {op = "name", name = name, side = side, pos = side and t.pos or npos, npos = npos}
  elseif is_op(t, "(") then
    advance(P)
    local e = parse_cond(P)
    expect_op(P, ")", "expected ')' but found " .. describe(peek(P)))
    return e
  end
  if t.t == "eof" then fail(P, t, "expected an expression") end
  fail(P, t, "unexpected " .. describe(t))
end

local parse_unary

local function parse_power(P)
  local base = parse_primary(P)
  local t = peek(P)
  if is_op(t, "^") or is_op(t, "**") then
    advance(P)
    local ex = parse_unary(P) -- right associative; allows x^-2
    return {op = "^", a = base, b = ex, pos = base.pos, opos = t.pos}
  end
  return base
end

parse_unary = function(P)
  local t = peek(P)
  if is_op(t, "-") then
    advance(P)
    local e = parse_unary(P)
    if e.op == "num" then return {op = "num", value = -e.value, int = e.int, pos = t.pos} end
    return {op = "neg", a = e, pos = t.pos}
  elseif is_op(t, "+") then
    advance(P)
    return parse_unary(P)
  end
  return parse_power(P)
end

local function parse_mul(P)
  local left = parse_unary(P)
  while true do
    local t = peek(P)
    if is_op(t, "*") or is_op(t, "/") then
      advance(P)
      local right = parse_unary(P)
      left = {op = t.v, a = left, b = right, pos = left.pos, opos = t.pos}
    else
      return left
    end
  end
end

local function parse_add(P)
  local left = parse_mul(P)
  while true do
    local t = peek(P)
    if is_op(t, "+") or is_op(t, "-") then
      advance(P)
      local right = parse_mul(P)
      left = {op = t.v, a = left, b = right, pos = left.pos, opos = t.pos}
    else
      return left
    end
  end
end

local function compare_op(P)
  local t = peek(P)
  if t.t == "op" and COMPARE[t.v] then
    advance(P)
    return t.v, t
  elseif is_kw(t, "is") then
    advance(P)
    if is_kw(peek(P), "not") then
      advance(P)
      return "!=", t
    end
    return "==", t
  end
  return nil
end

local function parse_compare(P)
  local left = parse_add(P)
  local op, t = compare_op(P)
  if not op then return left end
  local result
  while op do
    local right = parse_add(P)
    local cmp = {op = op, a = left, b = right, pos = left.pos, opos = t.pos}
    if result then
      result = {op = "and", a = result, b = cmp, pos = result.pos, opos = t.pos}
    else
      result = cmp
    end
    left = right
    op, t = compare_op(P)
  end
  return result
end

local function parse_not(P)
  local t = peek(P)
  if is_kw(t, "not") then
    advance(P)
    return {op = "not", a = parse_not(P), pos = t.pos}
  end
  return parse_compare(P)
end

local function parse_and(P)
  local left = parse_not(P)
  while is_kw(peek(P), "and") do
    local t = advance(P)
    left = {op = "and", a = left, b = parse_not(P), pos = left.pos, opos = t.pos}
  end
  return left
end

parse_or = function(P)
  local left = parse_and(P)
  while is_kw(peek(P), "or") do
    local t = advance(P)
    left = {op = "or", a = left, b = parse_and(P), pos = left.pos, opos = t.pos}
  end
  return left
end

parse_cond = function(P)
  local t = peek(P)
  if is_kw(t, "if") then
    advance(P)
    local c = parse_or(P)
    local colon = peek(P)
    if not is_op(colon, ":") then
      if is_kw(colon, "else") or colon.t == "eof" then
        fail(P, colon, "conditional statements must use both ':' and 'else'")
      end
      fail(P, colon, "expected ':' after the condition but found " .. describe(colon))
    end
    advance(P)
    if is_kw(peek(P), "else") or peek(P).t == "eof" then
      fail(P, peek(P), "conditional statements must define \"then\" and \"else\" values")
    end
    local a = parse_cond(P)
    local e = peek(P)
    if not is_kw(e, "else") then
      if e.t == "eof" then
        fail(P, t, "conditional statements must use both ':' and 'else' (this 'if' has no 'else')")
      end
      fail(P, e, "expected 'else' but found " .. describe(e))
    end
    advance(P)
    local colon2 = peek(P)
    if not is_op(colon2, ":") then
      fail(P, colon2, "conditional statements must use both ':' and 'else' (expected ':' after 'else')")
    end
    advance(P)
    if peek(P).t == "eof" then
      fail(P, peek(P), "conditional statements must define \"then\" and \"else\" values")
    end
    local b = parse_cond(P)
    return {op = "if", c = c, a = a, b = b, pos = t.pos}
  end
  return parse_or(P)
end

local function finish(P, e)
  local t = peek(P)
  if t.t ~= "eof" then
    if is_op(t, ":") then
      fail(P, t, "unexpected ':' (flags go after the last ':' of the statement; a conditional needs 'if')")
    end
    fail(P, t, "unexpected " .. describe(t))
  end
  return e
end

--- Parses a whole expression (a conditional is allowed at the top).
-- @param src text
-- @param ctx error context; `ctx.source` is the text shown in errors (defaults to src)
-- @param offset added to every position (when src is a part of ctx.source)
function M.expression(src, ctx, offset)
  ctx = ctx or {}
  if ctx.source == nil then ctx = errors.with(ctx, {source = src}) end
  local toks = lexer.tokenize(src, ctx)
  if offset and offset ~= 0 then
    for _, tk in ipairs(toks) do tk.pos = tk.pos + offset; tk.stop = tk.stop + offset end
  end
  check_parens(toks, ctx)
  local P = new_parser(toks, 1, #toks - 1, ctx)
  if peek(P).t == "eof" then fail(P, peek(P), "expected an expression") end
  return finish(P, parse_cond(P))
end

local function has_grad(toks, first, last)
  for k = first, last - 2 do
    local t = toks[k]
    if t.t == "name" and t.v:match("^d[%a_][%w_]*$") and t.v ~= "dt" and is_op(toks[k + 1], "/")
        and is_kw(toks[k + 2], "dt") then
      return true
    end
  end
  return false
end

local function count_grads(e)
  if type(e) ~= "table" then return 0 end
  local n = 0
  if e.op == "grad" then n = 1 end
  for _, k in ipairs({"a", "b", "c"}) do
    if e[k] then n = n + count_grads(e[k]) end
  end
  if e.args then for _, a in ipairs(e.args) do n = n + count_grads(a) end end
  return n
end
M.count_grads = count_grads

--- Parses a statement.
-- @return `{kind = "ode"|"assign"|"inc"|"cond", name, npos, op, lhs, rhs, expr}`:
--   ode: `lhs = rhs` with one gradient of `name` in lhs; assign/inc: `name op rhs`;
--   cond: `expr` (no assignment).
function M.statement(src, ctx)
  ctx = ctx or {}
  if ctx.source == nil then ctx = errors.with(ctx, {source = src}) end
  local toks = lexer.tokenize(src, ctx)
  check_parens(toks, ctx)
  local at
  for k, tk in ipairs(toks) do
    if tk.t == "op" and ASSIGN[tk.v] then
      if at then errors.raise(ctx, tk.pos, "only one assignment operator is allowed per equation") end
      at = k
    end
  end
  local n = #toks - 1
  if not at then
    local P = new_parser(toks, 1, n, ctx)
    if peek(P).t == "eof" then fail(P, peek(P), "expected an expression") end
    return {kind = "cond", expr = finish(P, parse_cond(P))}
  end
  local optok = toks[at]
  if at == 1 then
    errors.raise(ctx, optok.pos, "no variable name can be found on the left side of '" .. optok.v .. "'")
  end
  if at == n then
    errors.raise(ctx, optok.stop + 1, "missing right-hand side after '" .. optok.v .. "'")
  end
  local RP = new_parser(toks, at + 1, n, ctx)
  local rhs = finish(RP, parse_cond(RP))
  if at == 2 and toks[1].t == "name" then
    local name = toks[1].v
    if KEYWORDS[name] then
      errors.raise(ctx, toks[1].pos, "'" .. name .. "' can not be assigned")
    end
    return {kind = optok.v == "=" and "assign" or "inc", name = name, npos = toks[1].pos,
      op = optok.v, rhs = rhs, oppos = optok.pos}
  end
  if at == 4 and toks[1].t == "name" and (toks[1].v == "pre" or toks[1].v == "post") then
    errors.raise(ctx, toks[1].pos, "pre- and post-synaptic attributes can not be assigned here")
  end
  if not has_grad(toks, 1, at - 1) then
    errors.raise(ctx, toks[1].pos,
      "no variable name can be found on the left side (expected a name or a gradient dx/dt)")
  end
  local LP = new_parser(toks, 1, at - 1, ctx)
  local lhs = finish(LP, parse_cond(LP))
  local ng = count_grads(lhs)
  if ng ~= 1 then
    errors.raise(ctx, toks[1].pos, "only one gradient is allowed per equation")
  end
  local function find(e)
    if e.op == "grad" then return e end
    for _, k in ipairs({"a", "b", "c"}) do
      if e[k] then local g = find(e[k]); if g then return g end end
    end
    if e.args then for _, a in ipairs(e.args) do local g = find(a); if g then return g end end end
  end
  local g = find(lhs)
  if optok.v ~= "=" then
    errors.raise(ctx, optok.pos, "an ODE can not use '" .. optok.v .. "'")
  end
  return {kind = "ode", name = g.name, npos = g.pos + 1, op = "=", lhs = lhs, rhs = rhs,
    oppos = optok.pos}
end

--- Parses a function definition `name(a, b) = expression`.
-- @return `{name, npos, args = {names}, argpos = {positions}, body}`
function M.function_def(src, ctx)
  ctx = ctx or {}
  if ctx.source == nil then ctx = errors.with(ctx, {source = src}) end
  local toks = lexer.tokenize(src, ctx)
  check_parens(toks, ctx)
  local t1 = toks[1]
  if t1.t ~= "name" or KEYWORDS[t1.v] then
    errors.raise(ctx, t1.pos, "a function definition starts with its name: name(x, y) = expression")
  end
  if not is_op(toks[2], "(") then
    errors.raise(ctx, toks[2].pos, "expected '(' after the function name " .. t1.v)
  end
  local args, argpos = {}, {}
  local k = 3
  if not is_op(toks[k], ")") then
    while true do
      local a = toks[k]
      if a.t ~= "name" or KEYWORDS[a.v] then
        errors.raise(ctx, a.pos, "expected an argument name but found " .. describe(a))
      end
      for _, prev in ipairs(args) do
        if prev == a.v then errors.raise(ctx, a.pos, "argument '" .. a.v .. "' is repeated") end
      end
      args[#args + 1] = a.v
      argpos[#argpos + 1] = a.pos
      k = k + 1
      if is_op(toks[k], ",") then
        k = k + 1
      elseif is_op(toks[k], ")") then
        break
      else
        errors.raise(ctx, toks[k].pos, "expected ',' or ')' but found " .. describe(toks[k]))
      end
    end
  end
  k = k + 1
  if not is_op(toks[k], "=") then
    errors.raise(ctx, toks[k].pos, "expected '=' after the arguments of " .. t1.v .. "()")
  end
  if toks[k + 1].t == "eof" then
    errors.raise(ctx, toks[k + 1].pos, "missing function body after '='")
  end
  local P = new_parser(toks, k + 1, #toks - 1, ctx)
  local body = finish(P, parse_cond(P))
  return {name = t1.v, npos = t1.pos, args = args, argpos = argpos, body = body}
end

return M
