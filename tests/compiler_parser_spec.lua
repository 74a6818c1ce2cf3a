-- The expression parser: precedence, conditionals, statements and error carets.
local parser = require("annarchy.compiler.parser")

local CTX = {object = "neuron", model = "N", where = "equation", index = 1}

local function show(e)
  local op = e.op
  if op == "num" then return string.format("%.17g", e.value) end
  if op == "bool" then return tostring(e.value) end
  if op == "name" then return (e.side and (e.side .. ".") or "") .. e.name end
  if op == "grad" then return "d" .. e.name .. "/dt" end
  if op == "call" then
    local t = {}
    for i, a in ipairs(e.args) do t[i] = show(a) end
    return (e.side and (e.side .. ".") or "") .. e.name .. "(" .. table.concat(t, ", ") .. ")"
  end
  if op == "if" then return "(if " .. show(e.c) .. " then " .. show(e.a) .. " else " .. show(e.b) .. ")" end
  if op == "neg" then return "(-" .. show(e.a) .. ")" end
  if op == "not" then return "(not " .. show(e.a) .. ")" end
  return "(" .. show(e.a) .. " " .. op .. " " .. show(e.b) .. ")"
end

local function expr(s) return show(parser.expression(s, CTX)) end

-- the caret column (1-based, in the statement) of an error message
local function caret(err)
  local lines = {}
  for l in (err .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  local c = lines[3] and lines[3]:find("^", 1, true)
  return c and (c - 4), lines
end

local function fails(s, msg, col, fn)
  local ok, err = pcall(fn or parser.statement, s, CTX)
  assert.is_false(ok, "expected an error for " .. s)
  assert.truthy(err:find(msg, 1, true), "message: " .. tostring(err))
  assert.truthy(err:find('^annarchy: neuron "N", equation 1: '))
  local c, lines = caret(err)
  assert.are.equal("    " .. s, lines[2])
  if col then assert.are.equal(col, c, err) end
end

describe("parser precedence", function()
  it("arithmetic", function()
    assert.are.equal("((a + (b * c)) - (d / e))", expr("a + b*c - d/e"))
    assert.are.equal("((a - b) - c)", expr("a - b - c"))
    assert.are.equal("((a / b) / c)", expr("a / b / c"))
  end)
  it("power is right associative, ^ and ** are the same, -x^2 = -(x^2)", function()
    assert.are.equal("(a ^ (b ^ c))", expr("a ^ b ** c"))
    assert.are.equal("(-(x ^ 2))", expr("-x^2"))
    assert.are.equal("(x ^ -2)", expr("x^-2"))
    assert.are.equal("((2 * x) ^ 2)", expr("(2*x)**2"))
  end)
  it("negative literals fold", function()
    assert.are.equal("-65", expr("-65.0"))
    assert.are.equal("(a * -1)", expr("a * -1"))
  end)
  it("logic: or < and < not < comparisons; is / is not", function()
    assert.are.equal("(((a < b) and (not c)) or (d == e))", expr("a < b and not c or d is e"))
    assert.are.equal("(x != 1)", expr("x is not 1"))
    assert.are.equal("((a < b) and (b <= c))", expr("a < b <= c"))
    assert.are.equal("(not (a > 0))", expr("not(a > 0)"))
  end)
  it("literals and booleans", function()
    assert.are.equal("true", expr("True"))
    assert.are.equal("false", expr("false"))
    assert.are.equal("0.5", expr(".5"))
    assert.are.equal("1000", expr("1e3"))
    assert.are.equal(0.123456789123456, parser.expression("0.123456789123456", CTX).value)
  end)
  it("calls, pre./post., sums", function()
    assert.are.equal("f(a, (b + 1))", expr("f(a, b + 1)"))
    assert.are.equal("(pre.r * post.sum(exc))", expr("pre.r * post.sum(exc)"))
    assert.are.equal("sum()", expr("sum()"))
  end)
end)

describe("conditionals", function()
  it("python style, nested", function()
    assert.are.equal("(if (t <= 5) then 0 else (if (t >= 7) then 2 else 1))",
      expr("if (t <= 5): 0 else: if (t >= 7): 2 else: 1"))
    assert.are.equal("(if (mp < 1) then (if (mp > 0) then mp else 0) else 1)",
      expr("if mp < 1.0: if mp > 0.0: mp else: 0.0 else: 1.0"))
  end)
  it("inside parentheses", function()
    assert.are.equal("(1 + (if a then b else c))", expr("1 + (if a: b else: c)"))
  end)
  it("requires else", function()
    fails("r = if t > 1: 1", "must use both ':' and 'else'", 5)
    fails("r = if t > 1 1 else: 2", "expected ':' after the condition", 14)
  end)
  it("must be the whole right-hand side", function()
    fails("r = 1 + if a: b else: c", "a conditional must be the whole right-hand side", 9)
  end)
end)

describe("statements", function()
  it("classifies ODEs, assignments, increments and conditions", function()
    local s = parser.statement("tau * dv/dt + v = I", CTX)
    assert.are.equal("ode", s.kind)
    assert.are.equal("v", s.name)
    assert.are.equal("((tau * dv/dt) + v)", show(s.lhs))
    s = parser.statement("x += 2", CTX)
    assert.are.equal("inc", s.kind)
    assert.are.equal("+=", s.op)
    s = parser.statement("r = 1", CTX)
    assert.are.equal("assign", s.kind)
    s = parser.statement("v > 1", CTX)
    assert.are.equal("cond", s.kind)
    s = parser.statement("dg_exc/dt = -g_exc", CTX)
    assert.are.equal("g_exc", s.name)
  end)
  it("function definitions", function()
    local f = parser.function_def("f(x, y) = x * y", CTX)
    assert.are.equal("f", f.name)
    assert.are.same({"x", "y"}, f.args)
    assert.are.equal("(x * y)", show(f.body))
  end)
end)

describe("parser errors with carets", function()
  it("unbalanced parentheses", function()
    fails("r = (a + b", "the number of parentheses does not match", 5)
    fails("r = a + b)", "the number of parentheses does not match", 10)
  end)
  it("unexpected tokens and characters", function()
    fails("r = a b", "unexpected 'b'", 7)
    fails("r = a % b", "unexpected character '%'", 7)
    fails("r = 2e", "malformed number", 6)
    fails("r = a +", "expected an expression", 8)
    fails("r = f(a b)", "expected ',' or ')'", 9)
    fails("r = pre", "expected '.' after 'pre'", 8)
  end)
  it("statement shapes", function()
    fails("= 1", "no variable name can be found", 1)
    fails("r =", "missing right-hand side", 4)
    fails("a + b = 1", "no variable name can be found", 1)
    fails("tau*dv/dt + dx/dt = 1", "only one gradient", 1)
    fails("dv/dt += 1", "an ODE can not use '+='", 7)
    fails("r = if x: 1 else 2", "expected ':' after 'else'", 18)
  end)
  it("function definition errors", function()
    fails("f(x, x) = x", "argument 'x' is repeated", 6, parser.function_def)
    fails("f x = 1", "expected '(' after the function name", 3, parser.function_def)
  end)
end)

-- Debian 12's LuaJIT 2.1 (a 2022 snapshot) ran some compiled traces of the parser wrongly: a
-- parse now and then stopped advancing. The parser is therefore never compiled: no trace may
-- start in it, however hot it gets (without its jit.off, this loop starts several).
describe("the parser under LuaJIT #luajit", function()
  it("is interpreted: no compiled trace starts in it", function()
    local jit, funcinfo, find = require("jit"), require("jit.util").funcinfo, string.find
    local started = {}
    -- a VM event handler sees no globals of the spec's environment: upvalues only
    local function on_trace(what, _, func)
      if what == "start" then
        local info = funcinfo(func)
        if find(info.source or "", "annarchy/compiler/parser.lua", 1, true) then
          started[#started + 1] = info.linedefined
        end
      end
    end
    jit.attach(on_trace, "trace")
    local ok, err = pcall(function()
      for i = 1, 3000 do
        local e = parser.expression(i % 2 == 0 and "1" or "a * (b + 2) ^ 3")
        assert(e.op == (i % 2 == 0 and "num" or "*"))
      end
    end)
    jit.attach(on_trace)
    assert(ok, err)
    assert.are.same({}, started)
  end)
end)
