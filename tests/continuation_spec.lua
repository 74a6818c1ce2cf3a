-- Exact continuation (docs/saving.md): a network saved at step n and loaded into a fresh process
-- continues to step m exactly as one that ran from 0 to m: the same spikes, values and weights,
-- bit for bit, for a spiking plastic network with uniform and per-synapse delays, refractoriness,
-- Poisson and SpikeSourceArray inputs, and for a rate-coded network with delays; in annlua's
-- format and in .npz archives. A network of another structure refuses the file and keeps its
-- state; a file of format version 1 (without the dynamic state) still loads.
-- The networks: tests/continuation/networks.lua; each run is a process of its own
-- (tests/continuation/model.lua), so nothing is shared but the file.
local runtime = require("annarchy.runtime")
local state = require("annarchy.io.state")
local container = require("annarchy.io.container")
local networks = dofile("tests/continuation/networks.lua")

local function tmp(ext)
  local name = os.tmpname()
  os.remove(name)
  return name .. (ext or "")
end

local function read(file)
  local f = assert(io.open(file, "rb"))
  local s = f:read("a")
  f:close()
  os.remove(file)
  return s
end

-- Runs model.lua in a new annlua process; returns whether it succeeded and its stderr.
local function run(...)
  local err = tmp()
  local cmd = "./annlua tests/continuation/model.lua " .. table.concat({...}, " ") .. " 2> " .. err
  local ok = os.execute(cmd)
  return ok == true, read(err)
end

local function must(...)
  local ok, err = run(...)
  assert(ok, err)
end

-- The output of a run from 0 to m, and of one saved at n and continued to m by another process.
local function both(kind, n, m, ext)
  local full, cont, file = tmp(), tmp(), tmp(ext or ".ann")
  must(kind, "full", m, full, n)
  must(kind, "save", n, file)
  must(kind, "load", file, m, cont)
  return read(full), read(cont), file
end

