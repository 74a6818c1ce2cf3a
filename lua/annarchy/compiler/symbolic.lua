--- The symbolic layer: what the reference uses SymPy for, on expression trees.
--
-- Works on resolved expression nodes (see analyse.lua): atoms are `num`, `bool`,
-- `{op = "var", key = "..."}` and `{op = "grad", name = x}`; every other node (calls,
-- conditionals, comparisons) is opaque: it may be moved around as a whole but is never
-- looked into, except to know which atoms it depends on.
--
-- Simplification is light and keeps floating-point results: constant folding, x+0, x*1,
-- x/1, 0*x, -(-x), -(a-b) = b-a, a+(-b) = a-b, (-a)*b = -(a*b). No reordering.
local M = {}

local fmt = string.format

--- A numeric literal node.
function M.num(v) return {op = "num", value = v + 0.0} end

local function isnum(e, v)
  return e.op == "num" and (v == nil or e.value == v)
end
M.isnum = isnum

--- Canonical text of an expression: equal keys mean equal expressions.
function M.key(e)
  if e._key then return e._key end
  local op = e.op
  local k
  if op == "num" then
    k = fmt("%.17g", e.value)
  elseif op == "bool" then
    k = e.value and "true" or "false"
  elseif op == "var" then
    k = e.key
  elseif op == "grad" then
    k = "d(" .. e.name .. ")"
  elseif op == "call" then
    local t = {}
    for i, a in ipairs(e.args) do t[i] = M.key(a) end
    k = (e.fname or e.name) .. "(" .. table.concat(t, ",") .. ")"
  elseif op == "if" then
    k = "ite(" .. M.key(e.c) .. "," .. M.key(e.a) .. "," .. M.key(e.b) .. ")"
  elseif op == "neg" or op == "not" then
    k = op .. "(" .. M.key(e.a) .. ")"
  else
    k = "(" .. M.key(e.a) .. op .. M.key(e.b) .. ")"
  end
  e._key = k
  return k
end

--- Calls fn(node) on every node of e (pre-order).
function M.walk(e, fn)
  fn(e)
  if e.a then M.walk(e.a, fn) end
  if e.b then M.walk(e.b, fn) end
  if e.c then M.walk(e.c, fn) end
  if e.args then for _, x in ipairs(e.args) do M.walk(x, fn) end end
end

--- True if e contains an atom whose key is `key` (a string) or in `key` (a set).
function M.depends(e, key)
  local found = false
  local single = type(key) == "string"
  M.walk(e, function(n)
    if n.op == "var" or n.op == "grad" then
      local k = M.key(n)
      if (single and k == key) or (not single and key[k]) then found = true end
    end
  end)
  return found
end

-- ---------------------------------------------------------------------------------------
-- constructors with light simplification

local function copy_num_type(v) return {op = "num", value = v} end

-- "negative-looking" expressions whose negation is written without a minus sign:
-- -p, a negative literal, (-p) - q, (-p) * q, (-p) / q. Negating them this way is exact.
local function negish(e)
  if e.op == "neg" then return true end
  if e.op == "num" then return e.value < 0 end
  if e.op == "-" or e.op == "*" or e.op == "/" then return negish(e.a) end
  return false
end

local neg_of

function M.neg(a)
  if negish(a) then return neg_of(a) end
  if a.op == "num" then return copy_num_type(a.value == 0 and 0.0 or -a.value) end
  if a.op == "neg" then return a.a end
  if a.op == "-" then return {op = "-", a = a.b, b = a.a} end
  return {op = "neg", a = a}
end

function M.add(a, b)
  if isnum(a) and isnum(b) then return copy_num_type(a.value + b.value) end
  if isnum(a, 0) then return b end
  if isnum(b, 0) then return a end
  if negish(b) then return M.sub(a, neg_of(b)) end
  if b.op == "neg" then return M.sub(a, b.a) end
  if isnum(b) and b.value < 0 then return {op = "-", a = a, b = copy_num_type(-b.value)} end
  return {op = "+", a = a, b = b}
end

function M.sub(a, b)
  if isnum(a) and isnum(b) then return copy_num_type(a.value - b.value) end
  if isnum(b, 0) then return a end
  if isnum(a, 0) then return M.neg(b) end
  if negish(b) then return M.add(a, neg_of(b)) end
  if b.op == "neg" then return M.add(a, b.a) end
  if isnum(b) and b.value < 0 then return {op = "+", a = a, b = copy_num_type(-b.value)} end
  return {op = "-", a = a, b = b}
end

neg_of = function(e)
  if e.op == "neg" then return e.a end
  if e.op == "num" then return copy_num_type(-e.value) end
  if e.op == "-" then return M.add(neg_of(e.a), e.b) end
  if e.op == "*" then return M.mul(neg_of(e.a), e.b) end
  return M.div(neg_of(e.a), e.b)
end

