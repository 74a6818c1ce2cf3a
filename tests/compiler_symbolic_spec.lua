-- The symbolic layer: gradient isolation, linearity, coefficients, linear systems.
local S = require("annarchy.compiler.symbolic")
local parser = require("annarchy.compiler.parser")

-- parse an expression and turn names into var atoms, dX/dt into grads
local function atoms(e)
  if e.op == "name" then return S.var(e.name) end
  if e.op == "num" then return {op = "num", value = e.value} end
  local n = {}
  for k, v in pairs(e) do n[k] = v end
  for _, k in ipairs({"a", "b", "c"}) do if e[k] then n[k] = atoms(e[k]) end end
  if e.args then
    n.args = {}
    for i, a in ipairs(e.args) do n.args[i] = atoms(a) end
  end
  return n
end
local function P(s) return atoms(parser.expression(s, {})) end
local function ode(s)
  local st = parser.statement(s, {})
  return atoms(st.lhs), atoms(st.rhs), "d(" .. st.name .. ")", st.name
end

local function close(a, b, tol) return math.abs(a - b) <= (tol or 1e-12) * math.max(1, math.abs(b)) end

describe("gradient isolation", function()
  local env = {v = 0.3, I = 1.7, tau = 10}
  local want = (1.7 - 0.3) / 10
  for _, text in ipairs({"tau*dv/dt + v = I", "dv/dt = (I - v)/tau", "tau*dv/dt = I - v",
      "tau*dv/dt + v - I = 0", "v + tau*dv/dt = I", "2*tau*dv/dt = 2*(I - v)",
      "dv/dt*tau = I - v"}) do
    it(text, function()
      local lhs, rhs, g = ode(text)
      local f = S.isolate(lhs, rhs, g)
      assert.is_truthy(f)
      assert.is_false(S.depends(f, g))
      assert.is_true(close(S.eval(f, env), want))
    end)
  end
  it("dv/dt = f returns f itself", function()
    local lhs, rhs, g = ode("dv/dt = -v + I")
    local f = S.isolate(lhs, rhs, g)
    assert.are.equal(S.key(rhs), S.key(f))
  end)
  it("rejects a non-linear gradient", function()
    local lhs, rhs, g = ode("(dv/dt)^2 = v")
    assert.is_nil(S.isolate(lhs, rhs, g))
    lhs, rhs, g = ode("exp(dv/dt) = 1")
    assert.is_nil(S.isolate(lhs, rhs, g))
    lhs, rhs, g = ode("v/(dv/dt) = 1")
    assert.is_nil(S.isolate(lhs, rhs, g))
  end)
end)

describe("linearity and coefficients", function()
  it("a*x + b with a, b free of x", function()
    local e = P("(E - x) + g*(Ee - x) + h*(x - Ei)")
    local a, b = S.linear(e, "x")
    assert.is_truthy(a)
    assert.is_false(S.depends(a, "x"))
    assert.is_false(S.depends(b, "x"))
    local env = {E = 1, g = 2, Ee = 3, h = 0.5, Ei = -1}
    assert.is_true(close(S.eval(a, env), -1 - 2 + 0.5))
    assert.is_true(close(S.eval(b, env), 1 + 6 + 0.5))
  end)
  it("detects non-linearity", function()
    assert.is_nil(S.linear(P("x*x"), "x"))
    assert.is_nil(S.linear(P("1/x"), "x"))
    assert.is_nil(S.linear(P("exp(x)"), "x"))
    assert.is_nil(S.linear(P("x^2"), "x"))
    assert.is_truthy(S.linear(P("x^1"), "x"))
    assert.is_truthy(S.linear(P("exp(y)*x"), "x"))
  end)
  it("split_linear keeps non-linear terms in the rest", function()
    local c, rest = S.split_linear(P("a - x + x^2"), "x")
    assert.are.equal(-1, S.eval(c, {}))
    assert.is_true(S.depends(rest, "x"))
    assert.is_true(close(S.eval(rest, {a = 2, x = 3}), 11))
  end)
  it("standard form tau*dx/dt + x = A (manual example of reference §5.5)", function()
    local lhs, rhs, g = ode("tau*dv/dt = (E - v) + g_exc*(Ee - v) + g_inh*(v - Ei)")
    local tau, A = S.standardise(lhs, rhs, g, "v")
    local env = {tau = 10, E = -70, g_exc = 0.3, Ee = 0, g_inh = 0.1, Ei = -80}
    assert.is_true(close(S.eval(tau, env), 10 / (1 + 0.3 - 0.1)))
    assert.is_true(close(S.eval(A, env), (-70 + 0.3 * 0 - 0.1 * -80) / (1 + 0.3 - 0.1)))
  end)
  it("standard form rejects non-linear ODEs unless asked", function()
    local lhs, rhs, g = ode("dv/dt = v^2 - v")
    assert.is_nil(S.standardise(lhs, rhs, g, "v"))
    local tau, A = S.standardise(lhs, rhs, g, "v", true)
    assert.are.equal(1, S.eval(tau, {}))
    assert.are.equal(4, S.eval(A, {v = 2}))
  end)
end)

