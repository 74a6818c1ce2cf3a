-- examples/neural_field.lua against a numpy re-implementation of the same field written from
-- the equations (tests/reference/neural_field_numpy.py; its figures in
-- tests/reference/neural_field_reference.json).
--
-- 1. Without noise the field is deterministic: annlua must reproduce numpy's rates to rounding
--    (1e-9) at every step. This pins the difference-of-Gaussians weights and their limit, the
--    one-step lateral transmission, the 20-step delay of the input (the input written before
--    step k reaches the field at step k + 20), Euler's step and the [0, 1] clipping.
-- 2. With the notebook's noise (input and field, U(-0.5, 0.5)), random draws differ between
--    the two, so the check is on the tracking figure: for each lag L, the mean over steps
--    >= 200 of the distance between the bump's centre (centre of mass of the part above half
--    its maximum) and the centre of the stimulus written L steps earlier. The minimising lag is
--    the 20 ms delay plus the field's own lag (about 20 ms for tau = 10 ms); numpy gives 40.5 ms
--    on average over 10 seeds and 20 ms without the delay. Over annlua's 3 seeds: the mean best
--    lag within 3 ms of numpy's, the mean smallest distance within three standard errors of
--    numpy's (spread s = max(numpy's standard deviation over seeds, 5 % of its mean)) and below
--    half a neuron, the bump never more than one neuron away from the delayed stimulus, and
--    present at every step.
local dkjson = require("dkjson")
local nf = dofile("examples/neural_field.lua")

local function read_reference()
  local f = assert(io.open("tests/reference/neural_field_reference.json"))
  local ref = assert(dkjson.decode(f:read("a")))
  f:close()
  return ref
end

local SEEDS = {11, 12, 13}

local function best_lag(r, lags, from)
  local track = nf.bump_track(r)
  local best, lag = math.huge, nil
  for _, l in ipairs(lags) do
    local e = nf.tracking_error(track, l, from)
    if e < best then best, lag = e, l end
  end
  return lag, best
end

describe("Neural field (examples/neural_field.lua) against a numpy simulation", function()
  local ref = read_reference()

  it("without noise: the same rates as numpy at every step (1e-9)", function()
    local _, r, _, lat = nf.run{steps = ref.steps, noise = 0.0, field_noise = 0.0, seed = 1}
    assert.are.equal(ref.lateral_synapses, lat.nb_synapses)
    local worst = 0.0
    for n = 1, ref.steps do
      worst = math.max(worst, math.abs(r[n]:sum() - ref.deterministic.sum_r[n]))
    end
    for f, frame in ipairs(ref.deterministic.frames) do
      local fr = r[f * ref.deterministic.frames_every]:flatten()
      for k = 1, #frame do worst = math.max(worst, math.abs(fr[k] - frame[k])) end
    end
    assert.is_true(worst < 1e-9, ("largest difference %.3g"):format(worst))
  end)

  describe("with the notebook's noise", function()
    local lags, worsts, dists, silents = {}, {}, {}, {}
    for i, seed in ipairs(SEEDS) do
      local _, r = nf.run{steps = ref.steps, seed = seed}
      lags[i], dists[i] = best_lag(r, ref.lags, ref.tracking_from_step)
      local _, worst, silent = nf.tracking_error(r, lags[i], ref.tracking_from_step)
      worsts[i], silents[i] = worst, silent
    end
    local function mean(t)
      local s = 0
      for _, v in ipairs(t) do s = s + v end
      return s / #t
    end
    local noisy = ref.noisy

    it(("the bump lags the stimulus by the delay plus the field's lag (numpy: %.1f ms)")
        :format(noisy.best_lag.mean), function()
      local m = mean(lags)
      assert.is_true(math.abs(m - noisy.best_lag.mean) <= 3.0, ("annlua best lags %s ms, numpy %.1f +- %.1f, " ..
        "without the delay %.1f"):format(table.concat(lags, ", "), noisy.best_lag.mean, noisy.best_lag.std,
        ref.noisy_without_delay.best_lag.mean))
    end)

    it(("the bump tracks the delayed stimulus as closely as in numpy (%.3f neurons)")
        :format(noisy.min_mean_distance.mean), function()
      local d = noisy.min_mean_distance
      local s = math.max(d.std, 0.05 * d.mean)
      local tol = 3 * s * math.sqrt(1 / #SEEDS + 1 / #ref.seeds)
      local m = mean(dists)
      assert.is_true(m < 0.5)
      assert.is_true(math.abs(m - d.mean) < tol, ("annlua %.4f (%s), numpy %.4f +- %.4f, tolerance %.4f")
        :format(m, table.concat(dists, ", "), d.mean, d.std, tol))
    end)

    it("one bump at every step, never more than one neuron from the delayed stimulus", function()
      for i = 1, #SEEDS do
        assert.are.equal(0, silents[i])
        assert.is_true(worsts[i] < 1.0, ("seed %d: largest distance %.3f"):format(SEEDS[i], worsts[i]))
      end
    end)
  end)
end)