function M.mul(a, b)
  if isnum(a) and isnum(b) then return copy_num_type(a.value * b.value) end
  if isnum(a, 0) or isnum(b, 0) then return M.num(0) end
  if isnum(a, 1) then return b end
  if isnum(b, 1) then return a end
  if isnum(a, -1) then return M.neg(b) end
  if isnum(b, -1) then return M.neg(a) end
  if a.op == "neg" then return M.neg(M.mul(a.a, b)) end
  if b.op == "neg" then return M.neg(M.mul(a, b.a)) end
  return {op = "*", a = a, b = b}
end

function M.div(a, b)
  if isnum(a) and isnum(b) and b.value ~= 0 then return copy_num_type(a.value / b.value) end
  if isnum(b, 1) then return a end
  if isnum(b, -1) then return M.neg(a) end
  if isnum(a, 0) and not isnum(b, 0) then return M.num(0) end
  if a.op == "neg" then return M.neg(M.div(a.a, b)) end
  if b.op == "neg" then return M.neg(M.div(a, b.a)) end
  return {op = "/", a = a, b = b}
end

function M.pow(a, b)
  if isnum(b, 1) then return a end
  return {op = "^", a = a, b = b}
end

--- Rebuilds a node with new children through the simplifying constructors.
local function rebuild(e, a, b, c, args)
  local op = e.op
  if op == "+" then return M.add(a, b) end
  if op == "-" then return M.sub(a, b) end
  if op == "*" then return M.mul(a, b) end
  if op == "/" then return M.div(a, b) end
  if op == "neg" then return M.neg(a) end
  local n = {}
  for k, v in pairs(e) do n[k] = v end
  n._key = nil
  n.a, n.b, n.c, n.args = a, b, c, args
  return n
end

--- Substitutes atoms: `map` is key -> node.
function M.subst(e, map)
  if e.op == "var" or e.op == "grad" then
    local r = map[M.key(e)]
    if r then return r end
    return e
  end
  if e.op == "num" or e.op == "bool" then return e end
  local a = e.a and M.subst(e.a, map)
  local b = e.b and M.subst(e.b, map)
  local c = e.c and M.subst(e.c, map)
  local args
  if e.args then
    args = {}
    for i, x in ipairs(e.args) do args[i] = M.subst(x, map) end
  end
  return rebuild(e, a, b, c, args)
end

--- Simplifies a tree with the light rules.
function M.simplify(e)
  return M.subst(e, {})
end

-- ---------------------------------------------------------------------------------------
-- linearity

--- Writes e as a*x + b with a, b free of x.
-- @param e expression
-- @param key the key of x (string)
-- @return a, b (nodes), or nil if e is not linear in x
function M.linear(e, key)
  local op = e.op
  if op == "var" or op == "grad" then
    if M.key(e) == key then return M.num(1), M.num(0) end
    return M.num(0), e
  end
  if not M.depends(e, key) then return M.num(0), e end
  if op == "+" or op == "-" then
    local a1, b1 = M.linear(e.a, key)
    if not a1 then return nil end
    local a2, b2 = M.linear(e.b, key)
    if not a2 then return nil end
    if op == "+" then return M.add(a1, a2), M.add(b1, b2) end
    return M.sub(a1, a2), M.sub(b1, b2)
  elseif op == "neg" then
    local a, b = M.linear(e.a, key)
    if not a then return nil end
    return M.neg(a), M.neg(b)
  elseif op == "*" then
    local da, db = M.depends(e.a, key), M.depends(e.b, key)
    if da and db then return nil end
    if da then
      local a, b = M.linear(e.a, key)
      if not a then return nil end
      return M.mul(a, e.b), M.mul(b, e.b)
    end
    local a, b = M.linear(e.b, key)
    if not a then return nil end
    return M.mul(e.a, a), M.mul(e.a, b)
  elseif op == "/" then
    if M.depends(e.b, key) then return nil end
    local a, b = M.linear(e.a, key)
    if not a then return nil end
    return M.div(a, e.b), M.div(b, e.b)
  elseif op == "^" then
    if isnum(e.b, 1) then return M.linear(e.a, key) end
    return nil
  end
  return nil
end

--- Writes e as c*x + rest where c is free of x; rest may still contain x (non-linear
-- terms). Used by the semi-implicit method.
function M.split_linear(e, key)
  local op = e.op
  if op == "var" or op == "grad" then
    if M.key(e) == key then return M.num(1), M.num(0) end
    return M.num(0), e
  end
  if not M.depends(e, key) then return M.num(0), e end
  if op == "+" or op == "-" then
    local a1, b1 = M.split_linear(e.a, key)
    local a2, b2 = M.split_linear(e.b, key)
    if op == "+" then return M.add(a1, a2), M.add(b1, b2) end
    return M.sub(a1, a2), M.sub(b1, b2)
  elseif op == "neg" then
    local a, b = M.split_linear(e.a, key)
    return M.neg(a), M.neg(b)
  elseif op == "*" then
    local da, db = M.depends(e.a, key), M.depends(e.b, key)
    if da and not db then
      local a, b = M.split_linear(e.a, key)
      return M.mul(a, e.b), M.mul(b, e.b)
    elseif db and not da then
      local a, b = M.split_linear(e.b, key)
      return M.mul(e.a, a), M.mul(e.a, b)
    end
  elseif op == "/" then
    if not M.depends(e.b, key) then
      local a, b = M.split_linear(e.a, key)
      return M.div(a, e.b), M.div(b, e.b)
    end
  end
  return M.num(0), e
