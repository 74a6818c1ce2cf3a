-- luacheck: no max line length
-- Grammar-aware mutation fuzzer of model text.
--
--   annlua tests/fuzz/model_fuzz.lua --count N [--seed S] [--verbose] [--compile-every K]
--                                     [--cc "gcc -Wall -Werror"]
--
-- Takes a corpus of valid neuron and synapse descriptions, mutates their text (tokens,
-- lines, flags, field types), and runs the model constructors, the analysis and every C
-- emission entry point on each mutant. Passes when every mutant either works or raises an
-- annarchy error ("annarchy: ..."); a Lua runtime error is a failure (printed with the
-- model and a traceback). Exits non-zero on failure.
do
  local dir = (arg and arg[0] or ""):match("^(.*)tests/fuzz/[^/]*$")
  if dir then
    if dir == "" then dir = "./" end
    package.path = dir .. "lua/?.lua;" .. dir .. "lua/?/init.lua;" .. package.path
  end
end

local model = require("annarchy.model")
local compiler = require("annarchy.compiler")
local errors = require("annarchy.compiler.errors")
local cgen = require("annarchy.codegen.cgen")

local count, seed, verbose, compile_every = 1000, 1, false, 25
local cc_cmd = "tcc -Wall -Werror"
do
  local i = 1
  while arg and arg[i] do
    local a = arg[i]
    if a == "--count" then count = tonumber(arg[i + 1]); i = i + 1
    elseif a == "--seed" then seed = tonumber(arg[i + 1]); i = i + 1
    elseif a == "--verbose" then verbose = true
    elseif a == "--cc" then cc_cmd = arg[i + 1]; i = i + 1
    elseif a == "--compile-every" then compile_every = tonumber(arg[i + 1]); i = i + 1
    else io.stderr:write("model_fuzz: unknown argument " .. a .. "\n"); os.exit(2) end
    i = i + 1
  end
