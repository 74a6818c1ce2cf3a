--- PoissonPopulation (reference-library §3.3): spiking neurons that fire with probability
-- rates * dt / 1000 at each step (rates in Hz), one uniform draw per neuron and step.
--   ann.PoissonPopulation(geometry, {rates = 10.0})            one rate for every neuron
--   ann.PoissonPopulation(geometry, {rates = {...}})           one rate per neuron (list or Array)
--   ann.PoissonPopulation(geometry, {rates = "20 * (1 + sin(2*pi*f*t/1000))",
--                                    parameters = {f = 5.0}})  an expression of t
--   ann.PoissonPopulation(geometry, {target = "exc"})           the rates of incoming rate-coded
--                                                              projections (g_exc, Hz)
local args = require("annarchy.args")
local runtime = require("annarchy.runtime")
local model = require("annarchy.model")
local population = require("annarchy.population")
local util = require("annarchy.util")
local common = require("annarchy.inputs.common")

local fail = common.fail
local M = {}

local KIND = "PoissonPopulation"
local DRAW = "p = Uniform(0.0, 1.0) * 1000.0 / dt"

--- The rates given as numbers for every neuron: a flat Array, checked against the geometry.
local function per_neuron(rates, geometry)
  local size = util.product(geometry)
  local arr
  if runtime.is_array(rates) then
    arr = rates
  else
    local ok, res = pcall(runtime.array, rates)
    if not ok then fail("%s: rates: %s", KIND, tostring(res):gsub("^ann%.array: ", "")) end
    arr = res
  end
  local shape = arr.shape
  local same = #shape == #geometry
  for d = 1, #shape do same = same and shape[d] == geometry[d] end
  if not same and not (#shape == 1 and shape[1] == size) then
    fail("%s: rates have the shape {%s}; the population's geometry is {%s} (%d neurons)", KIND,
      table.concat(shape, ", "), table.concat(geometry, ", "), size)
  end
  local flat = arr:flatten()
  for i = 1, flat.size do
    if not common.is_number(flat[i]) then fail("%s: rates must be finite numbers", KIND) end
  end
  return flat
end

--- The extra parameters of an expression: a table name -> value (global parameters) or the
-- reference's string form.
local function extra_parameters(params)
  if params == nil then return nil end
  if type(params) == "string" then return params end
  if type(params) ~= "table" or getmetatable(params) ~= nil then
    fail("%s: parameters must be a table of names and values", KIND)
  end
  local out = {}
  for k, v in pairs(params) do
    if type(k) ~= "string" then fail("%s: parameters must be a table of names and values", KIND) end
    if k == "rates" or k == "p" then
      fail("%s: parameters: '%s' is a name the population uses itself", KIND, k)
    end
    out[k] = v
  end
  return out
end

--- ann.PoissonPopulation(geometry, name, rates, target, parameters, refractory) or by name.
function M.new(...)
  local a = args.parse(KIND, {"geometry", "name", "rates", "target", "parameters", "refractory"},
    select("#", ...), ...)
  if a.geometry == nil then fail("%s: geometry is required", KIND) end
  local geometry = population.geometry(a.geometry, KIND)
  if a.rates == nil and a.target == nil then
    fail("%s: either rates or target must be given", KIND)
  end
  if a.rates ~= nil and a.target ~= nil then
    fail("%s: give either rates or target, not both", KIND)
  end
  if a.name ~= nil and type(a.name) ~= "string" then fail("%s: name must be a string", KIND) end
  if a.refractory ~= nil and (not common.is_number(a.refractory) or a.refractory < 0) then
    fail("%s: refractory must be a non-negative number of ms", KIND)
  end
  local params = extra_parameters(a.parameters)
  local desc = {spike = "p < rates", refractory = a.refractory, name = "Poisson",
                description = "Poisson spike trains (rates in Hz)."}
  local initial
  if a.target ~= nil then
    if type(a.target) ~= "string" or not a.target:match("^[%a_][%w_]*$") then
      fail("%s: target must be the name of a target, such as \"exc\"", KIND)
    end
    desc.parameters = params
    desc.equations = {"rates = g_" .. a.target, DRAW}
    desc.name = "Hybrid"
  elseif type(a.rates) == "string" then
    desc.parameters = params
    desc.equations = {"rates = " .. a.rates, DRAW}
  else
    local given = type(params) == "string" and params:match("%S") or type(params) == "table" and next(params)
    if given then
      fail("%s: parameters are only used with rates given as an expression or with a target", KIND)
    end
    if type(a.rates) == "number" then
      if not common.is_number(a.rates) then fail("%s: rates must be a finite number of Hz", KIND) end
      initial = a.rates
    else
      initial = per_neuron(a.rates, geometry)
    end
    desc.parameters = {rates = model.Parameter(type(initial) == "number" and initial or 10.0,
                                               {locality = "local"})}
    desc.equations = DRAW
  end
  local neuron = model.Neuron(desc)

  return common.special(KIND, function(_, net)
    local pop = net:create(geometry, neuron, {name = a.name})
    if type(initial) ~= "number" and initial ~= nil then pop.rates = initial end
    return pop
  end)
end

return M
