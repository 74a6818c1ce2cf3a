--- Izhikevich: the quadratic integrate-and-fire neuron with adaptation (reference-library §1.2).
local model = require("annarchy.model")

local M = {}

M.Izhikevich = {
  object = "neuron",
  arguments = {{"a", 0.02}, {"b", 0.2}, {"c", -65.0}, {"d", 8.0}, {"v_thresh", 30.0},
    {"i_offset", 0.0}, {"noise", 0.0}, {"tau_refrac", 0.0}, {"conductance", "g_exc - g_inh"}},
  options = {conductance = "string"},
  -- v starts at c (the parameter); u at b * c, computed when the model is made, as the
  -- reference does: b and c must then be numbers.
  needs_numbers = {b = "u starts at b * c", c = "u starts at b * c"},
  build = function(a, f)
    return model.Neuron{
      parameters = ([[
        noise = %s
        a = %s
        b = %s
        c = %s
        d = %s
        v_thresh = %s
        i_offset = %s
        tau_refrac = %s
      ]]):format(f(a.noise), f(a.a), f(a.b), f(a.c), f(a.d), f(a.v_thresh), f(a.i_offset),
        f(a.tau_refrac)),
      equations = {
        "I = " .. a.conductance .. " + noise * Normal(0.0, 1.0) + i_offset",
        "dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = c",
        "du/dt = a * (b * v - u) : init = " .. f(a.b * a.c),
      },
      spike = "v > v_thresh",
      reset = "v = c\nu += d",
      refractory = "tau_refrac",
      name = "Izhikevich",
      description = "Quadratic integrate-and-fire spiking neuron with adaptation.",
    }
  end,
}

return M
