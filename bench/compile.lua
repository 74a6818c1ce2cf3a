-- bench/compile.lua: time from defining a network to its first step, with cc and tcc, with
-- an empty cache and a warm one (issue 3 targets: cold cc <= 1 s, tcc <= 0.1 s, warm <= 0.05 s;
-- ANNarchy 5.0.3 needs about 23 s cold and 0.6 s warm for COBA, PEERS.md).
-- Each measurement runs in a fresh process, as a user's script would.
local function tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p " .. p))
  return p
end

local child = [[
local core = require("annarchy.core")
local t0 = core.clock()
local ann = require("annarchy")
local models = dofile("examples/coba.lua")   -- the COBA neuron of the example
local net = ann.Network{dt = 0.1, seed = 1}
local pop = net:create(4000, models.COBA)
pop.v = ann.Normal(-55.0, 5.0)
if arg[2] == "full" then
  net:connect(pop:range(1, 3200), pop, "exc"):fixed_probability(0.02, 0.6)
  net:connect(pop:range(3201, 4000), pop, "inh"):fixed_probability(0.02, 6.7)
end
net:compile{compiler = arg[1], silent = true}
net:step()
io.write(("%.4f"):format(core.clock() - t0))
]]

local script = tmpdir() .. "/child.lua"
local f = assert(io.open(script, "w"))
f:write(child)
f:close()

local function run(compiler, dir, what)
  local p = io.popen(("ANNLUA_CACHE=%s ./annlua %s %s %s"):format(dir, script, compiler, what))
  local out = p:read("a")
  p:close()
  return tonumber(out) or error("benchmark child failed: " .. out)
end

local function median(t)
  table.sort(t)
  return t[math.floor((#t + 1) / 2)]
end

for _, what in ipairs{"neurons", "full"} do
  print(what == "full" and "\nCOBA network (4000 neurons, 2 % connectivity): define -> kernels loaded -> first step"
    or "COBA 4000 neurons (no projections): define -> kernels loaded -> first step")
  print(("%-6s %12s %12s"):format("", "empty cache", "warm cache"))
  for _, compiler in ipairs{"cc", "tcc"} do
    run(compiler, tmpdir(), what)    -- warms the OS file cache for the compiler itself
    local cold, warm = {}, {}
    for i = 1, 3 do
      local dir = tmpdir()
      cold[i] = run(compiler, dir, what)
      warm[i] = run(compiler, dir, what)
    end
    print(("%-6s %10.3f s %10.3f s"):format(compiler, median(cold), median(warm)))
  end
end
