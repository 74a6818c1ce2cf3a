--- The rate-coded learning rules: Hebb, Oja, IBCM (reference-library §2.2 to §2.4). They
-- transmit the default psp w * pre.r; w is clamped at 0 from below. All parameters are
-- global (one value per projection).
local model = require("annarchy.model")

local M = {}

M.Hebb = {
  object = "synapse",
  arguments = {{"eta", 0.01}},
  build = function(a, f)
    return model.Synapse{
      parameters = "eta = " .. f(a.eta) .. " : projection",
      equations = "dw/dt = eta * pre.r * post.r : min = 0.0, explicit",
      name = "Hebbian Plasticity",
      description = "Simple Hebbian learning rule.",
    }
  end,
}

M.Oja = {
  object = "synapse",
  arguments = {{"eta", 0.01}, {"alpha", 1.0}},
  build = function(a, f)
    return model.Synapse{
      parameters = ("eta = %s : projection\nalpha = %s : projection"):format(f(a.eta), f(a.alpha)),
      equations = "dw/dt = eta * (pre.r * post.r - alpha * post.r^2 * w) : min = 0.0, explicit",
      name = "Oja plasticity",
      description = "Regularised Hebbian learning rule (Oja).",
    }
  end,
}

M.IBCM = {
  object = "synapse",
  arguments = {{"eta", 0.01}, {"tau", 2000.0}},
  build = function(a, f)
    return model.Synapse{
      parameters = ("eta = %s : projection\ntau = %s : projection"):format(f(a.eta), f(a.tau)),
      equations = {
        "tau * dtheta/dt + theta = post.r^2 : postsynaptic, exponential",
        "dw/dt = eta * post.r * (post.r - theta) * pre.r : min = 0.0, explicit",
      },
      name = "IBCM",
      description = "Intrator and Cooper (1992) learning rule.",
    }
  end,
}

return M
