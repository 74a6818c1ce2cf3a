--- Model description objects: Neuron, Synapse, Parameter, Variable, Creating, Pruning.
--
-- These are values (they carry a metatable); they only hold what the user wrote. The
-- analysis (annarchy.compiler.analyse) reads them when a population or projection is
-- created. A Neuron or Synapse is callable with a table of new parameter defaults:
-- `ann.Izhikevich{a = 0.1}` returns a new model.
local errors = require("annarchy.compiler.errors")
local statements = require("annarchy.compiler.statements")

local M = {}

local NeuronMT = {__name = "annarchy.Neuron"}
local SynapseMT = {__name = "annarchy.Synapse"}
local ParameterMT = {__name = "annarchy.Parameter"}
local VariableMT = {__name = "annarchy.Variable"}
local CreatingMT = {__name = "annarchy.Creating"}
local PruningMT = {__name = "annarchy.Pruning"}

local DIST_KINDS = {Uniform = true, DiscreteUniform = true, Normal = true, LogNormal = true,
  Exponential = true, Gamma = true, Binomial = true}

--- True if x is a random distribution object (annarchy.random when it exists).
function M.is_distribution(x)
  if type(x) ~= "table" or getmetatable(x) == nil then return false end
  local ok, random = pcall(require, "annarchy.random")
  if ok and type(random) == "table" and type(random.is_distribution) == "function" then
    local ok2, r = pcall(random.is_distribution, x)
    if ok2 and r then return true end
  end
  local okk, kind = pcall(function() return x.kind end)
  return okk and type(kind) == "string" and DIST_KINDS[kind] == true
end

--- Reads a field of a value whose __index may raise (distributions, Arrays): nil then.
function M.field(v, k)
  if type(v) ~= "table" then return nil end
  local r = rawget(v, k)
  if r ~= nil then return r end
  local ok, x = pcall(function() return v[k] end)
  if ok then return x end
  return nil
end

--- True if v is a constant object (a value with a numeric `value` field, not a distribution).
function M.is_constant(v)
  return type(v) == "table" and getmetatable(v) ~= nil and not M.is_distribution(v) and
    type(M.field(v, "value")) == "number"
end

local function fail(object, name, msg)
  local ctx = nil
  if object then ctx = {object = object, model = name or "?"} end
  error(errors.format(ctx, nil, msg), 0)
end

local function is_plain(t) return type(t) == "table" and getmetatable(t) == nil end

local NEURON_FIELDS = {"parameters", "equations", "spike", "axon_spike", "reset", "axon_reset",
  "refractory", "functions", "name", "description", "extra_values"}
local SYNAPSE_FIELDS = {"parameters", "equations", "psp", "operation", "pre_spike", "post_spike",
  "pre_axon_spike", "functions", "pruning", "creating", "name", "description", "extra_values"}

local LOCALITIES = {global = "global", ["local"] = "local", semiglobal = "semiglobal",
  population = "global", projection = "global", postsynaptic = "semiglobal"}
local TYPES = {float = "float", int = "int", bool = "bool", double = "float", integer = "int",
  boolean = "bool"}
M.LOCALITIES = LOCALITIES
M.TYPES = TYPES

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function check_fields(object, t, allowed)
  local set = set_of(allowed)
  local name = type(t.name) == "string" and t.name or nil
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    if type(k) ~= "string" then
      fail(object, name, "fields are given by name (got a positional value #" .. tostring(k) .. ")")
    end
    if not set[k] then
      fail(object, name, "unknown field '" .. k .. "'" .. errors.hint(k, allowed))
    end
  end
end

local function check_string_or_list(object, name, field, v, allow_variables)
  if v == nil or type(v) == "string" then return end
  if getmetatable(v) == VariableMT and allow_variables then return end
  if not is_plain(v) then
    fail(object, name, field .. " must be either a string or a list of strings" ..
      (allow_variables and "/variables" or ""))
  end
  for k, e in pairs(v) do
    if type(k) ~= "number" then
      fail(object, name, field .. " must be a list (found the key '" .. tostring(k) .. "')")
    end
    if type(e) ~= "string" and not (allow_variables and getmetatable(e) == VariableMT) then
      fail(object, name, field .. " must be either a string or a list of strings" ..
        (allow_variables and "/variables" or ""))
    end
  end
