-- The Lua side of tools/faults (disk full, processes killed while writing). Commands:
--   ./annlua tools/faults.lua save FILE N [seed]   build a network of N neurons (plastic
--        projection included), simulate, save it to FILE; prints "state <checksum>" before
--        the save, then "saved", or the error and "unchanged" when the network's state is
--        the same after the failed save (exit 1 either way on failure)
--   ./annlua tools/faults.lua check FILE           reads every array of a state file: "ok"
--   ./annlua tools/faults.lua compile K [cc|tcc] [variant]   prints "compiling", compiles
--        (with the cache of ANNLUA_CACHE) and runs a model of K equations (variant changes
--        the kernels' text): "compiled" or the error (exit 1)
local ann = require("annarchy")
local state = require("annarchy.io.state")

local cmd = arg[1]

local function network(n, seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local pop = net:create(n, ann.Izhikevich, "pop")
  local proj = net:connect(pop, pop, "exc", ann.STDP, "proj")
  proj:fixed_number_pre{number = 5, weights = ann.Uniform(0.0, 0.1), delays = 2.0}
  net:compile{compiler = "tcc"}
  net:simulate(5.0)
  return net, pop, proj
end

local function checksum(pop, proj)
  local s = 0.0
  local v = pop.v
  for i = 1, #v do s = s + v[i] * i end
  local w = proj.w
  for d = 1, #w do
    for j = 1, #w[d] do s = s + w[d][j] * (d + j) end
  end
  return s
end

if cmd == "save" then
  local net, pop, proj = network(tonumber(arg[3]), tonumber(arg[4] or 1))
  local before = checksum(pop, proj)
  print(("state %.17g"):format(before))
  io.stdout:flush()
  local ok, err = pcall(net.save, net, arg[2])
  if ok then print("saved"); os.exit(0) end
  print(err)
  if checksum(pop, proj) == before then print("unchanged") end
  os.exit(1)
elseif cmd == "check" then
  local f = state.read(arg[2])
  for name in pairs(f.arrays) do f.get(name) end
  print("ok")
elseif cmd == "compile" then
  local k, variant = tonumber(arg[2]), tonumber(arg[4] or 0)
  local eqs = {}
  for i = 1, k do eqs[#eqs + 1] = ("dx%d/dt = -x%d / (%d.0 + tau) + 0.001 * %d"):format(i, i, i, i + variant) end
  eqs[#eqs + 1] = "r = x1"
  local neuron = ann.Neuron{parameters = "tau = 10.0", equations = table.concat(eqs, "\n")}
  local net = ann.Network{dt = 1.0}
  net:create(10, neuron)
  print("compiling")
  io.stdout:flush()
  local ok, err = pcall(net.compile, net, {compiler = arg[3] or "tcc"})
  if not ok then print(err); os.exit(1) end
  net:simulate(2.0)
  print("compiled")
else
  io.stderr:write("faults.lua: unknown command\n")
  os.exit(2)
end
