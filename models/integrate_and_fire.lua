--- The PyNN-style leaky integrate-and-fire neurons: IF_curr_exp, IF_cond_exp, IF_curr_alpha,
-- IF_cond_alpha (reference-library §1.3 to §1.6). Every parameter is local, every ODE uses
-- the exponential method, refractoriness follows the parameter tau_refrac.
local model = require("annarchy.model")

local M = {}

local CURR = {{"v_rest", -65.0}, {"cm", 1.0}, {"tau_m", 20.0}, {"tau_refrac", 0.0},
  {"tau_syn_E", 5.0}, {"tau_syn_I", 5.0}, {"v_thresh", -50.0}, {"v_reset", -65.0},
  {"i_offset", 0.0}}
local COND = {{"v_rest", -65.0}, {"cm", 1.0}, {"tau_m", 20.0}, {"tau_refrac", 0.0},
  {"tau_syn_E", 5.0}, {"tau_syn_I", 5.0}, {"e_rev_E", 0.0}, {"e_rev_I", -70.0},
  {"v_thresh", -50.0}, {"v_reset", -65.0}, {"i_offset", 0.0}}

-- one local parameter per line, in the constructor's order
local function parameters(list, a, f)
  local lines = {}
  for i, arg in ipairs(list) do lines[i] = arg[1] .. " = " .. f(a[arg[1]]) end
  return table.concat(lines, "\n")
end

local DECAYS = {
  "tau_syn_E * dg_exc/dt = -g_exc : exponential",
  "tau_syn_I * dg_inh/dt = -g_inh : exponential",
}
local ALPHA = {
  "tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc : exponential",
  "tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh : exponential",
}
local GMAX = {
  "gmax_exc = exp((tau_syn_E - dt / 2.0) / tau_syn_E)",
  "gmax_inh = exp((tau_syn_I - dt / 2.0) / tau_syn_I)",
}

local function list(...)
  local out = {}
  for _, part in ipairs({...}) do
    if type(part) == "string" then
      out[#out + 1] = part
    else
      for _, s in ipairs(part) do out[#out + 1] = s end
    end
  end
  return out
end

local function neuron(args, membrane, extra_before, extra_after, description)
  return function(a, f)
    return model.Neuron{
      parameters = parameters(args, a, f),
      equations = list(extra_before, membrane .. " : exponential, init = v_reset", DECAYS, extra_after),
      spike = "v > v_thresh",
      reset = "v = v_reset",
      refractory = "tau_refrac",
      name = "Integrate-and-Fire",
      description = description,
    }
  end
end

M.IF_curr_exp = {
  object = "neuron",
  arguments = CURR,
  build = neuron(CURR, "cm * dv/dt = cm / tau_m * (v_rest - v) + g_exc - g_inh + i_offset", {}, {},
    "Leaky integrate-and-fire model with fixed threshold and decaying-exponential post-synaptic current."),
}

M.IF_cond_exp = {
  object = "neuron",
  arguments = COND,
  build = neuron(COND, "cm * dv/dt = cm / tau_m * (v_rest - v) + g_exc * (e_rev_E - v) + " ..
    "g_inh * (e_rev_I - v) + i_offset", {}, {},
    "Leaky integrate-and-fire model with fixed threshold and decaying-exponential post-synaptic conductances."),
}

M.IF_curr_alpha = {
  object = "neuron",
  arguments = CURR,
  build = neuron(CURR, "cm * dv/dt = cm / tau_m * (v_rest - v) + alpha_exc - alpha_inh + i_offset",
    GMAX, ALPHA,
    "Leaky integrate-and-fire model with fixed threshold and alpha post-synaptic currents."),
}

M.IF_cond_alpha = {
  object = "neuron",
  arguments = COND,
  build = neuron(COND, "cm * dv/dt = cm / tau_m * (v_rest - v) + alpha_exc * (e_rev_E - v) + " ..
    "alpha_inh * (e_rev_I - v) + i_offset", GMAX, ALPHA,
    "Leaky integrate-and-fire model with fixed threshold and alpha post-synaptic conductances."),
}

return M
