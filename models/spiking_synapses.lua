--- The spiking plastic synapses: STP (Tsodyks, Uziel & Markram 2000) and STDP (Song & Abbott
-- 2001, online traces) (reference-library §2.5, §2.6). Their variables are event-driven:
-- they decay exactly between the events that reach the synapse.
local model = require("annarchy.model")

local M = {}

M.STP = {
  object = "synapse",
  arguments = {{"tau_rec", 100.0}, {"tau_facil", 0.01}, {"U", 0.5}},
  check = function(a)
    if type(a.tau_facil) == "number" and (a.tau_facil <= 0 or a.tau_facil ~= a.tau_facil) then
      return "tau_facil must be positive (got " .. tostring(a.tau_facil) .. "); choose a very " ..
        "small value, or write your own synapse without facilitation"
    end
  end,
  build = function(a, f)
    return model.Synapse{
      parameters = ([[
        tau_rec = %s : projection
        tau_facil = %s : projection
        U = %s
      ]]):format(f(a.tau_rec), f(a.tau_facil), f(a.U)),
      equations = {
        "dx/dt = (1 - x) / tau_rec : init = 1.0, event-driven",
        "du/dt = (U - u) / tau_facil : init = U, event-driven",
      },
      pre_spike = {
        "g_target += w * u * x",
        "x *= (1 - u)",
        "u += U * (1 - u)",
      },
      name = "Short-term plasticity",
      description = "Synapse with short-term facilitation and depression (Tsodyks, Markram et al.).",
    }
  end,
}

M.STDP = {
  object = "synapse",
  arguments = {{"tau_plus", 20.0}, {"tau_minus", 20.0}, {"A_plus", 0.01}, {"A_minus", 0.01},
    {"w_min", 0.0}, {"w_max", 1.0}},
  build = function(a, f)
    return model.Synapse{
      parameters = ([[
        tau_plus = %s : projection
        tau_minus = %s : projection
        A_plus = %s : projection
        A_minus = %s : projection
        w_min = %s : projection
        w_max = %s : projection
      ]]):format(f(a.tau_plus), f(a.tau_minus), f(a.A_plus), f(a.A_minus), f(a.w_min), f(a.w_max)),
      equations = {
        "tau_plus * dx/dt = -x : event-driven",
        "tau_minus * dy/dt = -y : event-driven",
      },
      pre_spike = {
        "g_target += w",
        "x += A_plus * w_max",
        "w = clip(w + y, w_min, w_max)",
      },
      post_spike = {
        "y -= A_minus * w_max",
        "w = clip(w + x, w_min, w_max)",
      },
      name = "Spike-timing dependent plasticity",
      description = "Synapse with spike-timing dependent plasticity (online traces).",
    }
  end,
}

return M
