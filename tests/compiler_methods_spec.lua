-- Numerical methods: the emitted C is compiled and run, and compared with the values of
-- reference-core §16.4 (derived from §5, not from this code).
local model = require("annarchy.model")
local compiler = require("annarchy.compiler")
local cgen = require("annarchy.codegen.cgen")

local function have(cmd)
  return os.execute(cmd .. " >/dev/null 2>&1") == true or os.execute(cmd .. " >/dev/null 2>&1") == 0
end

local CC
if have("command -v tcc") then CC = "tcc -run" elseif have("command -v cc") then CC = "cc" end

-- Runs a C program made of declarations, a per-step body and a print statement.
local function run(decls, body, steps, printf, setup_step)
  local dir = os.tmpname()
  os.remove(dir)
  local src = dir .. ".c"
  local exe = dir .. ".bin"
  local f = assert(io.open(src, "w"))
  f:write("#include <stdio.h>\n#include <math.h>\n")
  f:write(cgen.prelude("float64"))
  f:write("int main(void) {\n")
  f:write("  double t = 0.0, dt = 1.0; int _act = 1; (void)_act;\n")
  f:write(decls .. "\n")
  f:write("  for (int step = 0; step < " .. steps .. "; step++) {\n")
  f:write("    t = step * dt;\n")
  f:write(setup_step or "")
  f:write(body)
  f:write("    " .. printf .. "\n")
  f:write("  }\n  return 0;\n}\n")
  f:close()
  local cmd
  if CC == "tcc -run" then
    cmd = "tcc -run " .. src .. " -lm"
  else
    cmd = "cc -O0 -ffp-contract=off -o " .. exe .. " " .. src .. " -lm && " .. exe
  end
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("*a")
  p:close()
  os.remove(src)
  os.remove(exe)
  local values = {}
  for v in out:gmatch("[^\n]+") do
    local n = tonumber(v)
    if not n then error("C program failed:\n" .. out) end
    values[#values + 1] = n
  end
  return values
end

local function single(method)
  local N = model.Neuron{
    parameters = "tau = 10.0 : population\ns = 0.5",
    equations = "tau*dv/dt + v = s : " .. method .. "\nr = v",
  }
  local A = compiler.analyse.neuron(N, {})
  return cgen.update(A, "local", {R = cgen.default_resolver})
end

local TABLE = {
  explicit = {0.050000000000, 0.095000000000, 0.135500000000, 0.171950000000, 0.204755000000},
  implicit = {0.045454545455, 0.086776859504, 0.124342599549, 0.158493272317, 0.189539338470},
  exponential = {0.047581290982, 0.090634623461, 0.129590889659, 0.164839976982, 0.196734670144},
  midpoint = {0.047500000000, 0.090487500000, 0.129391187500, 0.164599024688, 0.196462117342},
  rk4 = {0.047581250000, 0.090634549297, 0.129590788999, 0.164839855541, 0.196734532788},
}

describe("numerical methods on tau*dv/dt + v = s (reference §16.4)", function()
  if not CC then
    pending("no C compiler")
    return
  end
  for _, m in ipairs({"explicit", "implicit", "exponential", "midpoint", "rk4"}) do
    it(m, function()
      local body = single(m)
      local v = run("  double tau = 10.0, s = 0.5, v = 0.0, r = 0.0;", body, 5,
        'printf("%.17g\\n", v);')
      assert.are.equal(5, #v)
      for k = 1, 5 do
        assert.is_true(math.abs(v[k] - TABLE[m][k]) < 1e-9,
          m .. " step " .. k .. ": " .. v[k] .. " vs " .. TABLE[m][k])
      end
    end)
  end

  it("semiimplicit equals implicit on a linear ODE", function()
    local v = run("  double tau = 10.0, s = 0.5, v = 0.0, r = 0.0;", single("semiimplicit"), 5,
      'printf("%.17g\\n", v);')
    for k = 1, 5 do assert.is_true(math.abs(v[k] - TABLE.implicit[k]) < 1e-9) end
  end)
end)

local COUPLED = {
  explicit = {0.1, 0.18, 0.38742049, 0.00194200},
  implicit = {0.08264463, 0.15026296, 0.35049390, 0.00355044},
  midpoint = {0.09, 0.1629, 0.36650485, 0.00270751},
  exponential = {0.09516258, 0.17221333, 0.38690219, 0.00282247},
}

describe("coupled system of reference §16.3/§16.4", function()
  if not CC then
    pending("no C compiler")
    return
  end
  for _, m in ipairs({"explicit", "implicit", "midpoint", "exponential"}) do
    it(m, function()
      local N = model.Neuron{
        parameters = {tau = 10.0, I = 0.0},
        equations = {
          "tau*dv/dt = -v - u + I : " .. m,
          "tau*du/dt = -u + I : " .. m,
          "r = pos(v)",
        },
      }
      local A = compiler.analyse.neuron(N, {})
      local body = cgen.update(A, "local", {R = cgen.default_resolver}) ..
        cgen.update(A, "global", {R = cgen.default_resolver})
      local v = run("  double tau = 10.0, I = 0.0, v = 0.0, u = 0.0, r = 0.0;", body, 100,
        'printf("%.17g\\n", v);', "    I = step >= 20 ? 1.0 : 0.0;\n")
      local want = COUPLED[m]
      local got = {v[21], v[22], v[30], v[100]}
      for k = 1, 4 do
        assert.is_true(math.abs(got[k] - want[k]) < 1e-8,
          m .. " value " .. k .. ": " .. got[k] .. " vs " .. want[k])
      end
    end)
  end

  it("rk4 stays within 0.05 of the other methods (reference §16.3)", function()
    local N = model.Neuron{
      parameters = {tau = 10.0, I = 0.0},
      equations = {"tau*dv/dt = -v - u + I : rk4", "tau*du/dt = -u + I : rk4", "r = pos(v)"},
    }
    local A = compiler.analyse.neuron(N, {})
    local body = cgen.update(A, "local", {R = cgen.default_resolver})
    local v = run("  double tau = 10.0, I = 0.0, v = 0.0, u = 0.0, r = 0.0;", body, 100,
      'printf("%.17g\\n", v);', "    I = step >= 20 ? 1.0 : 0.0;\n")
    assert.is_true(math.abs(v[22] - 0.1637) < 0.05)
  end)
end)

describe("refractory masking", function()
  if not CC then
    pending("no C compiler")
    return
  end
  it("freezes variables (implicit too, QUIRKS 6) but not conductances", function()
    local N = model.Neuron{
      parameters = "tau = 10.0 : population",
      equations = "tau*dv/dt + v = g_exc + 1.0 : implicit\nx += 1",
      spike = "v > 100", reset = "v = 0", refractory = 2.0,
    }
    local A = compiler.analyse.neuron(N, {})
    local body = cgen.update(A, "local", {R = cgen.default_resolver, masked = true})
    assert.truthy(body:find("_act ?", 1, true))
    local v = run("  double tau = 10.0, v = 0.5, x = 0.0, g_exc = 3.0, r = 0.0;", body, 4,
      'printf("%.17g\\n%.17g\\n%.17g\\n", v, x, g_exc);', "    _act = step < 2 ? 0 : 1;\n")
    -- steps 0, 1 refractory: v and x frozen, g_exc reset to 0 anyway
    assert.are.equal(0.5, v[1]); assert.are.equal(0, v[2]); assert.are.equal(0, v[3])
    assert.are.equal(0.5, v[4]); assert.are.equal(0, v[5])
    assert.is_true(math.abs(v[7] - (10 * 0.5 + 1.0) / 11) < 1e-12)
    assert.are.equal(1, v[8])
  end)
end)

describe("event-driven variables", function()
  if not CC then
    pending("no C compiler")
    return
  end
  it("decay exactly and stamp the step advanced to", function()
    local S = model.Synapse{
      parameters = "tau = 10.0 : projection",
      equations = "tau * dx/dt = -x : event-driven",
      pre_spike = "x += 1.0",
    }
    local A = compiler.analyse.synapse(S, {kind = "spike", targets = {"exc"}})
    local R = function(ref)
      if ref.kind == "attr" and ref.name == "_last_event" then return "last" end
      return cgen.default_resolver(ref)
    end
    local code = cgen.event_driven(A, {R = R}, "step")
    assert.truthy(code:find("last = step;", 1, true))
    local pre = cgen.pre_spike(A, {R = R})
    local v = run("  double tau = 10.0, x = 0.0, w = 1.0, g_exc = 0.0; long long last = 0;",
      "    if (step == 0 || step == 10) {\n" .. code .. pre.gtarget .. pre.other .. "    }\n", 11,
      'printf("%.17g\\n", x);')
    assert.are.equal(1, v[1])
    assert.is_true(math.abs(v[11] - (1 + math.exp(-1))) < 1e-12)
  end)
end)
