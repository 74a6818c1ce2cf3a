-- examples/bold.lua (ANNarchy's notebook BoldMonitoring1.ipynb): the BOLD input follows from
-- the recorded firing rates by the normalisation rule, and the balloon response has the
-- expected course (rise after the stronger noise starts, peak, undershoot).
--
-- Record j (1-based) of every monitor holds step s0 + j - 1, s0 being the step of start();
-- the BOLD model reads at step k the rates after step k - 1, i.e. the mean rates m1_{j-1} and
-- m2_{j-1} of the two populations' records (record 0, before start(), is not recorded). Each
-- population is normalised by its own baseline mu_i, the mean of m_i over the 2000 steps after
-- start(), and weighs 100/200: I_CBF_j = 0 for j <= 2000, then
-- I_CBF_j = 0.5 (m1_{j-1} - mu1) / (mu1 + 1e-7) + 0.5 (m2_{j-1} - mu2) / (mu2 + 1e-7),
-- that is I_CBF_j + 1 = 0.5 (m1_{j-1} + 1e-7) x1 + 0.5 (m2_{j-1} + 1e-7) x2 with
-- x_i = 1 / (mu_i + 1e-7): linear in x1 and x2, found from two records.
local example = dofile("examples/bold.lua")

describe("BOLD monitoring example (examples/bold.lua)", function()
  local res = example.run(42)
  local n = res.bold.size

  it("records 20 s of rates, input and BOLD signal", function()
    assert.are.equal(20000, n)
    assert.are.equal(20000, res.input.size)
    assert.are.equal(20000, res.fr1.size)
  end)

  it("feeds the relative deviation of the mean rate from its 2 s baseline", function()
    for j = 1, 2000 do assert.are.equal(0, res.input[j]) end
    local e = 1e-7
    local function row(j) return 0.5 * (res.fr1[j - 1] + e), 0.5 * (res.fr2[j - 1] + e), res.input[j] + 1 end
    -- x1, x2 from records 3000 (low noise) and 8000 (pop1 noisier) by Cramer's rule
    local a1, b1, c1 = row(3000)
    local a2, b2, c2 = row(8000)
    local det = a1 * b2 - a2 * b1
    local x1, x2 = (c1 * b2 - c2 * b1) / det, (a1 * c2 - a2 * c1) / det
    local worst = 0
    for j = 2001, n do
      local a, b, c = row(j)
      worst = math.max(worst, math.abs(a * x1 + b * x2 - c))
    end
    assert.is_true(worst < 1e-9, ("largest deviation %g"):format(worst))
    -- mu_i is the mean of m_i over the baseline (its first term, before start(), is not recorded)
    for i, fr in ipairs{res.fr1, res.fr2} do
      local mu = 1 / ({x1, x2})[i] - e
      local s, big = 0, 0
      for j = 1, 1999 do
        s = s + fr[j]
        big = math.max(big, fr[j])
      end
      assert.is_true(math.abs(mu - s / 1999) <= big / 1999 + 1e-9, ("mu%d = %g"):format(i, mu))
    end
  end)

  -- The notebook's figure (ANNarchy 5.0.3): pop1 at about 11.5 Hz while its noise is raised,
  -- I_CBF about 0.57 then, the BOLD signal peaking at about 2.7 % near 10.6 s and undershooting
  -- to about -0.75 % near 17.4 s.
  it("shows the rise, the peak and the undershoot of the notebook's figure", function()
    local high = example.mean(res.fr1, 5000, 10000)
    assert.is_true(high > 10.5 and high < 12.5, ("pop1 at %g Hz"):format(high))
    local input = example.mean(res.input, 5000, 10000)
    assert.is_true(input > 0.45 and input < 0.7, ("I_CBF %g"):format(input))
    assert.is_true(math.abs(res.bold[5000]) < 0.002)
    local peak, at = -math.huge, 0
    for k = 1, n do
      if res.bold[k] > peak then peak, at = res.bold[k], k end
    end
    assert.is_true(peak > 0.022 and peak < 0.032 and at > 9800 and at < 11500,
      ("peak %g at %d ms"):format(peak, at))
    local low, at_low = math.huge, 0
    for k = at, n do
      if res.bold[k] < low then low, at_low = res.bold[k], k end
    end
    assert.is_true(low < -0.004 and low > -0.011 and at_low > 16000 and at_low < 19000,
      ("undershoot %g at %d ms"):format(low, at_low))
  end)
end)