end

local function check_parameters(object, name, p)
  if p == nil or type(p) == "string" then return end
  if not is_plain(p) then
    fail(object, name, "parameters should either be a table or a multi-line string")
  end
  for k, v in pairs(p) do
    if type(k) ~= "string" then
      fail(object, name, "parameters: a table of parameters maps names to values")
    end
    local tv = type(v)
    if not (tv == "number" or tv == "boolean" or getmetatable(v) == ParameterMT or
        M.is_distribution(v) or M.is_constant(v)) then
      fail(object, name, "parameter " .. k .. ": the value must be a number, a boolean, " ..
        "ann.Parameter(...) or a distribution (got " .. tv .. ")")
    end
    local x = getmetatable(v) == ParameterMT and v.value or v
    if type(x) == "number" and not (x > -math.huge and x < math.huge) then
      fail(object, name, "parameter " .. k .. ": the value must be a finite number (got " ..
        (x ~= x and "NaN" or tostring(x)) .. ")")
    end
  end
end

local function common_checks(object, t)
  local name = t.name
  if name ~= nil and type(name) ~= "string" then fail(object, nil, "name must be a string") end
  if t.description ~= nil and type(t.description) ~= "string" then
    fail(object, name, "description must be a string")
  end
  check_parameters(object, name, t.parameters)
  if t.extra_values ~= nil then
    if not is_plain(t.extra_values) then fail(object, name, "extra_values must be a table of names and values") end
    for k, v in pairs(t.extra_values) do
      if type(k) ~= "string" or (type(v) ~= "boolean" and not (type(v) == "number" and v > -math.huge
          and v < math.huge)) then
        fail(object, name, "extra_values: " .. tostring(k) .. " must map to a finite number or a boolean")
      end
    end
  end
  check_string_or_list(object, name, "equations", t.equations, true)
  if t.functions ~= nil and type(t.functions) ~= "string" then
    check_string_or_list(object, name, "functions", t.functions, false)
  end
end

local function build(mt, object, t, fields)
  if not is_plain(t) then
    fail(object, nil, "ann." .. (object == "neuron" and "Neuron" or "Synapse") ..
      "{...} takes one table of fields")
  end
  check_fields(object, t, fields)
  common_checks(object, t)
  local obj = {_defaults = {}}
  for _, f in ipairs(fields) do obj[f] = t[f] end
  return setmetatable(obj, mt)
end

--- A neuron type: `ann.Neuron{parameters, equations, spike, axon_spike, reset, axon_reset,
-- refractory, functions, name, description}`.
function M.Neuron(t)
  local obj = build(NeuronMT, "neuron", t, NEURON_FIELDS)
  local name = obj.name
  for _, f in ipairs({"spike", "axon_spike"}) do
    if obj[f] ~= nil and type(obj[f]) ~= "string" then
      fail("neuron", name, f .. " must be a string (a condition)")
    end
  end
  check_string_or_list("neuron", name, "reset", obj.reset, false)
  check_string_or_list("neuron", name, "axon_reset", obj.axon_reset, false)
  local r = obj.refractory
  if r ~= nil and type(r) ~= "number" and type(r) ~= "string" then
    fail("neuron", name, "refractory must be a number (ms) or the name of an attribute")
  end
  if type(r) == "number" and (r < 0 or r ~= r) then
    fail("neuron", name, "refractory must be a non-negative number of ms")
  end
  return obj
end

