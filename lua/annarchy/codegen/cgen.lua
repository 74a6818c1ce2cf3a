--- C emission of equations: the contract with the kernel assembler.
--
-- Every function takes `opts = {R = resolver, dtype = "float64"|"float32", masked = bool}`
-- and returns C text. User names never reach C directly: every reference is printed by
-- `R(ref)`, where ref is one of
--
--   {kind = "attr", name, locality}   attribute of the object being updated (an lvalue)
--   {kind = "pre", name}, {kind = "post", name}          synapses
--   {kind = "sum", target}, {kind = "sum_all"}           rate neurons
--   {kind = "presum", target}, {kind = "postsum", target}
--   {kind = "gop", name}      hidden name from A.gops
--   {kind = "rand", name}     hidden name from A.randoms (drawn by the assembler)
--   {kind = "const", name}    a constant (must be visible at file scope: functions use it)
--   {kind = "t"} (ms), {kind = "dt"} (scaled by the assembler for update periods),
--   {kind = "dt", raw = true} (the network dt: event-driven decay, which counts steps)
--   {kind = "t_last"}, {kind = "t_pre"}, {kind = "t_post"}
--   {kind = "func", name, cname}   a user function; returning nil uses cname. User functions
--                                  take the constants first: `const double *_cst`, which
--                                  must be in scope where they are called
--   {kind = "g_target", target}    the post-synaptic conductance of a target (pre_spike)
--
-- The generated statements use these C identifiers of the assembler: `_act` (int, the
-- neuron is not refractory) when opts.masked, `_plastic` (int: the projection's plasticity
-- flag) in synapse updates and events, `_unless_post_ok` (int) in pre_spike, and the
-- temporaries `_e_*` they declare themselves.
local methods = require("annarchy.compiler.methods")
local builtins = require("annarchy.compiler.builtins")
local resolve = require("annarchy.compiler.resolve")
local symbolic = require("annarchy.compiler.symbolic")

local M = {}

local function ctype(dtype, ty)
  if ty == "int" then return "long" end
  if ty == "bool" then return "int" end
  return dtype == "float32" and "float" or "double"
end
M.ctype = ctype

--- A C literal with full double precision (always with '.' or an exponent).
function M.literal(v, dtype)
  local f32 = dtype == "float32"
  if v ~= v then return "NAN" end
  if v == math.huge then return "INFINITY" end
  if v == -math.huge then return "(-INFINITY)" end
  local s
  for digits = 15, 17 do
    s = string.format("%." .. digits .. "g", v)
    if tonumber(s) == v then break end
  end
  if not s:find("[%.eEn]") then s = s .. ".0" end
  if f32 then
    local m = math.abs(v)
    if m > 3.4028234e38 or (m ~= 0 and m < 1.1754944e-38) then
      return "((float)" .. s .. ")" -- out of float range: converted, without a compiler warning
    end
    s = s .. "f"
  end
  return s
end

local PREC = {["||"] = 35, ["&&"] = 40, ["=="] = 55, ["!="] = 55, ["<"] = 60, ["<="] = 60,
  [">"] = 60, [">="] = 60, ["+"] = 70, ["-"] = 70, ["*"] = 80, ["/"] = 80}
local COP = {["and"] = "&&", ["or"] = "||"}

local function simple(e)
  return e.op == "var" or (e.op == "num" and e.value >= 0)
end

local function ref_text(ref, o)
  if ref.kind == "temp" then return ref.name end
  if ref.kind == "arg" then return "_a_" .. ref.name end
  local s = o.R(ref)
  if s == nil then
    error("cgen: the resolver gave no C text for a reference of kind '" .. tostring(ref.kind) ..
      "' (" .. tostring(ref.name or ref.target or "") .. ")")
  end
  return s
end

local expr, hoisted_reciprocal

