--- Equations as LaTeX for ann.report: the parser's expression trees (annarchy.compiler.parser)
-- printed with `\frac{dv}{dt}`, `\frac{a}{b}`, Greek letters, subscripts from underscores,
-- `cases` for conditionals. Pure string building: the reference uses SymPy's printer, this
-- one keeps the user's order of terms (no simplification).
local parser = require("annarchy.compiler.parser")
local statements = require("annarchy.compiler.statements")

local M = {}

local GREEK = {}
for _, g in ipairs{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
                   "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon",
                   "phi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi",
                   "Sigma", "Upsilon", "Phi", "Psi", "Omega"} do
  GREEK[g] = "\\" .. g
end

--- Text for LaTeX text mode (tables, \text{...}).
function M.escape(s)
  s = tostring(s)
  return (s:gsub("[\\{}_%%&#%$~%^]", function(c)
    if c == "\\" then return "\\textbackslash{}" end
    if c == "~" then return "\\textasciitilde{}" end
    if c == "^" then return "\\textasciicircum{}" end
    return "\\" .. c
  end))
end

local function word(s)
  if GREEK[s] then return GREEK[s] end
  if #s == 1 then return s end
  return "\\text{" .. M.escape(s) .. "}"
end

--- An identifier: Greek letters by name, the part after the first underscore as a subscript
-- (`tau_plus` -> `\tau_{\text{plus}}`), several letters upright.
function M.name(s, side)
  local base, rest = s:match("^([^_]+)_(.+)$")
  local out
  if base then
    out = word(base) .. "_{" .. word(rest) .. "}"
  else
    out = word(s)
  end
  if side then out = "{" .. out .. "}^{\\text{" .. side .. "}}" end
  return out
end

--- A number as written by a person: integers without a fraction, powers of ten as such.
function M.number(v, is_int)
  if v ~= v then return "\\text{NaN}" end
  if v == math.huge then return "\\infty" end
  if v == -math.huge then return "-\\infty" end
  if is_int or (v == math.floor(v) and math.abs(v) < 1e15) then
    if is_int then return string.format("%d", v) end
    return string.format("%.1f", v)
  end
  local s = string.format("%.15g", v)
  local mant, ex = s:match("^(.-)e([-+]%d+)$")
  if mant then
    return mant .. " \\cdot 10^{" .. tostring(tonumber(ex)) .. "}"
  end
  return s
end

local PREC = {["if"] = 0, ["or"] = 1, ["and"] = 2, ["not"] = 3,
  ["<"] = 4, ["<="] = 4, [">"] = 4, [">="] = 4, ["=="] = 4, ["!="] = 4,
  ["+"] = 5, ["-"] = 5, ["*"] = 6, neg = 7, ["^"] = 8}

local CMP = {["<"] = "<", ["<="] = "\\leq", [">"] = ">", [">="] = "\\geq", ["=="] = "=", ["!="] = "\\neq"}

local FUNCS = {sin = "\\sin", cos = "\\cos", tan = "\\tan", sinh = "\\sinh", cosh = "\\cosh",
  tanh = "\\tanh", arcsin = "\\arcsin", arccos = "\\arccos", arctan = "\\arctan", asin = "\\arcsin",
  acos = "\\arccos", atan = "\\arctan", log = "\\log", ln = "\\ln", exp = "\\exp",
  min = "\\min", max = "\\max"}
local DISTS = {Normal = "\\mathcal{N}", Uniform = "\\mathcal{U}"}

local function prec(e)
  if e.op == "/" then return 9 end          -- \frac is self-delimited
  if e.op == "num" and e.value < 0 then return 7 end
  return PREC[e.op] or 9
end

local expr

local function paren(s) return "\\left(" .. s .. "\\right)" end

local function wrap(e, min)
  local s = expr(e)
  if prec(e) < min then return paren(s) end
  return s
end

local function args_of(e)
  local t = {}
  for i, a in ipairs(e.args) do t[i] = expr(a) end
  return table.concat(t, ", ")
end

local function call(e)
  local n, a = e.name, e.args
  local side = e.side
  if side then return M.name(n, side) .. paren(args_of(e)) end
  if n == "exp" and #a == 1 then return "e^{" .. expr(a[1]) .. "}" end
  if n == "sqrt" and #a == 1 then return "\\sqrt{" .. expr(a[1]) .. "}" end
  if (n == "fabs" or n == "abs") and #a == 1 then return "\\left|" .. expr(a[1]) .. "\\right|" end
  if n == "power" and #a == 2 then
    local base = expr(a[1])
    if prec(a[1]) < 9 or a[1].op == "/" then base = paren(base) end
    return "{" .. base .. "}^{" .. expr(a[2]) .. "}"
  end
  if n == "pos" and #a == 1 then return paren(expr(a[1])) .. "^{+}" end
  if n == "neg" and #a == 1 then return paren(expr(a[1])) .. "^{-}" end
  if n == "sum" then
    local target = a[1] and a[1].op == "name" and a[1].name or ""
    return "\\text{sum}" .. paren("\\text{" .. M.escape(target) .. "}")
  end
  if n == "ite" and #a == 3 then
    return expr({op = "if", c = a[1], a = a[2], b = a[3]})
  end
  local head = FUNCS[n] or DISTS[n] or ("\\text{" .. M.escape(n) .. "}")
  return head .. paren(args_of(e))
