-- Axonal spikes: a neuron's axon_spike condition emits spikes that only synapses defining
-- pre_axon_spike receive, one step later, without reset, refractoriness or somatic spike.
-- Every expected number is counted by hand from the models (dt = 1 ms, v grows by 1 a step
-- from 0, so v = s + 1 after the update of step s, until a reset).
local ann = require("annarchy")

-- A neuron counting steps: a somatic spike at v >= 10 (reset to 0), an axonal one at v >= 3.
local function counter(extra)
  local def = {equations = "v += 1", spike = "v >= 10", reset = "v = 0", axon_spike = "v >= 3"}
  for k, v in pairs(extra or {}) do def[k] = v end
  return ann.Neuron(def)
end

-- A post-synaptic neuron that never fires and reads its conductances.
local LISTENER = ann.Neuron{equations = "x = g_exc + g_inh", spike = "x > 1000"}

-- The conductance g of post neuron 1 at each step, as a plain list.
local function column(m, g)
  local rec, out = m:get(g), {}
  for s = 1, #rec do out[s] = rec[s][1] end
  return out
end

local function compiled(net)
  net:compile{silent = true}
  return net
end

describe("axonal spikes", function()
  it("are emitted while axon_spike holds and spike does not, without reset", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(1, counter())
    local m = net:monitor(pre, {"spike", "axon_spike", "v"})
    compiled(net):simulate(22)
    -- v = 1..9 at steps 0..8, 10 at step 9 (somatic spike, reset to 0), then again from 1
    assert.are.same({[1] = {9, 19}}, m:get("spike"))
    assert.are.same({[1] = {2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 16, 17, 18}}, m:get("axon_spike"))
    -- an axonal spike changes nothing: v goes on 3, 4, 5... (only the somatic spike resets)
    assert.are.same({1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2},
      m:get("v"):flatten():totable())
  end)

  it("run axon_reset, and never while the neuron is refractory", function()
    local net = ann.Network{dt = 1.0}
    -- axon_reset v -= 2: v = 1, 2, 3 (axonal, back to 1), 2, 3 (axonal)... never 10
    local a = net:create(1, counter{axon_reset = "v -= 2"})
    -- always axonal unless somatic; spike at v >= 5 with 3 ms of refractoriness: v = 1..4 at
    -- steps 0..3 (axonal), 5 at step 4 (somatic), frozen at 0 during steps 5, 6, 7, then
    -- 1..4 at steps 8..11 (axonal) and 5 at step 12 (somatic), frozen at 0 at step 13
    local b = net:create(1, ann.Neuron{equations = "v += 1", spike = "v >= 5", reset = "v = 0",
                                       refractory = 3.0, axon_spike = "v >= 0"})
    local ma = net:monitor(a, {"spike", "axon_spike"})
    local mb = net:monitor(b, {"spike", "axon_spike", "v"})
    compiled(net):simulate(14)
    assert.are.same({[1] = {}}, ma:get("spike"))
    assert.are.same({[1] = {2, 4, 6, 8, 10, 12}}, ma:get("axon_spike"))
    assert.are.same({[1] = {4, 12}}, mb:get("spike"))
    assert.are.same({[1] = {0, 1, 2, 3, 8, 9, 10, 11}}, mb:get("axon_spike"))
    assert.are.same({1, 2, 3, 4, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0}, mb:get("v"):flatten():totable())
  end)

  it("arrive one step later through pre_axon_spike, and only there", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(1, counter())
    local post = net:create(1, LISTENER)
    -- somatic spikes add w = 0.5, axonal ones 10 w = 5
    local both = ann.Synapse{pre_spike = "g_target += w", pre_axon_spike = "g_target += 10 * w"}
    net:connect(pre, post, "exc", {synapse = both}):all_to_all{weights = 0.5}
    -- a synapse without pre_axon_spike: the somatic spikes only (w = 0.25)
    net:connect(pre, post, "inh"):all_to_all{weights = 0.25}
    local m = net:monitor(post, {"g_exc", "g_inh"})
    compiled(net):simulate(22)
    -- axonal spikes at steps 2..8 and 12..18, somatic at 9 and 19: received at the next step
    -- (g is recorded right after transmission and zeroed after the neuron's update)
    assert.are.same({0, 0, 0, 5, 5, 5, 5, 5, 5, 5, 0.5, 0, 0, 5, 5, 5, 5, 5, 5, 5, 0.5, 0},
      column(m, "g_exc"))
    assert.are.same({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, 0},
      column(m, "g_inh"))
  end)

  it("stop at a projection whose axon_transmission is off, and start again", function()
    local net = ann.Network{dt = 1.0}
    local pre = net:create(1, counter())
    local post = net:create(1, LISTENER)
    local proj = net:connect(pre, post, "exc", {synapse = ann.Synapse{pre_axon_spike = "g_target += w"}})
    proj:all_to_all{weights = 1.0}
    assert.is_true(proj.axon_transmission)
    proj.axon_transmission = false   -- before compile: kept
    local m = net:monitor(post, "g_exc")
    compiled(net):simulate(6)
    assert.is_false(proj.axon_transmission)
    proj.axon_transmission = true
    net:simulate(4)
    -- axonal spikes at steps 2..8 arrive at 3..9; only those from step 6 on pass, the
    -- somatic spike of step 9 goes through pre_spike's default g_target += w at step 10
    assert.are.same({0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, column(m, "g_exc"))
  end)

  it("are recorded for a subset of neurons", function()
    local net = ann.Network{dt = 1.0}
    local pop = net:create(3, ann.Neuron{parameters = "k = 1.0", equations = "v += k",
                                         spike = "v >= 10", reset = "v = 0", axon_spike = "v >= 3"})
    pop.k = {1.0, 2.0, 4.0}
    local m = net:monitor(pop[{2, 3}], "axon_spike")
    compiled(net):simulate(5)
    -- k = 2: v = 2, 4, 6, 8, 10 (steps 1, 2, 3 axonal; 4 somatic); k = 4: v = 4, 8, 12
    -- (steps 0, 1 axonal; 2 somatic, reset), then 4, 8 (steps 3, 4 axonal)
    assert.are.same({[2] = {1, 2, 3}, [3] = {0, 1, 3, 4}}, m:get("axon_spike"))
  end)

  it("are refused where they cannot work", function()
    local net = ann.Network{dt = 1.0}
    local rate = ann.Neuron{parameters = "r = 0.0", axon_spike = "r > 1"}
    assert.has_error(function() net:create(1, rate) end,
      'annarchy: neuron "Rate-coded neuron": axon_spike is only for spiking neurons')
    local a, b = net:create(1, counter()), net:create(1, LISTENER)
    local syn = ann.Synapse{pre_axon_spike = "g_target += w"}
    local delayed = net:connect(a, b, "exc", {synapse = syn}):all_to_all{weights = 1.0, delays = 2.0}
    local ok, err = pcall(function() net:compile{silent = true} end)
    assert.is_false(ok)
    assert.truthy(tostring(err):find('projection "proj0": axonal spikes (pre_axon_spike) are '
      .. "transmitted without delay; the projection cannot have delays", 1, true))
    local _ = delayed
    local net2 = ann.Network{dt = 1.0}
    local c, d = net2:create(1, counter()), net2:create(1, LISTENER)
    local proj = net2:connect(c, d, "exc", {synapse = syn}):all_to_all{weights = 1.0}
    compiled(net2)
    assert.has_error(function() proj.delay = 3.0 end)
    local m = net2:monitor(d, "g_exc")
    assert.has_error(function() net2:monitor(d, "axon_spike") end,
      'annarchy: Monitor "Monitor_pop1": the neuron of population "pop1" has no axon_spike condition')
    local _ = m
  end)
end)

describe("recorded axonal spikes", function()
  it("are saved and read back like spikes (.csv, the monitor's own file)", function()
    local support = require("tests.support")
    local net = ann.Network{dt = 1.0}
    local pre = net:create(2, ann.Neuron{parameters = "k = 1.0", equations = "v += k",
                                         spike = "v >= 10", reset = "v = 0", axon_spike = "v >= 3"})
    pre.k = {1.0, 4.0}
    local m = net:monitor(pre, "axon_spike")
    compiled(net):simulate(4)
    -- k = 1: v = 1, 2, 3, 4 (steps 2, 3); k = 4: v = 4, 8, 12 (reset), 4 (steps 0, 1, 3)
    local want = {[1] = {2, 3}, [2] = {0, 1, 3}}
    local csv, own = support.tmp(".csv"), support.tmp(".state")
    m:save(csv, {keep = true})
    assert.are.equal("# step,rank\n0,1\n1,1\n2,0\n3,0\n3,1\n", support.read_bytes(csv))
    m:save(own, {keep = true})
    assert.are.same(want, require("annarchy.io.monitor_file").read_monitor(own).data.axon_spike)
    assert.are.same(want, m:get("axon_spike"))
    os.remove(csv)
    os.remove(own)
  end)
end)

describe("axonal spikes in a saved network", function()
  it("are delivered after loading, as without the save", function()
    local support = require("tests.support")
    local function build()
      local net = ann.Network{dt = 1.0}
      local pre = net:create(1, counter())
      local post = net:create(1, LISTENER)
      net:connect(pre, post, "exc", {synapse = ann.Synapse{pre_axon_spike = "g_target += w"}})
        :all_to_all{weights = 1.0}
      return net, net:monitor(post, "g_exc")
    end
    local file = support.tmp(".ann")
    local a = build()
    compiled(a):simulate(3)   -- the axonal spike of step 2 is not delivered yet
    a:save(file)
    local b, m = build()
    compiled(b):load(file)
    b:simulate(2)
    os.remove(file)
    -- steps 3 and 4 receive the axonal spikes of steps 2 and 3
    assert.are.same({1, 1}, column(m, "g_exc"))
  end)
end)