end

--- Isolates the gradient: from `lhs = rhs` (linear in the gradient) returns f with
-- dx/dt = f, or nil and a reason.
function M.isolate(lhs, rhs, gradkey)
  local expr = M.sub(lhs, rhs)
  local a, b = M.linear(expr, gradkey)
  if not a then return nil, "the gradient must appear linearly" end
  if isnum(a, 0) then return nil, "the gradient vanishes" end
  if M.depends(a, gradkey) or M.depends(b, gradkey) then return nil, "not linear" end
  -- a*g + b = 0  =>  g = -b/a
  if isnum(a, 1) then return M.neg(b) end
  return M.div(M.neg(b), a)
end

--- The coefficients of an ODE `lhs = rhs` written as a*(dx/dt) + b*x + c = 0 with a, b, c
-- free of x and of the gradient.
-- @param nonlinear if true, c may contain x (terms that are not linear in x)
-- @return a, b, c or nil, reason
function M.ode_coefficients(lhs, rhs, gradkey, xkey, nonlinear)
  local expr = M.sub(lhs, rhs)
  local a, rest = M.linear(expr, gradkey)
  if not a or isnum(a, 0) then return nil, "the gradient must appear linearly" end
  if M.depends(a, xkey) then return nil, "the factor of the gradient depends on the variable" end
  local b, c
  if nonlinear then
    b, c = M.split_linear(rest, xkey)
  else
    b, c = M.linear(rest, xkey)
    if not b then return nil, "not linear" end
  end
  return a, b, c
end

--- Standard form tau*dx/dt + x = A of an ODE (exponential, semi-implicit, event-driven).
-- @return tau, A or nil, reason
function M.standardise(lhs, rhs, gradkey, xkey, nonlinear)
  local a, b, c = M.ode_coefficients(lhs, rhs, gradkey, xkey, nonlinear)
  if not a then return nil, b end
  if isnum(b, 0) then return nil, "the variable does not appear linearly" end
  return M.div(a, b), M.div(M.neg(c), b)
end

-- ---------------------------------------------------------------------------------------
-- linear systems

--- Solves M x = r symbolically by Gaussian elimination with structural pivoting.
-- @param A n x n matrix (list of rows of nodes)
-- @param r list of n nodes
-- @return list of n solution nodes, or nil if a pivot is structurally zero
function M.solve_linear(A, r)
  local n = #r
  local m = {}
  for i = 1, n do
    m[i] = {}
    for j = 1, n do m[i][j] = A[i][j] end
    m[i][n + 1] = r[i]
  end
  for col = 1, n do
    local piv
    for row = col, n do
      if not isnum(m[row][col], 0) then piv = row; break end
    end
    if not piv then return nil end
    m[col], m[piv] = m[piv], m[col]
    for row = col + 1, n do
      if not isnum(m[row][col], 0) then
        local f = M.div(m[row][col], m[col][col])
        for j = col, n + 1 do
          m[row][j] = M.sub(m[row][j], M.mul(f, m[col][j]))
        end
        m[row][col] = M.num(0)
      end
    end
  end
  local x = {}
  for i = n, 1, -1 do
    local s = m[i][n + 1]
    for j = i + 1, n do s = M.sub(s, M.mul(m[i][j], x[j])) end
    x[i] = M.div(s, m[i][i])
  end
  return x
end

-- ---------------------------------------------------------------------------------------
-- numeric evaluation (tests, host-side functions use their own compiler)

--- Evaluates e numerically; `env` maps atom keys (and grad keys) to numbers.
function M.eval(e, env)
  local op = e.op
  if op == "num" or op == "bool" then return e.value end
  if op == "var" or op == "grad" then
    local v = env[M.key(e)]
    if v == nil then error("symbolic.eval: no value for " .. M.key(e)) end
    return v
  end
  if op == "neg" then return -M.eval(e.a, env) end
  if op == "not" then return not M.eval(e.a, env) end
  if op == "if" then
    local c = M.eval(e.c, env)
    if c and c ~= 0 then return M.eval(e.a, env) end
    return M.eval(e.b, env)
  end
  local a, b = M.eval(e.a, env), e.b and M.eval(e.b, env)
  if op == "+" then return a + b end
  if op == "-" then return a - b end
  if op == "*" then return a * b end
  if op == "/" then return a / b end
  if op == "^" then return a ^ b end
  if op == "<" then return a < b end
  if op == "<=" then return a <= b end
  if op == ">" then return a > b end
  if op == ">=" then return a >= b end
  if op == "==" then return a == b end
  if op == "!=" then return a ~= b end
  if op == "and" then return a and b end
  if op == "or" then return a or b end
  error("symbolic.eval: cannot evaluate " .. tostring(op))
end

--- Shorthand for tests: a variable atom.
function M.var(name) return {op = "var", key = name, name = name} end

return M
