-- examples/hybrid.lua (the Hybrid notebook, Vitay et al. 2015 Fig. 4) against the Poisson
-- formula for the error of a decoded rate.
--
-- The run: dt = 0.1 ms, input 0, 10, 50, 100 Hz for 250 ms each, the sequence played 5 times
-- (5 s; the notebook plays it once, the repeats narrow the spread of the figures below), 1000
-- Poisson neurons driven through target "exc", decoded with a window of 10 ms (W = 100 steps)
-- by post neuron N from the pre neurons 1..N.
--
-- Expected error. At step k the decoded rate of neuron N is C / (N T), C the spikes of its N
-- pre neurons in the W steps before k and T = W dt / 1000 = 0.01 s. Once the window lies inside
-- one segment (the steady steps: k mod 2500 >= W), each of the N W neuron-steps spikes
-- independently with p = F dt / 1000, so C is binomial: mean N W p, variance N W p (1 - p).
-- Hence the decoded rate has mean F and variance N W p (1 - p) / (N T)^2 = F (1 - p) / (N T):
-- a relative error 1 / sqrt(N F T) (times sqrt(1 - p), at most 1 - 0.5 % here). The mean of the
-- squared error over the steady steps, equally many in each segment, is the mean over the
-- rates of F (1 - p) / (N T), so
--     RMS(N) = sqrt(mean_F F (1 - p_F) / (N T)) = sqrt(39.69 / (0.01 N)):
--     19.92 Hz for N = 10, 6.300 Hz for N = 100, 1.992 Hz for N = 1000,
-- falling by sqrt(10) per decade of N.
--
-- Tolerance. The measured RMS is an estimate from a finite run: 2000 runs of the same process
-- in numpy (tests/reference/hybrid_numpy.py, figures in hybrid_reference.json) give RMS/formula
-- a mean of 1.000 and a standard deviation of 3.7-3.9 % for N = 10, 100, 1000 (extremes over the
-- 2000 runs 0.865 and 1.149). Each N is checked within a factor 1.2 of the formula
-- (0.833-1.2: at least 4.2 standard deviations on either side, so a chance failure is about
-- one in 10^5); an error in the decoder's scale (1000/dt, the division by n_i or by W) or in the
-- Poisson probability is far larger than that. The ratios RMS(10)/RMS(100) and
-- RMS(100)/RMS(1000) (nested pre sets, so correlated) have a numpy mean of 3.17 and a standard
-- deviation of 0.16; they are checked within a factor 1.25 of sqrt(10) (2.53-3.95, 4 standard
-- deviations), which also says that the error decreases with N. The mean decoded rate of N =
-- 1000 over each rate's steady steps is checked against the input within 4 numpy standard
-- deviations (0.09-0.29 Hz), and exactly 0 at 0 Hz.
local dkjson = require("dkjson")
local hybrid = dofile("examples/hybrid.lua")

local DT, W, S, REPEATS = 0.1, 100, 2500, 5
local RATES = {0, 10, 50, 100}
local SIZES = {10, 100, 1000}

local function read_reference()
  local f = assert(io.open("tests/reference/hybrid_reference.json"))
  local ref = assert(dkjson.decode(f:read("a")))
  f:close()
  return ref
end

local function formula(n)
  local t, ms = W * DT / 1000, 0.0
  for _, f in ipairs(RATES) do ms = ms + f * (1 - f * DT / 1000) end
  return math.sqrt(ms / #RATES / (n * t))
end

-- The input rate of step k (0-based) of the protocol.
local function input_rate(k)
  return RATES[math.floor(k / S) % #RATES + 1]
end

describe("Hybrid rate/spike network (examples/hybrid.lua) against the Poisson formula", function()
  local ref = read_reference()
  local res = hybrid.run{repeats = REPEATS, seed = 2015, record = SIZES}
  local steps = S * #RATES * REPEATS

  -- RMS and means over the steady steps, computed here from the records (record j = step j - 1).
  local rms, means = {}, {}
  for _, n in ipairs(SIZES) do
    local d, sum, count = res.decoded[n], 0.0, 0
    local sums, counts = {}, {}
    for j = 1, d.size do
      local k = j - 1
      if k % S >= W then
        local f = input_rate(k)
        sum, count = sum + (d[j] - f) ^ 2, count + 1
        sums[f], counts[f] = (sums[f] or 0) + d[j], (counts[f] or 0) + 1
      end
    end
    rms[n] = math.sqrt(sum / count)
    means[n] = {}
    for f, s in pairs(sums) do means[n][f] = s / counts[f] end
  end

  it("runs the protocol of the numpy reference", function()
    assert.are.equal(DT, ref.dt)
    assert.are.equal(W, ref.window_steps)
    assert.are.equal(S, ref.segment_steps)
    assert.are.equal(REPEATS, ref.repeats)
    assert.are.same(RATES, ref.rates)
    assert.are.equal(W, res.window_steps)
    assert.are.equal(S, res.segment_steps)
    assert.are.equal(steps, res.input.size)
    for _, n in ipairs(SIZES) do assert.are.equal(steps, res.decoded[n].size) end
    for j = 1, steps do
      if res.input[j] ~= input_rate(j - 1) then
        error(("input at step %d: %g, expected %g"):format(j - 1, res.input[j], input_rate(j - 1)))
      end
    end
    for _, n in ipairs(SIZES) do
      assert.is_true(math.abs(formula(n) - ref.formula[tostring(n)]) < 1e-9 * formula(n))
      assert.is_true(math.abs(hybrid.decoding_error(res, n) - rms[n]) < 1e-9 * rms[n])
      assert.is_true(math.abs(hybrid.expected_error(res, n) - formula(n)) < 1e-9 * formula(n))
    end
  end)

  it("the decoded rate of N = 1000 tracks the input (mean within 4 numpy standard deviations)", function()
    for i, f in ipairs(RATES) do
      local got, sd = means[1000][f], ref.segment_bias_1000[i].std
      if f == 0 then
        assert.are.equal(0, got)
      else
        assert.is_true(math.abs(got - f) <= 4 * sd,
          ("input %g Hz: mean decoded %.4f Hz, numpy sd %.3f"):format(f, got, sd))
      end
    end
  end)

  for _, n in ipairs(SIZES) do
    it(("N = %d: RMS error within a factor 1.2 of sqrt(mean F / (N T)) = %.3f Hz"):format(n, formula(n)),
      function()
        local x, s = formula(n), ref.rms_over_formula[tostring(n)]
        assert.is_true(rms[n] >= x / 1.2 and rms[n] <= x * 1.2,
          ("RMS %.4f Hz, formula %.4f Hz, ratio %.3f (numpy: %.3f +- %.3f)")
            :format(rms[n], x, rms[n] / x, s.mean, s.std))
      end)
  end

  it("the error decreases with N, by sqrt(10) per decade (within a factor 1.25)", function()
    local r1, r2 = rms[10] / rms[100], rms[100] / rms[1000]
    local msg = ("RMS %.3f, %.3f, %.3f Hz; ratios %.3f, %.3f"):format(rms[10], rms[100], rms[1000], r1, r2)
    assert.is_true(rms[10] > rms[100] and rms[100] > rms[1000], msg)
    for _, r in ipairs{r1, r2} do
      assert.is_true(r >= math.sqrt(10) / 1.25 and r <= math.sqrt(10) * 1.25, msg)
    end
  end)
end)
