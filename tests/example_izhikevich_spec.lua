-- examples/izhikevich.lua against independent figures: the mean rate that ANNarchy 5.0.3 and
-- Brian2 2.5.1 both measure for this network (8.7 Hz, ../shared/PEERS.md), and the rhythm of
-- Izhikevich (2003): alpha-band (8-14 Hz) oscillations, far above the spectrum's high end.
local ann = require("annarchy")
local izh = dofile("examples/izhikevich.lua")

local function band_density(rate, lo, hi)
  local n, mean = rate.size, rate:mean()
  local total, bins = 0, 0
  for k = 1, math.floor(n / 2) do
    local f = k * 1000 / n
    if f >= lo and f < hi then
      local re, im = 0, 0
      for t = 1, n do
        local x = rate[t] - mean
        re = re + x * math.cos(2 * math.pi * k * (t - 1) / n)
        im = im - x * math.sin(2 * math.pi * k * (t - 1) / n)
      end
      total, bins = total + re * re + im * im, bins + 1
    end
  end
  return total / bins
end

describe("Izhikevich pulse-coupled network (examples/izhikevich.lua)", function()
  local net, m = izh.run(2000, 7)
  local spikes = m:get("spike")

  it("fires at the peers' mean rate (8.7 Hz, within 25 %)", function()
    local rate = ann.mean_fr(spikes, net.dt, {duration = 2000})
    assert.is_true(rate > 8.7 * 0.75 and rate < 8.7 * 1.25, "mean rate " .. rate)
  end)

  it("oscillates in the alpha band: its power density is at least 3x that of 60-100 Hz", function()
    local rate = ann.population_rate(spikes, net.dt)
    local alpha, high = band_density(rate, 8, 14), band_density(rate, 60, 100)
    assert.is_true(alpha > 3 * high, ("alpha %g, 60-100 Hz %g"):format(alpha, high))
  end)
end)
