--- GIF_curr and GIF_curr_exp: generalised integrate-and-fire neurons with escape noise and a
-- moving threshold (Schwalger et al. 2017; reference-library §1.10). The parameters are
-- global (the reference declares them as a dict); R = tau_m / C_m is computed when the model
-- is made. A neuron spikes with probability Lambda * dt / 1000 per step.
local model = require("annarchy.model")

local M = {}

local ARGS = {{"C_m", 250.0}, {"tau_m", 10.0}, {"tau_v", 1000.0}, {"J_v", 1000.0}, {"u_r", -65.0},
  {"u_th", -50.0}, {"c", 10.0}, {"delta_u", 5.0}, {"I_ext", 375.0}, {"current", "R*(g_exc - g_inh)"},
  {"refractory_period", 0.0}}
local ARGS_EXP = {}
for i, arg in ipairs(ARGS) do ARGS_EXP[i] = arg end
ARGS_EXP[#ARGS_EXP + 1] = {"tau_g_exc", 5.0}
ARGS_EXP[#ARGS_EXP + 1] = {"tau_g_inh", 5.0}

-- C_m only gives R; refractory_period is the refractory period in ms (not an attribute).
local OPTIONS = {current = "string", C_m = "number", refractory_period = "number"}
local GLOBALS = {"tau_m", "R", "tau_v", "J_v", "u_r", "u_th", "c", "delta_u", "I_ext"}

local function build(conductances)
  return function(a, f)
    local values = {}
    for k, v in pairs(a) do values[k] = v end
    if values.R == nil then values.R = a.tau_m / a.C_m end
    local names = {}
    for _, n in ipairs(GLOBALS) do names[#names + 1] = n end
    if conductances then
      names[#names + 1] = "tau_g_exc"
      names[#names + 1] = "tau_g_inh"
    end
    local lines = {}
    for i, n in ipairs(names) do lines[i] = n .. " = " .. f(values[n]) .. " : population" end
    local drive = "-u + u_r + R * I_ext"
    if a.current ~= "" then drive = drive .. " + " .. a.current end
    local equations = {
      "tau_m * du/dt = " .. drive .. " : explicit, init = u_r",
      "tau_v * dv/dt = -(v - u_th) : explicit, init = u_th",
      "Lambda = c * exp((u - v) / delta_u)",
      "p = Uniform(0.0, 1.0) * 1000.0 / dt",
    }
    if conductances then
      equations[#equations + 1] = "tau_g_exc * dg_exc/dt = -g_exc : explicit"
      equations[#equations + 1] = "tau_g_inh * dg_inh/dt = -g_inh : explicit"
    end
    return model.Neuron{
      parameters = table.concat(lines, "\n"),
      equations = equations,
      spike = "p < Lambda",
      reset = "u = u_r\nv += J_v / tau_v",
      refractory = a.refractory_period,
      name = "GIF",
      description = "Generalised integrate-and-fire neuron with escape noise and a moving threshold " ..
        "(Schwalger et al. 2017)" .. (conductances and ", exponential synaptic currents." or "."),
    }
  end
end

M.GIF_curr = {
  object = "neuron",
  arguments = ARGS,
  options = OPTIONS,
  needs_numbers = {tau_m = "R = tau_m / C_m"},
  build = build(false),
}

M.GIF_curr_exp = {
  object = "neuron",
  arguments = ARGS_EXP,
  options = OPTIONS,
  needs_numbers = {tau_m = "R = tau_m / C_m"},
  build = build(true),
}

return M
