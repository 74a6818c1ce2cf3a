-- An independent explicit-Euler integration of one Izhikevich neuron driven by a constant
-- current, written in plain Lua without annlua: the reference the simulator's output is
-- checked against (reference semantics: both equations use the values of the previous step,
-- spike test after the update, then the reset).
--   dv/dt = 0.04 v^2 + 5 v + 140 - u + I ;  du/dt = a (b v - u)
--   spike: v > v_thresh ; reset: v = c ; u = u + d
return function(p, steps)
  local v, u = p.c, p.b * p.c
  local spikes, trace = {}, {}
  for step = 0, steps - 1 do
    local dv = 0.04 * v * v + 5.0 * v + 140.0 - u + p.I
    local du = p.a * (p.b * v - u)
    v = v + p.dt * dv
    u = u + p.dt * du
    if v > p.v_thresh then
      spikes[#spikes + 1] = step
      v = p.c
      u = u + p.d
    end
    trace[#trace + 1] = v
  end
  return spikes, trace
end
