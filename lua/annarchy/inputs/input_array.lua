--- InputArray (reference-library §3.1): a rate-coded population whose r is set from outside
-- (`inp.r = values`) and kept as it is by the simulation; r is a variable, so it can be
-- recorded. Projections from it see a new value one step later, as any rate.
--   local inp = net:create(ann.InputArray({10, 10}, {name = "pixels"}))
local args = require("annarchy.args")
local model = require("annarchy.model")
local population = require("annarchy.population")
local common = require("annarchy.inputs.common")

local fail = common.fail
local M = {}

local KIND = "InputArray"

--- ann.InputArray(geometry, name) or by name.
function M.new(...)
  local a = args.parse(KIND, {"geometry", "name"}, select("#", ...), ...)
  if a.geometry == nil then fail("%s: geometry is required", KIND) end
  local geometry = population.geometry(a.geometry, KIND)
  if a.name ~= nil and type(a.name) ~= "string" then fail("%s: name must be a string", KIND) end
  local neuron = model.Neuron{equations = "r = r", name = "Input Array",
                              description = "Rates set from outside."}
  return common.special(KIND, function(_, net)
    return net:create(geometry, neuron, {name = a.name})
  end)
end

return M
