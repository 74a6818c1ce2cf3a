-- examples/coba.lua against Brian2 running the same networks (tests/reference/brian2_coba_cuba.py,
-- its recorded figures in tests/reference/brian2_coba_cuba.json: 5 seeds, 1000 ms each).
--
-- annlua runs each network for 1000 ms with 3 seeds. Random draws differ between the two
-- simulators, so the check is statistical: with s = max(Brian2's standard deviation over its
-- seeds, 5 % of its mean) as the spread of one run, the two means over n_a = 3 and n_b seeds
-- must agree within three standard errors of their difference:
--     |mean_annlua - mean_brian2| < 3 * s * sqrt(1/n_a + 1/n_b)
-- for the mean rate (spikes / neurons / duration) and for the mean coefficient of variation of
-- the inter-spike intervals (neurons with at least three spikes). The recorded CVs are about
-- 1.56 (COBA: irregular, bursty firing) and 0.52 (CUBA); the check pins each network's
-- regime, not only its rate.
local ann = require("annarchy")
local coba = dofile("examples/coba.lua")

local function read_reference()
  local f = assert(io.open("tests/reference/brian2_coba_cuba.json"))
  local text = f:read("a")
  f:close()
  local ref = {version = text:match('"brian2_version": "([^"]+)"')}
  local seeds = text:match('"seeds": %[([^%]]*)%]')
  ref.n = select(2, seeds:gsub("%d+", ""))
  for _, kind in ipairs{"COBA", "CUBA"} do
    local function field(name)
      return tonumber(text:match('"' .. kind .. '": {.-"' .. name .. '": ([%d%.eE+-]+)'))
    end
    ref[kind] = {rate = field("rate_mean_hz"), rate_std = field("rate_std_hz"),
                 cv = field("cv_mean"), cv_std = field("cv_std")}
  end
  return ref
end

local SEEDS = {11, 12, 13}

local function mean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + v end
  return s / #t
end

local function tolerance(ref_mean, ref_std, n_b)
  local s = math.max(ref_std, 0.05 * ref_mean)
  return 3 * s * math.sqrt(1 / #SEEDS + 1 / n_b)
end

describe("COBA/CUBA example (examples/coba.lua) against Brian2", function()
  local ref = read_reference()

  it("reads the recorded Brian2 figures", function()
    assert.is_truthy(ref.version)
    assert.is_true(ref.n >= 2)
    for _, kind in ipairs{"COBA", "CUBA"} do
      for _, k in ipairs{"rate", "rate_std", "cv", "cv_std"} do
        assert.is_number(ref[kind][k], kind .. " " .. k)
      end
    end
  end)

  for _, kind in ipairs{"COBA", "CUBA"} do
    local rates, cvs = {}, {}
    for i, seed in ipairs(SEEDS) do
      local rate, _, spikes = coba.run(kind, 1000, seed)
      rates[i] = rate
      cvs[i] = ann.coefficient_of_variation(spikes, 0.1):mean()
    end
    local r = ref[kind]

    it(("%s: mean rate within 3 standard errors of Brian2's (%.2f Hz)"):format(kind, r.rate), function()
      local tol = tolerance(r.rate, r.rate_std, ref.n)
      local m = mean(rates)
      assert.is_true(math.abs(m - r.rate) < tol, ("%s: annlua %.3f Hz (seeds %s: %s), Brian2 %s " ..
        "%.3f +- %.3f Hz, tolerance %.3f Hz"):format(kind, m, table.concat(SEEDS, ","),
        table.concat(rates, ", "), ref.version, r.rate, r.rate_std, tol))
    end)

    it(("%s: CV of the inter-spike intervals within 3 standard errors of Brian2's (%.2f)")
        :format(kind, r.cv), function()
      local tol = tolerance(r.cv, r.cv_std, ref.n)
      local m = mean(cvs)
      assert.is_true(math.abs(m - r.cv) < tol, ("%s: annlua CV %.3f (%s), Brian2 %.3f +- %.3f, " ..
        "tolerance %.3f"):format(kind, m, table.concat(cvs, ", "), r.cv, r.cv_std, tol))
    end)
  end
end)
