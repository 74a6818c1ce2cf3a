--- Numerical methods (reference §5): discretisation of the ODEs and the update plan.
--
-- `prepare(A)` (called by the analysis) checks every ODE for its method, computes the
-- symbolic forms (tau and A of the standard form, implicit solutions, coupled systems) and
-- stores in `A.plan[locality]` the ordered list of update items:
--
--   {type = "stmt", eq = <equation record>}                  assignment or increment
--   {type = "block", eqs = {...}, groups = {...}}           maximal run of ODEs
--
-- `ir(A, locality, opts)` turns a plan into a list of instructions for cgen:
--
--   {op = "let", name = "_e_d_v", expr = tree}           temporary (the dtype)
--   {op = "set", target = tree, expr = tree, masked}     target = expr
--   {op = "compound", target, cop = "+="|..., expr, masked}
--   {op = "bounds", target, min = tree|nil, max = tree|nil}
--   {op = "scope", body = {...}}                           { ... }
--   {op = "guard", cond = "_plastic", body = {...}}       if (cond) { ... }
--
-- Temporaries are named `_e_<stage>_<variable>`; the kernel assembler must not use names
-- starting with `_e_`.
local errors = require("annarchy.compiler.errors")
local symbolic = require("annarchy.compiler.symbolic")
local resolve = require("annarchy.compiler.resolve")

local M = {}

local COUPLED = {implicit = true, midpoint = true, rk4 = true}

local function dt_node() return {op = "var", key = "dt", ref = {kind = "dt"}, ty = "float"} end
local function temp(name)
  return {op = "var", key = "tmp:" .. name, ref = {kind = "temp", name = name}, ty = "float"}
end
M.temp = temp
M.dt_node = dt_node

local function xnode(eq) return resolve.attr_var(eq.attribute) end

local function nonlinear_msg()
  return "the exponential and event-driven methods are reserved for linear first-order ODEs " ..
    "of the type tau*dx/dt + x = f(t). Use the explicit method instead."
end

