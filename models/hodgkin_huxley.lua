--- HH_cond_exp: single-compartment Hodgkin-Huxley neuron with Traub's channel kinetics
-- (reference-library §1.9). All six ODEs use the exponential method, as the reference's
-- code does (its docstring says midpoint; QUIRKS library 24 keeps the code). A spike is an
-- upward crossing of v_thresh; there is no reset and no refractory period.
local model = require("annarchy.model")

local M = {}

local ARGS = {{"gbar_Na", 20.0}, {"gbar_K", 6.0}, {"gleak", 0.01}, {"cm", 0.2}, {"v_offset", -63.0},
  {"e_rev_Na", 50.0}, {"e_rev_K", -90.0}, {"e_rev_leak", -65.0}, {"e_rev_E", 0.0},
  {"e_rev_I", -80.0}, {"tau_syn_E", 0.2}, {"tau_syn_I", 2.0}, {"i_offset", 0.0}, {"v_thresh", 0.0}}

M.HH_cond_exp = {
  object = "neuron",
  arguments = ARGS,
  build = function(a, f)
    local lines = {}
    for i, arg in ipairs(ARGS) do lines[i] = arg[1] .. " = " .. f(a[arg[1]]) end
    return model.Neuron{
      parameters = table.concat(lines, "\n"),
      equations = {
        "prev_v = v",
        -- rate constants (1/ms) of the gates, as functions of v - v_offset
        "an = 0.032 * (15.0 - v + v_offset) / (exp((15.0 - v + v_offset) / 5.0) - 1.0)",
        "am = 0.32 * (13.0 - v + v_offset) / (exp((13.0 - v + v_offset) / 4.0) - 1.0)",
        "ah = 0.128 * exp((17.0 - v + v_offset) / 18.0)",
        "bn = 0.5 * exp((10.0 - v + v_offset) / 40.0)",
        "bm = 0.28 * (v - v_offset - 40.0) / (exp((v - v_offset - 40.0) / 5.0) - 1.0)",
        "bh = 4.0 / (1.0 + exp(10.0 - v + v_offset))",
        "dn/dt = an * (1.0 - n) - bn * n : init = 0.0, exponential",
        "dm/dt = am * (1.0 - m) - bm * m : init = 0.0, exponential",
        "dh/dt = ah * (1.0 - h) - bh * h : init = 1.0, exponential",
        "cm * dv/dt = gleak * (e_rev_leak - v) + gbar_K * n^4 * (e_rev_K - v) + " ..
          "gbar_Na * m^3 * h * (e_rev_Na - v) + g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + " ..
          "i_offset : exponential, init = e_rev_leak",
        "tau_syn_E * dg_exc/dt = -g_exc : exponential",
        "tau_syn_I * dg_inh/dt = -g_inh : exponential",
      },
      spike = "(v > v_thresh) and (prev_v <= v_thresh)",
      name = "Hodgkin-Huxley",
      description = "Single-compartment Hodgkin-Huxley-type neuron with transient sodium and " ..
        "delayed-rectifier potassium currents.",
    }
  end,
}

return M
