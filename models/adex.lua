--- The adaptive exponential integrate-and-fire neurons (Brette & Gerstner 2005):
-- EIF_cond_exp_isfa_ista and EIF_cond_alpha_isfa_ista (reference-library §1.7, §1.8).
-- v and w use explicit Euler (the exponential term is not linear in v), the conductances
-- the exponential method. Every parameter is local.
local model = require("annarchy.model")

local M = {}

local ARGS = {{"v_rest", -70.6}, {"cm", 0.281}, {"tau_m", 9.3667}, {"tau_refrac", 0.1},
  {"tau_syn_E", 5.0}, {"tau_syn_I", 5.0}, {"e_rev_E", 0.0}, {"e_rev_I", -80.0}, {"tau_w", 144.0},
  {"a", 4.0}, {"b", 0.0805}, {"i_offset", 0.0}, {"delta_T", 2.0}, {"v_thresh", -50.4},
  {"v_reset", -70.6}, {"v_spike", -40.0}}

local function parameters(a, f)
  local lines = {}
  for i, arg in ipairs(ARGS) do lines[i] = arg[1] .. " = " .. f(a[arg[1]]) end
  return table.concat(lines, "\n")
end

local MEMBRANE = {
  "tau_m * dv/dt = (v_rest - v + delta_T * exp((v - v_thresh) / delta_T)) + tau_m / cm * (I - w) : " ..
    "explicit, init = v_reset",
  "tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w : explicit",
  "tau_syn_E * dg_exc/dt = -g_exc : exponential",
  "tau_syn_I * dg_inh/dt = -g_inh : exponential",
}

local function copy(list)
  local out = {}
  for i, e in ipairs(list) do out[i] = e end
  return out
end

local function neuron(equations, description)
  return function(a, f)
    return model.Neuron{
      parameters = parameters(a, f),
      equations = copy(equations),
      spike = "v > v_spike",
      reset = "v = v_reset\nw += b",
      refractory = "tau_refrac",
      name = "Adaptive exponential Integrate-and-Fire",
      description = description,
    }
  end
end

local exp_equations = {"I = g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset"}
for _, e in ipairs(MEMBRANE) do exp_equations[#exp_equations + 1] = e end

local alpha_equations = {
  "gmax_exc = exp((tau_syn_E - dt / 2.0) / tau_syn_E)",
  "gmax_inh = exp((tau_syn_I - dt / 2.0) / tau_syn_I)",
  "I = alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v) + i_offset",
}
for _, e in ipairs(MEMBRANE) do alpha_equations[#alpha_equations + 1] = e end
alpha_equations[#alpha_equations + 1] =
  "tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential"
alpha_equations[#alpha_equations + 1] =
  "tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential"

M.EIF_cond_exp_isfa_ista = {
  object = "neuron",
  arguments = ARGS,
  build = neuron(exp_equations, "Exponential integrate-and-fire neuron with spike-triggered and " ..
    "sub-threshold adaptation currents (isfa, ista), exponential conductances."),
}

M.EIF_cond_alpha_isfa_ista = {
  object = "neuron",
  arguments = ARGS,
  build = neuron(alpha_equations, "Exponential integrate-and-fire neuron with spike-triggered and " ..
    "sub-threshold adaptation currents (isfa, ista), alpha conductances."),
}

return M
