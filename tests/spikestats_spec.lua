-- Spike statistics (reference-core §10.5, QUIRKS 18 and 23): the module functions on small
-- spike tables with values computed by hand, argument errors, and the Monitor methods on a
-- tiny simulated network.
-- Run from the repository root: busted --lua=./annlua tests/spikestats_spec.lua
local core = require("annarchy.runtime")
local st = require("annarchy.analysis.spikestats")

-- Compares an Array with a (nested) table of numbers: same shape, values within 1e-9.
local function same(a, expected)
  assert.is_true(core.is_array(a), "an Array expected, got " .. type(a))
  local shape = {#expected}
  if type(expected[1]) == "table" then shape[2] = #expected[1] end
  if #expected == 0 then shape = {0} end
  assert.are.same(shape, a.shape)
  local ok, res, msg = pcall(core.allclose, a, expected, {rtol = 0, atol = 1e-9})
  assert(ok and res ~= false, tostring(msg or res))
end

local function fails_with(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  assert.is_false(ok, "expected an error matching " .. pattern)
  assert.is_truthy(tostring(err):find(pattern, 1, true), "error was: " .. tostring(err))
end

-- Three neurons: the reference's example [4, 6, 8], a silent one, and [5, 9].
local S = {[1] = {4, 6, 8}, [2] = {}, [3] = {5, 9}}

describe("raster_plot", function()
  it("lists every spike in ms with its rank, neurons in ascending rank", function()
    local t, r = st.raster_plot(S, 0.5)
    same(t, {2, 3, 4, 2.5, 4.5})
    same(r, {1, 1, 1, 3, 3})
  end)

  it("orders sparse ranks (a view) by rank, whatever the insertion order", function()
    local spikes = {}
    spikes[9] = {1}
    spikes[4] = {2, 3}
    local t, r = st.raster_plot(spikes, 1.0)
    same(t, {2, 3, 1})
    same(r, {4, 4, 9})
  end)

  it("gives two empty Arrays without spikes, and dt defaults to 1 ms", function()
    local t, r = st.raster_plot({[1] = {}, [2] = {}})
    same(t, {})
    same(r, {})
    t = st.raster_plot({[1] = {3}})
    same(t, {3})
  end)

  it("accepts the result of m:get() holding a 'spike' entry", function()
    local t = st.raster_plot({spike = {[1] = {2}}, v = core.zeros({3, 1})}, 2.0)
    same(t, {4})
  end)
end)

describe("histogram", function()
  it("counts spikes per step from the first to the last spike", function()
    -- t_min 4, t_max 9: 6 one-step bins, steps 4..9
    same(st.histogram(S, 1.0), {1, 1, 1, 0, 1, 1})
  end)

  it("uses bins in ms: bin_step = floor(bins/dt)", function()
    -- bin_step 2, nb_bins = floor(5/2) = 2: bins {4,5} {6,7} {8,9}
    same(st.histogram(S, 1.0, {bins = 2.0}), {2, 1, 2})
    same(st.histogram(S, 0.5, {bins = 1.0}), {2, 1, 2})
    same(st.histogram(S, {bins = 2.0}), {2, 1, 2})
    same(st.histogram{spikes = S, dt = 1.0, bins = 2.0}, {2, 1, 2})
  end)

  it("truncates bins/dt with a 1e-9 tolerance (QUIRKS 23)", function()
    -- 0.3/0.1 = 2.9999999999999996: 3 steps, not 2
    local spikes = {[1] = {0, 2, 3, 5}}
    same(st.histogram(spikes, 0.1, {bins = 0.3}), {2, 2})
  end)

  it("gives one row per neuron with per_neuron", function()
    same(st.histogram(S, 1.0, {bins = 2.0, per_neuron = true}),
      {{1, 1, 1}, {0, 0, 0}, {1, 0, 1}})
  end)

  it("uses recording_window {start, stop} in steps and skips spikes outside it", function()
    -- bin_step 5, nb_bins = 2: {0..4} {5..9} {10}
    same(st.histogram(S, 1.0, {bins = 5.0, recording_window = {0, 10}}), {1, 4, 0})
    -- window 5..8: the spikes at 4 and 9 are outside
    same(st.histogram(S, 1.0, {recording_window = {5, 8}}), {1, 1, 0, 1})
    same(st.histogram(S, 1.0, {recording_window = {start = 5, stop = 8}}), {1, 1, 0, 1})
  end)

  it("is empty without spikes and without a window", function()
    same(st.histogram({[1] = {}, [2] = {}}, 1.0), {})
    local h = st.histogram({[1] = {}, [2] = {}}, 1.0, {per_neuron = true})
    assert.are.same({2, 0}, h.shape)
    same(st.histogram({[1] = {}}, 1.0, {recording_window = {0, 2}}), {0, 0, 0})
  end)

  it("rejects bad options", function()
    fails_with("unknown option 'bin'", st.histogram, S, 1.0, {bin = 2})
    fails_with("shorter than one step", st.histogram, S, 1.0, {bins = 0.5})
    fails_with("'bins' must be", st.histogram, S, 1.0, {bins = -1})
    fails_with("'per_neuron' must be a boolean", st.histogram, S, 1.0, {per_neuron = 1})
    fails_with("'recording_window' must be {start, stop}", st.histogram, S, 1.0,
      {recording_window = {8, 5}})
  end)
end)

describe("inter_spike_interval", function()
  it("flattens the intervals in ms of the neurons with two spikes or more", function()
    same(st.inter_spike_interval(S, 0.5), {1, 1, 2})
    same(st.inter_spike_interval({[1] = {3}, [2] = {}}, 1.0), {})
  end)

  it("gives a table rank -> Array with per_neuron", function()
    local isi = st.inter_spike_interval(S, 1.0, {per_neuron = true})
    same(isi[1], {2, 2})
    same(isi[3], {4})
    assert.is_nil(isi[2])
  end)

  it("keeps only the given ranks", function()
    same(st.inter_spike_interval(S, 1.0, {ranks = {3}}), {4})
    same(st.inter_spike_interval(S, 1.0, {ranks = {2}}), {})
    same(st.inter_spike_interval(S, 1.0, {ranks = core.array({1, 3})}), {2, 2, 4})
    fails_with("rank 7 (option 'ranks') is not in the spike table", st.inter_spike_interval, S, 1.0,
      {ranks = {7}})
    fails_with("unknown option 'rank'", st.inter_spike_interval, S, 1.0, {rank = {1}})
  end)
end)

describe("coefficient_of_variation", function()
  local C = {[1] = {0, 2, 6}, [2] = {4, 6, 8}, [3] = {1, 5}, [4] = {0, 1, 3, 7}}

  it("is std/mean of the intervals (ddof 0) for neurons with two intervals or more", function()
    -- 1: ISIs {2, 4}: mean 3, std 1. 2: {2, 2}: 0. 3: one interval, left out.
    -- 4: {1, 2, 4}: mean 7/3, variance 14/9, cv = sqrt(14)/7.
    same(st.coefficient_of_variation(C, 1.0), {1 / 3, 0, math.sqrt(14) / 7})
    same(st.coefficient_of_variation(C, 0.25), {1 / 3, 0, math.sqrt(14) / 7})
  end)

  it("honours ranks and per_neuron", function()
    same(st.coefficient_of_variation(C, 1.0, {ranks = {1, 3}}), {1 / 3})
    local cv = st.coefficient_of_variation(C, 1.0, {per_neuron = true})
    assert.are.near(1 / 3, cv[1], 1e-12)
    assert.are.equal(0, cv[2])
    assert.is_nil(cv[3])
  end)
end)

describe("mean_fr", function()
  it("divides by the time between the first and last spike by default", function()
    assert.are.near(750, st.mean_fr({[1] = {4, 6, 8}}, 1.0), 1e-9)
    -- 5 spikes, 3 neurons, (9 - 4) * 0.5 = 2.5 ms
    assert.are.near(5 / 3 / 2.5 * 1000, st.mean_fr(S, 0.5), 1e-9)
  end)

  it("uses the duration in ms when given", function()
    assert.are.near(5 / 3 / 100 * 1000, st.mean_fr(S, 0.5, {duration = 100}), 1e-9)
  end)

  it("uses a window {start, stop} in steps and counts the spikes in [start, stop)", function()
    assert.are.near(5 / 3 / 10 * 1000, st.mean_fr(S, 0.5, {window = {0, 20}}), 1e-9)
    -- spikes 5, 6, 8 in [5, 9); 2 ms
    assert.are.near(3 / 3 / 2 * 1000, st.mean_fr(S, 0.5, {window = {5, 9}}), 1e-9)
  end)

  it("is 0 without spikes", function()
    assert.are.equal(0, st.mean_fr({[1] = {}, [2] = {}}, 1.0))
    assert.are.equal(0, st.mean_fr({[1] = {}}, 1.0, {window = {0, 10}}))
  end)

  it("rejects what has no rate", function()
    fails_with("no neuron", st.mean_fr, {}, 1.0)
    fails_with("duration is zero", st.mean_fr, {[1] = {3}, [2] = {3}}, 1.0)
    fails_with("either 'duration' or 'window'", st.mean_fr, S, 1.0, {duration = 10, window = {0, 10}})
    fails_with("is empty", st.mean_fr, S, 1.0, {window = {3, 3}})
    fails_with("'duration' must be a positive number", st.mean_fr, S, 1.0, {duration = 0})
  end)
end)

describe("smoothed_rate", function()
  it("holds 1000/(dt (s2 - s1)) on [s1, s2) between consecutive spikes", function()
    same(st.smoothed_rate({[1] = {1, 3}}, 1.0, {window = {0, 5}}), {{0, 500, 500, 0, 0}})
    same(st.smoothed_rate({[1] = {1, 3}}, 0.5, {window = {0, 5}}), {{0, 1000, 1000, 0, 0}})
  end)

  it("indexes steps relative to the window start (QUIRKS 18)", function()
    same(st.smoothed_rate({[1] = {101, 103}}, 1.0, {window = {100, 105}}), {{0, 500, 500, 0, 0}})
    -- an interval that began before the window still sets the rate inside it
    same(st.smoothed_rate({[1] = {2, 6}}, 1.0, {window = {4, 8}}), {{250, 250, 0, 0}})
  end)

  it("spans first to last spike by default, one row per neuron", function()
    same(st.smoothed_rate(S, 1.0), {
      {500, 500, 500, 500, 0},
      {0, 0, 0, 0, 0},
      {0, 250, 250, 250, 250},
    })
    assert.are.same({2, 0}, st.smoothed_rate({[1] = {}, [2] = {}}, 1.0).shape)
  end)

  it("applies y[t+1] = y[t] + (x[t+1] - y[t]) dt/smooth", function()
    -- x = {0, 1000, 0}, dt/smooth = 1/4: y = {0, 250, 250 - 250/4}
    same(st.smoothed_rate({[1] = {1, 2}}, 1.0, {window = {0, 3}, smooth = 4.0}), {{0, 250, 187.5}})
    -- x = {0, 500, 500, 0, 0}, delta 1/2
    same(st.smoothed_rate({[1] = {1, 3}}, 1.0, {window = {0, 5}, smooth = 2.0}),
      {{0, 250, 375, 187.5, 93.75}})
    -- rows are filtered independently; the first column is left as is
    same(st.smoothed_rate({[1] = {0, 2}, [2] = {1, 2}}, 1.0, {window = {0, 3}, smooth = 4.0}),
      {{500, 500, 375}, {0, 250, 187.5}})
  end)

  it("rejects a negative smooth and unknown options", function()
    fails_with("'smooth' must be", st.smoothed_rate, S, 1.0, {smooth = -1})
    fails_with("unknown option 'smoth'", st.smoothed_rate, S, 1.0, {smoth = 1})
  end)
end)

describe("population_rate", function()
  it("counts the spikes of each step start..stop and divides by dt N / 1000", function()
    local v = 1 / (1.0 * 3 / 1000)
    same(st.population_rate(S, 1.0), {v, v, v, 0, v, v})
    local w = 1 / (0.5 * 3 / 1000)
    same(st.population_rate(S, 0.5, {window = {3, 6}}), {0, w, w, w})
    same(st.population_rate({[1] = {0, 2}, [2] = {2}}, 1.0, {window = {0, 2}}), {500, 0, 1000})
  end)

  it("applies the low-pass only when smooth > dt", function()
    local spikes = {[1] = {1}}
    same(st.population_rate(spikes, 1.0, {window = {0, 2}, smooth = 4.0}), {0, 250, 187.5})
    same(st.population_rate(spikes, 1.0, {window = {0, 2}, smooth = 1.0}), {0, 1000, 0})
    same(st.population_rate(spikes, 1.0, {window = {0, 2}}), {0, 1000, 0})
  end)

  it("is empty without spikes and window, and needs neurons", function()
    same(st.population_rate({[1] = {}}, 1.0), {})
    fails_with("no neuron", st.population_rate, {}, 1.0, {window = {0, 3}})
  end)
end)

describe("argument checks", function()
  local fns = {"raster_plot", "histogram", "inter_spike_interval", "coefficient_of_variation",
               "mean_fr", "smoothed_rate", "population_rate"}

  it("reject a spike argument that is not a table", function()
    for _, name in ipairs(fns) do
      fails_with("ann." .. name .. ": the spikes must be a table rank -> list of steps", st[name], 42, 1.0)
      fails_with("got nil", st[name], nil, 1.0)
      fails_with("got " .. type(core.array({1, 2})), st[name], core.array({1, 2}), 1.0)   -- cdata under LuaJIT
    end
  end)

  it("reject malformed spike tables", function()
    fails_with("the spike table has the key 0", st.raster_plot, {[0] = {1}}, 1.0)
    fails_with("the spike table has the key \"a\"", st.raster_plot, {a = {1}, [1] = {2}}, 1.0)
    fails_with("the spikes of rank 1 must be a list of steps, got number", st.raster_plot, {[1] = 3}, 1.0)
    fails_with("spike 2 of rank 1 is 1.5", st.raster_plot, {[1] = {1, 1.5}}, 1.0)
    fails_with("not strictly ascending (3 after 5)", st.raster_plot, {[1] = {5, 3}}, 1.0)
    fails_with("not strictly ascending", st.raster_plot, {[1] = {5, 5}}, 1.0)
  end)

  it("reject a bad dt, unknown options and extra arguments", function()
    fails_with("dt must be a positive number of ms", st.histogram, S, 0)
    fails_with("dt must be a positive number of ms", st.histogram, S, "1")
    fails_with("unknown option 'smooth' (it takes no options)", st.raster_plot, S, 1.0, {smooth = 1})
    fails_with("unknown option 'window' (expected one of 'ranks', 'per_neuron')",
      st.coefficient_of_variation, S, 1.0, {window = {0, 1}})
    fails_with("too many arguments", st.mean_fr, S, 1.0, {}, {})
    fails_with("the argument 'spikes' is missing", st.mean_fr, {dt = 1.0})
    fails_with("unknown option 'dtt'", st.mean_fr, {spikes = S, dtt = 1.0})
  end)
end)

describe("Monitor methods", function()
  local ann = require("annarchy")
  local mm = st.monitor_methods

  -- v += I each step, spike when v > 1: with I = 0.3 a spike every 4 steps from step 3,
  -- with I = 0.6 every 2 steps from step 1, with I = 0 never. dt = 0.5 ms.
  local function network(n_ms)
    local N = ann.Neuron{parameters = "I = 0.0", equations = "v = v + I", spike = "v > 1",
                         reset = "v = 0"}
    local net = ann.Network{dt = 0.5}
    local pop = net:create(3, N)
    pop.I = {0.3, 0.6, 0.0}
    local m = net:monitor(pop, "spike")
    local mv = net:monitor(pop, "v")
    net:compile()
    net:simulate(n_ms)
    return net, m, mv, pop
  end

  local function steps(first, last, by)
    local out = {}
    for s = first, last, by do out[#out + 1] = s end
    return out
  end

  it("raster_plot calls get('spike') and so empties the buffer", function()
    local _, m = network(10)
    local t, r = mm.raster_plot(m)
    local times, ranks = {}, {}
    for _, s in ipairs(steps(3, 19, 4)) do times[#times + 1] = s * 0.5; ranks[#ranks + 1] = 1 end
    for _, s in ipairs(steps(1, 19, 2)) do times[#times + 1] = s * 0.5; ranks[#ranks + 1] = 2 end
    same(t, times)
    same(r, ranks)
    t = mm.raster_plot(m)
    same(t, {})
  end)

  it("mean_fr uses the last recording segment", function()
    local _, m = network(10)
    -- 5 + 10 + 0 spikes, 3 neurons, 20 steps of 0.5 ms
    assert.are.near(15 / 3 / 10 * 1000, mm.mean_fr(m), 1e-9)
  end)

  it("mean_fr on spikes already fetched uses that fetch's segment", function()
    local net, m = network(10)
    net:simulate(10)
    local spikes = m:get("spike")
    -- segment [0, 40): 10 + 20 spikes over 20 ms
    assert.are.near(30 / 3 / 20 * 1000, mm.mean_fr(m, spikes), 1e-9)
  end)

  it("smoothed_rate spans the segment, relative to its start (QUIRKS 18)", function()
    local net, m = network(10)
    m:get("spike")           -- closes the segment [0, 20)
    net:simulate(5)          -- segment [20, 30)
    local r = mm.smoothed_rate(m)
    assert.are.same({3, 10}, r.shape)
    -- neuron 1 spikes at 23 and 27 (its spike at 19 went with the first get)
    same(r[1], {0, 0, 0, 500, 500, 500, 500, 0, 0, 0})
    -- neuron 2 spikes at 21, 23, ..., 29: 1000 Hz from 21 to 28
    same(r[2], {0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 0})
    same(r[3], {0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
  end)

  it("smoothed_rate and population_rate take smooth", function()
    local _, m = network(2)    -- 4 steps: neuron 2 spikes at 1 and 3, neuron 1 at 3
    local spikes = m:get("spike")
    local r = mm.smoothed_rate(m, spikes, {smooth = 1.0})
    -- neuron 2: x = {0, 1000, 1000, 0}, delta 0.5
    same(r[2], {0, 500, 750, 375})
    -- 5 bins (steps 0..4): counts {0, 1, 0, 2, 0} / (0.5 * 3 / 1000)
    local k = 1000 / 1.5
    same(mm.population_rate(m, spikes), {0, k, 0, 2 * k, 0})
    same(mm.population_rate(m, spikes, {smooth = 1.0}),
      {0, k / 2, k / 4, k / 8 + k, (k / 8 + k) / 2})
    same(mm.population_rate(m, {spikes = spikes, smooth = 0.5}), {0, k, 0, 2 * k, 0})
  end)

  it("histogram, inter_spike_interval and coefficient_of_variation take their options", function()
    local _, m = network(10)
    local spikes = m:get("spike")
    -- bins of 1 ms = 2 steps from step 1 to 19: 10 bins; neuron 2 one spike each,
    -- neuron 1 at 3, 7, 11, 15, 19 -> bins 2, 4, 6, 8, 10
    same(mm.histogram(m, spikes, {bins = 1.0}), {1, 2, 1, 2, 1, 2, 1, 2, 1, 2})
    same(mm.inter_spike_interval(m, spikes, {ranks = {1}}), {2, 2, 2, 2})
    local isi = mm.inter_spike_interval(m, spikes, {per_neuron = true})
    assert.are.equal(9, isi[2].size)
    assert.is_nil(isi[3])
    same(mm.coefficient_of_variation(m, spikes), {0, 0})
    same(mm.coefficient_of_variation(m, spikes, {ranks = {2}}), {0})
  end)

  it("reports unknown options, unrecorded spikes and a missing colon", function()
    local _, m, mv = network(1)
    fails_with("Monitor", mm.histogram, m, {bin = 1.0})
    fails_with("unknown option 'bin'", mm.histogram, m, {bin = 1.0})
    fails_with("unknown option 'window'", mm.smoothed_rate, m, {window = {0, 1}})
    fails_with("spike was not recorded", mm.mean_fr, mv)
    fails_with("call it as m:histogram", mm.histogram, {bins = 1.0})
  end)
end)
