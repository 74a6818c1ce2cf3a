-- luacheck: no max line length
-- C emission: literals, built-ins (compiled and run), functions, float32, event code.
local model = require("annarchy.model")
local compiler = require("annarchy.compiler")
local cgen = require("annarchy.codegen.cgen")
local R = cgen.default_resolver

local function have(cmd) local ok = os.execute(cmd .. " >/dev/null 2>&1"); return ok == true or ok == 0 end
local CC = have("command -v tcc") and "tcc" or (have("command -v cc") and "cc" or nil)

local function run_c(src)
  local base = os.tmpname()
  os.remove(base)
  local f = assert(io.open(base .. ".c", "w"))
  f:write(src)
  f:close()
  local cmd
  if CC == "tcc" then
    cmd = "tcc -Wall -Werror -run " .. base .. ".c -lm"
  else
    cmd = "cc -std=c99 -Wall -Werror -o " .. base .. " " .. base .. ".c -lm && " .. base
  end
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("*a")
  p:close()
  os.remove(base .. ".c")
  os.remove(base)
  return out
end

local function neuron(t, env) return compiler.analyse.neuron(model.Neuron(t), env or {}) end

describe("literals", function()
  it("keep full double precision and always look like doubles", function()
    assert.are.equal("1.0", cgen.literal(1))
    assert.are.equal("0.1", cgen.literal(0.1))
    assert.are.equal("0.123456789123", cgen.literal(0.123456789123))
    assert.are.equal(0.1 + 0.2, tonumber(cgen.literal(0.1 + 0.2)))
    assert.are.equal("1e+300", cgen.literal(1e300))
    assert.are.equal("2.5f", cgen.literal(2.5, "float32"))
    assert.are.equal("INFINITY", cgen.literal(math.huge))
  end)
end)

describe("expressions", function()
  it("print with the resolver and minimal parentheses", function()
    local A = neuron{parameters = "a = 1\nb = 2", equations = "r = (a - (b - 1)) / (a * b) + -a^2 + a^3"}
    local code = cgen.update(A, "local", {R = R})
    assert.are.equal("r = (a - (b - 1.0)) / (a * b) + -(a * a) + pow(a, 3.0);\n", code)
  end)
  it("never prints '--' (C's decrement)", function()
    local A = neuron{parameters = "a = 1", equations = "r = --a + -(-1) - -a"}
    local code = cgen.update(A, "local", {R = R})
    assert.is_nil(code:find("--", 1, true), code)
  end)
  it("uses float variants in float32", function()
    local A = neuron{parameters = "a = 1", equations = "r = exp(a) + a^1.5 + min(a, 2)"}
    local code = cgen.update(A, "local", {R = R, dtype = "float32"})
    assert.truthy(code:find("expf(a)", 1, true))
    assert.truthy(code:find("powf(a, 1.5f)", 1, true))
    assert.truthy(code:find("fminf(a, 2.0f)", 1, true))
  end)
  it("ints divide as reals", function()
    local A = neuron{parameters = "n = 3 : int\nm = 2 : int", equations = "r = n / m"}
    assert.truthy(cgen.update(A, "local", {R = R}):find("(double)n / m", 1, true))
  end)
  it("resolver refs of every kind", function()
    local seen = {}
    local function rec(ref) seen[ref.kind] = true; return R(ref) end
    local A = neuron({parameters = "mu = 0 : population",
      equations = "r = sum(exc) + sum() + mean(r) + Normal(mu, 1) + K + t + dt"}, {constants = {K = true}})
    cgen.update(A, "local", {R = rec})
    for _, k in ipairs({"attr", "sum", "sum_all", "gop", "rand", "const", "t", "dt"}) do
      assert.is_true(seen[k], k)
    end
    local S = compiler.analyse.synapse(model.Synapse{equations = "x = pre.r + post.r + pre.sum(a) + post.sum(b)"},
      {kind = "rate"})
    seen = {}
    cgen.update(S, "local", {R = rec})
    for _, k in ipairs({"pre", "post", "presum", "postsum"}) do assert.is_true(seen[k], k) end
  end)
end)