end
math.randomseed(seed)
local analysed_count, compiled = 0, 0
local compile_check
local function have(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  return ok == true or ok == 0
end
local TCC = have("command -v tcc")


local function pick(list) return list[math.random(#list)] end

-- ---------------------------------------------------------------------------------------
-- corpus

local NEURONS = {
  {parameters = "tau = 10.0 : population\nB = 0.0", equations = "tau * dr/dt + r = sum(exc) - sum(inh) + B : min = 0.0",
   name = "Leaky"},
  {parameters = [[
    a = 0.02 : population
    b = 0.2 : population
    c = -65.0
    d = 8.0
    v_thresh = 30.0 : population
    noise = 0.0 : population]],
   equations = [[
    I = g_exc - g_inh + noise * Normal(0.0, 1.0)
    dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = -65.0
    du/dt = a * (b*v - u) : init = -13.0]],
   spike = "v >= v_thresh", reset = "v = c\nu += d", refractory = 2.0, name = "Izhikevich"},
  {parameters = "tau_m = 20.0 : population\nv_rest = -65.0\ntau_exc = 5.0 : population\nv_thresh = -50.0\ntref_p = 2.0",
   equations = [[
    tau_m * dv/dt = v_rest - v + g_exc * (0.0 - v) : exponential, init = -65.0
    tau_exc * dg_exc/dt = -g_exc : exponential]],
   spike = "v > v_thresh", reset = "v = v_rest", refractory = "tref_p",
   functions = "f(x) = x * 2\ng(x, y) = if x > y: f(x) else: y : float, float, float"},
  {parameters = "tau = 10.0 : population\nI = 0.0",
   equations = "tau*dv/dt = -v - u + I : implicit\ntau*du/dt = -u + I : implicit\nr = pos(v)"},
  {parameters = "tau = 10.0 : population",
   equations = [[
    r = if t > 5:
          if t > 7: 2.0 else: 1.0
        else:
          0.0 : init = 0.5
    dx/dt = ite((t > 5) and (t < 20), 1, 0) : rk4
    m = mean(r) : population
    y = clip(x, -1, 1) + modulo(t, 3) + power(x, 2) + neg(x) + fabs(x)]]},
  {equations = "v = v + 1.0", spike = "v == 3.0", reset = "v = 1.0 : min = 0.0"},
  {parameters = {tau = 10.0, on = true}, equations = {"tau*dr/dt + r = sum() : midpoint"}},
}

local SYNAPSES = {
  {parameters = [[
    tau_plus = 20.0 : projection
    tau_minus = 20.0 : projection
    A_plus = 0.01 : projection
    A_minus = 0.01 : projection
    w_max = 1.0 : projection]],
   equations = "tau_plus * dx/dt = -x : event-driven\ntau_minus * dy/dt = -y : event-driven",
   pre_spike = "g_target += w\nx += A_plus * w_max\nw = clip(w + y, 0.0, w_max)",
   post_spike = "y -= A_minus * w_max\nw = clip(w + x, 0.0, w_max)", name = "STDP", _kind = "spike"},
  {parameters = "tau = 2000.0 : postsynaptic\nalpha = 8.0 : postsynaptic\nmin_w = 0.0",
   equations = "tau * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min = min_w", _kind = "rate"},
  {parameters = "eta = 0.01 : projection", equations = "dw/dt = eta * pre.r * post.r",
   psp = "w * pre.r", operation = "max", _kind = "rate",
   creating = "pre.r > 0.5 and post.r > Uniform(0.0, 1.0) : proba = 0.5, w = 1.0",
   pruning = "w < 0.01 : proba = 0.1"},
  {psp = "w * (post.v - pre.v)", _kind = "spike"},
  {pre_spike = "g_target += w : max = 10.0\nw -= 1.0 : min = 0.0, unless_post", _kind = "spike"},
  {parameters = "tau = 10.0 : projection", equations = "tau * de/dt = -e + pre.r - mean(post.r)\nw += e * dt",
   _kind = "rate", functions = "h(x, y) = x * y"},
}

local VOCAB = {"+", "-", "*", "/", "^", "**", "(", ")", ",", ":", "=", "+=", "==", "<", ">=",
  "!=", " and ", " or ", " not ", " is ", "if ", " else: ", "dv/dt", "dx/dt", "d/dt", "dt",
  "t", "v", "r", "w", "x", "pre.r", "post.r", "pre.", "post.sum(exc)", "pre.sum()", "sum(exc)",
  "sum()", "g_exc", "g_target", "mean(r)", "max(v)", "min(v, 1)", "norm2(pre.r)",
  "Uniform(0, 1)", "Normal(a, 1)", "Exponential(1)", "Binomial(1)", "exp(", "pos(", "ite(",
  "clip(x, 0)", "f(1)", "f(1, 2)", "1", "0.5", "1e300", "1e-300", "1e", "2.5.3", "-",
  " : population", " : projection", " : postsynaptic", " : init = 0.1", " : init = Uniform(0, 1)",
  " : min = 0", " : max = v", " : implicit", " : exponential", " : event-driven", " : int",
  " : bool", " : unless_post", " : unless_refractory", " : rk4", " : midpoint", " : semiimplicit",
  ", ", "\n", ";", "#", "True", "False", "%", "[", "'", "\"", "\t", "pi", "e", "K",
  "tau", "_x", "pre", "post", "refractory", "size", "i", "sum", "\0", "é"}

-- A random well-formed expression over a few names.
local NAMES = {"v", "r", "x", "w", "tau", "t", "dt", "g_exc", "pre.r", "post.r", "K", "a"}
local FUNCS1 = {"exp", "pos", "neg", "fabs", "sqrt", "tanh", "round", "isnan"}
local function random_expr(depth)
  depth = depth or 0
  local r = math.random(depth > 3 and 3 or 11)
  if r == 1 then return pick(NAMES) end
  if r == 2 then return tostring(pick({0, 1, 2.5, -1, 1e-3, 10})) end
  if r == 3 then return pick(NAMES) .. " * " .. pick(NAMES) end
  if r <= 6 then
    return "(" .. random_expr(depth + 1) .. " " .. pick({"+", "-", "*", "/", "^"}) .. " " ..
      random_expr(depth + 1) .. ")"
  end
  if r == 7 then return pick(FUNCS1) .. "(" .. random_expr(depth + 1) .. ")" end
  if r == 8 then
    return "ite(" .. random_expr(depth + 1) .. " > " .. random_expr(depth + 1) .. ", " ..
      random_expr(depth + 1) .. ", " .. random_expr(depth + 1) .. ")"
  end
  if r == 9 then return "-" .. random_expr(depth + 1) end
  if r == 10 then return "clip(" .. random_expr(depth + 1) .. ", 0, 1)" end
  return "(if " .. random_expr(depth + 1) .. " < 1: " .. random_expr(depth + 1) .. " else: " ..
    random_expr(depth + 1) .. ")"
end

local function replace_rhs(s)
  local lines = {}
  for l in (s .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
  local k = math.random(#lines)
  local lhs = lines[k]:match("^(.-[^<>!=]=)[^=]")
  if lhs then
    local flags = lines[k]:match("(:%s*[%a_][%w_%-]*%s*=?[^:]*)$") or ""
    if lines[k]:find("if ", 1, true) then flags = "" end
    lines[k] = lhs .. " " .. random_expr() .. " " .. flags
  end
  return table.concat(lines, "\n")
end

local function mutate_text(s)
  if type(s) ~= "string" then return s end
  local n = #s
  local op = math.random(12)
  if op >= 10 then return replace_rhs(s) end
  if op == 1 and n > 0 then
    local a = math.random(n)
    local b = math.min(n, a + math.random(0, 4))
    return s:sub(1, a - 1) .. s:sub(b + 1)
  elseif op == 2 or op == 3 then
    local a = math.random(0, n)
    return s:sub(1, a) .. pick(VOCAB) .. s:sub(a + 1)
  elseif op == 4 then
    local lines = {}
    for l in (s .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
    if #lines > 0 then
      local k = math.random(#lines)
      table.insert(lines, math.random(#lines + 1), lines[k])
    end
    return table.concat(lines, "\n")
  elseif op == 5 then
    local lines = {}
    for l in (s .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
    if #lines > 1 then table.remove(lines, math.random(#lines)) end
    return table.concat(lines, "\n")
  elseif op == 6 and n > 0 then
    local a = math.random(n)
    return s:sub(1, a - 1) .. string.char(math.random(32, 126)) .. s:sub(a + 1)
  elseif op == 7 then
    return s:sub(1, math.random(0, n))
  elseif op == 8 then
    -- replace an identifier by another one
    local names = {}
    for w in s:gmatch("[%a_][%w_]*") do names[#names + 1] = w end
    if #names > 0 then
      local w = pick(names)
      local pos = s:find(w, 1, true)
      return s:sub(1, pos - 1) .. pick(VOCAB) .. s:sub(pos + #w)
    end
    return s
  else
    local a = math.random(0, n)
    return s:sub(1, a) .. pick(VOCAB) .. pick(VOCAB) .. s:sub(a + 1)
  end
end

local FIELD_VALUES = {0, -1, true, {}, {"x = 1"}, {1, 2}, "", " ", "x", 5.0}

local function mutate_desc(desc)
  local d = {}
  for k, v in pairs(desc) do d[k] = v end
  local keys = {}
  for k in pairs(d) do if k ~= "_kind" then keys[#keys + 1] = k end end
  table.sort(keys)
  local rounds = math.random(1, 3)
  for _ = 1, rounds do
    local r = math.random(20)
    if r <= 15 and #keys > 0 then
      local k = pick(keys)
      if type(d[k]) == "string" then d[k] = mutate_text(d[k]) end
      if type(d[k]) == "table" and k == "equations" and #d[k] > 0 then
        d[k] = {mutate_text(d[k][1])}
      end
    elseif r == 16 and #keys > 0 then
      d[pick(keys)] = nil
    elseif r == 17 and #keys > 0 then
      d[pick(keys)] = pick(FIELD_VALUES)
    elseif r == 18 then
      local f = pick({"spike", "reset", "refractory", "functions", "psp", "pre_spike",
        "post_spike", "operation", "creating", "pruning", "bogus", "equation"})
      d[f] = mutate_text(pick({"v > 1", "x = 1", "f(x) = x", "w * pre.r", "mean", "pre.r > 1"}))
    elseif r == 19 then
      local eq = d.equations
      if type(eq) == "string" then
        local ok, v = pcall(model.Variable, mutate_text(eq), {init = pick({1, "tau", true, "x"}),
          min = pick({0, "v", nil}), method = pick({"explicit", "implicit", "rk4", "exponential", "bad"})})
        if ok then d.equations = {v} end
      end
    else
      d.parameters = pick({{tau = 10, on = true},
        {tau = model.Parameter(1, {locality = pick({"local", "global", "semiglobal"}), type = "int"})},
        "tau = 10 : int\nx = true", d.parameters})
    end
  end
  return d
end

-- ---------------------------------------------------------------------------------------
-- running one mutant

local RESOLVER = function(ref)
  local s = cgen.default_resolver(ref)
  if s == nil and ref.kind ~= "func" then return "_x_" .. tostring(ref.kind) end
  return s
end

local function exercise(A)
  analysed_count = analysed_count + 1
  if TCC and compile_every > 0 and analysed_count % compile_every == 0 then compile_check(A) end
  for _, dtype in ipairs({"float64", "float32"}) do
    local o = {R = RESOLVER, dtype = dtype, masked = A.refractory ~= nil}
    for _, loc in ipairs({"global", "semiglobal", "local"}) do cgen.update(A, loc, o) end
    cgen.functions(A, o)
    if A.object == "neuron" then
      cgen.spike(A, o); cgen.reset(A, o); cgen.axon_spike(A, o); cgen.axon_reset(A, o)
    else
      cgen.psp(A, o); cgen.pre_spike(A, o); cgen.post_spike(A, o); cgen.pre_axon_spike(A, o)
      cgen.event_driven(A, o, "t - 1")
      if A.creating then cgen.condition(A.creating, o) end
      if A.pruning then cgen.condition(A.pruning, o) end
    end
  end
  assert(type(A.signature) == "string")
end


-- Compiles the C of an analysed model with tcc (every compile_every-th analysed mutant).
compile_check = function(A)
  local names, order = {}, {}
  local function R(ref)
    if ref.kind == "func" then return nil end
    local n
    if ref.kind == "attr" and ref.name == "_last_event" then return "_lastev" end
    if ref.kind == "dt" and ref.raw then n = "dt_raw"
    elseif ref.name then n = ref.kind .. "_" .. ref.name
    elseif ref.target then n = ref.kind .. "_" .. ref.target
    else n = ref.kind .. "_" end
    if not names[n] then names[n] = ref.kind; order[#order + 1] = n end
    return n
  end
  local dtype = (compiled % 2 == 0) and "float64" or "float32"
  local o = {R = R, masked = A.refractory ~= nil, dtype = dtype}
  local body = {}
  for _, loc in ipairs({"global", "semiglobal", "local"}) do body[#body + 1] = cgen.update(A, loc, o) end
  if A.object == "neuron" then
    body[#body + 1] = "if (" .. cgen.spike(A, o) .. ") {\n" .. cgen.reset(A, o) .. "}\n"
  else
    local p = cgen.pre_spike(A, o)
    body[#body + 1] = cgen.event_driven(A, o, "1") .. p.gtarget .. p.other .. cgen.post_spike(A, o)
    local psp = cgen.psp(A, o)
    if psp then body[#body + 1] = "sink = " .. psp .. ";\n" end
    if A.creating then body[#body + 1] = "sink = " .. cgen.condition(A.creating, o) .. ";\n" end
    if A.pruning then body[#body + 1] = "sink = " .. cgen.condition(A.pruning, o) .. ";\n" end
  end
  local funcs = cgen.functions(A, o)
  local src = {"#include <math.h>", cgen.prelude(dtype)}
  for _, n in ipairs(order) do
    if names[n] == "const" then
      src[#src + 1] = "static " .. cgen.ctype(dtype, "float") .. " " .. n .. " = 1;"
    end
  end
  src[#src + 1] = funcs
  src[#src + 1] = "double sink;"
  src[#src + 1] = "void kernel(void) {"
  src[#src + 1] = "  long long _lastev = 0; int _act = 1, _plastic = 1, _unless_post_ok = 1;"
  src[#src + 1] = "  (void)_lastev; (void)_act; (void)_plastic; (void)_unless_post_ok;"
  src[#src + 1] = "  const double *_cst = 0; (void)_cst;"
  for _, n in ipairs(order) do
    if names[n] ~= "const" then
      src[#src + 1] = "  " .. cgen.ctype(dtype, "float") .. " " .. n .. " = 0; (void)" .. n .. ";"
    end
  end
  src[#src + 1] = table.concat(body)
  src[#src + 1] = "}"
  local text = table.concat(src, "\n")
  local base = os.tmpname()
  local f = assert(io.open(base .. ".c", "w"))
  f:write(text)
  f:close()
  local p = io.popen(cc_cmd .. " -c " .. base .. ".c -o " .. base .. ".o 2>&1; echo \"rc=$?\"")
  local out = p:read("*a")
  p:close()
  local ok = out:find("rc=0", 1, true) ~= nil
  if not ok then text = text .. "\n/* compiler said:\n" .. out .. "*/" end
  os.remove(base .. ".c"); os.remove(base .. ".o"); os.remove(base)
  compiled = compiled + 1
  if not ok then error("generated C does not compile:\n" .. text) end
end

local pre_rate = compiler.analyse.neuron(model.Neuron{equations = "r = 1\nv = 2"}, {})
local pre_spike = compiler.analyse.neuron(model.Neuron{equations = "v = 1", spike = "v > 0"}, {})
local registry = compiler.new_function_registry()
compiler.add_function(registry, "sigmoid(x) = 1 / (1 + exp(-x))")

local function run_one(desc, object, plain)
  local kind = desc._kind
  local d = {}
  for k, v in pairs(desc) do if k ~= "_kind" then d[k] = v end end
  local env = {constants = {K = true}, functions = registry, method = "explicit"}
  if object == "neuron" then
    local N = model.Neuron(d)
    local A = compiler.analyse.neuron(N, env)
    exercise(A)
    if not plain and math.random(4) == 1 then
      local c = compiler.analyse.condition(mutate_text("r > 5.0 : any"), A, env)
      if c.expr then cgen.condition(c, {R = RESOLVER}) end
    end
    if A.functions[1] then
      local f = compiler.model_function(A, A.functions[1].name, {K = 1})
      pcall(f, 1, 2)
    end
  else
    local S = model.Synapse(d)
    local nrn = (kind == "spike") and pre_spike or pre_rate
    env.kind = kind
    env.pre, env.post = nrn, nrn
    env.targets = {"exc"}
    local A = compiler.analyse.synapse(S, env)
    exercise(A)
  end
end

local failures, errors_seen, ok_count = 0, 0, 0
-- the corpus itself must analyse
for _, pair in ipairs({{NEURONS, "neuron"}, {SYNAPSES, "synapse"}}) do
  for k, desc in ipairs(pair[1]) do
    local ok, err = xpcall(run_one, debug.traceback, desc, pair[2], true)
    if not ok then
      failures = failures + 1
      print(string.format("FAILURE: corpus %s %d does not analyse: %s", pair[2], k, tostring(err)))
    end
  end
end
for i = 1, count do
  local object = (math.random(2) == 1) and "neuron" or "synapse"
  local base = (object == "neuron") and pick(NEURONS) or pick(SYNAPSES)
  local desc = mutate_desc(base)
  if math.random(3) == 1 then desc = mutate_desc(desc) end
  local ok, err = xpcall(run_one, function(e)
    if errors.is_annarchy(e) then return e end
    return {lua = tostring(e), trace = debug.traceback(tostring(e), 2)}
  end, desc, object)
  if ok then
    ok_count = ok_count + 1
  elseif type(err) == "string" then
    errors_seen = errors_seen + 1
    if verbose then print(err) end
  else
    failures = failures + 1
    print(string.format("FAILURE #%d (seed %d, mutant %d): %s", failures, seed, i, err.lua))
    for k, v in pairs(desc) do print(string.format("  %s = %q", tostring(k), tostring(v))) end
    print(err.trace)
    if failures >= 20 then break end
  end
end
print(string.format("model_fuzz: %d mutants, %d analysed (%d compiled), %d annarchy errors, " ..
  "%d Lua errors", ok_count + errors_seen + failures, ok_count, compiled, errors_seen, failures))
if failures > 0 then os.exit(1) end