--- A synapse type: `ann.Synapse{parameters, equations, psp, operation, pre_spike,
-- post_spike, pre_axon_spike, functions, pruning, creating, name, description}`.
function M.Synapse(t)
  local obj = build(SynapseMT, "synapse", t, SYNAPSE_FIELDS)
  local name = obj.name
  if obj.psp ~= nil and type(obj.psp) ~= "string" then
    fail("synapse", name, "psp must be a string (an expression)")
  end
  if obj.operation ~= nil and type(obj.operation) ~= "string" then
    fail("synapse", name, "operation must be one of 'sum', 'max', 'min', 'mean'")
  end
  for _, f in ipairs({"pre_spike", "post_spike", "pre_axon_spike"}) do
    check_string_or_list("synapse", name, f, obj[f], false)
  end
  if obj.creating ~= nil and type(obj.creating) ~= "string" and getmetatable(obj.creating) ~= CreatingMT then
    fail("synapse", name, "creating must be a string or ann.Creating(...)")
  end
  if obj.pruning ~= nil and type(obj.pruning) ~= "string" and getmetatable(obj.pruning) ~= PruningMT then
    fail("synapse", name, "pruning must be a string or ann.Pruning(...)")
  end
  return obj
end

--- Names of the parameters declared by a model (in declaration order).
function M.parameter_names(model)
  local out = {}
  local p = model.parameters
  if type(p) == "string" then
    local ok, sts = pcall(statements.split, p, {object = M.object_kind(model), model = model.name,
      where = "parameter"})
    if ok then
      for _, st in ipairs(sts) do
        local n = st.text:match("^%s*([%a_][%w_]*)")
        if n then out[#out + 1] = n end
      end
    end
  elseif type(p) == "table" then
    for k in pairs(p) do out[#out + 1] = k end
    table.sort(out)
  end
  return out
end

local function with_defaults(self, values)
  -- built-in models rebuild themselves: their options may change the equations
  local hook = rawget(self, "with")
  if type(hook) == "function" then return hook(values) end
  local object = M.object_kind(self)
  if not is_plain(values) then
    fail(object, self.name, "a model is called with a table of new parameter values")
  end
  local names = M.parameter_names(self)
  local set = set_of(names)
  local new = {}
  for k, v in pairs(self) do new[k] = v end
  new._defaults = {}
  for k, v in pairs(self._defaults or {}) do new._defaults[k] = v end
  for k, v in pairs(values) do
    if type(k) ~= "string" or not set[k] then
      fail(object, self.name, "unknown parameter '" .. tostring(k) .. "'" ..
        (type(k) == "string" and errors.hint(k, names) or ""))
    end
    local tv = type(v)
    if not (tv == "number" or tv == "boolean" or M.is_distribution(v)) then
      fail(object, self.name, "parameter " .. k .. ": a new default must be a number, a " ..
        "boolean or a distribution")
    end
    new._defaults[k] = v
  end
  return setmetatable(new, getmetatable(self))
end

local function model_tostring(self)
  return string.format("%s(%q)", M.object_kind(self) == "neuron" and "Neuron" or "Synapse",
    self.name or "")
end

NeuronMT.__call = with_defaults
SynapseMT.__call = with_defaults
NeuronMT.__tostring = model_tostring
SynapseMT.__tostring = model_tostring

-- Positional value + options table, or one table of named fields.
local function args2(fname, a, b, first, allowed)
  local t
  if b == nil and is_plain(a) and next(a) ~= nil and a[1] == nil then
    t = a
  elseif b == nil and is_plain(a) and a[1] ~= nil then
    t = {}
    for k, v in pairs(a) do t[k] = v end
    t[first] = a[1]
    t[1] = nil
  else
    if b ~= nil and not is_plain(b) then
      error("annarchy: " .. fname .. ": the options must be a table", 0)
    end
    t = {}
    for k, v in pairs(b or {}) do t[k] = v end
    t[first] = a
  end
  local set = set_of(allowed)
  set[first] = true
  for k in pairs(t) do
    if type(k) ~= "string" or not set[k] then
      error("annarchy: " .. fname .. ": unknown option '" .. tostring(k) .. "'" ..
        (type(k) == "string" and errors.hint(k, allowed) or ""), 0)
    end
  end
  return t
end

local function check_locality_type(fname, t)
  if t.locality ~= nil and not LOCALITIES[t.locality] then
    error("annarchy: " .. fname .. ": the locality must be in ['global', 'semiglobal', 'local'] " ..
      "(got " .. tostring(t.locality) .. ")", 0)
  end
  if t.type ~= nil and not TYPES[t.type] then
    error("annarchy: " .. fname .. ": the data type must be in ['float', 'int', 'bool'] (got " ..
      tostring(t.type) .. ")", 0)
  end
end

--- `ann.Parameter(value, {locality = "global", type = "float"})`.
function M.Parameter(value, opts)
  local t = args2("Parameter", value, opts, "value", {"locality", "type"})
  local v = t.value
  if not (type(v) == "number" or type(v) == "boolean" or M.is_distribution(v) or
      M.is_constant(v)) then
    error("annarchy: Parameter: the value must be a number, a boolean, a constant or a " ..
      "distribution (got " .. type(v) .. ")", 0)
  end
  check_locality_type("Parameter", t)
  return setmetatable({value = v, locality = t.locality, type = t.type}, ParameterMT)
end

--- `ann.Variable(equation, {init, min, max, method, locality, type})`.
function M.Variable(equation, opts)
  local t = args2("Variable", equation, opts, "equation",
    {"init", "min", "max", "method", "locality", "type"})
  if type(t.equation) ~= "string" then
    error("annarchy: Variable: the equation must be a string", 0)
  end
  check_locality_type("Variable", t)
  local init = t.init
  if M.is_constant(init) then init = M.field(init, "value") end
  if init ~= nil and not (type(init) == "number" or type(init) == "boolean" or
      type(init) == "string" or M.is_distribution(init)) then
    error("annarchy: Variable: init must be a number, a boolean, a parameter name or a " ..
      "distribution", 0)
  end
  for _, b in ipairs({"min", "max"}) do
    if t[b] ~= nil and type(t[b]) ~= "number" and type(t[b]) ~= "string" then
      error("annarchy: Variable: " .. b .. " must be a number or an expression string", 0)
    end
  end
  if t.method ~= nil and type(t.method) ~= "string" then
    error("annarchy: Variable: method must be a string", 0)
  end
  return setmetatable({equation = t.equation, init = init, min = t.min, max = t.max,
    method = t.method, locality = t.locality, type = t.type}, VariableMT)
end

local function check_number(fname, k, v)
  if v ~= nil and type(v) ~= "number" then
    error("annarchy: " .. fname .. ": " .. k .. " must be a number", 0)
  end
end

--- `ann.Creating(condition, {proba = 1.0, w = 0.0, d = nil})`.
function M.Creating(cond, opts)
  local t = args2("Creating", cond, opts, "equation", {"proba", "w", "d"})
  if type(t.equation) ~= "string" then error("annarchy: Creating: the condition must be a string", 0) end
  check_number("Creating", "proba", t.proba)
  check_number("Creating", "w", t.w)
  check_number("Creating", "d", t.d)
  return setmetatable({equation = t.equation, proba = t.proba, w = t.w, d = t.d}, CreatingMT)
end

--- `ann.Pruning(condition, {proba = 1.0})`.
function M.Pruning(cond, opts)
  local t = args2("Pruning", cond, opts, "equation", {"proba"})
  if type(t.equation) ~= "string" then error("annarchy: Pruning: the condition must be a string", 0) end
  check_number("Pruning", "proba", t.proba)
  return setmetatable({equation = t.equation, proba = t.proba}, PruningMT)
end

--- "neuron", "synapse", "parameter", "variable", "creating", "pruning" or nil.
function M.object_kind(x)
  local mt = getmetatable(x)
  if mt == NeuronMT then return "neuron" end
  if mt == SynapseMT then return "synapse" end
  if mt == ParameterMT then return "parameter" end
  if mt == VariableMT then return "variable" end
  if mt == CreatingMT then return "creating" end
  if mt == PruningMT then return "pruning" end
  return nil
end

function M.is_neuron(x) return getmetatable(x) == NeuronMT end
function M.is_synapse(x) return getmetatable(x) == SynapseMT end
function M.is_parameter(x) return getmetatable(x) == ParameterMT end
function M.is_variable(x) return getmetatable(x) == VariableMT end
function M.is_creating(x) return getmetatable(x) == CreatingMT end
function M.is_pruning(x) return getmetatable(x) == PruningMT end

return M
