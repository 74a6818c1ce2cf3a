--- BOLD models: ann.BoldModel, a rate-coded neuron that declares its input targets (read with
-- `sum(input)`) and its output variables; the balloon models (annarchy.extensions.balloon_models)
-- and BOLD monitors (annarchy.extensions.bold) use it.
local util = require("annarchy.util")
local model = require("annarchy.model")
local statements = require("annarchy.compiler.statements")
local parser = require("annarchy.compiler.parser")

local fail = util.fail
local M = {}

local IDENT = "^[%a_][%w_]*$"

local MODEL_FIELDS = {parameters = true, equations = true, inputs = true, output = true, name = true,
                      description = true}

local function name_list(what, v, model_name)
  if type(v) == "string" then v = {v} end
  if type(v) ~= "table" or getmetatable(v) ~= nil or #v == 0 then
    fail("BoldModel %q: %s must be a name or a non-empty list of names", model_name, what)
  end
  local out = {}
  for i, x in ipairs(v) do
    if type(x) ~= "string" or not x:match(IDENT) then
      fail("BoldModel %q: %s: %s is not a valid name", model_name, what, util.show(x))
    end
    out[i] = x
  end
  return out
end

-- The equation texts of a model's `equations` (a string, a Variable or a list of both).
local function equation_texts(eqs)
  if eqs == nil then return {} end
  if type(eqs) == "string" then return {eqs} end
  if model.is_variable(eqs) then return {eqs.equation} end
  local out = {}
  for _, e in ipairs(eqs) do
    out[#out + 1] = model.is_variable(e) and e.equation or e
  end
  return out
end

--- Names assigned by the equations (`x = ...`, `dx/dt = ...`, `tau * dx/dt = ...`).
function M.variable_names(neuron)
  local out = {}
  local ctx = {object = "neuron", model = neuron.name, where = "equation"}
  for _, text in ipairs(equation_texts(neuron.equations)) do
    for _, st in ipairs(statements.split(text, ctx)) do
      local ps = parser.statement(st.text, ctx)
      if ps.name then out[ps.name] = true end
    end
  end
  return out
end

--- The Lua pattern of `sum(target)` in an equation.
function M.sum_pattern(target)
  return "%f[%w_]sum%s*%(%s*" .. target .. "%s*%)"
end

local function reads_sum(neuron, target)
  for _, text in ipairs(equation_texts(neuron.equations)) do
    if text:find(M.sum_pattern(target)) then return true end
  end
  return false
end

--- True if x is a BOLD model (a neuron made by ann.BoldModel or one of the balloon models).
function M.is_bold_model(x)
  return model.is_neuron(x) and rawget(x, "bold") ~= nil
end

--- `ann.BoldModel{parameters, equations, inputs, output = "BOLD", name = "Custom BOLD model",
-- description = ""}`: a rate-coded neuron whose equations read the input signals with
-- `sum(input)` and compute the output variables. A model without `r` gets a local parameter
-- `r = 0` (rate-coded populations need one).
function M.BoldModel(t)
  if type(t) ~= "table" or getmetatable(t) ~= nil then
    fail("ann.BoldModel{...} takes one table of fields (parameters, equations, inputs, output, name, "
      .. "description)")
  end
  for k in pairs(t) do
    if not MODEL_FIELDS[k] then
      fail("ann.BoldModel: unknown field %s (expected parameters, equations, inputs, output, name, "
        .. "description)", util.show(k))
    end
  end
  local name = t.name or "Custom BOLD model"
  if type(name) ~= "string" then fail("ann.BoldModel: name must be a string") end
  if t.inputs == nil then fail("BoldModel %q: inputs (the targets read with sum()) must be given", name) end
  local inputs = name_list("inputs", t.inputs, name)
  local output = name_list("output", t.output or "BOLD", name)
  local neuron = model.Neuron{parameters = t.parameters, equations = t.equations, name = name,
                              description = t.description or ""}
  local defined = M.variable_names(neuron)
  for _, p in ipairs(model.parameter_names(neuron)) do defined[p] = true end
  for _, x in ipairs(inputs) do
    if not reads_sum(neuron, x) then
      fail("BoldModel %q: the input %q is not read by any equation (write sum(%s))", name, x, x)
    end
  end
  for _, x in ipairs(output) do
    if not defined[x] then
      fail("BoldModel %q: the output %q is neither a parameter nor a variable of the model", name, x)
    end
  end
  if not defined.r then
    local p = t.parameters
    if p == nil then
      p = "r = 0.0"
    elseif type(p) == "string" then
      p = p .. "\nr = 0.0"
    else
      local copy = {}
      for k, v in pairs(p) do copy[k] = v end
      copy.r = model.Parameter(0.0, {locality = "local"})
      p = copy
    end
    neuron = model.Neuron{parameters = p, equations = t.equations, name = name,
                          description = t.description or ""}
  end
  rawset(neuron, "bold", {inputs = inputs, output = output})
  return neuron
end


return M
