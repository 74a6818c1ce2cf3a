-- A bank of 16 filters (3x3, then 5x5) over a 128x128 image: annlua's generated Convolution
-- kernel against the same computation written directly in C (bench/convolution_ref.c,
-- compiled here with cc -O3 -march=native -ffp-contract=off, the floating-point rules of the
-- kernels), in the same run, in two versions: "plain" tests every index against the border,
-- "split" skips the tests where the filter lies inside the image (the ratio is against it).
-- Both sides run every step: zero the post sums, convolve, set the post rates to the sums.
-- CPU time per step, median of 5 runs; the outputs must be identical.
local ann = require("annarchy")

local H, W, F, STEPS, RUNS = 128, 128, 16, 50, 5
local dir = os.getenv("TMPDIR") or "/tmp"
local exe = dir .. "/annlua_convolution_ref"
assert(os.execute(("cc -O3 -march=native -ffp-contract=off -o %s bench/convolution_ref.c"):format(exe)),
  "bench/convolution.lua: cannot compile bench/convolution_ref.c with cc")

local function median(t)
  table.sort(t)
  return t[(#t + 1) // 2]
end

-- CPU seconds per step (median), and every rate after the last run
local function reference(K, variant)
  local times, rates = {}, nil
  for run = 1, RUNS do
    local p = assert(io.popen(("%s %d %d %d %d %d %s%s"):format(exe, H, W, F, K, STEPS, variant,
      run == RUNS and " dump" or "")))
    local line = p:read("l")
    times[#times + 1] = tonumber(line:match("^(%S+)"))
    if run == RUNS then
      rates = {}
      for v in p:lines() do rates[#rates + 1] = tonumber(v) end
    end
    p:close()
  end
  return median(times), rates
end

local function annlua(K)
  local image = {}
  for y = 1, H do
    image[y] = {}
    for x = 1, W do image[y][x] = (((y - 1) * W + x - 1) * 37 % 101) / 100 end
  end
  local bank = {}
  for f = 1, F do
    bank[f] = {}
    for a = 1, K do
      bank[f][a] = {}
      for b = 1, K do bank[f][a][b] = ((((f - 1) * K + a - 1) * K + b - 1) * 13 % 17) / 8 - 1 end
    end
  end
  local times, out = {}, nil
  for _ = 1, RUNS do
    local net = ann.Network{dt = 1.0}
    local inp = net:create(ann.InputArray({H, W}))
    out = net:create({H, W, F}, ann.Neuron{equations = "r = sum(exc)"})
    net:connect(ann.Convolution(inp, out, "exc")):connect_filters(bank)
    net:compile{silent = true}
    inp.r = ann.array(image)
    net:simulate(1)
    local t0 = os.clock()
    net:simulate(STEPS)
    times[#times + 1] = (os.clock() - t0) / STEPS
  end
  return median(times), out.r:flatten():totable()
end

local function same(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

print(("Convolution, %dx%d image, bank of %d filters, %d steps, median of %d runs (ms per step)"):format(
  H, W, F, STEPS, RUNS))
print(("%-8s %10s %12s %12s %12s  %s"):format("filter", "annlua", "C plain", "C split", "annlua/split",
  "same output"))
for _, K in ipairs{3, 5} do
  local tp, rp = reference(K, "plain")
  local ts, rs = reference(K, "split")
  local ta, ra = annlua(K)
  print(("%-8s %10.3f %12.3f %12.3f %12.2f  %s"):format(K .. "x" .. K, ta * 1e3, tp * 1e3, ts * 1e3, ta / ts,
    (same(ra, rp) and same(ra, rs)) and "yes, bit for bit" or "NO"))
end
