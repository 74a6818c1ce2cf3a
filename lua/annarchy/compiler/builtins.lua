--- Built-in names of the equation language (reference §4.2 - §4.6).
local M = {}

-- name -> {n = argument count, c = C name (double), f = has a float32 'f' variant,
--          ty = result type, helper = defined in the prelude}
M.FUNCTIONS = {
  pos = {n = 1, c = "_ann_pos", helper = true},
  positive = {n = 1, c = "_ann_pos", helper = true},
  neg = {n = 1, c = "_ann_neg", helper = true},
  negative = {n = 1, c = "_ann_neg", helper = true},
  clip = {n = 3, c = "_ann_clip", helper = true},
  modulo = {n = 2, c = "_ann_modulo", helper = true},
  power = {n = 2, c = "_ann_power", helper = true},
  fabs = {n = 1, c = "fabs", f = true},
  abs = {n = 1, c = "fabs", f = true},
  round = {n = 1, c = "round", f = true},
  isfinite = {n = 1, c = "isfinite", ty = "bool"},
  isnan = {n = 1, c = "isnan", ty = "bool"},
  exp = {n = 1, c = "exp", f = true},
  log = {n = 1, c = "log", f = true},
  ln = {n = 1, c = "log", f = true},
  sqrt = {n = 1, c = "sqrt", f = true},
  sin = {n = 1, c = "sin", f = true},
  cos = {n = 1, c = "cos", f = true},
  tan = {n = 1, c = "tan", f = true},
  asin = {n = 1, c = "asin", f = true},
  acos = {n = 1, c = "acos", f = true},
  atan = {n = 1, c = "atan", f = true},
  atan2 = {n = 2, c = "atan2", f = true},
  sinh = {n = 1, c = "sinh", f = true},
  cosh = {n = 1, c = "cosh", f = true},
  tanh = {n = 1, c = "tanh", f = true},
  floor = {n = 1, c = "floor", f = true},
  ceil = {n = 1, c = "ceil", f = true},
  ceiling = {n = 1, c = "ceil", f = true},
  pow = {n = 2, c = "pow", f = true},
  erf = {n = 1, c = "erf", f = true},
  -- two-argument min/max (one argument: a global operation)
  min = {n = 2, c = "fmin", f = true},
  max = {n = 2, c = "fmax", f = true},
  ite = {n = 3},
}

--- Random distributions inside equations and their argument counts.
M.DISTRIBUTIONS = {Uniform = 2, DiscreteUniform = 2, Normal = 2, LogNormal = 2,
  Exponential = 1, Gamma = 2, Binomial = 2}

--- Global operations (one identifier argument).
M.GLOBAL_OPS = {min = true, max = true, mean = true, norm1 = true, norm2 = true}

--- Numerical methods and aliases.
M.METHODS = {explicit = "explicit", implicit = "implicit", semiimplicit = "semiimplicit",
  exponential = "exponential", midpoint = "midpoint", rk4 = "rk4", ["runge-kutta4"] = "rk4",
  ["event-driven"] = "event-driven", exact = "event-driven"}

--- Names that can not be attributes (reference: reserved variable names and keywords).
M.RESERVED_ATTRIBUTES = {t = true, dt = true, t_pre = true, t_post = true, t_last = true,
  last_spike = true, rk_post = true, rk_pre = true, i = true, j = true, active = true,
  refractory = true, size = true, pre = true, post = true, sum = true, g_target = true,
  pi = true}

--- Built-in function names that can not be attributes ("reserved keyword").
M.RESERVED_KEYWORDS = {pos = true, positive = true, neg = true, negative = true, modulo = true,
  fabs = true, ite = true, clip = true, True = true, False = true, power = true, round = true,
  ["true"] = true, ["false"] = true, ["and"] = true, ["or"] = true, ["not"] = true,
  ["is"] = true, ["if"] = true, ["else"] = true}

--- True if a user function may not be called `name`.
function M.reserved_function(name)
  return M.FUNCTIONS[name] ~= nil or M.DISTRIBUTIONS[name] ~= nil or M.GLOBAL_OPS[name] ~= nil
    or name == "sum" or M.RESERVED_KEYWORDS[name] ~= nil or M.RESERVED_ATTRIBUTES[name] ~= nil
end

--- Named numeric constants (shadowed by attributes, constants and arguments).
M.CONSTANTS = {pi = math.pi, e = math.exp(1), E = math.exp(1)}

return M