describe("light simplification", function()
  it("folds constants and neutral elements without reordering", function()
    assert.are.equal("a", S.key(S.add(S.var("a"), S.num(0))))
    assert.are.equal("a", S.key(S.mul(S.num(1), S.var("a"))))
    assert.are.equal("a", S.key(S.div(S.var("a"), S.num(1))))
    assert.are.equal("a", S.key(S.neg(S.neg(S.var("a")))))
    assert.are.equal("(b-a)", S.key(S.neg(S.sub(S.var("a"), S.var("b")))))
    assert.are.equal("(a-b)", S.key(S.add(S.var("a"), S.neg(S.var("b")))))
    assert.are.equal("5", S.key(S.add(S.num(2), S.num(3))))
    assert.are.equal("(a+b)", S.key(S.add(S.var("a"), S.var("b"))))
  end)
end)

describe("linear systems", function()
  local function check(Mtext, rtext, vals)
    local M, r = {}, {}
    for i, row in ipairs(Mtext) do
      M[i] = {}
      for j, s in ipairs(row) do M[i][j] = P(s) end
      r[i] = P(rtext[i])
    end
    local x = S.solve_linear(M, r)
    assert.is_truthy(x)
    -- residual
    for i = 1, #M do
      local s = 0
      for j = 1, #M do s = s + S.eval(M[i][j], vals) * S.eval(x[j], vals) end
      assert.is_true(close(s, S.eval(r[i], vals), 1e-10), "row " .. i)
    end
  end
  it("2x2", function()
    check({{"a", "b"}, {"c", "d"}}, {"p", "q"}, {a = 2, b = 1, c = 1, d = 3, p = 1, q = 2})
  end)
  it("2x2 with a structural zero pivot (needs a row swap)", function()
    check({{"0", "b"}, {"c", "d"}}, {"p", "q"}, {b = 2, c = 5, d = 3, p = 1, q = 2})
  end)
  it("3x3", function()
    check({{"a", "1", "0"}, {"1", "b", "1"}, {"0", "1", "c"}}, {"p", "q", "s"},
      {a = 4, b = 5, c = 6, p = 1, q = 2, s = 3})
    check({{"tau + h", "h", "0"}, {"0", "tau + h", "-h"}, {"h", "0", "tau + h"}},
      {"tau*x", "tau*y", "tau*z + h"}, {tau = 10, h = 0.1, x = 1, y = 2, z = 3})
  end)
  it("reports a singular structure", function()
    assert.is_nil(S.solve_linear({{S.num(0), S.num(0)}, {S.var("a"), S.var("b")}},
      {S.var("p"), S.var("q")}))
  end)
end)

describe("substitution", function()
  it("replaces atoms", function()
    local e = S.subst(P("x*y + x"), {x = P("z + 1")})
    assert.are.equal(3 * 2 + 3, S.eval(e, {y = 2, z = 2}))
  end)
end)
