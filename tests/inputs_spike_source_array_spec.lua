-- SpikeSourceArray (reference-library §3.5, QUIRKS core 24 and library 11): spike steps,
-- rounding half to even, the population's own clock, new spike times after compile, errors.
-- Expected steps are worked out by hand: round(t / dt), half to even, duplicates merged.
local ann = require("annarchy")
local inputs = require("annarchy.inputs")
local SpikeSourceArray = inputs.SpikeSourceArray

local function setup(times, dt)
  local net = ann.Network{dt = dt or 1.0}
  local src = net:create(SpikeSourceArray(times))
  local m = net:monitor(src, "spike")
  net:compile{silent = true}
  return net, src, m
end

describe("SpikeSourceArray spikes", function()
  it("one list is one neuron; times round to the nearest step, half to even", function()
    -- 1 -> 1, 2.5 -> 2, 3.5 -> 4, 10 -> 10
    local net, src, m = setup({1, 2.5, 3.5, 10})
    assert.equal(1, src.size)
    net:simulate(20)
    assert.same({[1] = {1, 2, 4, 10}}, m:get("spike"))
  end)

  it("a list of lists is one neuron per list; {} is a silent neuron; duplicates merge", function()
    local net, src, m = setup({{0, 0.4, 5}, {}, {3}})
    assert.equal(3, src.size)
    net:simulate(10)
    assert.same({[1] = {0, 5}, [2] = {}, [3] = {3}}, m:get("spike"))
  end)

  it("converts with the network's dt (dt = 0.5)", function()
    -- 0.25 / 0.5 = 0.5 -> 0; 0.75 / 0.5 = 1.5 -> 2; 1.25 / 0.5 = 2.5 -> 2; 3 -> 6
    local net, src, m = setup({0.25, 0.75, 1.25, 3.0}, 0.5)
    assert.same({0, 1.0, 3.0}, src.spike_times)
    net:simulate(5)
    assert.same({[1] = {0, 2, 6}}, m:get("spike"))
  end)

  it("is one silent neuron for {} and takes its arguments by name", function()
    local net = ann.Network{}
    local a = net:create(SpikeSourceArray({}))
    local b = net:create(SpikeSourceArray{spike_times = {{2}, {4}}, name = "src"})
    assert.equal(1, a.size)
    assert.equal("src", b.name)
    assert.equal(b, net:get_population("src"))
    local m = net:monitor(b, "spike")
    net:compile{silent = true}
    net:simulate(6)
    assert.same({[1] = {2}, [2] = {4}}, m:get("spike"))
  end)

  it("spikes reach a post-synaptic population one step later", function()
    local net = ann.Network{}
    local src = net:create(SpikeSourceArray({{3}, {3, 6}}))
    local post = net:create(1, ann.Neuron{equations = "v = v + g_exc", spike = "v > 1000"})
    net:connect(src, post, "exc"):all_to_all(1.0)
    local m = net:monitor(post, "v")
    net:compile{silent = true}
    net:simulate(8)
    local v = m:get("v"):flatten():totable()
    assert.same({0, 0, 0, 0, 2, 2, 2, 3}, v)
  end)

  it("pauses its clock while disabled", function()
    local net, src, m = setup({2, 5})
    net:simulate(1)
    src:disable()
    net:simulate(3)
    src:enable()
    net:simulate(10)
    -- the clock stood still during steps 1..3: internal times 2 and 5 are global steps 5 and 8
    assert.same({[1] = {5, 8}}, m:get("spike"))
  end)
end)

