-- Random distributions: construction, checks, seeds, network draws, statistics.
local core = require("annarchy.runtime")
local random = require("annarchy.random")

local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  if ok then return nil end
  return tostring(e)
end

local function fails_with(f, args, ...)
  local e = err_of(f, (table.unpack or rawget(_G, "unpack"))(args))
  assert.is_not_nil(e, "no error raised")
  for _, s in ipairs({ ... }) do
    assert.is_truthy(e:find(s, 1, true), ("message %q lacks %q"):format(e, s))
  end
end

describe("distribution constructors", function()
  it("take positional parameters and an options table", function()
    local n = random.Normal(1, 2, { min = -1, max = 3, seed = 5 })
    assert.are.equal("Normal", n.kind)
    assert.are.equal(1, n.mu)
    assert.are.equal(2, n.sigma)
    assert.are.equal(-1, n.min)
    assert.are.equal(3, n.max)
    assert.are.equal(5, n.seed)
  end)

  it("take one table of named arguments", function()
    local n = random.Normal{ mu = 0, sigma = 1, min = -1 }
    assert.are.equal(0, n.mu)
    assert.are.equal(-1, n.min)
    assert.is_nil(n.max)
    assert.is_nil(n.seed)
    local u = random.Uniform{ min = -2, max = 2, seed = 1 }
    assert.are.equal(-2, u.min)
    assert.are.equal(2, u.max)
  end)

  it("cover the seven distributions with their parameter names", function()
    local d = random.DiscreteUniform(1, 6)
    assert.are.equal(1, d.min)
    assert.are.equal(6, d.max)
    local l = random.LogNormal(0, 0.5)
    assert.are.equal(0.5, l.sigma)
    local e = random.Exponential(2, { max = 5 })
    assert.are.equal(2, e.lambda)
    assert.are.equal(5, e.max)
    local g = random.Gamma(2, 3)
    assert.are.equal(2, g.alpha)
    assert.are.equal(3, g.beta)
    assert.are.equal(1, random.Gamma(2).beta) -- beta defaults to 1
    assert.are.equal(1, random.Gamma{ alpha = 2 }.beta)
    local b = random.Binomial(10, 0.3)
    assert.are.equal(10, b.n)
    assert.are.equal(0.3, b.p)
    assert.are.same({ "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential",
                      "Gamma", "Binomial" }, random.names())
  end)

  it("reject unknown options and arguments, naming them", function()
    fails_with(random.Normal, { 0, 1, { mni = 1 } }, "Normal: unknown option 'mni'")
    fails_with(random.Uniform, { 0, 1, { min = 0 } }, "unknown option 'min'")
    fails_with(random.Binomial, { 10, 0.5, { max = 3 } }, "unknown option 'max'")
    fails_with(random.Normal, { { mu = 0, sigma = 1, sd = 2 } }, "unknown argument 'sd'")
  end)

  it("reject missing, misplaced and mistyped arguments", function()
    fails_with(random.Normal, { 0 }, "missing argument 'sigma'")
    fails_with(random.Normal, { { mu = 0 } }, "missing argument 'sigma'")
    fails_with(random.Normal, { "0", 1 }, "'mu' should be a number")
    fails_with(random.Normal, { 0, 1, { min = "a" } }, "'min' should be a number")
    fails_with(random.Normal, { 0, 1, {}, {} }, "too many arguments")
    fails_with(random.Normal, { 0, 1, 5 }, "table of options")
    fails_with(random.Normal, { { 0, 1, min = 2 } }, "mixing named and positional")
    fails_with(random.Normal, { 0, 1, { seed = 1.5 } }, "seed should be an integer")
  end)

  it("check the parameters with the reference's messages", function()
    fails_with(random.Uniform, { 1, 0 },
      "Uniform: the minimum value (min = 1) should be smaller than the maximum value (max = 0).")
    fails_with(random.Uniform, { 1, 1 }, "should be smaller than the maximum value")
    fails_with(random.DiscreteUniform, { 5, 2 },
      "DiscreteUniform: the minimum value (min = 5) should be smaller")
    fails_with(random.Normal, { 0, -1 }, "Normal: the standard deviation (sigma = -1) should be positive.")
    fails_with(random.LogNormal, { 0, -1 }, "LogNormal:", "should be positive.")
    fails_with(random.Exponential, { -1 }, "Exponential: the rate (lambda = -1) should be positive.")
    fails_with(random.Exponential, { 0 }, "should be positive.")
    fails_with(random.Gamma, { -1 }, "Gamma: the shape (alpha = -1) should be positive.")
    fails_with(random.Gamma, { 1, -2 }, "Gamma: the scale (beta = -2) should be positive.")
    fails_with(random.Binomial, { 2.5, 0.5 }, "non-negative integer")
    fails_with(random.Binomial, { 10, 2 }, "between 0 and 1")
    fails_with(random.Normal, { 0, 1, { min = 1, max = -1 } }, "inverted")
    fails_with(random.Normal, { 0 / 0, 1 }, "finite")
    -- the error points at the caller
    local e = err_of(function()
      local d = random.Normal(0, -1)
      return d
    end)
    assert.is_truthy(e:find("random_spec.lua", 1, true), e)
  end)

  it("accept sigma = 0 and alpha = 0 like the reference", function()
    assert.are.equal(3, random.Normal(3, 0):get_value())
    assert.are.equal(0, random.Gamma(0):get_value())
  end)
end)

