-- examples/stp.lua against Brian2 running the same model (tests/reference/stp_brian2.py, its
-- figures in tests/reference/stp_brian2.json: 30 independent networks, 10 s each).
--
-- annlua runs the notebook's protocol (10 s at dt = 0.25 ms) for 8 seeds. Each seed draws another
-- network, and the figures vary a lot from one network to the next (the rate of population
-- spikes from 0.6 to 1.8 per second), so the checks are statistical: with s = max(Brian2's
-- standard deviation over its networks, 5 % of its mean) as the spread of one network, the means
-- over the n_a annlua seeds and the n_b Brian2 networks must agree within three standard errors
-- of their difference:  |mean_annlua - mean_brian2| < 3 s sqrt(1/n_a + 1/n_b).
-- Figures (examples/stp.lua, population_spikes): population spikes per second (about 1.2),
-- participation (spikes in a population spike / excitatory neurons: about 1.04, nearly every
-- excitatory neuron fires once), fraction of the excitatory spikes inside population spikes
-- (0.27), and the mean rates of the two populations (4.6 and 16.7 Hz).
local ann = require("annarchy")
local stp = dofile("examples/stp.lua")

local peer = dofile("tests/reference/peer.lua")
local mean = peer.mean
local function read_reference() return peer.read("stp_brian2") end

local DURATION = 10000
local SEEDS = {1, 2, 3, 4, 5, 6, 7, 8}

describe("Tsodyks-Uziel-Markram STP example (examples/stp.lua) against Brian2", function()
  local ref = read_reference()

  it("reads the recorded Brian2 figures", function()
    assert.is_truthy(ref.version)
    assert.is_true(ref.replicas >= 3)
  end)

  it("finds population spikes in a synthetic raster, and none in a flat one", function()
    local spikes = {}
    for r = 1, 400 do spikes[r] = {} end
    for r = 1, 400 do   -- one burst at 100-103 ms (dt = 0.25: steps 400-415), one at 500 ms
      table.insert(spikes[r], 400 + (r % 16))
      table.insert(spikes[r], 2000 + (r % 8))
    end
    local ps = stp.population_spikes(spikes, 0.25, 1000)
    assert.are.equal(2, #ps.events)
    assert.are.same({100, 103, 400}, ps.events[1])
    assert.are.same({500, 501, 400}, ps.events[2])
    assert.are.equal(1.0, ps.fraction)
    assert.are.equal(1.0, ps.participation)
    assert.are.equal(400, ps.interval)
    local flat = {}
    for r = 1, 400 do flat[r] = {r * 9} end   -- 400 spikes spread over 900 ms
    assert.are.equal(0, #stp.population_spikes(flat, 0.25, 1000).events)
  end)

  local figures = {per_s = {}, participation = {}, fraction = {}, exc = {}, inh = {}}
  for i, seed in ipairs(SEEDS) do
    local net, exc, inh = stp.run(DURATION, seed)
    local ps = stp.population_spikes(exc, net.dt, DURATION)
    figures.per_s[i], figures.participation[i], figures.fraction[i] = ps.per_s, ps.participation, ps.fraction
    figures.exc[i] = ann.mean_fr(exc, net.dt, {duration = DURATION})
    figures.inh[i] = ann.mean_fr(inh, net.dt, {duration = DURATION})
  end

  local checks = {
    {"per_s", "events_per_s", "population spikes per second"},
    {"participation", "participation", "participation (spikes per population spike / 400)"},
    {"fraction", "frac_in_events", "fraction of the excitatory spikes in population spikes"},
    {"exc", "exc_rate_hz", "excitatory rate (Hz)"},
    {"inh", "inh_rate_hz", "inhibitory rate (Hz)"},
  }
  for _, c in ipairs(checks) do
    local key, ref_key, label = c[1], c[2], c[3]
    it(("%s within 3 standard errors of Brian2's"):format(label), function()
      local m_b, s_b = ref.field(ref_key .. ".mean"), ref.field(ref_key .. ".std")
      local s = math.max(s_b, 0.05 * math.abs(m_b))
      local tol = 3 * s * math.sqrt(1 / #SEEDS + 1 / ref.replicas)
      local values = figures[key]
      local m = mean(values)
      local shown = {}
      for i, v in ipairs(values) do shown[i] = ("%.3f"):format(v) end
      assert.is_true(math.abs(m - m_b) < tol, ("%s: annlua %.4f (seeds 1-%d: %s), Brian2 %s %.4f +- %.4f " ..
        "over %d networks, tolerance %.4f"):format(label, m, #SEEDS, table.concat(shown, ", "), ref.version,
        m_b, s_b, ref.replicas, tol))
    end)
  end

  it("every network has population spikes (at least 0.5 per second) in which most neurons fire", function()
    for i = 1, #SEEDS do
      assert.is_true(figures.per_s[i] >= 0.5 and figures.participation[i] > 0.8,
        ("seed %d: %.2f per s, participation %.2f"):format(SEEDS[i], figures.per_s[i], figures.participation[i]))
    end
  end)
end)
