-- The progress bar of simulate() and measure_time: the bar's text, chunked runs giving the same
-- results as one C call (spikes, monitors, callbacks), a real pseudo-terminal
-- (util-linux `script`) showing the bar and a pipe showing nothing.
-- Run from the repository root: busted --lua=./annlua tests/progress_spec.lua

local ann = require("annarchy")
local progress = require("annarchy.io.progress")

local ANNLUA = os.getenv("ANNLUA") or "./annlua"

local function quote(s)
  return "'" .. tostring(s):gsub("'", [['\'']]) .. "'"
end

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  p:close()
  return out
end

--- A small spiking network with a monitor, a callback and an optional stop condition.
local function network(stop)
  local net = ann.Network{dt = 0.1, seed = 7}
  local neuron = ann.Izhikevich
  if stop then
    neuron = ann.Neuron{parameters = "I = 10", equations = "dv/dt = (I - v) / 5 : init = 0",
      spike = "v > 1", reset = "v = 0"}
  end
  local P = net:create(200, neuron, stop and {stop_condition = stop} or nil)
  local Q = net:create(100, ann.Izhikevich)
  local proj = net:connect(P, Q, "exc")
  proj:fixed_probability(0.1, 0.5)
  local m = net:monitor(Q, {"spike", "v"})
  local calls = {}
  net:every(3.7, function(n) calls[#calls + 1] = {n, net.current_step} end)
  net:compile{silent = true}
  return net, m, calls, P
end

--- Replaces the bar's terminal test, stream and timing for one call of f.
local function with_bar(f)
  local saved = {progress.terminal, progress.out, progress.delay, progress.chunk}
  local lines = {}
  progress.terminal = function() return true end
  progress.out = {write = function(_, ...) lines[#lines + 1] = table.concat({...}) end, flush = function() end}
  progress.delay, progress.chunk = 0, 1e-6   -- chunks of a few steps: many boundaries
  local ok, err = pcall(f)
  progress.terminal, progress.out, progress.delay, progress.chunk = saved[1], saved[2], saved[3], saved[4]
  assert(ok, err)
  return table.concat(lines)
end

describe("the progress bar line", function()
  it("shows the fraction, the simulated ms, the speed and the time left", function()
    -- 250 of 1000 steps of 0.1 ms in 2 s: 25 ms in 2 s = 12.5 ms/s; 75 ms left = 6 s
    local line = progress.line(250, 1000, 0.1, 2.0)
    assert.are.equal("[=======>                      ]  25%  25.0/100.0 ms  12.5 ms/s  0:06 left", line)
    assert.truthy(progress.line(1000, 1000, 0.1, 65):find("100%%  100.0/100.0 ms  1.538 ms/s  1:05 total"))
  end)
end)

describe("measure_time", function()
  it("prints the wall time as the reference does", function()
    assert.are.equal("Simulating 1.0 seconds of the network took 0.25 seconds.\n", progress.time_report(1000, 0.25))
    assert.are.equal("Simulating 0.0001 seconds of the network took 2.0 seconds.\n", progress.time_report(0.1, 2))
    local out = run(quote(ANNLUA) .. [[ -e 'local ann = require("annarchy")
      local net = ann.Network{dt = 0.5}; net:create(3, ann.LeakyIntegrator); net:compile{silent = true}
      net:simulate(250, {measure_time = true})']])
    assert.truthy(out:match("^Simulating 0%.25 seconds of the network took [%d.e-]+ seconds%.\n$"), out)
    -- simulate_until reports what it simulated: x = t passes 1 at step 3 (t = 1.5 ms), the 4th
    -- step of 0.5 ms: 2 ms
    out = run(quote(ANNLUA) .. [[ -e 'local ann = require("annarchy")
      local net = ann.Network{dt = 0.5}
      local N = ann.Neuron{equations = "x = t", spike = "x > 1.0", reset = ""}
      local pop = net:create(1, N, {stop_condition = "spiked : any"}); net:compile{silent = true}
      print(net:simulate_until(100, pop, {measure_time = true}))']])
    assert.truthy(out:match("^Simulating 0%.002 seconds of the network took [%d.e-]+ seconds%.\n2%.0\n$"), out)
  end)
end)

describe("a chunked simulate", function()
  it("gives the spikes, values and callbacks of one C call", function()
    local net1, m1, calls1 = network()
    net1:simulate(100, {progress = false})
    local net2, m2, calls2 = network()
    local drawn = with_bar(function() net2:simulate(100) end)
    assert.truthy(drawn:find("100%%  100.0/100.0 ms"), drawn)
    assert.truthy(select(2, drawn:gsub("\r", "")) > 10, "the run was not chunked")
    assert.are.same(m1:get("spike"), m2:get("spike"))
    assert.is_true(ann.allclose(m1:get("v"), m2:get("v"), {rtol = 0, atol = 0}))
    assert.are.same(calls1, calls2)
    assert.are.equal(net1.current_step, net2.current_step)
  end)

  it("is not used by simulate_until (a chunk may not tell whether a stop condition ended it)", function()
    local net1, _, _, P1 = network("spiked : any")
    local t1 = net1:simulate_until(50, P1)
    local net2, _, _, P2 = network("spiked : any")
    local t2
    assert.are.equal("", with_bar(function() t2 = net2:simulate_until(50, P2) end))
    assert.is_true(t1 < 50)
    assert.are.equal(t1, t2)
    assert.has_error(function() net2:simulate_until(50, P2, {progress = true}) end)
  end)

  it("draws nothing with progress = false", function()
    local net = network()
    assert.are.equal("", with_bar(function() net:simulate(10, {progress = false}) end))
  end)
end)

describe("on a pseudo-terminal", function()
  local script = [[-e 'local ann = require("annarchy")
    require("annarchy.io.progress").delay = %s
    local net = ann.Network{dt = 0.1}; net:create(500, ann.Izhikevich); net:compile{silent = true}
    net:simulate(2000%s); io.stdout:write("done\n")']]
  local function in_pty(delay, opts)
    local cmd = quote(ANNLUA) .. " " .. script:format(delay, opts)
    return run("script -qec " .. quote(cmd) .. " /dev/null")
  end

  it("shows the bar of a run that lasts", function()
    local out = in_pty("0", "")
    assert.truthy(out:find("[==============================] 100%  2000.0/2000.0 ms", 1, true), out)
    assert.truthy(out:find("ms/s", 1, true), out)
  end)

  it("shows nothing for a short run, with progress = false or through a pipe", function()
    assert.are.equal("done\r\n", in_pty("1e9", ""))
    assert.are.equal("done\r\n", in_pty("0", ", {progress = false}"))
    local cmd = quote(ANNLUA) .. " " .. script:format("0", ", {progress = true}")
    assert.are.equal("done\n", run(cmd))
  end)
end)