describe("distribution objects", function()
  it("are immutable values with a readable tostring", function()
    local n = random.Normal(0, 1)
    fails_with(function() n.mu = 3 end, {}, "immutable")
    fails_with(function() return n.foo end, {}, "Normal has no field 'foo'")
    assert.are.equal("Normal(0, 1)", tostring(n))
    assert.are.equal("Normal(0, 1, min=-1, max=1)", tostring(random.Normal(0, 1, { min = -1, max = 1 })))
    assert.are.equal("Uniform(-0.5, 2.25)", tostring(random.Uniform(-0.5, 2.25)))
    assert.are.equal("Exponential(2)", tostring(random.Exponential(2)))
    assert.are.equal("Binomial(10, 0.3)", tostring(random.Binomial(10, 0.3)))
    assert.is_not_nil(getmetatable(n))
  end)

  it("are recognised by is_distribution", function()
    assert.is_true(random.is_distribution(random.Uniform(0, 1)))
    assert.is_false(random.is_distribution({ kind = "Uniform" }))
    assert.is_false(random.is_distribution(core.zeros(1)))
    assert.is_false(random.is_distribution(nil))
  end)

  it("give Arrays of the requested shape", function()
    local u = random.Uniform(2, 3)
    local a = u:get_values(5)
    assert.is_true(core.is_array(a))
    assert.are.same({ 5 }, a.shape)
    local m = u:get_values{ 3, 4 }
    assert.are.same({ 3, 4 }, m.shape)
    assert.is_true(m:min() >= 2 and m:max() < 3)
    assert.are.equal(0, u:get_values(0).size)
    fails_with(u.get_values, { u }, "a shape is needed")
    fails_with(u.get_values, { u, -1 }, "shape")
    fails_with(u.get_values, { u, { 2, 1.5 } }, "shape")
  end)

  it("give single values and lists", function()
    local v = random.Uniform(0, 1):get_value()
    assert.are.equal("number", type(v))
    local l = random.Normal(0, 1):get_list_values(4)
    assert.are.equal(4, #l)
    assert.is_nil(getmetatable(l))
    local d = random.DiscreteUniform(1, 6):get_value()
    if math.type then assert.are.equal("integer", math.type(d)) end
    assert.is_true(d >= 1 and d <= 6)
  end)
end)

describe("seeds", function()
  it("give the same values every time", function()
    local a = random.Normal(0, 1, { seed = 42 }):get_values(10)
    local b = random.Normal{ mu = 0, sigma = 1, seed = 42 }:get_values(10)
    assert.are.same(a:totable(), b:totable())
    local g1 = random.Gamma(0.5, 2, { seed = 7 }):get_values(100)
    local g2 = random.Gamma(0.5, 2, { seed = 7 }):get_values(100)
    assert.are.same(g1:totable(), g2:totable())
  end)

  it("continue the stream across calls", function()
    local d = random.Exponential(1, { seed = 3 })
    local first, second = d:get_values(3), d:get_values{ 1, 2 }
    local all = random.Exponential(1, { seed = 3 }):get_values(5)
    assert.are.same(all:totable(), { first[1], first[2], first[3], second[1][1], second[1][2] })
  end)

  it("differ between seeds and without a seed", function()
    local a = random.Uniform(0, 1, { seed = 1 }):get_values(5)
    local b = random.Uniform(0, 1, { seed = 2 }):get_values(5)
    assert.are_not.same(a:totable(), b:totable())
    local c = random.Uniform(0, 1):get_values(5)
    local d = random.Uniform(0, 1):get_values(5)
    assert.are_not.same(c:totable(), d:totable())
  end)

  it("give integers as seeds from the system's entropy", function()
    local s = core.seed_from_entropy()
    if math.type then assert.are.equal("integer", math.type(s)) end
    assert.is_true(s >= 0 and s < 2 ^ 53)
    assert.are_not.equal(s, core.seed_from_entropy())
  end)
end)

describe("draws for a network", function()
  it("depend only on (seed, stream, position)", function()
    local d = random.Normal(0, 1)
    local a = d:sample(11, 4, 6)
    local b = random.Normal(0, 1, { seed = 99 }):sample(11, 4, 6) -- own seed ignored
    assert.are.same(a:totable(), b:totable())
    local tail = d:sample(11, 4, 3, 3)
    assert.are.same({ a[4], a[5], a[6] }, tail:totable())
    assert.are_not.same(a:totable(), d:sample(11, 5, 6):totable())
    assert.are_not.same(a:totable(), d:sample(12, 4, 6):totable())
    assert.are.same({ 2, 3 }, d:sample(11, 4, { 2, 3 }).shape)
  end)

  it("honour a distribution's own seed through random.sample", function()
    local d = random.Uniform(0, 1)
    assert.are.same(d:sample(1, 2, 4):totable(), random.sample(d, 1, 2, 4):totable())
    local s = random.Uniform(0, 1, { seed = 8 })
    local own = random.Uniform(0, 1, { seed = 8 }):get_values(4)
    assert.are.same(own:totable(), random.sample(s, 1, 2, 4):totable())
    fails_with(random.sample, { {}, 1, 2, 4 }, "a distribution expected")
  end)

  it("expose their parameters for C", function()
    assert.are.same({ kind = "Normal", p1 = 0, p2 = 1, min = -1 },
      random.Normal(0, 1, { min = -1 }):descriptor())
    assert.are.same({ kind = "Uniform", p1 = 0, p2 = 2 }, random.Uniform(0, 2):descriptor())
    assert.are.same({ kind = "Exponential", p1 = 3 }, random.Exponential(3):descriptor())
  end)

  it("can get clipping bounds for any distribution", function()
    local u = random.Uniform(0, 10):with_bounds(2)
    local a = u:get_values(1000)
    assert.is_true(a:min() >= 2)
    assert.are.equal(0, random.Uniform(0, 10):descriptor().p1)
    fails_with(u.with_bounds, { u, 5, 1 }, "inverted")
  end)

  it("match the core's fill function", function()
    local a = core.dist_fill("Gamma", 2, 1, nil, nil, 5, 6, 0, 4)
    local b = random.Gamma(2, 1):sample(5, 6, 4)
    assert.are.same(a:totable(), b:totable())
    fails_with(core.dist_fill, { "Gauss", 0, 1, nil, nil, 1, 1, 0, 3 }, "unknown distribution")
    fails_with(core.dist_fill, { "Normal", 0, -1, nil, nil, 1, 1, 0, 3 }, "should be positive")
    fails_with(core.dist_fill, { "Normal", 0, 1, nil, nil, 1, -1, 0, 3 }, "stream")
  end)
end)

describe("the kernels' generator from Lua #annlua", function()
  local ok, cmodule = pcall(require, "annarchy.core")   -- bound by the C module only (annlua)
  local gen = ok and cmodule or {}
  it("passes the Philox4x32-10 known-answer tests", function()
    -- Random123 tests/kat_vectors (D. E. Shaw Research)
    assert.are.same({ 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 },
      { gen.philox4x32_10(0, 0, 0, 0, 0, 0) })
    assert.are.same({ 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd },
      { gen.philox4x32_10(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff) })
    assert.are.same({ 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 },
      { gen.philox4x32_10(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0) })
  end)

  it("draws the same value for the same (seed, stream, elem, step, k)", function()
    local x = gen.rng_draw("Normal", 0, 1, 42, 1, 2, 3, 0)
    assert.are.equal(x, gen.rng_draw("Normal", 0, 1, 42, 1, 2, 3, 0))
    assert.are_not.equal(x, gen.rng_draw("Normal", 0, 1, 42, 1, 2, 3, 1))
    assert.are_not.equal(x, gen.rng_draw("Normal", 0, 1, 42, 1, 2, 4, 0))
    assert.is_true(gen.rng_draw("Exponential", 2, nil, 1, 1, 1, 1, 0) >= 0)
  end)
end)

-- Mean and variance of n draws within 4 standard errors of the exact values.
local function check_moments(d, mean, var, mu4, n)
  n = n or 100000
  local a = d:sample(2718, 1, n)
  local m, s = a:mean(), a:std()
  local se_m = math.sqrt(var / n)
  local se_v = math.sqrt((mu4 - var * var) / n)
  assert.is_true(math.abs(m - mean) < 4 * se_m,
    ("%s: mean %g, expected %g (se %g)"):format(tostring(d), m, mean, se_m))
  assert.is_true(math.abs(s * s - var) < 4 * se_v,
    ("%s: variance %g, expected %g (se %g)"):format(tostring(d), s * s, var, se_v))
end

describe("statistics", function()
  it("Uniform", function()
    check_moments(random.Uniform(-1, 3), 1, 16 / 12, 256 / 80)
  end)

  it("DiscreteUniform (both ends included)", function()
    local k = 6
    local var = (k * k - 1) / 12
    local mu4 = var * var * (3 - 6 * (k * k + 1) / (5 * (k * k - 1)))
    check_moments(random.DiscreteUniform(1, 6), 3.5, var, mu4)
    local a = random.DiscreteUniform(1, 6):sample(1, 1, 6000)
    assert.are.equal(1, a:min())
    assert.are.equal(6, a:max())
    for i = 1, a.size do assert.are.equal(a[i], math.floor(a[i])) end
  end)

  it("Normal", function()
    check_moments(random.Normal(-2, 3), -2, 9, 3 * 81)
  end)

  it("LogNormal", function()
    local mu, s = 0.2, 0.4
    local var = (math.exp(s * s) - 1) * math.exp(2 * mu + s * s)
    local kurt = math.exp(4 * s * s) + 2 * math.exp(3 * s * s) + 3 * math.exp(2 * s * s) - 3
    check_moments(random.LogNormal(mu, s), math.exp(mu + s * s / 2), var, var * var * kurt)
  end)

  it("Exponential takes a rate: the mean is 1/lambda", function()
    check_moments(random.Exponential(4), 0.25, 1 / 16, 9 / 256)
  end)

  it("Gamma, shape and scale", function()
    for _, p in ipairs({ { 0.4, 2 }, { 3, 0.5 } }) do
      local a, b = p[1], p[2]
      check_moments(random.Gamma(a, b), a * b, a * b * b, 3 * a * (a + 2) * b ^ 4)
    end
  end)

  it("Binomial", function()
    for _, p in ipairs({ { 20, 0.3 }, { 500, 0.6 } }) do
      local n, q = p[1], p[2]
      local var = n * q * (1 - q)
      check_moments(random.Binomial(n, q), n * q, var, var * (1 + 3 * (n - 2) * q * (1 - q)))
    end
    local a = random.Binomial(7, 0.5):sample(3, 3, 2000)
    assert.is_true(a:min() >= 0 and a:max() <= 7)
  end)

  it("clipping clamps values to [min, max]", function()
    local a = random.Normal(0, 1, { min = -0.5, max = 0.5 }):sample(5, 5, 100000)
    assert.are.equal(-0.5, a:min())
    assert.are.equal(0.5, a:max())
    -- clamping (the reference's numpy.clip), not resampling: P(|Z| > 0.5) sit on the bounds
    local on = 0
    for i = 1, a.size do
      if a[i] == 0.5 or a[i] == -0.5 then on = on + 1 end
    end
    local p = 0.6170750774519738
    assert.is_true(math.abs(on / a.size - p) < 4 * math.sqrt(p * (1 - p) / a.size))
    local e = random.Exponential(1, { max = 2 }):get_values(1000)
    assert.is_true(e:max() <= 2)
  end)
end)
