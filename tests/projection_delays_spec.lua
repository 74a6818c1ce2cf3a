-- Per-synapse delays of spiking projections: stored in the narrowest unsigned type that holds
-- the largest delay (1 byte below 256 steps, 2 below 65536, else 4), read back exactly, and a
-- spike of pre neuron j at step s reaching the synapse of delay d at step s + d whatever the
-- type; spikes in flight across save and load, structural changes and thread counts.
local ann = require("annarchy")
local support = dofile("tests/support.lua")

-- dt = 1 ms: a delay of d ms is d steps. Both pre neurons spike at step 2.
local Pre = ann.Neuron{spike = "t == 2", name = "Pre2"}
local Post = ann.Neuron{parameters = "v = 0.0", equations = "g_exc = 0", spike = "v > 100", name = "Post"}

-- delays[post][pre] (ms = steps) of an all-to-all projection of weight 1 from 2 to 3 neurons,
-- given to the connector, or set after compile (`after`).
local function build(delays, after)
  local net = ann.Network{dt = 1.0, seed = 3}
  net:config{structural_plasticity = true}
  local a = net:create(2, Pre)
  local b = net:create(3, Post)
  local p = net:connect(a, b, "exc", {name = "delayed"})
  if after then
    p:all_to_all(1.0, {delays = ann.DiscreteUniform(1, 3)})
  else
    p:from_matrix({{1, 1}, {1, 1}, {1, 1}}, {delays = delays})
  end
  local m = net:monitor(b, "g_exc")
  net:compile{silent = true}
  if after then p.delay = delays end
  return net, p, m
end

-- The steps at which each post neuron received input, with the amount: {[post] = {[step] = g}}.
local function arrivals(m)
  local g = m:get("g_exc")
  local out = {{}, {}, {}}
  for k = 1, g.shape[1] do
    for i = 1, 3 do
      local v = g[k][i]
      if v ~= 0 then out[i][k - 1] = v end
    end
  end
  return out
end

-- The arrivals a spike at step 2 makes through delays[post][pre]: step 2 + d, 1 per synapse.
local function expected(delays)
  local out = {{}, {}, {}}
  for i = 1, 3 do
    for j = 1, 2 do
      local s = 2 + delays[i][j]
      out[i][s] = (out[i][s] or 0) + 1
    end
  end
  return out
end

local CASES = {
  {"1 byte (largest delay 255 steps)", {{1, 255}, {5, 1}, {255, 5}}, 1},
  {"2 bytes (256 to 65535 steps)", {{3, 256}, {300, 3}, {65535, 300}}, 2},
  {"4 bytes (65536 steps and more)", {{7, 65536}, {70000, 7}, {1, 70000}}, 4},
}

describe("per-synapse delays in the narrowest type", function()
  for _, case in ipairs(CASES) do
    local name, delays, width = case[1], case[2], case[3]

    it(name .. ": read back exactly, " .. width .. " byte(s) per synapse", function()
      local net, p = build(delays)
      -- the same projection with 1-byte delays is the reference: 6 synapses whose delays
      -- take width - 1 more bytes each (before any read builds the post-major view)
      local base = build(CASES[1][2]):memory_footprint().delayed
      assert.equal(base + 6 * (width - 1), net:memory_footprint().delayed)
      assert.same(delays, p.delay)
    end)

    it(name .. ": a spike at step 2 arrives at step 2 + d", function()
      local net, _, m = build(delays)
      net:simulate(2 + 70000 + 2)
      assert.same(expected(delays), arrivals(m))
    end)

    it(name .. ": the same when the delays are set after compile", function()
      local net, p, m = build(delays, true)
      assert.same(delays, p.delay)
      net:simulate(2 + 70000 + 2)
      assert.same(expected(delays), arrivals(m))
    end)
  end

  it("a delay growing past a type widens it; the spikes in flight keep going", function()
    local delays = {{4, 200}, {6, 9}, {200, 4}}
    local net, p, m = build(delays)
    net:simulate(5)                             -- steps 0-4: the spikes of step 2 are in flight
    local wide = {{4, 70000}, {6, 9}, {200, 4}}
    p.delay = wide
    assert.same(wide, p.delay)
    net:simulate(70000)
    -- every synapse is still ahead (the nearest arrives at 2 + 4): each arrives at 2 + d
    assert.same(expected(wide), arrivals(m))
  end)

  it("a synapse created while a spike is in flight receives it if its delay has not passed", function()
    local delays = {{10, 11}, {10, 11}, {10, 11}}
    local net, p, m = build(delays)
    net:simulate(5)
    -- the synapse from pre 2 to post 3 pruned and created again with delay 8: step 2 + 8
    -- has not come
    p:dendrite(3):prune_synapse(2)
    p:dendrite(3):create_synapse(2, {w = 5.0, delay = 8})
    -- and from pre 1 to post 2 with delay 2: step 4 has passed, it misses the spike
    p:dendrite(2):prune_synapse(1)
    p:dendrite(2):create_synapse(1, {w = 7.0, delay = 2})
    net:simulate(10)
    local a = arrivals(m)
    assert.same({[12] = 1, [13] = 1}, a[1])
    assert.same({[13] = 1}, a[2])             -- pre 2 only
    assert.same({[10] = 5, [12] = 1}, a[3])   -- the new synapse at 2 + 8, pre 1 at 2 + 10
  end)
end)