end

expr = function(e)
  local op = e.op
  if op == "num" then return M.number(e.value, e.int) end
  if op == "bool" then return e.value and "\\text{True}" or "\\text{False}" end
  if op == "name" then return M.name(e.name, e.side) end
  if op == "grad" then return "\\frac{d" .. (#e.name > 1 and " " or "") .. M.name(e.name) .. "}{dt}" end
  if op == "call" then return call(e) end
  if op == "neg" then return "-" .. wrap(e.a, 6) end
  if op == "not" then return "\\neg " .. wrap(e.a, 5) end
  if op == "/" then return "\\frac{" .. expr(e.a) .. "}{" .. expr(e.b) .. "}" end
  if op == "^" then
    local base = expr(e.a)
    if prec(e.a) < 9 or e.a.op == "/" or e.a.op == "^" then base = paren(base) end
    return "{" .. base .. "}^{" .. expr(e.b) .. "}"
  end
  if op == "*" then return wrap(e.a, 6) .. " \\cdot " .. wrap(e.b, 6) end
  if op == "+" then return wrap(e.a, 5) .. " + " .. wrap(e.b, 6) end
  if op == "-" then return wrap(e.a, 5) .. " - " .. wrap(e.b, 6) end
  if CMP[op] then return wrap(e.a, 5) .. " " .. CMP[op] .. " " .. wrap(e.b, 5) end
  if op == "and" then return wrap(e.a, 3) .. " \\wedge " .. wrap(e.b, 3) end
  if op == "or" then return wrap(e.a, 2) .. " \\vee " .. wrap(e.b, 2) end
  if op == "if" then
    return "\\begin{cases} " .. expr(e.a) .. " & \\text{if } " .. expr(e.c) .. " \\\\ " ..
      expr(e.b) .. " & \\text{otherwise} \\end{cases}"
  end
  error("report: cannot print the operator " .. tostring(op))
end

--- An expression tree as LaTeX.
M.expression = expr

local ASSIGN = {["="] = "=", ["+="] = "\\mathrel{+}=", ["-="] = "\\mathrel{-}=",
  ["*="] = "\\mathrel{*}=", ["/="] = "\\mathrel{/}="}

--- The text of one statement without its flags: "dv/dt = -v : init = 0" -> "dv/dt = -v".
function M.strip_flags(source)
  local ok, sts = pcall(statements.split, source, {object = "report"})
  if ok and sts[1] then return sts[1].text, sts[1].flags end
  return source, {}
end

--- One statement (equation, reset, pre/post-spike, condition) as LaTeX; its text is
-- returned as is (escaped, in \text) if it does not parse.
function M.statement(source)
  local text = M.strip_flags(source)
  local ok, st = pcall(parser.statement, text, {object = "report"})
  if not ok then return "\\text{" .. M.escape(text) .. "}" end
  local ok2, out = pcall(function()
    if st.kind == "ode" then return expr(st.lhs) .. " = " .. expr(st.rhs) end
    if st.kind == "cond" then return expr(st.expr) end
    return M.name(st.name) .. " " .. ASSIGN[st.op] .. " " .. expr(st.rhs)
  end)
  if ok2 then return out end
  return "\\text{" .. M.escape(text) .. "}"
end

--- A condition or any expression text as LaTeX.
function M.condition(text)
  local ok, e = pcall(parser.expression, M.strip_flags(text), {object = "report"})
  if not ok then return "\\text{" .. M.escape(text) .. "}" end
  local ok2, out = pcall(expr, e)
  if ok2 then return out end
  return "\\text{" .. M.escape(text) .. "}"
end

--- A function definition "f(x, y) = body" as LaTeX.
function M.function_def(source)
  local text = M.strip_flags(source)
  local ok, def = pcall(parser.function_def, text, {object = "report"})
  if not ok then return "\\text{" .. M.escape(text) .. "}" end
  local names = {}
  for i, a in ipairs(def.args) do names[i] = M.name(a) end
  local ok2, body = pcall(expr, def.body)
  if not ok2 then return "\\text{" .. M.escape(text) .. "}" end
  return M.name(def.name) .. paren(table.concat(names, ", ")) .. " = " .. body
end

return M
