-- HomogeneousCorrelatedSpikeTrains (reference-library §3.6).
--
-- 1. The mu/sigma correction: a Gaussian N(mu, sigma) rectified at 0 must have the requested
--    mean F and the standard deviation sqrt(c F / (2 tau)) (tau in s). Checked by numerical
--    integration (Simpson's rule), independent of the erf-based formulas of the code.
-- 2. The shared rate x follows x <- x + dt (mu - x) / tau + sqrt(dt / tau) sigma xi: with
--    corr = 0 (sigma = 0) the values are exact and computed here by hand.
-- 3. Statistics of the spike trains, for rates where x stays far above 0: x is then an AR(1)
--    process (phi = 1 - dt/tau, stationary variance v = (dt/tau) sigma^2 / (1 - phi^2)), and
--    each neuron spikes with probability q x at a step (q = dt / 1000). For the counts N_i of
--    two neurons in a window of W steps:
--      Cov(N_i, N_j) = q^2 v S,  S = sum over k, l of phi^|k - l|
--      Var(N_i)      = W q mu - W q^2 (mu^2 + v) + q^2 v S
--    Metric: the Pearson correlation of the counts, averaged over every pair of neurons;
--    threshold: within 0.03 of Cov / Var (the spread over seeds is about 0.005). The mean
--    rate must be within 4 standard errors of the requested rate, the standard error being
--    sqrt(Var(total)) / (neurons * seconds) with Var(total) = n E[sum p (1 - p)] + n^2 q^2 v S_T.
local ann = require("annarchy")
local inputs = require("annarchy.inputs")
local HCST = inputs.HomogeneousCorrelatedSpikeTrains

--- Mean and standard deviation of max(0, X), X ~ N(m, s), by Simpson's rule.
local function rectified_by_quadrature(m, s)
  local lo, hi = math.max(0, m - 12 * s), m + 12 * s
  local n = 20000
  local h = (hi - lo) / n
  local m1, m2 = 0, 0
  for k = 0, n do
    local x = lo + k * h
    local w = (k == 0 or k == n) and 1 or (k % 2 == 1 and 4 or 2)
    local pdf = math.exp(-0.5 * ((x - m) / s) ^ 2) / (s * math.sqrt(2 * math.pi))
    m1 = m1 + w * x * pdf
    m2 = m2 + w * x * x * pdf
  end
  m1, m2 = m1 * h / 3, m2 * h / 3
  return m1, math.sqrt(m2 - m1 * m1)
end

describe("HomogeneousCorrelatedSpikeTrains parameters", function()
  it("derives mu and sigma so that the rectified Gaussian has the requested mean and spread", function()
    for _, case in ipairs{{10, 0.3, 10}, {100, 0.5, 10}, {20, 1.0, 5}, {50, 0.1, 20}, {5, 0.9, 2}} do
      local F, c, tau = case[1], case[2], case[3]
      local net = ann.Network{}
      local pop = net:create(HCST(10, F, c, tau))
      local mean, sd = rectified_by_quadrature(pop.mu, pop.sigma)
      assert.near(F, mean, 1e-6 * F)
      assert.near(math.sqrt(c * F / (2 * tau / 1000)), sd, 1e-6 * F)
    end
  end)

  it("keeps mu = rates and sigma = 0 without correlation", function()
    local pop = ann.Network{}:create(HCST(5, 30.0, 0.0, 10.0))
    assert.equal(30, pop.mu)
    assert.equal(0, pop.sigma)
    assert.equal(30, pop.x)
  end)

  it("lists mu and sigma per schedule entry; scalars are broadcast", function()
    local pop = ann.Network{}:create(HCST(5, {10.0, 20.0}, 0.3, 10.0, {schedule = {0, 100}}))
    assert.same({10, 20}, pop.rates)
    assert.same({0.3, 0.3}, pop.corr)
    assert.same({0, 100}, pop.schedule)
    assert.equal(2, #pop.mu_list)
    local m1, s1 = rectified_by_quadrature(pop.mu_list[2], pop.sigma_list[2])
    assert.near(20, m1, 1e-5)
    assert.near(math.sqrt(0.3 * 20 / 0.02), s1, 1e-5)
    assert.equal(pop.mu_list[1], pop.mu)
  end)
end)

describe("HomogeneousCorrelatedSpikeTrains dynamics", function()
  it("relaxes x towards mu with time constant tau; mu follows the schedule (corr = 0)", function()
    local net = ann.Network{}
    local pop = net:create(HCST(3, {10.0, 20.0}, 0.0, 10.0, {schedule = {0, 5}}))
    local m = net:monitor(pop, "x")
    net:compile{silent = true}
    net:simulate(8)
    -- steps 0..4: mu = x = 10; step 5: 10 + (20 - 10)/10 = 11; 11.9; 12.71
    local want = {10, 10, 10, 10, 10, 11, 11.9, 12.71}
    local got = m:get("x"):flatten():totable()
    for k = 1, 8 do assert.near(want[k], got[k], 1e-12) end
    assert.equal(20, pop.mu)
  end)

  it("restarts the schedule after the period and at reset()", function()
    local net = ann.Network{}
    local pop = net:create(HCST(3, {10.0, 20.0}, 0.0, 10.0, {schedule = {0, 5}, period = 10}))
    net:compile{silent = true}
    net:simulate(10)
    assert.equal(20, pop.mu)
    net:simulate(1)
    assert.equal(10, pop.mu)
    net:simulate(6)
    assert.equal(20, pop.mu)
    pop:reset()
    assert.equal(10, pop.mu)
    assert.equal(10, pop.x)
    net:simulate(5)
    assert.equal(10, pop.mu)
    net:simulate(1)
    assert.equal(20, pop.mu)
  end)

  it("update() installs new rates and corr (schedule back to {0}) and restarts", function()
    local net = ann.Network{}
    local pop = net:create(HCST(3, {10.0, 20.0}, 0.0, 10.0, {schedule = {0, 5}}))
    net:compile{silent = true}
    net:simulate(7)
    pop:update(40.0, 0.0)
    assert.equal(40, pop.mu)         -- entry 1 at once
    assert.same({0}, pop.schedule)
    net:simulate(20)
    assert.equal(40, pop.mu)
    pop:update({5.0, 6.0}, 0.0, {schedule = {0, 3}, tau = 20.0})
    assert.equal(20, pop.tau)
    net:simulate(4)
    assert.equal(6, pop.mu)
    net:reset()                      -- back to what was given before compile
    assert.equal(10, pop.tau)
    assert.same({10, 20}, pop.rates)
    assert.equal(10, pop.mu)
  end)

  it("fires at the requested rate with the predicted pairwise correlation of counts", function()
    local F, c, tau, N, dt = 100.0, 0.5, 10.0, 20, 1.0
    local T, W = 200000, 200
    local net = ann.Network{dt = dt, seed = 11}
    local pop = net:create(HCST(N, F, c, tau))
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(T * dt)
    local spikes = m:get("spike")
    local K = math.floor(T / W)
    local counts, total = {}, 0
    for i = 1, N do
      local cnt = {}
      for k = 1, K do cnt[k] = 0 end
      for _, s in ipairs(spikes[i]) do
        local k = math.floor(s / W) + 1
        cnt[k] = cnt[k] + 1
      end
      counts[i] = cnt
      total = total + #spikes[i]
    end

    -- prediction from the AR(1) form of the algorithm
    local mu, sigma = pop.mu, pop.sigma
    local a = dt / tau
    local phi = 1 - a
    local v = a * sigma ^ 2 / (1 - phi ^ 2)
    local q = dt / 1000
    local S = W
    for d = 1, W - 1 do S = S + 2 * (W - d) * phi ^ d end
    local cov = q * q * v * S
    local var = W * q * mu - W * q * q * (mu * mu + v) + cov
    local rho_pred = cov / var

    -- mean rate within 4 standard errors of the requested rate
    local ST = T * (1 + phi) / (1 - phi)
    local var_total = N * T * (q * mu - q * q * (mu * mu + v)) + N * N * q * q * v * ST
    local se = math.sqrt(var_total) / (N * T * dt / 1000)
    local rate = total / (N * T * dt / 1000)
    assert.is_true(math.abs(rate - F) < 4 * se, ("rate %g Hz, requested %g +- %g"):format(rate, F, se))

    -- pairwise Pearson correlation of the counts
    local function moments(x)
      local s = 0
      for _, y in ipairs(x) do s = s + y end
      local mean = s / #x
      local s2 = 0
      for _, y in ipairs(x) do s2 = s2 + (y - mean) ^ 2 end
      return mean, s2 / #x
    end
    local sum, pairs_n = 0, 0
    for i = 1, N do
      local mi, vi = moments(counts[i])
      for j = i + 1, N do
        local mj, vj = moments(counts[j])
        local cv = 0
        for k = 1, K do cv = cv + (counts[i][k] - mi) * (counts[j][k] - mj) end
        sum = sum + cv / K / math.sqrt(vi * vj)
        pairs_n = pairs_n + 1
      end
    end
    local rho = sum / pairs_n
    assert.is_true(math.abs(rho - rho_pred) < 0.03,
      ("correlation of counts %g, predicted %g"):format(rho, rho_pred))
  end)

  it("gives independent Poisson trains without correlation", function()
    local net = ann.Network{seed = 5}
    local pop = net:create(HCST(200, 50.0, 0.0, 10.0))
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(1000)
    local n = 0
    for _, s in pairs(m:get("spike")) do n = n + #s end
    local trials, p = 200 * 1000, 0.05
    assert.is_true(math.abs(n - trials * p) < 4 * math.sqrt(trials * p * (1 - p)))
  end)

  it("honours a refractory period", function()
    local net = ann.Network{}
    local pop = net:create(HCST(2, 1000.0, 0.0, 10.0, {refractory = 3.0}))
    local m = net:monitor(pop, "spike")
    net:compile{silent = true}
    net:simulate(9)
    assert.same({[1] = {0, 4, 8}, [2] = {0, 4, 8}}, m:get("spike"))
  end)
end)

describe("HomogeneousCorrelatedSpikeTrains errors", function()
  it("rejects lists of the wrong length and schedules not starting at 0", function()
    assert.has_error(function() HCST(10, {10, 20}, 0.3, 10.0) end)
    assert.has_error(function() HCST(10, 10.0, {0.1, 0.2}, 10.0, {schedule = {0, 10, 20}}) end)
    assert.has_error(function() HCST(10, 10.0, 0.3, 10.0, {schedule = {5, 10}}) end)
    assert.has_error(function() HCST(10, 10.0, 0.3, 10.0, {schedule = {0, 10, 5}}) end)
  end)

  it("rejects out-of-range values", function()
    assert.has_error(function() HCST(10, -1.0, 0.3, 10.0) end)
    assert.has_error(function() HCST(10, 10.0, 1.5, 10.0) end)
    assert.has_error(function() HCST(10, 10.0, 0.3, 0.0) end)
  end)

  it("rejects unknown option names", function()
    local ok, err = pcall(HCST, 10, 10.0, 0.3, 10.0, {schedul = {0}})
    assert.is_false(ok)
    assert.matches("unknown option 'schedul'", err)
    local pop = ann.Network{}:create(HCST(10, 10.0, 0.3, 10.0))
    ok, err = pcall(pop.update, pop, 10.0, 0.3, {rest = false})
    assert.is_false(ok)
    assert.matches("unknown option 'rest'", err)
  end)
end)
