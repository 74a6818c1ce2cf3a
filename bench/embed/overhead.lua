-- bench/embed/overhead.lua: the host overhead of one net:step() from Lua, beyond the kernels'
-- own work, for the 10-neuron network of bench/embed/model.lua. net:step() is timed CALLS
-- times; the kernels' work alone is one net:simulate() of CALLS steps divided by CALLS. Best
-- of several rounds. Prints "<us per call> <us of kernels per step> <overhead us>".
-- Written for any Lua the front end runs on: ./annlua (Lua 5.4) or luajit over the FFI runtime.
local ann = require("annarchy")

local CALLS, ROUNDS = 200000, 7
local net = dofile(arg and arg[1] or "bench/embed/model.lua").net
local clock = ann.clock

local best_step, best_kernels = math.huge, math.huge
for _ = 1, ROUNDS do
  local t0 = clock()
  for _ = 1, CALLS do net:step() end
  local t1 = clock()
  net:simulate(CALLS * net.dt)
  local t2 = clock()
  best_step = math.min(best_step, (t1 - t0) / CALLS)
  best_kernels = math.min(best_kernels, (t2 - t1) / CALLS)
end
io.write(("%.4f %.4f %.4f\n"):format(best_step * 1e6, best_kernels * 1e6, (best_step - best_kernels) * 1e6))