describe("spikes in flight through narrowed delays", function()
  -- Poisson input into LIF neurons, delays up to 300 steps (2 bytes) drawn per synapse.
  local function network(threads)
    local net = ann.Network{dt = 1.0, seed = 11}
    if threads then net:config{num_threads = threads} end
    local inp = net:create(ann.PoissonPopulation(40, {rates = 40.0}))
    local LIF = ann.Neuron{parameters = "tau = 10.0", equations = "tau * dv/dt = -v + g_exc",
      spike = "v > 1.0", reset = "v = 0.0", name = "LIFd"}
    local out = net:create(300, LIF, {name = "out"})
    net:connect(inp, out, "exc", {name = "in_out"})
       :fixed_total_number(6000, ann.Uniform(0.5, 2.0), {delays = ann.DiscreteUniform(1, 300)})
    net:connect(out, out, "exc", {name = "out_out"})
       :fixed_probability(0.05, 0.5, {delays = ann.DiscreteUniform(1, 40)})
    local m = net:monitor(out, {"spike", "v"})
    net:compile{silent = true}
    return net, out, m
  end

  local function spikes_text(m)
    local s = m:get("spike")
    local lines = {}
    for r, steps in pairs(s) do lines[#lines + 1] = r .. ":" .. table.concat(steps, ",") end
    table.sort(lines)
    return table.concat(lines, "\n")
  end

  it("a network saved with spikes in flight continues exactly after a load", function()
    local net, out, m = network()
    net:simulate(150)
    local file = support.tmp(".ann")
    net:save(file)
    -- saved in motion: events in flight, some due beyond 255 steps
    local ring = require("annarchy.io.state").read(file).get("projections/in_out/_state/spikes_in_flight"):totable()
    local events, far, o = 0, 0, 1
    for age = 0, 299 do
      events = events + ring[o]
      if age >= 255 then far = far + ring[o] end
      o = o + 1 + 2 * ring[o]
    end
    assert.equal(#ring + 1, o)                 -- 300 steps of events, the largest delay
    assert.is_true(events > 1000 and far > 0, events .. " events, " .. far .. " beyond 255 steps")
    net:simulate(200)
    local v_full, spk_full = out.v:totable(), m:get("spike")
    local net2, out2, m2 = network()
    net2:load(file)
    os.remove(file)
    assert.equal(150, net2.current_step)
    net2:simulate(200)
    assert.same(v_full, out2.v:totable())
    -- the second network's spikes are those of the first after step 150
    local after = {}
    for r, steps in pairs(spk_full) do
      for _, s in ipairs(steps) do
        if s >= 150 then after[r] = after[r] or {}; after[r][#after[r] + 1] = s end
      end
    end
    local got = m2:get("spike")
    local n = 0
    for r, steps in pairs(after) do assert.same(steps, got[r]); n = n + #steps end
    assert.is_true(n > 100, n .. " spikes")
  end)

  it("the same spikes and potentials for 1 to 4 threads", function()
    local ref
    for threads = 1, 4 do
      local net, out, m = network(threads)
      net:simulate(300)
      local text = spikes_text(m) .. "\n" .. table.concat(out.v:totable(), " ")
      if ref then assert.equal(ref, text, threads .. " threads") else ref = text end
    end
    assert.is_true(#ref > 1000)
  end)
end)