describe("SpikeSourceArray clock and new spike times", function()
  it("reset() of the population replays the times from the time of the reset", function()
    local net, src, m = setup({1, 3})
    net:simulate(12)
    src:reset()
    net:simulate(12)
    assert.same({[1] = {1, 3, 13, 15}}, m:get("spike"))
  end)

  it("net:reset() replays from step 0", function()
    local net, _, m = setup({1, 3})
    net:simulate(12)
    net:reset()
    net:simulate(5)
    assert.same({[1] = {1, 3}}, m:get("spike"))
  end)

  it("new spike times apply at once, on the population's clock (QUIRKS library 11)", function()
    local net, src, m = setup({{1}, {2}})
    net:simulate(10)
    src:reset()             -- the clock restarts at global step 10
    net:simulate(5)         -- clock now 5
    src:set_spike_times({{2, 7, 9}, {5, 6}})
    -- times before the clock (2) are skipped; 5 is the clock's next step
    assert.same({{2, 7, 9}, {5, 6}}, src.spike_times)
    net:simulate(10)
    assert.same({[1] = {1, 11, 17, 19}, [2] = {2, 12, 15, 16}}, m:get("spike"))
  end)

  it("new spike times before compile replace the given ones", function()
    local net = ann.Network{}
    local src = net:create(SpikeSourceArray({1, 2}))
    src:set_spike_times({4})
    local m = net:monitor(src, "spike")
    net:compile{silent = true}
    net:simulate(6)
    assert.same({[1] = {4}}, m:get("spike"))
    assert.same({4}, src.spike_times)
  end)

  it("records the network's step as the last spike time", function()
    local net, src = setup({3})
    net:simulate(4)
    assert.same({1}, src.spike)   -- spiked during the last step (step 3)
    net:simulate(1)
    assert.same({}, src.spike)
  end)

  -- Needs Network:_clear_population to call pop._.custom.clear (docs/inputs.md, "Not yet").
  it("clear() restarts the clock", function()
    local net, src, m = setup({1, 3})
    net:simulate(12)
    src:clear()
    net:simulate(12)
    assert.same({[1] = {1, 3, 13, 15}}, m:get("spike"))
  end)

  -- Needs Population.__newindex to call pop._.custom.fields[name].set (docs/inputs.md).
  it("spike_times can be assigned", function()
    local net, src, m = setup({{1}, {2}})
    net:simulate(5)
    src.spike_times = {{7}, {6, 8}}
    net:simulate(5)
    assert.same({[1] = {1, 7}, [2] = {2, 6, 8}}, m:get("spike"))
    assert.has_error(function() src.spike_times = {{7}} end)
  end)
end)

describe("SpikeSourceArray errors", function()
  it("rejects unsorted times", function()
    local ok, err = pcall(SpikeSourceArray, {{1, 2}, {5, 3}})
    assert.is_false(ok)
    assert.matches("neuron 2 is not sorted", err)
  end)

  it("rejects negative times", function()
    local ok, err = pcall(SpikeSourceArray, {1, -2})
    assert.is_false(ok)
    assert.matches("negative", err)
  end)

  it("rejects lists mixing times and lists, and values that are not times", function()
    assert.has_error(function() SpikeSourceArray({1, {2}}) end)
    assert.has_error(function() SpikeSourceArray({1, "2"}) end)
    assert.has_error(function() SpikeSourceArray(5) end)
    assert.has_error(function() SpikeSourceArray() end)
  end)

  it("rejects unknown option names", function()
    local ok, err = pcall(SpikeSourceArray, {1, 2}, {nmae = "x"})
    assert.is_false(ok)
    assert.matches("unknown option 'nmae'", err)
  end)

  it("checks new times before changing anything", function()
    local net, src, m = setup({{2}, {4}})
    net:simulate(1)
    assert.has_error(function() src:set_spike_times({{3, 1}, {5}}) end)     -- unsorted
    assert.has_error(function() src:set_spike_times({{3}, {-5}}) end)       -- negative
    assert.has_error(function() src:set_spike_times({{3}}) end)             -- one neuron less
    net:simulate(5)
    assert.same({[1] = {2}, [2] = {4}}, m:get("spike"))
    assert.same({{2}, {4}}, src.spike_times)
  end)
end)