--- True if the value of tree e is the same for every element of the kernel's loop: it reads
-- only literals and references for which invariant(ref) is true (the assembler decides:
-- constants, dt, global attributes...), through operators and built-in functions (all pure).
-- Temporaries and function arguments are never invariant.
function M.invariant(e, invariant)
  local op = e.op
  if op == "num" or op == "bool" then return true end
  if op == "var" then
    local k = e.ref.kind
    if k == "temp" or k == "arg" then return false end
    return invariant(e.ref) and true or false
  end
  if op == "call" then
    if e.user then return false end
    for _, a in ipairs(e.args) do
      if not M.invariant(a, invariant) then return false end
    end
    return true
  end
  if op == "grad" then return false end
  for _, key in ipairs({"a", "b", "c"}) do
    if e[key] and not M.invariant(e[key], invariant) then return false end
  end
  return true
end

--- A hoisting table for one kernel function: divisions by loop-invariant values inside its
-- loop become multiplications by reciprocals computed once before the loop (in the generated
-- C, so that every compiler computes the same; DESIGN rule 2). Pass it as opts.hoist with
-- `invariant(ref)` set, emit the code of the loop, then M.hoisted(h) before the loop.
function M.hoist_table(invariant)
  return {invariant = invariant, list = {}, by_text = {}}
end

