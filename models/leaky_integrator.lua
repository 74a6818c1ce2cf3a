--- LeakyIntegrator: the rate-coded leaky integrator (reference-library §1.1).
-- A family file returns name -> spec; lua/annarchy/models.lua turns each spec into a model
-- object. `build(a, f)` receives every constructor argument in `a` (defaults filled in,
-- numbers only for the arguments that are parameters) and `f`, which writes a number
-- as equation text.
local model = require("annarchy.model")

local M = {}

M.LeakyIntegrator = {
  object = "neuron",
  arguments = {{"tau", 10.0}, {"B", 0.0}, {"T", 0.0}, {"sum", "sum(exc) - sum(inh)"}, {"noise", false}},
  options = {sum = "string", noise = "string"},
  build = function(a, f)
    local input = {}
    if a.sum ~= "" then input[#input + 1] = a.sum end
    input[#input + 1] = "B"
    if a.noise and a.noise ~= "" then input[#input + 1] = a.noise end
    return model.Neuron{
      parameters = ([[
        tau = %s : population
        B = %s
        T = %s : population
      ]]):format(f(a.tau), f(a.B), f(a.T)),
      equations = {
        "tau * dv/dt + v = " .. table.concat(input, " + ") .. " : exponential",
        "r = pos(v - T)",
      },
      name = "Leaky-Integrator",
      description = "Leaky-integrator rate-coded neuron with a positive transfer function and optional additive noise.",
    }
  end,
}

return M
