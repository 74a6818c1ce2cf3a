--- The predefined BOLD models: four balloon-model variants named after Stephan et al. (2007)
-- (C = classical coefficients of Buxton et al. 1998, R = revised coefficients of Obata et al.
-- 2004; N = non-linear BOLD equation, L = linear BOLD equation), the model of Maith et al.
-- (2021) and the two-input model of Maith et al. (2022).
--
-- Each is a BoldModel value (annarchy.extensions.bold_model); like the built-in neurons it can be
-- called with new parameter values: `ann.balloon_RN{phi = 2.0, E_0 = 0.4}`. Neural time is in
-- ms; the models hold `second = 1000` to write the haemodynamic time constants in seconds.
--
-- One deliberate difference from ANNarchy 5.0: there, balloon_RL writes its q and v equations
-- without the `second` factor (tau in ms, q and v 1000 times faster than in the other three
-- variants, contrary to its own documentation); here RL uses the same q and v equations as the
-- other variants.
local bold_model = require("annarchy.extensions.bold_model")
local model = require("annarchy.model")

local M = {}

--- The same parameters, local (one value per neuron; the default is global).
local function locals(t)
  local out = {}
  for k, v in pairs(t) do out[k] = model.Parameter(v, {locality = "local"}) end
  return out
end

-- Defaults of the four variants (all global).
local SHARED = {second = 1000.0, phi = 1.0, kappa = 1 / 1.54, gamma = 1 / 2.46, E_0 = 0.34, tau = 0.98,
                alpha = 0.33, V_0 = 0.02, v_0 = 40.3, TE = 40 / 1000.0, epsilon = 1.43}

-- The single-input balloon: flow inducing signal s, inflow f_in, oxygen extraction E,
-- deoxyhaemoglobin q, venous volume v, outflow f_out (all explicit Euler).
local BALLOON = [[
I_CBF    = sum(I_CBF)                                              : init = 0
ds/dt    = (phi * I_CBF - kappa * s - gamma * (f_in - 1)) / second  : init = 0
df_in/dt = s / second                                              : init = 1, min = 0.01
E        = 1 - (1 - E_0)**(1 / f_in)                               : init = 0.3424
dq/dt    = (f_in * E / E_0 - (q / v) * f_out) / (tau * second)     : init = 1, min = 0.01
dv/dt    = (f_in - f_out) / (tau * second)                         : init = 1, min = 0.01
f_out    = v**(1 / alpha)                                          : init = 1, min = 0.01
]]

local CLASSICAL = [[
k_1 = (1 - V_0) * 4.3 * v_0 * E_0 * TE
k_2 = 2 * E_0
k_3 = 1 - epsilon
]]

local REVISED = [[
k_1 = 4.3 * v_0 * E_0 * TE
k_2 = epsilon * r_0 * E_0 * TE
k_3 = 1 - epsilon
]]

local NONLINEAR = "BOLD = V_0 * (k_1 * (1 - q) + k_2 * (1 - (q / v)) + k_3 * (1 - v)) : init = 0\n"
local LINEAR = "BOLD = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v)) : init = 0\n"

local function variant(name, coefficients, output, description)
  local params = {}
  for k, v in pairs(SHARED) do params[k] = v end
  if coefficients == REVISED then params.r_0 = 25.0 end
  return bold_model.BoldModel{
    parameters = params,
    equations = BALLOON .. coefficients .. output,
    inputs = "I_CBF",
    output = "BOLD",
    name = name,
    description = description,
  }
end

M.balloon_CN = variant("BoldNeuron CN", CLASSICAL, NONLINEAR,
  "BOLD computation with classic coefficients and non-linear BOLD equation (Stephan et al., 2007).")
M.balloon_CL = variant("BoldNeuron CL", CLASSICAL, LINEAR,
  "BOLD computation with classic coefficients and linear BOLD equation (Stephan et al., 2007).")
M.balloon_RN = variant("BOLD model RN", REVISED, NONLINEAR,
  "BOLD computation with revised coefficients and non-linear BOLD equation (Stephan et al., 2007).")
M.balloon_RL = variant("BOLD model RL", REVISED, LINEAR,
  "BOLD computation with revised coefficients and linear BOLD equation (Stephan et al., 2007).")

M.balloon_maith2021 = bold_model.BoldModel{
  parameters = locals{second = 1000.0, phi = 1.0, kappa = 0.665, gamma = 0.412, E_0 = 0.3424,
                      tau = 1.0368, alpha = 0.3215, V_0 = 0.02},
  equations = BALLOON .. [[
k_1 = 7 * E_0
k_2 = 2
k_3 = 2 * E_0 - 0.2
]] .. NONLINEAR,
  inputs = "I_CBF",
  output = "BOLD",
  name = "Maith2021 BOLD model",
  description = "BOLD computation from Maith et al. (2021).",
}

-- Two damped oscillators: the CBF-driving one (underdamped, kappa = 0.6 sqrt(4 gamma)) gives
-- the inflow f_in, the CMRO2-driving one (critically damped, ten times stiffer, input scaled
-- by gamma_CMRO2 / gamma_CBF) the oxygen metabolism r; the outflow lags with tau_out2 when
-- the volume shrinks.
M.balloon_two_inputs = bold_model.BoldModel{
  parameters = locals{
    kappa_CBF = 0.7650920556760059, gamma_CBF = 1 / 2.46, kappa_CMRO2 = 4.032389192727559,
    gamma_CMRO2 = 10 / 2.46, phi_CBF = 1.0, phi_CMRO2 = 1.0, E_0 = 0.34, tau = 0.98, alpha = 0.33,
    V_0 = 0.02, v_0 = 40.3, TE = 40 / 1000.0, epsilon = 1.0, r_0 = 25.0, tau_out1 = 0.0,
    tau_out2 = 20.0, second = 1000.0,
  },
  equations = [[
I_CBF              = sum(I_CBF)                                                     : init = 0
second*ds_CBF/dt   = phi_CBF * I_CBF - kappa_CBF * s_CBF - gamma_CBF * (f_in - 1)   : init = 0
second*df_in/dt    = s_CBF                                                          : init = 1, min = 0.01
I_CMRO2            = sum(I_CMRO2)                                                   : init = 0
second*ds_CMRO2/dt = phi_CMRO2 * I_CMRO2 * (gamma_CMRO2 / gamma_CBF) - kappa_CMRO2 * s_CMRO2 - gamma_CMRO2 * (r - 1) : init = 0
second*dr/dt       = s_CMRO2                                                        : init = 1, min = 0.01
dv                 = f_in - v**(1 / alpha)
tau_out            = if dv > 0: tau_out1 else: tau_out2
f_out              = v**(1 / alpha) + tau_out * dv / (tau + tau_out)                : init = 1, min = 0.01
dq/dt              = (r - (q / v) * f_out) / (second * tau)                         : init = 1, min = 0.01
dv/dt              = dv / (tau + tau_out) / second                                  : init = 1, min = 0.01
]] .. REVISED .. NONLINEAR,
  inputs = {"I_CBF", "I_CMRO2"},
  output = "BOLD",
  name = "BOLD model with two inputs",
  description = "BOLD model with two inputs (CBF-driving and CMRO2-driving). Combination of "
    .. "neurovascular coupling of Friston et al. (2000) and non-linear Balloon model with revised "
    .. "coefficients (Buxton et al, 1998, Stephan et al, 2007)",
}

return M
