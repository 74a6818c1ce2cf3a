-- bench/embed_luajit.lua: the host's cost of one `step` call from LuaJIT, for a 10-neuron
-- network, beyond the kernels' own work. A step's kernel work is measured as the time per step
-- of one long run (ann_network_run(net, N) called once); the overhead of a call path is its
-- time per single-step call minus that. Three call paths:
--   ffi   the core's ann_network_run(net, 1, ...) called through the FFI (annarchy.ffi.handle)
--   step  annarchy.ffi.step(net, 1): the same through the runtime seam, with its checks
--   net   net:step(): the front end's step (compiled check, monitors' memory check)
-- Run from the repository root after make:
--   LUA_PATH='lua/?.lua;lua/?/init.lua;;' luajit bench/embed_luajit.lua [calls]
local ann = require("annarchy")
local annffi = require("annarchy.ffi")
local ffi = require("ffi")

local calls = tonumber(arg and arg[1]) or 2000000
local clock = require("annarchy.runtime").clock

local net = ann.Network{dt = 0.1, seed = 1}
local pop = net:create(10, ann.Neuron{
  parameters = "tau = 10.0\n I = 20.0",
  equations = "tau * dv/dt = -v + I : init = 0.0",
  spike = "v > 15.0",
  reset = "v = 0.0",
})
net:compile()
local input = annffi.view(pop, "I")

local C, handle = annffi.C, annffi.handle(net)
local done, st = ffi.new("int64_t[1]"), ffi.new("ann_status")

local function timed(n, fn)
  local best = math.huge
  for _ = 1, 3 do
    local t0 = clock()
    fn(n)
    best = math.min(best, (clock() - t0) / n)
  end
  return best
end

local kernel = timed(calls, function(n)
  if C.ann_network_run(handle, n, 0, nil, 0, done, st) ~= 0 then error(ffi.string(st.msg)) end
end)
local paths = {
  {"ffi", function(n)
    for i = 1, n do
      input[i % 10] = 20.0
      if C.ann_network_run(handle, 1, 0, nil, 0, done, st) ~= 0 then error(ffi.string(st.msg)) end
    end
  end},
  {"step", function(n) for _ = 1, n do annffi.step(net, 1) end end},
  {"net", function(n) for _ = 1, n do net:step() end end},
}
print(("LuaJIT %s, 10 neurons, %d calls (best of 3)"):format(jit.version, calls))
print(("kernel work per step (one run of %d steps): %7.3f us"):format(calls, 1e6 * kernel))
for _, p in ipairs(paths) do
  local n = p[1] == "net" and calls / 10 or calls
  local per = timed(n, p[2])
  print(("%-5s  %7.3f us per call, overhead %7.3f us"):format(p[1], 1e6 * per, 1e6 * (per - kernel)))
end