local function assert_same(a, b)
  assert.is_true(#a > 1000)
  if a == b then return end
  local la, lb = {}, {}
  for l in a:gmatch("[^\n]+") do la[#la + 1] = l end
  for l in b:gmatch("[^\n]+") do lb[#lb + 1] = l end
  for i = 1, math.max(#la, #lb) do
    if la[i] ~= lb[i] then
      error(("line %d differs:\n  %s\n  %s"):format(i, (la[i] or ""):sub(1, 200), (lb[i] or ""):sub(1, 200)), 2)
    end
  end
end

local function count_events(ring)
  local n, o = 0, 1
  while o <= #ring do
    n = n + ring[o]
    o = o + 1 + 2 * ring[o]
  end
  return n
end

describe("exact continuation in a fresh process #annlua", function()
  it("a spiking plastic network with delays, refractoriness and Poisson inputs", function()
    local full, cont, file = both("spiking", 130, 200)
    -- the saved step is one where everything is in motion
    local s = state.read(file)
    local function buf(section, obj, name) return s.get(section .. "/" .. obj .. "/_state/" .. name) end
    assert.is_true(count_events(buf("projections", "exc_exc", "spikes_in_flight"):totable()) > 0)
    assert.is_true(#buf("populations", "exc", "spiked") > 0)
    assert.is_true(buf("populations", "exc", "refractory_left"):max() > 0)
    assert.is_true(buf("populations", "exc", "delayed_spikes"):sum() > 0)
    assert.equal(130, s.meta.time_step)
    os.remove(file)
    assert_same(full, cont)
  end)

  it("the same through a .npz archive", function()
    local full, cont, file = both("spiking", 131, 180, ".npz")
    os.remove(file)
    assert_same(full, cont)
  end)

  it("a rate-coded network with uniform and per-synapse delays, a TimedArray and a monitor's phase", function()
    local full, cont, file = both("rate", 37, 90)
    local s = state.read(file)
    assert.equal(32, #s.get("populations/ta/_state/delayed_values"))   -- 4 steps of 8 values
    assert.same({period = 2, period_offset = 0, phase_step = 15, recording = true}, s.meta.monitors.b_r)
    -- the monitor's recording segment starts at the loaded step
    local net, mons = networks.rate()
    net:compile{silent = true}
    net:load(file)
    net:simulate(10)
    assert.equal(5, mons.values:get("r").shape[1])   -- steps 37, 39, ..., 45: the phase counts from step 15
    assert.same({start = {37}, stop = {47}}, mons.values:times().r)
    os.remove(file)
    assert_same(full, cont)
  end)
end)

-- The dynamic state of a network: its attributes and every internal buffer, as text.
local function snapshot(net)
  local lines = networks.attribute_lines(net)
  local rt = net._.rt
  for _, pop in ipairs(net:get_populations()) do
    local t = runtime.pop_state(rt, pop._.id)
    for name, v in pairs(t) do lines[#lines + 1] = pop.name .. "/" .. name .. " " .. table.concat(v:totable(), " ") end
  end
  for _, proj in ipairs(net:get_projections()) do
    local t = runtime.proj_state(rt, proj._.id)
    for name, v in pairs(t) do lines[#lines + 1] = proj.name .. "/" .. name .. " " .. table.concat(v:totable(), " ") end
  end
  table.sort(lines)
  return table.concat(lines, "\n")
end

describe("loading the dynamic state #annlua", function()
  it("into a network of another structure is an error naming the fault, and changes nothing", function()
    local file = tmp(".ann")
    must("spiking", "save", 130, file)
    local ok, err = run("spiking_wide", "load", file, 200, tmp())
    assert.is_false(ok)
    assert.matches("structure differs", err)
    -- in this process: the network keeps its state
    local net = networks.spiking(true)
    net:compile{silent = true}
    net:simulate(20)
    local before = snapshot(net)
    local lok, lerr = pcall(net.load, net, file)
    assert.is_false(lok)
    assert.matches('Network:load: "' .. file .. '": population "inp": the network\'s structure differs from the '
      .. "saved one: delayed_spikes: not 6 steps of spikes of a population of 30 neurons (the delays differ)", lerr, 1, true)
    assert.equal(before, snapshot(net))
    assert.equal(40, net.current_step)
    os.remove(file)
  end)

  it("a file of format version 1 still loads, with empty buffers as then", function()
    local file, old = tmp(".ann"), tmp(".ann")
    must("spiking", "save", 130, file)
    -- the same file as version 1 wrote it: no _state arrays, no state lists, no monitors
    local r = container.open(file, "test")
    local w = container.writer()
    local names = {}
    for name in pairs(r.entries) do if not name:find("/_state/", 1, true) then names[#names + 1] = name end end
    table.sort(names)
    for _, name in ipairs(names) do
      local vals, shape = r:get(name)
      w:add(name, r.entries[name].dtype, shape, vals)
    end
    local meta = r.meta
    meta.version, meta.monitors = 1, nil
    for _, sec in ipairs{"populations", "projections"} do
      for _, rec in pairs(meta[sec]) do rec.state = nil end
    end
    container.VERSION = 1
    local wok, werr = pcall(w.write, w, old, meta, "test")
    container.VERSION = 2
    assert(wok, werr)
    assert.equal(1, state.read(old).version)
    local full, cont = tmp(), tmp()
    must("spiking", "full", 200, full, 130)
    must("spiking", "load", old, 200, cont)
    local a, b = read(full), read(cont)
    -- the attributes and the time are restored; without the buffers the future differs
    assert.are_not.equal(a, b)
    local net = networks.spiking(false)
    net:compile{silent = true}
    net:load(old)
    assert.equal(130, net.current_step)
    assert.same({}, runtime.pop_state(net._.rt, net:get_population("exc")._.id).spiked:totable())
    os.remove(file)
    os.remove(old)
  end)
end)
