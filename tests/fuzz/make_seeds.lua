-- Writes the seed corpora of the Lua fuzz targets (tests/fuzz/corpus/model, state, npz,
-- connectivity): a few models in the model target's format (lua_target.lua) and the files the
-- network of the state targets saves. Run from the repository: ./annlua tests/fuzz/make_seeds.lua
local ann = require("annarchy")

local root = "tests/fuzz/corpus/"
local function write(path, s)
  local f = assert(io.open(root .. path, "wb"))
  f:write(s)
  f:close()
end

-- Model target: the kind byte ("0" rate neuron, "1" spiking neuron, "2" rate synapse,
-- "3" spiking synapse; the byte's value mod 4), then the fields separated by lines "%%".
local SEP = "\n%%\n"
local models = {
  rate = {"0", "tau = 10.0 : population\nB = 0.0", "tau * dr/dt + r = sum(exc) + B : min = 0.0"},
  izhikevich = {"1", "a = 0.02\nb = 0.2\nc = -65.0\nd = 8.0",
                "dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + g_exc : init = -65.0\ndu/dt = a * (b*v - u)",
                "v >= 30.0", "v = c\nu += d"},
  lif = {"1", "tau = 20.0\nv_th = -50.0",
         "tau * dv/dt = -65.0 - v + g_exc : exponential, init = -65.0\ntau * dg_exc/dt = -g_exc",
         "v > v_th", "v = -65.0", "f(x) = if x > 0: x else: 0"},
  oja = {"2", "eta = 0.01 : projection\nalpha = 0.5", "eta * dw/dt = pre.r * post.r - alpha * post.r^2 * w : min = 0.0",
         "w * pre.r"},
  stdp = {"3", "tau_plus = 20.0 : projection\nA = 0.01",
          "tau_plus * dx/dt = -x : event-driven", "", "g_target += w\nx += A", "w = clip(w + x, 0.0, 1.0)"},
}
for name, m in pairs(models) do
  write("model/" .. name, m[1] .. table.concat(m, SEP, 2))
end

-- The state targets' network (the same as lua_target.lua's), after a few steps.
local net = ann.Network{dt = 1.0, seed = 7}
local a = net:create(4, ann.Izhikevich, "a")
local b = net:create(3, ann.LeakyIntegrator, "b")
local p = net:connect(a, a, "exc", ann.STDP, "p")
p:fixed_probability{probability = 0.5, weights = 0.1, delays = 2.0}
net:connect(b, b, "exc", nil, "q"):all_to_all{weights = ann.Uniform(0.0, 1.0)}
net:compile{compiler = "tcc"}
net:simulate(5.0)
net:save(root .. "state/network.state")
a:save(root .. "state/population.state")
p:save(root .. "state/projection.state")
a:save(root .. "npz/population.npz")
p:save(root .. "npz/projection.npz")
p:save_connectivity(root .. "connectivity/p.state")