-- Method-specific symbolic forms of one ODE.
local function prepare_ode(A, eq)
  local m = eq.method
  local ctx = eq.ctx
  if m == "implicit" then
    local a, b, c = symbolic.ode_coefficients(eq.lhs, eq.rhs, eq.gradkey, eq.xkey, false)
    if not a then
      errors.raise(ctx, nil, "the ODE is not linear, can not use the implicit method")
    end
    eq.coef = {a = a, b = b, c = c}
    local h, x = dt_node(), xnode(eq)
    -- a*(x' - x)/h + b*x' + c = 0  =>  x' = (a*x - h*c) / (a + h*b)
    eq.solution = symbolic.div(symbolic.sub(symbolic.mul(a, x), symbolic.mul(h, c)),
      symbolic.add(a, symbolic.mul(h, b)))
  elseif m == "exponential" or m == "semiimplicit" or m == "event-driven" then
    local tau, Aterm = symbolic.standardise(eq.lhs, eq.rhs, eq.gradkey, eq.xkey, m == "semiimplicit")
    if not tau then
      if m == "event-driven" then
        errors.raise(ctx, nil, "the equation is not a linear ODE and can not be evaluated exactly")
      elseif m == "semiimplicit" then
        errors.raise(ctx, nil, "the semiimplicit method needs a term linear in " .. eq.target ..
          " (tau*d" .. eq.target .. "/dt + " .. eq.target .. " = f)")
      end
      errors.raise(ctx, nil, nonlinear_msg())
    end
    eq.tau, eq.A = tau, Aterm
    if m == "event-driven" then
      for _, part in ipairs({tau, Aterm}) do
        symbolic.walk(part, function(n)
          if n.op == "var" then
            local r = n.ref
            local okp = (r.kind == "attr" and A.attr[r.name] and A.attr[r.name].role == "parameter")
              or r.kind == "const" or (r.kind == "attr" and r.name == eq.target)
            if not okp then
              local nm = r.name or r.target or r.kind
              errors.raise(ctx, n.pos, "the equation can not depend on other variables (" ..
                tostring(nm) .. ") to be evaluated exactly")
            end
          end
        end)
      end
      eq.S = Aterm
    end
  end
end

local function is_ode(eq) return eq.kind == "ode" and eq.method ~= "event-driven" end

-- Solves a coupled implicit group in place.
local function solve_implicit_group(group)
  local n = #group
  local h = dt_node()
  local keys = {}
  for i, eq in ipairs(group) do keys[i] = eq.xkey end
  local keyset = {}
  for _, k in ipairs(keys) do keyset[k] = true end
  local Mx, rhs = {}, {}
  local function fail(eq)
    errors.raise(eq.ctx, nil, "the multiple ODEs can not be solved together using the implicit Euler method")
  end
  for i, eq in ipairs(group) do
    local expr = symbolic.sub(eq.lhs, eq.rhs)
    local a, rest = symbolic.linear(expr, eq.gradkey)
    if not a or symbolic.isnum(a, 0) or symbolic.depends(a, keyset) then fail(eq) end
    Mx[i] = {}
    for j = 1, n do
      local bij, r2 = symbolic.linear(rest, keys[j])
      if not bij or symbolic.depends(bij, keyset) then fail(eq) end
      rest = r2
      Mx[i][j] = symbolic.mul(h, bij)
    end
    if symbolic.depends(rest, keyset) then fail(eq) end
    Mx[i][i] = symbolic.add(a, Mx[i][i])
    rhs[i] = symbolic.sub(symbolic.mul(a, xnode(eq)), symbolic.mul(h, rest))
  end
  local sol = symbolic.solve_linear(Mx, rhs)
  if not sol then fail(group[1]) end
  for i, eq in ipairs(group) do eq.solution = sol[i] end
end

--- Prepares the numerical methods of an analysed model (raises annarchy errors).
function M.prepare(A)
  local coupled_method, first
  for _, eq in ipairs(A.equations) do
    if eq.kind == "ode" then
      prepare_ode(A, eq)
      if COUPLED[eq.method] then
        if coupled_method and coupled_method ~= eq.method then
          errors.raise(eq.ctx, nil, "cannot mix different numerical methods when solving a " ..
            "coupled system of equations (" .. first.target .. " uses " .. coupled_method ..
            ", " .. eq.target .. " uses " .. eq.method .. ")")
        end
        coupled_method = coupled_method or eq.method
        first = first or eq
      end
    end
  end
  A.plan = {}
  for _, loc in ipairs({"global", "semiglobal", "local"}) do
    local items = {}
    local block
    for _, eq in ipairs(A.equations) do
      if eq.locality == loc and not (eq.kind == "ode" and eq.method == "event-driven") then
        if is_ode(eq) then
          if not block then
            block = {type = "block", eqs = {}}
            items[#items + 1] = block
          end
          block.eqs[#block.eqs + 1] = eq
        else
          block = nil
          items[#items + 1] = {type = "stmt", eq = eq}
        end
      end
    end
    for _, it in ipairs(items) do
      if it.type == "block" then
        local group = {}
        for _, eq in ipairs(it.eqs) do
          if COUPLED[eq.method] then group[#group + 1] = eq end
        end
        it.group = group
        if #group >= 2 and group[1].method == "implicit" then
          solve_implicit_group(group)
        end
      end
    end
    A.plan[loc] = items
  end
end

-- ---------------------------------------------------------------------------------------
-- instructions

local S = symbolic

local function masked_for(eq, opts, locality)
  if not opts.masked or locality ~= "local" then return false end
  local a = eq.attribute
  if a and a.unless_refractory then return true end
  return eq.target:sub(1, 2) ~= "g_"
end

local function bounds(out, target, mn, mx)
  if mn or mx then out[#out + 1] = {op = "bounds", target = target, min = mn, max = mx} end
end

local function tname(stage, eq) return "_e_" .. stage .. "_" .. eq.target end

-- f with every variable of the group replaced by x + factor*dt*k
local function shifted(f, group, kstage, factor)
  local map = {}
  for _, g in ipairs(group) do
    local k = temp(tname(kstage, g))
    local inc
    if factor == 1 then inc = S.mul(dt_node(), k) else inc = S.mul(S.mul(S.num(factor), dt_node()), k) end
    map[g.xkey] = {op = "+", a = xnode(g), b = inc}
  end
  return S.subst(f, map)
end

local function block_ir(it, opts, locality, out)
  local body = {}
  local group = it.group
  local group_done = false
  local function emit_group()
    if group_done then return end
    group_done = true
    local m = group[1].method
    if m == "implicit" then
      for _, g in ipairs(group) do
        body[#body + 1] = {op = "let", name = tname("n", g), expr = g.solution}
      end
    elseif m == "midpoint" then
      for _, g in ipairs(group) do body[#body + 1] = {op = "let", name = tname("k", g), expr = g.f} end
      for _, g in ipairs(group) do
        body[#body + 1] = {op = "let", name = tname("d", g), expr = shifted(g.f, group, "k", 0.5)}
      end
    elseif m == "rk4" then
      for _, g in ipairs(group) do body[#body + 1] = {op = "let", name = tname("k1", g), expr = g.f} end
      for _, g in ipairs(group) do
        body[#body + 1] = {op = "let", name = tname("k2", g), expr = shifted(g.f, group, "k1", 0.5)}
      end
      for _, g in ipairs(group) do
        body[#body + 1] = {op = "let", name = tname("k3", g), expr = shifted(g.f, group, "k2", 0.5)}
      end
      for _, g in ipairs(group) do
        body[#body + 1] = {op = "let", name = tname("k4", g), expr = shifted(g.f, group, "k3", 1)}
      end
      for _, g in ipairs(group) do
        local sum = {op = "+", a = {op = "+", a = {op = "+", a = temp(tname("k1", g)),
          b = {op = "*", a = S.num(2), b = temp(tname("k2", g))}},
          b = {op = "*", a = S.num(2), b = temp(tname("k3", g))}}, b = temp(tname("k4", g))}
        body[#body + 1] = {op = "let", name = tname("d", g), expr = sum}
      end
    end
  end
  for _, eq in ipairs(it.eqs) do
    local m = eq.method
    if COUPLED[m] then
      emit_group()
    elseif m == "explicit" then
      body[#body + 1] = {op = "let", name = tname("d", eq), expr = eq.f}
    elseif m == "exponential" then
      -- (1 - exp(-dt/tau)) * (A - x)
      local step = {op = "-", a = S.num(1), b = {op = "call", name = "exp", fname = "exp", builtin = true,
        args = {S.neg(S.div(dt_node(), eq.tau))}}}
      body[#body + 1] = {op = "let", name = tname("d", eq),
        expr = {op = "*", a = step, b = S.sub(eq.A, xnode(eq))}}
    elseif m == "semiimplicit" then
      local r = S.div(dt_node(), eq.tau)
      local fac = {op = "/", a = r, b = {op = "+", a = r, b = S.num(1)}}
      body[#body + 1] = {op = "let", name = tname("d", eq),
        expr = {op = "*", a = fac, b = S.sub(eq.A, xnode(eq))}}
    end
  end
  for _, eq in ipairs(it.eqs) do
    local m = eq.method
    local x = xnode(eq)
    local value
    if m == "implicit" then
      value = temp(tname("n", eq))
    elseif m == "explicit" or m == "midpoint" then
      value = {op = "+", a = x, b = {op = "*", a = dt_node(), b = temp(tname("d", eq))}}
    elseif m == "rk4" then
      value = {op = "+", a = x, b = {op = "*", a = {op = "/", a = dt_node(), b = S.num(6)},
        b = temp(tname("d", eq))}}
    else
      value = {op = "+", a = x, b = temp(tname("d", eq))}
    end
    local sw = {{op = "set", target = x, expr = value, masked = masked_for(eq, opts, locality)}}
    bounds(sw, x, eq.min, eq.max)
    if opts.plastic_w and eq.target == "w" then sw = {{op = "guard", cond = "_plastic", body = sw}} end
    for _, ins in ipairs(sw) do body[#body + 1] = ins end
  end
  out[#out + 1] = {op = "scope", body = body}
end

local function stmt_ir(eq, opts, locality, out)
  local x = xnode(eq)
  local masked = masked_for(eq, opts, locality)
  local body = {}
  if eq.kind == "assign" then
    body[#body + 1] = {op = "set", target = x, expr = eq.rhs, masked = masked}
  else
    body[#body + 1] = {op = "compound", target = x, cop = eq.op, expr = eq.rhs, masked = masked}
  end
  bounds(body, x, eq.min, eq.max)
  if opts.plastic_w and eq.target == "w" then body = {{op = "guard", cond = "_plastic", body = body}} end
  for _, ins in ipairs(body) do out[#out + 1] = ins end
end

--- Instructions updating the equations of one locality.
-- @param A analysed model
-- @param locality "global" | "semiglobal" | "local"
-- @param opts {masked = bool}
function M.ir(A, locality, opts)
  local out = {}
  opts = {masked = opts.masked, plastic_w = A.object == "synapse"}
  for _, it in ipairs((A.plan or {})[locality] or {}) do
    if it.type == "block" then block_ir(it, opts, locality, out) else stmt_ir(it.eq, opts, locality, out) end
  end
  return out
end

--- Instructions of event statements (reset, pre_spike, post_spike).
-- @param list event statements of the analysis
-- @param opts {gtarget_ref = function(ev) -> list of target trees, plastic_guard = bool}
function M.events_ir(list, opts)
  local out = {}
  for _, ev in ipairs(list or {}) do
    local targets
    if ev.gtarget then
      targets = opts.gtargets
    else
      targets = {resolve.attr_var(ev.attribute)}
    end
    local body = {}
    for _, x in ipairs(targets) do
      if ev.op == "=" then
        body[#body + 1] = {op = "set", target = x, expr = ev.rhs}
      else
        body[#body + 1] = {op = "compound", target = x, cop = ev.op, expr = ev.rhs}
      end
      bounds(body, x, ev.min, ev.max)
    end
    if ev.is_w and opts.plastic_guard then body = {{op = "guard", cond = "_plastic", body = body}} end
    if ev.unless_post then body = {{op = "guard", cond = "_unless_post_ok", body = body}} end
    for _, b in ipairs(body) do out[#out + 1] = b end
  end
  return out
end

return M