--- The declarations of a hoisting table's reciprocals (C statements, one a line).
function M.hoisted(h, pad)
  local out = {}
  for _, d in ipairs(h and h.list or {}) do out[#out + 1] = (pad or "") .. d .. "\n" end
  return table.concat(out)
end

-- The name of the reciprocal of invariant tree b, declared in o.hoist.
hoisted_reciprocal = function(b, o)
  local h = o.hoist
  local plain = {R = o.R, dtype = o.dtype, masked = o.masked}
  local text = expr(b, plain, 0)
  local name = h.by_text[text]
  if not name then
    name = "_e_rcp" .. #h.list
    h.by_text[text] = name
    local T = ctype(o.dtype, "float")
    h.list[#h.list + 1] = ("const %s %s = (%s)(%s / (%s)); (void)%s;"):format(T, name, T,
      M.literal(1, o.dtype), text, name)
  end
  return name
end

-- returns text, precedence
local function emit(e, o)
  local op = e.op
  if op == "num" then
    local s = M.literal(e.value, o.dtype)
    if e.value < 0 then return s, 90 end
    return s, 100
  elseif op == "bool" then
    return e.value and "1" or "0", 100
  elseif op == "var" then
    return ref_text(e.ref, o), 100
  elseif op == "grad" then
    error("cgen: a gradient can not be printed")
  elseif op == "neg" then
    local s = expr(e.a, o, 90)
    if s:sub(1, 1) == "-" then s = "(" .. s .. ")" end -- never "--"
    return "-" .. s, 90
  elseif op == "not" then
    return "!" .. expr(e.a, o, 90), 90
  elseif op == "if" then
    return expr(e.c, o, 21) .. " ? " .. expr(e.a, o, 21) .. " : " .. expr(e.b, o, 20), 20
  elseif op == "call" then
    local args = {}
    for i, a in ipairs(e.args) do args[i] = expr(a, o, 0) end
    local name
    if e.user then
      -- user functions receive the constants first: they may read them
      name = o.R({kind = "func", name = e.name, cname = e.user.cname}) or e.user.cname
      table.insert(args, 1, "_cst")
    else
      local b = builtins.FUNCTIONS[e.name]
      name = b.c
      if b.f and o.dtype == "float32" then name = name .. "f" end
    end
    return name .. "(" .. table.concat(args, ", ") .. ")", 100
  elseif op == "^" then
    if e.b.op == "num" and e.b.value == 2 and simple(e.a) then
      local a = expr(e.a, o, 100)
      return "(" .. a .. " * " .. a .. ")", 100
    end
    local f = o.dtype == "float32" and "powf" or "pow"
    return f .. "(" .. expr(e.a, o, 0) .. ", " .. expr(e.b, o, 0) .. ")", 100
  end
  local cop = COP[op] or op
  local p = PREC[cop]
  if not p then error("cgen: unknown operator " .. tostring(op)) end
  local a = expr(e.a, o, p)
  if cop == "/" and e.a.ty == "int" and e.b.ty == "int" then
    a = "(" .. ctype(o.dtype, "float") .. ")" .. expr(e.a, o, 90)
  end
  if cop == "/" and o.hoist and M.invariant(e.b, o.hoist.invariant) then
    return a .. " * " .. hoisted_reciprocal(e.b, o), p
  end
  local b = expr(e.b, o, p + 1)
  return a .. " " .. cop .. " " .. b, p
end

expr = function(e, o, need)
  local s, p = emit(e, o)
  if p < (need or 0) then return "(" .. s .. ")" end
  return s
end

local function options(opts)
  opts = opts or {}
  local o = {R = opts.R, dtype = opts.dtype or "float64", masked = opts.masked, hoist = opts.hoist}
  if type(o.R) ~= "function" then error("cgen: opts.R (the resolver) is required") end
  return o
end

--- A C expression for a resolved expression tree.
function M.expression(tree, opts)
  return expr(tree, options(opts), 0)
end

local COMPOUND = {["+="] = "+", ["-="] = "-", ["*="] = "*", ["/="] = "/"}

local function emit_ir(list, o, indent, out)
  for _, ins in ipairs(list) do
    local op = ins.op
    if op == "let" then
      out[#out + 1] = indent .. "const " .. ctype(o.dtype, "float") .. " " .. ins.name .. " = " ..
        expr(ins.expr, o, 0) .. ";"
    elseif op == "set" then
      local lv = expr(ins.target, o, 100)
      if ins.masked then
        out[#out + 1] = indent .. lv .. " = _act ? " .. expr(ins.expr, o, 21) .. " : " .. lv .. ";"
      else
        out[#out + 1] = indent .. lv .. " = " .. expr(ins.expr, o, 0) .. ";"
      end
    elseif op == "compound" then
      local lv = expr(ins.target, o, 100)
      if ins.masked then
        local bin = COMPOUND[ins.cop]
        local p = PREC[bin]
        local rhs = lv .. " " .. bin .. " " .. expr(ins.expr, o, p + 1)
        out[#out + 1] = indent .. lv .. " = _act ? " .. rhs .. " : " .. lv .. ";"
      else
        out[#out + 1] = indent .. lv .. " " .. ins.cop .. " " .. expr(ins.expr, o, 0) .. ";"
      end
    elseif op == "bounds" then
      local lv = expr(ins.target, o, 100)
      if ins.min then
        local m = expr(ins.min, o, 21)
        out[#out + 1] = indent .. "if (" .. lv .. " < " .. expr(ins.min, o, 61) .. ") " .. lv ..
          " = " .. m .. ";"
      end
      if ins.max then
        local m = expr(ins.max, o, 21)
        out[#out + 1] = indent .. "if (" .. lv .. " > " .. expr(ins.max, o, 61) .. ") " .. lv ..
          " = " .. m .. ";"
      end
    elseif op == "scope" then
      out[#out + 1] = indent .. "{"
      emit_ir(ins.body, o, indent .. "    ", out)
      out[#out + 1] = indent .. "}"
    elseif op == "guard" then
      out[#out + 1] = indent .. "if (" .. ins.cond .. ") {"
      emit_ir(ins.body, o, indent .. "    ", out)
      out[#out + 1] = indent .. "}"
    else
      error("cgen: unknown instruction " .. tostring(op))
    end
  end
  return out
end

local function ir_text(list, o)
  local out = emit_ir(list, o, "", {})
  if #out == 0 then return "" end
  return table.concat(out, "\n") .. "\n"
end

--- Statements updating the equations of one locality ("global", "semiglobal", "local"),
-- with numerical methods, ODE blocks, bounds and (opts.masked, local only) refractory
-- masking through the C int `_act`. In synapses, the update of `w` (and its bounds) is
-- guarded by the C int `_plastic` (reference §9.1: plasticity off skips what assigns w).
function M.update(A, locality, opts)
  local o = options(opts)
  return ir_text(methods.ir(A, locality, {masked = o.masked}), o)
end

--- The spike condition (an int C expression).
function M.spike(A, opts)
  if not A.spike then return "0" end
  return "(" .. expr(A.spike, options(opts), 0) .. ")"
end

--- The axonal spike condition (an int C expression), "0" if none.
function M.axon_spike(A, opts)
  if not A.axon_spike then return "0" end
  return "(" .. expr(A.axon_spike, options(opts), 0) .. ")"
end

--- The reset statements.
function M.reset(A, opts)
  return ir_text(methods.events_ir(A.reset, {}), options(opts))
end

--- The axonal reset statements.
function M.axon_reset(A, opts)
  return ir_text(methods.events_ir(A.axon_reset, {}), options(opts))
end

--- A condition: a resolved tree, a condition record ({expr}), or a text (then opts.A, the
-- analysed neuron, and opts.env are used to analyse it).
function M.condition(c, opts)
  local o = options(opts)
  local tree = c
  if type(c) == "string" then
    local analyse = require("annarchy.compiler.analyse")
    local rec = analyse.condition(c, opts.A, opts.env)
    if rec.spiked then error("cgen: 'spiked' conditions are handled by the assembler") end
    tree = rec.expr
  elseif type(c) == "table" and c.expr and not c.op then
    tree = c.expr
  end
  return "(" .. expr(tree, o, 0) .. ")"
end

--- The psp expression of a synapse (nil if the synapse has none).
function M.psp(A, opts)
  if not A.psp then return nil end
  return expr(A.psp, options(opts), 0)
end

local function gtargets(A)
  local list = {}
  local targets = A.psp_targets or {}
  if #targets == 0 then targets = {false} end
  for _, t in ipairs(targets) do
    local ref = {kind = "g_target", target = t or nil}
    list[#list + 1] = {op = "var", key = "gt:" .. tostring(t), ref = ref, ty = "float"}
  end
  return list
end

--- pre_spike statements: `{gtarget = C, other = C}`; w statements are guarded by
-- `_plastic`, unless_post ones by `_unless_post_ok`.
function M.pre_spike(A, opts)
  local o = options(opts)
  local ps = A.pre_spike or {gtarget = {}, other = {}}
  return {
    gtarget = ir_text(methods.events_ir(ps.gtarget, {gtargets = gtargets(A), plastic_guard = true}), o),
    other = ir_text(methods.events_ir(ps.other, {gtargets = gtargets(A), plastic_guard = true}), o),
  }
end

--- pre_axon_spike statements (same shape as pre_spike).
function M.pre_axon_spike(A, opts)
  local o = options(opts)
  local g, other = {}, {}
  for _, ev in ipairs(A.pre_axon_spike or {}) do
    if ev.gtarget then g[#g + 1] = ev else other[#other + 1] = ev end
  end
  return {
    gtarget = ir_text(methods.events_ir(g, {gtargets = gtargets(A), plastic_guard = true}), o),
    other = ir_text(methods.events_ir(other, {gtargets = gtargets(A), plastic_guard = true}), o),
  }
end

--- post_spike statements (w statements guarded by `_plastic`).
function M.post_spike(A, opts)
  return ir_text(methods.events_ir(A.post_spike, {plastic_guard = true}), options(opts))
end

--- Advances every event-driven variable of a synapse to the step T (a C expression of an
-- integer step), then stamps `_last_event = T` (QUIRKS 5).
-- The event-driven variables of A whose time constant is the same for every synapse of a
-- kernel call (hoisted), in order: their decay factors come from the call's table (see
-- src/kernel/20_decay.h); the others call exp for each synapse.
local function tabled_decays(A, o)
  local list = {}
  if not o.hoist then return list end
  for _, name in ipairs(A.event_driven or {}) do
    if M.invariant(A.attr[name].equation.tau, o.hoist.invariant) then list[#list + 1] = name end
  end
  return list
end

--- The declarations an event kernel needs before its loops for M.event_driven: one table of
-- decay factors per tabled variable and the bits of their filled slots ("" when none).
function M.decay_tables(A, opts)
  local o = options(opts)
  local n = #tabled_decays(A, o)
  if n == 0 then return "" end
  local ft = ctype(o.dtype, "float")
  local out = {}
  for k = 0, n - 1 do
    out[#out + 1] = ("%s _e_tab%d[ANNK_DECAYS];"):format(ft, k)
  end
  out[#out + 1] = "uint64_t _e_filled[ANNK_DECAYS / 64] = {0};"
  return table.concat(out, " ") .. "\n"
end

--- The decay of the event-driven variables of synapse `e` from its last event to step T (C
-- text), then the update of its last event. The factors of the tabled variables are read
-- from the kernel's tables (M.decay_tables) when the slot of the step difference is filled,
-- else computed by the same expression and stored.
function M.event_driven(A, opts, T)
  local o = options(opts)
  if not A.event_driven or #A.event_driven == 0 then return "" end
  local last = o.R({kind = "attr", name = "_last_event", locality = "local"})
  local dt = o.R({kind = "dt", raw = true})
  local ft = ctype(o.dtype, "float")
  local out = {"{", "    const " .. ft .. " _e_steps = (" .. ft .. ")(" .. last .. " - (" .. T .. "));"}
  local slot = {}
  for k, name in ipairs(tabled_decays(A, o)) do slot[name] = k - 1 end
  local function decay(eq)
    local over_tau
    if o.hoist and M.invariant(eq.tau, o.hoist.invariant) then
      over_tau = " * " .. hoisted_reciprocal(eq.tau, o)
    else
      over_tau = " / " .. expr(eq.tau, o, 81)
    end
    return (o.dtype == "float32" and "expf" or "exp") .. "(" .. dt .. " * _e_steps" .. over_tau .. ")"
  end
  if next(slot) then
    local reads, computes, stores, names = {}, {}, {}, {}
    for _, name in ipairs(A.event_driven) do
      local k = slot[name]
      if k then
        names[#names + 1] = "_e_dec" .. k
        reads[#reads + 1] = ("        _e_dec%d = _e_tab%d[_e_slot];"):format(k, k)
        computes[#computes + 1] = ("        _e_dec%d = %s;"):format(k, decay(A.attr[name].equation))
        stores[#stores + 1] = ("_e_tab%d[_e_slot] = _e_dec%d;"):format(k, k)
      end
    end
    out[#out + 1] = "    const int32_t _e_slot = annk_decay_slot((double)_e_steps);"
    out[#out + 1] = "    " .. ft .. " " .. table.concat(names, ", ") .. ";"
    out[#out + 1] = "    if (_e_slot >= 0 && annk_decay_filled(_e_filled, _e_slot)) {"
    for _, l in ipairs(reads) do out[#out + 1] = l end
    out[#out + 1] = "    } else {"
    for _, l in ipairs(computes) do out[#out + 1] = l end
    out[#out + 1] = "        if (_e_slot >= 0) { " .. table.concat(stores, " ") ..
      " annk_decay_mark(_e_filled, _e_slot); }"
    out[#out + 1] = "    }"
  end
  for _, name in ipairs(A.event_driven) do
    local eq = A.attr[name].equation
    local x = expr(resolve.attr_var(A.attr[name]), o, 100)
    local factor = slot[name] and "_e_dec" .. slot[name] or decay(eq)
    if eq.S.op == "num" and eq.S.value == 0 then
      out[#out + 1] = "    " .. x .. " = " .. x .. " * " .. factor .. ";"
    else
      local s = expr(eq.S, o, 71)
      out[#out + 1] = "    " .. x .. " = " .. s .. " + (" .. x .. " - " .. s .. ") * " .. factor .. ";"
    end
    local b = emit_ir({{op = "bounds", target = resolve.attr_var(A.attr[name]), min = eq.min,
      max = eq.max}}, o, "    ", {})
    for _, l in ipairs(b) do out[#out + 1] = l end
  end
  out[#out + 1] = "}"
  out[#out + 1] = last .. " = " .. T .. ";"
  return table.concat(out, "\n") .. "\n"
end

--- C definitions of the user functions the model uses (static inline, each guarded so
-- that several models may bring the same definition).
function M.functions(A, opts)
  local o = options(opts)
  local out = {}
  for _, f in ipairs(A.functions or {}) do
    local params = {"const double *_cst"}
    for _, a in ipairs(f.args) do
      params[#params + 1] = ctype(o.dtype, f.arg_types[#params]) .. " _a_" .. a
    end
    local guard = f.cname .. "_DEFINED"
    out[#out + 1] = "#ifndef " .. guard
    out[#out + 1] = "#define " .. guard
    local rt = ctype(o.dtype, f.ret_type)
    local used = {}
    symbolic.walk(f.body, function(n)
      if n.op == "var" and n.ref.kind == "arg" then used[n.ref.name] = true end
    end)
    local voids = {"(void)_cst; "}
    for _, a in ipairs(f.args) do
      if not used[a] then voids[#voids + 1] = "(void)_a_" .. a .. "; " end
    end
    out[#out + 1] = "static inline " .. rt .. " " .. f.cname .. "(" .. table.concat(params, ", ") ..
      ") { " .. table.concat(voids) .. "return (" .. rt .. ")(" .. expr(f.body, o, 0) .. "); }"
    out[#out + 1] = "#endif"
  end
  if #out == 0 then return "" end
  return table.concat(out, "\n") .. "\n"
end

--- Helper definitions used by the generated code (put once at the top of a kernel file,
-- after <math.h>).
function M.prelude(dtype)
  local T = ctype(dtype, "float")
  local f = dtype == "float32" and "f" or ""
  local lines = {
    "#ifndef ANN_PRELUDE_" .. T,
    "#define ANN_PRELUDE_" .. T,
    "static inline " .. T .. " _ann_pos(" .. T .. " x) { return x > 0 ? x : (" .. T .. ")0; }",
    "static inline " .. T .. " _ann_neg(" .. T .. " x) { return x < 0 ? x : (" .. T .. ")0; }",
    "static inline " .. T .. " _ann_clip(" .. T .. " x, " .. T .. " a, " .. T ..
      " b) { return x < a ? a : (x > b ? b : x); }",
    "static inline " .. T .. " _ann_modulo(" .. T .. " a, " .. T .. " b) {",
    "    long long la, lb;",
    "    if (!(a > -9.2e18 && a < 9.2e18 && b > -9.2e18 && b < 9.2e18)) return (" .. T .. ")NAN;",
    "    la = (long long)a; lb = (long long)b;",
    "    if (lb == 0) return (" .. T .. ")NAN;",
    "    if (lb == -1) return (" .. T .. ")0;",
    "    return (" .. T .. ")(la % lb);",
    "}",
    "static inline " .. T .. " _ann_power(" .. T .. " x, " .. T .. " n) {",
    "    long long k; int neg; " .. T .. " r;",
    "    if (!(n > -64.5 && n < 64.5) || n != (" .. T .. ")(long long)n) return pow" .. f .. "(x, n);",
    "    k = (long long)n; neg = k < 0; if (neg) k = -k;",
    "    if (k == 0) return (" .. T .. ")1;",
    "    r = x; while (--k > 0) r *= x;",
    "    return neg ? (" .. T .. ")1 / r : r;",
    "}",
    "#endif",
  }
  return table.concat(lines, "\n") .. "\n"
end

--- A resolver for tests and debugging: prints every reference as a readable C name.
function M.default_resolver(ref)
  local k = ref.kind
  if k == "attr" then return ref.name end
  if k == "pre" then return "pre_" .. ref.name end
  if k == "post" then return "post_" .. ref.name end
  if k == "sum" then return "_sum_" .. ref.target end
  if k == "sum_all" then return "_sum_all" end
  if k == "presum" then return "pre_sum_" .. ref.target end
  if k == "postsum" then return "post_sum_" .. ref.target end
  if k == "gop" then return ref.name end
  if k == "rand" then return ref.name end
  if k == "const" then return "const_" .. ref.name end
  if k == "t" then return "t" end
  if k == "dt" then return "dt" end
  if k == "t_last" then return "t_last" end
  if k == "t_pre" then return "t_pre" end
  if k == "t_post" then return "t_post" end
  if k == "func" then return nil end
  if k == "g_target" then return "g_" .. tostring(ref.target or "target") end
  return nil
end

return M
