-- luacheck: no max line length
-- Soak test: a plastic network run for a long simulated time, its monitors paused and resumed
-- and emptied, the resident memory sampled; memory must stay flat.
--
--   annlua tools/soak.lua [--neurons N] [--seconds S] [--wall W] [--chunk MS] [--tolerance MB]
--                         [--compiler cc|tcc]
--
-- N Izhikevich neurons (default 10^5) driven by N/10 Poisson inputs, a recurrent STDP
-- projection (10 synapses per neuron) and an input projection; S seconds of simulated time
-- (default 3600) at dt = 1 ms, or less when W seconds of wall time run out first. The time is
-- simulated in chunks of MS ms (default 1000); a spike monitor and a monitor of v (20 neurons)
-- record during every other chunk (paused in between) and are emptied (get) after each. RSS
-- (from /proc/self/statm) is sampled after every chunk; the test passes when, after the first
-- tenth of the chunks run (the buffers' warm-up), it never rises more than `tolerance` MB
-- (default 8) above its value at that point. Prints the figures, then "soak: ok" or "soak: FAILED".
local ann = require("annarchy")

local N, seconds, wall, chunk, tolerance, compiler = 100000, 3600, math.huge, 1000, 8, "cc"
do
  local i = 1
  while arg[i] do
    local k, v = arg[i], tonumber(arg[i + 1])
    if k == "--neurons" then N = v elseif k == "--seconds" then seconds = v
    elseif k == "--wall" then wall = v elseif k == "--chunk" then chunk = v
    elseif k == "--tolerance" then tolerance = v elseif k == "--compiler" then compiler = arg[i + 1]
    else io.stderr:write("soak: unknown argument " .. k .. "\n"); os.exit(2) end
    i = i + 2
  end
end

local function rss_mb()
  local f = assert(io.open("/proc/self/statm"))
  local _, resident = f:read("n", "n")
  f:close()
  return resident * 4096 / 1048576
end

local start = ann.clock()
local net = ann.Network{dt = 1.0, seed = 2026}
local pop = net:create(N, ann.Izhikevich, "pop")
local input = net:create(ann.PoissonPopulation{geometry = math.max(1, N // 10), rates = 20.0, name = "input"})
local rec = net:connect(pop, pop, "exc", ann.STDP, "recurrent")
rec:fixed_number_pre{number = 10, weights = ann.Uniform(0.0, 0.5), delays = ann.DiscreteUniform(1, 5)}
net:connect(input, pop, "exc", nil, "input"):fixed_number_pre{number = 5, weights = 10.0}
local spikes = net:monitor(pop, "spike")
local first = {}
for i = 1, math.min(20, N) do first[i] = i end
local some = net:monitor(pop[first], "v")
net:compile{compiler = compiler}
print(("soak: %d neurons, %d synapses, compiled in %.1f s"):format(N, rec.nb_synapses, ann.clock() - start))

local chunks = math.ceil(seconds * 1000 / chunk)
local samples, peak = {}, 0
local recorded_spikes = 0
local t0 = ann.clock()
local done = 0
for c = 1, chunks do
  local recording = c % 2 == 1
  if recording then spikes:resume(); some:resume() else spikes:pause(); some:pause() end
  net:simulate(chunk)
  local s = spikes:get("spike")
  for _, list in pairs(s) do recorded_spikes = recorded_spikes + #list end
  some:get("v")
  done = c
  local r = rss_mb()
  samples[#samples + 1] = r
  if r > peak then peak = r end
  if c % 10 == 0 or c == chunks then
    io.write(("soak: %.0f s simulated, RSS %.1f MB, %.1f s wall\n"):format(c * chunk / 1000, r, ann.clock() - t0))
    io.flush()
  end
  if ann.clock() - t0 > wall then break end
end
-- Warm-up: the first tenth of the chunks run (monitor buffers and Lua's heap reach their size).
local warm = math.max(1, done // 10)
local base, worst = samples[warm], 0
for i = warm + 1, #samples do
  if samples[i] - base > worst then worst = samples[i] - base end
end
print(("soak: %.0f s of simulated time in %.0f s (%d chunks, monitors paused in every other one), " ..
       "%d spikes recorded"):format(done * chunk / 1000, ann.clock() - t0, done, recorded_spikes))
print(("soak: RSS first %.1f MB, after warm-up %.1f MB, last %.1f MB, peak %.1f MB, largest rise after warm-up %.1f MB")
  :format(samples[1], base, samples[#samples], peak, worst))
if worst <= tolerance then print("soak: ok") else print("soak: FAILED (memory grew)"); os.exit(1) end
