-- Models shared by the benchmarks, as in PEERS.md (Brian2's examples, explicit Euler).
local ann = require("annarchy")

local M = {}

--- The COBA neuron of Vogels & Abbott (2005) as in Brette et al. (2007).
M.COBA = ann.Neuron{
  parameters = [[
    El = -60.0 : population
    Vr = -60.0 : population
    Erev_exc = 0.0 : population
    Erev_inh = -80.0 : population
    Vt = -50.0 : population
    tau = 20.0 : population
    tau_exc = 5.0 : population
    tau_inh = 10.0 : population
    I = 20.0 : population
  ]],
  equations = [[
    tau * dv/dt = (El - v) + g_exc * (Erev_exc - v) + g_inh * (Erev_inh - v) + I
    tau_exc * dg_exc/dt = - g_exc
    tau_inh * dg_inh/dt = - g_inh
  ]],
  spike = "v > Vt",
  reset = "v = Vr",
  refractory = 5.0,
  name = "COBA",
}

return M
