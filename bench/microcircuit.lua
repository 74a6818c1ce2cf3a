-- bench/microcircuit.lua: the cortical microcircuit (examples/microcircuit.lua) at full scale,
-- 77 169 neurons and about 3 * 10^8 synapses, Poisson background, dt = 0.1 ms.
-- Prints the build time (connectivity included), the simulation time per biological second,
-- the peak resident memory and the number of synapses, then checks the firing rates against
-- the full-scale model: the ordering of Potjans & Diesmann (2014) Figure 6 (L2/3e lowest and
-- L5e highest among the excitatory populations) and each population within a factor 1.5 of
-- the rates of the reference implementation at full scale (NEST's PyNEST microcircuit).
-- Run: annlua bench/microcircuit.lua [--scale s] [--duration ms] [--transient ms] [--seed s]
--      [--threads n]   (default 1) [--divide] (under mpirun: each process holds only the
--      synapses of its own neurons, divide_synapses)
-- Needs about 5 GB of memory at full scale.
local mc = dofile("examples/microcircuit.lua")

local opts = {scale = 1.0, duration = 200.0, transient = 50.0, seed = 42, threads = 1}
for i = 1, #arg do
  local name = arg[i]:match("^%-%-(%a+)$")
  if name == "divide" then opts.divide = true
  elseif name and opts[name] and i < #arg then opts[name] = tonumber(arg[i + 1]) end
end

local R = mc.run(opts)
local window = opts.duration - opts.transient
for a, name in ipairs(mc.POPS) do
  io.write(("%-5s %6.2f Hz  CV %.2f   (reference implementation at full scale: %.2f Hz)\n"):format(
    name, R.rates[a], R.cvs[a], mc.FULL_MEAN_RATES[a]))
end
io.write(("microcircuit at scale %g: %d neurons, %d synapses\n"):format(opts.scale, R.neurons, R.synapses))
io.write(("  build (connectivity included) %.1f s wall, %.1f s CPU\n"):format(R.build_s, R.build_cpu))
io.write(("  simulate %.1f s wall, %.1f s CPU for %g ms: %.1f s wall, %.1f s CPU per biological " ..
  "second (%d thread(s))\n"):format(R.simulate_s, R.simulate_cpu, opts.duration,
  R.simulate_s / opts.duration * 1000.0, R.simulate_cpu / opts.duration * 1000.0, opts.threads))
local peak, now = mc.peak_rss_mb() or 0, mc.peak_rss_mb("VmRSS") or 0
io.write(("  peak RSS %.0f MB (%.1f bytes per synapse), after the run %.0f MB (%.1f bytes per synapse)\n")
  :format(peak, peak * 1048576 / R.synapses, now, now * 1048576 / R.synapses))

-- the rates against the full-scale model, over the last `window` ms
local r = R.rates
local faults = {}
for _, a in ipairs{3, 5, 7} do
  if r[1] >= r[a] then faults[#faults + 1] = ("L23E (%.2f Hz) is not below %s (%.2f Hz)"):format(r[1], mc.POPS[a], r[a]) end
end
for _, a in ipairs{1, 3, 7} do
  if r[5] <= r[a] then faults[#faults + 1] = ("L5E (%.2f Hz) is not above %s (%.2f Hz)"):format(r[5], mc.POPS[a], r[a]) end
end
if opts.scale == 1.0 then
  for a, name in ipairs(mc.POPS) do
    local ref = mc.FULL_MEAN_RATES[a]
    if r[a] < ref / 1.5 or r[a] > ref * 1.5 then
      faults[#faults + 1] = ("%s: %.2f Hz, not within a factor 1.5 of %.2f Hz"):format(name, r[a], ref)
    end
  end
end
if #faults > 0 then
  error(("microcircuit rates over the last %g ms:\n  %s"):format(window, table.concat(faults, "\n  ")), 0)
end
io.write(("  rates over the last %g ms: ordering of the paper's Figure 6 and the reference's " ..
  "full-scale rates within a factor 1.5: ok\n"):format(window))
