--- The neuron models of the ANN-to-SNN converter: input encodings and read-out neurons.
-- Every encoding and hidden neuron carries a `mask` trace (+1/mask_tau at each spike, decaying
-- with mask_tau = 20 ms) that convolution and pooling layers read instead of the spikes.
local model = require("annarchy.model")

local M = {}

--- Poisson input ("CPN" or "poisson"): spikes with probability rates * dt / 1000 per step.
M.CPN = model.Neuron{
  parameters = [[
    rates = 0.0
    mask_tau = 20.0
  ]],
  equations = [[
    p = (Uniform(0.0, 1.0) * 1000.0) / dt
    dmask/dt = -mask/mask_tau : init = 0.0
  ]],
  spike = "p < rates",
  reset = "mask += 1.0/mask_tau",
  name = "custom poisson neuron",
}

-- An Izhikevich input neuron (Izhikevich 2003) driven by the current `rates`, v starting at c.
local function izhikevich(c, d, name)
  return model.Neuron{
    parameters = ([[
      a = 0.02
      b = 0.2
      c = %s
      d = %s
      v_thresh = 30.0
      rates = 0.0
      mask_tau = 20.0
    ]]):format(c, d),
    equations = ([[
      dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + rates : init = %s
      du/dt = a * (b*v - u) : init = -13.0
      dmask/dt = -mask/mask_tau : init = 0.0
    ]]):format(c),
    spike = "v > v_thresh",
    reset = "v = c; u += d; mask += 1.0/mask_tau",
    name = name,
  }
end

--- Intrinsically bursting Izhikevich neuron ("IB"): c = -55, d = 4.
M.IB = izhikevich("-55.0", "4.0", "intrinsically bursting")

--- Chattering Izhikevich neuron ("CH"): c = -50, d = 2.
M.CH = izhikevich("-50.0", "2.0", "chattering")

--- Phase-shift oscillation ("PSO"): the threshold is scaled by 2^(-1 + ((t - 1) mod k)).
M.PSO = model.Neuron{
  parameters = [[
    k = 8
    vt = 1
    rates = 0
    mask_tau = 20.0
  ]],
  equations = [[
    p = pow(2, (-1 + (modulo(t-1, k))))
    vt_new = p*vt
    v = rates : init = 0
    dmask/dt = -mask/mask_tau : init = 0.0
  ]],
  spike = "v > vt_new",
  reset = "mask += 1.0/mask_tau",
  name = "phase shift oscillation",
}

--- Integrate-and-fire, the default hidden neuron ("IaF"): v integrates the input of each step.
M.IaF = model.Neuron{
  parameters = [[
    vt = 1 : population
    vr = 0 : population
    mask_tau = 20.0 : population
  ]],
  equations = [[
    dv/dt = g_exc : init = 0.0, min = -2.0
    dmask/dt = -mask/mask_tau : init = 0.0
  ]],
  spike = "v > vt",
  reset = "v = vr; mask += 1/mask_tau",
  name = "IaF neuron",
}

--- Read-out of "time_to_k_spikes": counts its spikes in sc.
M.IaF_TTKS = model.Neuron{
  parameters = [[
    k = 0 : population
    vt = 1 : population
    vr = 0 : population
    sc = 0
  ]],
  equations = [[
    dv/dt = g_exc : init = 0.0, min = -2.0
  ]],
  spike = "v > vt",
  reset = "v = vr; sc += 1",
  name = "IaF neuron (k spikes)",
}

--- Read-out of "membrane_potential": accumulates its input and never fires.
M.IaF_Acc = model.Neuron{
  equations = [[
    dv/dt = g_exc : init = 0.0, min = -2.0
  ]],
  spike = "v < -10000",
  name = "IaF accumulator",
}

return M
