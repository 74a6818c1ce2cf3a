-- bold.lua: BOLD monitoring with the balloon model, as in ANNarchy's notebook
-- BoldMonitoring1.ipynb. Two unconnected populations of 100 Izhikevich neurons fire from their
-- noise; their firing rate r (spikes in the last 100 ms) drives the balloon model balloon_RN
-- through a BOLD monitor that normalises each population's rate by its mean over a 2 s
-- baseline. After 1 s of warm-up the monitors start; the noise of the first population rises
-- from 5 to 7.5 for 5 s (from 5 s to 10 s of recording), then returns to 5 for 10 s: the BOLD
-- signal rises a few seconds after the rates, peaks, and undershoots before returning to rest.
-- Run: annlua examples/bold.lua [--seed s]; prints the rates, the BOLD input and the BOLD signal.
local ann = require("annarchy")

local M = {}

--- Builds and runs the notebook's protocol. Returns a table: net, pop1, pop2, the monitors'
-- recordings as flat Arrays, one value per ms of recording (20 000): fr1 and fr2 (mean r of
-- each population, Hz), input (I_CBF) and bold (BOLD).
function M.run(seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local pop1 = net:create(100, ann.Izhikevich)
  local pop2 = net:create(100, ann.Izhikevich)
  pop1.noise, pop2.noise = 5.0, 5.0          -- baseline activity without connections
  pop1:compute_firing_rate(100.0)            -- r: the firing rate in Hz over the last 100 ms
  pop2:compute_firing_rate(100.0)
  local mon1 = net:monitor(pop1, "r", {start = false})
  local mon2 = net:monitor(pop2, "r", {start = false})
  local m_bold = net:boldmonitor{
    populations = {pop1, pop2},
    bold_model = ann.balloon_RN,             -- the default model
    mapping = {I_CBF = "r"},                 -- the populations' r drives the input I_CBF
    normalize_input = 2000,                  -- baseline window (ms) after start()
    recorded_variables = {"I_CBF", "BOLD"},
  }
  net:compile{silent = true}
  net:simulate(1000)                         -- warm-up: the rates settle
  mon1:start()
  mon2:start()
  m_bold:start()
  net:simulate(5000)                         -- 5 s with low noise
  pop1.noise = 7.5
  net:simulate(5000)                         -- 5 s with higher noise in the first population
  pop1.noise = 5.0
  net:simulate(10000)                        -- 10 s with low noise
  local function mean_rows(a)
    local out = {}
    for k = 1, a.shape[1] do out[k] = a[k]:mean() end
    return ann.array(out)
  end
  return {
    net = net, pop1 = pop1, pop2 = pop2,
    fr1 = mean_rows(mon1:get("r")), fr2 = mean_rows(mon2:get("r")),
    input = m_bold:get("I_CBF"):flatten(), bold = m_bold:get("BOLD"):flatten(),
  }
end

--- Mean of a flat Array over the records of [from, to) ms of recording.
function M.mean(a, from, to)
  local s = 0
  for k = from + 1, to do s = s + a[k] end
  return s / (to - from)
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local seed = 42
  for i = 1, #arg do
    if arg[i] == "--seed" then seed = tonumber(arg[i + 1]) end
  end
  local t0 = os.clock()
  local res = M.run(seed)
  print(("BOLD monitoring (balloon_RN, 2 x 100 Izhikevich neurons): 21 s in %.2f s"):format(os.clock() - t0))
  print("mean firing rate (Hz)     pop1    pop2    I_CBF")
  for _, phase in ipairs{{"0-5 s, low noise", 0, 5000}, {"5-10 s, pop1 noisier", 5000, 10000},
                         {"10-20 s, low noise", 10000, 20000}} do
    print(("  %-22s %6.2f  %6.2f  %7.4f"):format(phase[1], M.mean(res.fr1, phase[2], phase[3]),
      M.mean(res.fr2, phase[2], phase[3]), M.mean(res.input, phase[2], phase[3])))
  end
  local peak, at, low, at_low = -math.huge, 0, math.huge, 0
  for k = 1, res.bold.size do
    if res.bold[k] > peak then peak, at = res.bold[k], k end
  end
  for k = at, res.bold.size do
    if res.bold[k] < low then low, at_low = res.bold[k], k end
  end
  print(("BOLD (%%): %.3f at 5 s, peak %.3f at %.2f s, undershoot %.3f at %.2f s, %.3f at 20 s"):format(
    100 * res.bold[5000], 100 * peak, at / 1000, 100 * low, at_low / 1000, 100 * res.bold[res.bold.size]))
end

return M
