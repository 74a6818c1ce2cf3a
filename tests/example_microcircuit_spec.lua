-- examples/microcircuit.lua (Potjans & Diesmann 2014) against Brian2 running the same model
-- (tests/reference/microcircuit_brian2.py; its figures, versions and seeds in
-- tests/reference/microcircuit_brian2.json), at scale 0.1: 7717 neurons, 3.0 * 10^6 synapses,
-- 1200 ms of which the first 200 ms are discarded.
--
-- The example connects as the reference does, k pairs drawn with replacement (multapses,
-- annlua's fixed_total_number); --no-multapses connects each pair at most once with
-- probability k / (n_pre n_post). Brian2 ran both rules; the two differ measurably (L6E about
-- 20 %, L5I about 7 % higher with multapses), so the rates and CVs here are compared with
-- Brian2's run of the same rule ("fixed_total_number"). Random draws differ between the
-- simulators, so the check is statistical:
-- the mean over annlua's seeds must be within 10 % of Brian2's mean over its seeds, or within
-- three standard errors of the difference when the spread between seeds is larger:
--     |m_annlua - m_brian2| < max(0.1 m_brian2, 3 s sqrt(1/n_a + 1/n_b))
-- with s Brian2's standard deviation over its seeds. CVs are means over the neurons with at
-- least three spikes in the window.
local ann = require("annarchy")
local json = require("annarchy.io.json")
local mc = dofile("examples/microcircuit.lua")

local function read_reference()
  local f = assert(io.open("tests/reference/microcircuit_brian2.json"))
  local ref = assert(json.decode(f:read("a")))
  f:close()
  return ref
end

local SEEDS = {11, 12}

local function tolerance(ref_mean, ref_std, n_b)
  return math.max(0.1 * ref_mean, 3 * ref_std * math.sqrt(1 / #SEEDS + 1 / n_b))
end

describe("microcircuit example (examples/microcircuit.lua)", function()
  local ref = read_reference()

  it("derives the reference's numbers of neurons and synapses at scale 0.1", function()
    local P = mc.parameters(ref.scale, false)
    for a = 1, 8 do
      assert.are.equal(ref.neurons[a], P.n[a], mc.POPS[a])
      for b = 1, 8 do
        assert.are.equal(ref.synapses[a][b], P.k[a][b], mc.POPS[b] .. " -> " .. mc.POPS[a])
      end
    end
  end)

  it("the synapse count of the full model follows log(1 - p) / log(1 - 1/(N_a N_b))", function()
    -- L4E -> L4E: p = 0.0497, N = 21915: K = -log(0.9503) * 21915^2 (to 1e-6 relative)
    local k = mc.full_synapses(3, 3)
    local expected = math.log(1 - 0.0497) / math.log(1 - 1 / (21915.0 * 21915.0))
    assert.is_true(math.abs(k - expected) < 1e-9 * expected)
    assert.is_true(math.abs(k / (21915.0 * 21915.0) + math.log(1 - 0.0497)) < 1e-6)
    assert.are.equal(0, mc.full_synapses(1, 6))    -- L5I -> L23E: p = 0
  end)

  it("connects exactly k synapses per pair of populations, multapses included", function()
    local net, _, _, projs, P = mc.build{scale = 0.01, seed = 3}
    net:compile{silent = true}
    local multapses = 0
    for a = 1, 8 do
      for b = 1, 8 do
        local proj = projs[a][b]
        if P.k[a][b] == 0 then
          assert.is_nil(proj)
        else
          assert.are.equal(P.k[a][b], proj.nb_synapses, mc.POPS[b] .. " -> " .. mc.POPS[a])
          for d in proj:dendrites() do
            local r = d.pre_ranks
            for i = 2, #r do if r[i] == r[i - 1] then multapses = multapses + 1 end end
          end
        end
      end
    end
    assert.is_true(multapses > 0, "no pair drew a multapse")
  end)

  local runs = {}
  local function run_all()
    if #runs == 0 then
      for i, seed in ipairs(SEEDS) do
        runs[i] = mc.run{scale = ref.scale, duration = ref.duration_ms, transient = ref.transient_ms,
                         seed = seed}
      end
    end
    return runs
  end

  it("without multapses, connects each pair of populations with the expected number", function()
    local net, _, _, projs, P = mc.build{scale = 0.1, seed = 3, multapses = false}
    net:compile{silent = true}
    for a = 1, 8 do
      for b = 1, 8 do
        local k, proj = P.k[a][b], projs[a][b]
        if k == 0 then
          assert.is_nil(proj)
        else
          local lambda = k / (P.n[a] * P.n[b])
          local sd = math.sqrt(k * (1 - lambda))      -- binomial over n_pre n_post pairs
          local n = proj.nb_synapses
          assert.is_true(math.abs(n - k) < 5 * sd + 1, ("%s -> %s: %d synapses, expected %d +- %.1f")
            :format(mc.POPS[b], mc.POPS[a], n, k, sd))
        end
      end
    end
  end)

  for a, name in ipairs(mc.POPS) do
    it(("%s: rate and CV as Brian2's"):format(name), function()
      local R = run_all()
      local r = ref.fixed_total_number[name]
      local n_b = #ref.seeds
      local rates, cvs = {}, {}
      for i = 1, #R do rates[i], cvs[i] = R[i].rates[a], R[i].cvs[a] end
      local tol = tolerance(r.rate_mean_hz, r.rate_std_hz, n_b)
      local m = ann.array(rates):mean()
      assert.is_true(math.abs(m - r.rate_mean_hz) < tol, ("%s: annlua %.3f Hz (%s), Brian2 %s " ..
        "%.3f +- %.3f Hz, tolerance %.3f"):format(name, m, table.concat(rates, ", "),
        ref.brian2_version, r.rate_mean_hz, r.rate_std_hz, tol))
      tol = tolerance(r.cv_mean, r.cv_std, n_b)
      m = ann.array(cvs):mean()
      assert.is_true(math.abs(m - r.cv_mean) < tol, ("%s: annlua CV %.3f (%s), Brian2 %.3f +- " ..
        "%.3f, tolerance %.3f"):format(name, m, table.concat(cvs, ", "), r.cv_mean, r.cv_std, tol))
    end)
  end

  it("rejects an unknown command-line option, naming it", function()
    local p = io.popen("./annlua examples/microcircuit.lua --scael 0.1 2>&1")
    local out = p:read("a")
    p:close()
    assert.is_truthy(out:find('unknown option "--scael"', 1, true), out)
  end)

  it("rejects a scale that is not positive and a transient not shorter than the run", function()
    assert.has_error(function() mc.build{scale = 0} end,
      "microcircuit: the scale must be a positive number, got 0")
    assert.has_error(function() mc.run{scale = 0.01, duration = 100, transient = 100} end,
      "microcircuit: the duration (100 ms) must exceed the transient (100 ms), which must not be negative")
  end)

  it("integrates the PSP exactly: v - E_L = w tau_m tau_s / (C (tau_m - tau_s)) (e^(-t/tau_m) - e^(-t/tau_s))", function()
    local net = ann.Network{dt = 0.1, seed = 1}
    local pop = net:create(1, mc.neuron(true))
    local w = mc.psc_over_psp(250.0, 10.0, 0.5) * 0.15
    pop.v = -65.0
    pop.g_I = w
    local m = net:monitor(pop, "v")
    net:compile{silent = true}
    net:simulate(10.0)
    local v = m:get("v")
    local peak = 0
    for k = 1, 100 do
      local t = 0.1 * k          -- record k: after k steps
      local psp = w * 10.0 * 0.5 / (250.0 * 9.5) * (math.exp(-t / 10.0) - math.exp(-t / 0.5))
      assert.is_true(math.abs(v[k][1] + 65.0 - psp) < 1e-12, ("step %d: %.15g against %.15g"):format(k, v[k][1] + 65.0, psp))
      peak = math.max(peak, psp)
    end
    assert.is_true(peak < 0.15 and peak > 0.1499, peak)   -- the continuous-time peak is 0.15 mV
  end)

  it("holds v at V_reset for 2 ms after a spike while the current keeps decaying", function()
    local net = ann.Network{dt = 0.1, seed = 1}
    local pop = net:create(1, mc.neuron(true))
    pop.v = -49.0           -- above threshold: a spike in the first step
    pop.g_I = 1000.0
    local m = net:monitor(pop, "v")
    net:compile{silent = true}
    net:simulate(3.0)
    local v = m:get("v")
    for k = 1, 21 do assert.are.equal(-65.0, v[k][1], "step " .. k) end   -- the spike step + 20
    -- step 22: v integrates again, from the current decayed over all 21 steps
    local p11 = math.exp(-0.1 / 0.5)
    local p21 = 10.0 * 0.5 / (250.0 * 9.5) * (math.exp(-0.1 / 10.0) - p11)
    assert.is_true(math.abs(v[22][1] - (-65.0 + 1000.0 * p11 ^ 21 * p21)) < 1e-12, v[22][1])
  end)

  it("converts PSPs to currents and builds the DC variant", function()
    -- PSC/PSP of the neuron, 585.38995686139 pA per mV: the reference implementation's
    -- formula evaluated with numpy (C_m 250 pF, tau_m 10 ms, tau_syn 0.5 ms)
    assert.is_true(math.abs(mc.psc_over_psp(250.0, 10.0, 0.5) / 585.3899568613896 - 1) < 1e-12)
    -- full scale: I_dc = 0.001 * tau_syn * 8 Hz * K_ext * w_ext, w_ext = 0.15 mV in pA
    local P = mc.parameters(1.0, true)
    assert.is_true(math.abs(P.i_dc[1] - 0.001 * 0.5 * 8 * 1600 * 0.15 * 585.3899568613896) < 1e-9)
    local net, pops = mc.build{scale = 0.01, dc = true}
    net:compile{silent = true}
    net:simulate(10)
    assert.are.equal(mc.parameters(0.01, true).i_dc[3], pops.L4E.I_dc)
  end)
end)