describe("built-in functions in C (reference E1, QUIRKS 21/22)", function()
  if not CC then pending("no C compiler"); return end
  it("match the reference definitions", function()
    local A = neuron{parameters = "base = 2.0\nx = -2.0",
      equations = [[
        r = modulo(t, 3)
        pr = power(base, 3)
        p0 = power(base, 0)
        cb = clip(-2, -1, 1)
        cw = clip(0, -1, 1)
        ca = clip(2, -1, 1)
        ng = neg(x)
        ps = pos(x) + positive(3)
        md = modulo(-7, 3)
        it = ite(t > 1, 1, 0) + (if t > 1: 10 else: 20)
        rn = round(2.5) + round(-2.5)]]}
    local body = cgen.update(A, "local", {R = R})
    local src = "#include <stdio.h>\n#include <math.h>\n" .. cgen.prelude("float64") ..
      "int main(void) {\n double t = 4.0, dt = 1.0; (void)dt;\n" ..
      " double base = 2.0, x = -2.0, r = 0, pr = 0, p0 = 0, cb = 0, cw = 0, ca = 0, ng = 0, ps = 0, md = 0," ..
      " it = 0, rn = 0;\n" .. body ..
      ' printf("%g %g %g %g %g %g %g %g %g %g %g\\n", r, pr, p0, cb, cw, ca, ng, ps, md, it, rn);\n return 0;\n}\n'
    local out = run_c(src)
    assert.are.equal("1 8 1 -1 0 1 -2 3 -1 11 0\n", out)
  end)
  it("the prelude and functions compile in float32 too", function()
    local reg = compiler.new_function_registry()
    compiler.add_function(reg, "sigmoid(x) = 1 / (1 + exp(-x))")
    local A = neuron({equations = "r = sigmoid(f(1, 2)) + g(3)",
      functions = "f(x, y) = x * y\ng(n) = n + 1 : int, int"}, {functions = reg})
    for _, dtype in ipairs({"float64", "float32"}) do
      local T = dtype == "float32" and "float" or "double"
      local src = "#include <stdio.h>\n#include <math.h>\n" .. cgen.prelude(dtype) ..
        cgen.functions(A, {R = R, dtype = dtype}) .. cgen.functions(A, {R = R, dtype = dtype}) ..
        "int main(void) {\n " .. T .. " t = 0, dt = 1, r = 0; (void)t; (void)dt;\n" ..
        " const double *_cst = 0; (void)_cst;\n" ..
        cgen.update(A, "local", {R = R, dtype = dtype}) ..
        ' printf("%.6f\\n", (double)r);\n return (int)_ann_modulo(1, 0) * 0;\n}\n'
      local out = run_c(src)
      assert.are.equal(string.format("%.6f\n", 1 / (1 + math.exp(-2)) + 4), out)
    end
  end)
end)

describe("spike, reset, psp and events", function()
  it("spike condition and reset statements", function()
    local A = neuron{parameters = "c = 0", equations = "v = v + 1", spike = "v >= 3 and not (v > 10)",
      reset = "v = c : max = 100\nv += 2", refractory = 1}
    assert.are.equal("(v >= 3.0 && !(v > 10.0))", cgen.spike(A, {R = R}))
    local reset = cgen.reset(A, {R = R})
    assert.truthy(reset:find("v = c;", 1, true))
    assert.truthy(reset:find("if (v > 100.0) v = 100.0;", 1, true))
  end)
  it("masking skips conductances", function()
    local A = neuron{equations = "v = g_exc", spike = "v > 1"}
    local code = cgen.update(A, "local", {R = R, masked = true})
    assert.truthy(code:find("v = _act ? g_exc : v;", 1, true))
    assert.truthy(code:find("\ng_exc = 0.0;", 1, true))
  end)
  it("pre_spike: g_target per target, plastic and unless_post guards", function()
    local S = compiler.analyse.synapse(model.Synapse{pre_spike = "g_target += w : max = 5\nw -= 1 : unless_post"},
      {kind = "spike", targets = {"exc", "inh"}})
    local p = cgen.pre_spike(S, {R = R})
    assert.are.equal("g_exc += w;\nif (g_exc > 5.0) g_exc = 5.0;\ng_inh += w;\nif (g_inh > 5.0) g_inh = 5.0;\n",
      p.gtarget)
    assert.are.equal("if (_unless_post_ok) {\n    if (_plastic) {\n        w -= 1.0;\n    }\n}\n", p.other)
    assert.are.equal("", cgen.post_spike(S, {R = R}))
  end)
  it("synaptic updates of w are guarded by _plastic", function()
    local S = compiler.analyse.synapse(model.Synapse{equations = "dw/dt = pre.r : min = 0\nx = w"}, {kind = "rate"})
    local code = cgen.update(S, "local", {R = R})
    assert.truthy(code:find("if (_plastic) {\n        w = w + dt * _e_d_w;\n        if (w < 0.0) w = 0.0;\n    }", 1, true), code)
    assert.truthy(code:find("\nx = w;", 1, true))
  end)
  it("psp and conditions", function()
    local S = compiler.analyse.synapse(model.Synapse{psp = "w * pre.r", pruning = "w < 0.1"}, {kind = "rate"})
    assert.are.equal("w * pre_r", cgen.psp(S, {R = R}))
    assert.are.equal("(w < 0.1)", cgen.condition(S.pruning, {R = R}))
    local A = neuron{equations = "r += 1"}
    assert.are.equal("(r > 5.0)", cgen.condition("r > 5.0 : any", {R = R, A = A}))
  end)
end)
