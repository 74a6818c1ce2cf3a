-- An independent explicit-Euler integration of the six predefined BOLD models, written in plain
-- Lua from their published equations and parameter values, without annlua: the reference the
-- BOLD monitor's recordings are checked against.
--
-- Semantics (as the simulator's neuron update): the equations run in declaration order; the
-- increments of consecutive ODEs are all computed from the values of the previous step, then
-- applied, then the lower bounds (min = 0.01) are applied; an assignment is clamped right
-- away. Inputs: `input[k]` (and `input2[k]`) is the input signal of step k - 1.
-- `run(name, dt, input, input2)` returns a table variable -> list of the values after each step.
local M = {}

local second = 1000.0

local function lo(x) return x < 0.01 and 0.01 or x end

-- Shared defaults of CN, CL, RN, RL.
local function balloon_params()
  return {phi = 1.0, kappa = 1 / 1.54, gamma = 1 / 2.46, E_0 = 0.34, tau = 0.98, alpha = 0.33,
          V_0 = 0.02, v_0 = 40.3, TE = 0.04, epsilon = 1.43, r_0 = 25.0}
end

local PARAMS = {
  balloon_CN = balloon_params(), balloon_CL = balloon_params(), balloon_RN = balloon_params(),
  balloon_RL = balloon_params(),
  balloon_maith2021 = {phi = 1.0, kappa = 0.665, gamma = 0.412, E_0 = 0.3424, tau = 1.0368,
                       alpha = 0.3215, V_0 = 0.02},
}

local function coefficients(name, p)
  if name == "balloon_CN" or name == "balloon_CL" then
    return (1 - p.V_0) * 4.3 * p.v_0 * p.E_0 * p.TE, 2 * p.E_0, 1 - p.epsilon
  elseif name == "balloon_maith2021" then
    return 7 * p.E_0, 2, 2 * p.E_0 - 0.2
  end
  return 4.3 * p.v_0 * p.E_0 * p.TE, p.epsilon * p.r_0 * p.E_0 * p.TE, 1 - p.epsilon
end

local function bold_signal(linear, p, k1, k2, k3, q, v)
  if linear then
    return p.V_0 * ((k1 + k2) * (1 - q) + (k3 - k2) * (1 - v))
  end
  return p.V_0 * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v))
end

local function single_input(name, dt, input)
  local p = PARAMS[name]
  local linear = name == "balloon_CL" or name == "balloon_RL"
  local k1, k2, k3 = coefficients(name, p)
  local s, f_in, q, v, f_out = 0.0, 1.0, 1.0, 1.0, 1.0
  local out = {I_CBF = {}, s = {}, f_in = {}, E = {}, q = {}, v = {}, f_out = {}, BOLD = {}}
  for k = 1, #input do
    local I = input[k]
    local ds = (p.phi * I - p.kappa * s - p.gamma * (f_in - 1)) / second
    local df = s / second
    s, f_in = s + dt * ds, lo(f_in + dt * df)
    local E = 1 - (1 - p.E_0) ^ (1 / f_in)
    local dq = (f_in * E / p.E_0 - (q / v) * f_out) / (p.tau * second)
    local dv = (f_in - f_out) / (p.tau * second)
    q, v = lo(q + dt * dq), lo(v + dt * dv)
    f_out = lo(v ^ (1 / p.alpha))
    local rec = {I_CBF = I, s = s, f_in = f_in, E = E, q = q, v = v, f_out = f_out,
                 BOLD = bold_signal(linear, p, k1, k2, k3, q, v)}
    for var, x in pairs(rec) do out[var][k] = x end
  end
  return out
end

local function two_inputs(dt, input, input2)
  local p = {kappa_CBF = 0.6 * math.sqrt(4 / 2.46), gamma_CBF = 1 / 2.46,
             kappa_CMRO2 = math.sqrt(40 / 2.46), gamma_CMRO2 = 10 / 2.46, phi_CBF = 1.0,
             phi_CMRO2 = 1.0, E_0 = 0.34, tau = 0.98, alpha = 0.33, V_0 = 0.02, v_0 = 40.3,
             TE = 0.04, epsilon = 1.0, r_0 = 25.0, tau_out1 = 0.0, tau_out2 = 20.0}
  local k1, k2, k3 = 4.3 * p.v_0 * p.E_0 * p.TE, p.epsilon * p.r_0 * p.E_0 * p.TE, 1 - p.epsilon
  local s_CBF, f_in, s_CMRO2, r, q, v = 0.0, 1.0, 0.0, 1.0, 1.0, 1.0
  local out = {I_CBF = {}, I_CMRO2 = {}, s_CBF = {}, f_in = {}, s_CMRO2 = {}, r = {}, q = {}, v = {},
               f_out = {}, BOLD = {}}
  for k = 1, #input do
    local I1, I2 = input[k], input2[k]
    local ds1 = (p.phi_CBF * I1 - p.kappa_CBF * s_CBF - p.gamma_CBF * (f_in - 1)) / second
    local df = s_CBF / second
    s_CBF, f_in = s_CBF + dt * ds1, lo(f_in + dt * df)
    local ds2 = (p.phi_CMRO2 * I2 * (p.gamma_CMRO2 / p.gamma_CBF) - p.kappa_CMRO2 * s_CMRO2
                 - p.gamma_CMRO2 * (r - 1)) / second
    local dr = s_CMRO2 / second
    s_CMRO2, r = s_CMRO2 + dt * ds2, lo(r + dt * dr)
    local dv = f_in - v ^ (1 / p.alpha)
    local tau_out = dv > 0 and p.tau_out1 or p.tau_out2
    local f_out = lo(v ^ (1 / p.alpha) + tau_out * dv / (p.tau + tau_out))
    local dq_dt = (r - (q / v) * f_out) / (second * p.tau)
    local dv_dt = dv / (p.tau + tau_out) / second
    q, v = lo(q + dt * dq_dt), lo(v + dt * dv_dt)
    local rec = {I_CBF = I1, I_CMRO2 = I2, s_CBF = s_CBF, f_in = f_in, s_CMRO2 = s_CMRO2, r = r,
                 q = q, v = v, f_out = f_out, BOLD = bold_signal(false, p, k1, k2, k3, q, v)}
    for var, x in pairs(rec) do out[var][k] = x end
  end
  return out
end

function M.run(name, dt, input, input2)
  if name == "balloon_two_inputs" then return two_inputs(dt, input, input2) end
  return single_input(name, dt, input)
end

return M
