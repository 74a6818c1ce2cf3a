-- net:parallel_run runs its copies at the same time in child processes (docs/networks.md):
-- the results are those of the copies run one after the other in this process
-- (max_processes = 1), to the bit, for several copies, per-copy arguments and seeds; errors
-- in a copy, a copy killed by a signal and a result that cannot be sent are errors naming the
-- copy; results larger than a pipe's buffer and monitors' data come back whole.
local ann = require("annarchy")
local support = dofile("tests/support.lua")
local codec = require("annarchy.io.codec")

local fails_with = support.fails_with

local LIF = ann.Neuron{
  parameters = "tau = 20.0 : population\n I = 0.0",
  equations = [[
    tau * dv/dt = (-60.0 - v) + g_exc * (0.0 - v) + I + Normal(0.0, 2.0) : init = -60.0
    5.0 * dg_exc/dt = - g_exc
  ]],
  spike = "v > -50.0",
  reset = "v = -60.0",
  refractory = 2.0,
}

-- A spiking network with Poisson inputs and noise: every copy's spikes depend on its seed.
local Noisy = ann.Network:extend(function(net, args)
  net.pop = net:create(args.size or 300, LIF)
  net.pop.I = ann.Uniform(0.0, args.I_max or 10.0)
  local inp = net:create(ann.PoissonPopulation(100, {rates = 20.0}))
  net:connect(inp, net.pop, "exc"):fixed_number_pre(10, ann.Uniform(0.1, 0.5))
  net.m = net:monitor(net.pop, {"spike", "v"})
end)

-- What a copy returns: the monitor's data (a table of spike times per rank, an Array of v),
-- the population's v and a few plain values.
local function run(copy, args)
  copy:simulate(args.duration or 20.0)
  return {spikes = copy.m:get("spike"), v_trace = copy.m:get("v"), v = copy.pop.v,
          seed = copy.seed, label = args.label, size = copy.pop.size}
end

-- The same value with every Array as {shape, values} and every number as its 8 bytes.
local function bits(v)
  if ann.is_array(v) then return {shape = v.shape, values = bits(v:flatten():totable())} end
  if type(v) == "number" then return codec.pack("F64", {v}, 1) end
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = bits(x) end
  return out
end

local network
local function noisy()
  if not network then
    network = Noisy{dt = 0.1, seed = 7, size = 300}
    network:compile{silent = true}
  end
  return network
end

describe("parallel_run in child processes", function()
  it("gives the results of the copies run one after the other, to the bit", function()
    local net = noisy()
    local opts = {seeds = "sequential", I_max = {8.0, 10.0, 12.0, 9.0}, label = {"a", "b", "c", "d"},
                  duration = {20.0, 15.0, 20.0, 10.0}}
    opts.max_processes = 1
    local one = net:parallel_run(run, 4, opts)
    opts.max_processes = 2
    local two = net:parallel_run(run, 4, opts)
    opts.max_processes = 4
    local four = net:parallel_run(run, 4, opts)
    assert.same(bits(one), bits(two))
    assert.same(bits(one), bits(four))
    for k = 1, 4 do
      assert.equal(7 + k, two[k].seed)
      assert.equal(opts.label[k], two[k].label)
      assert.is_true(ann.is_array(two[k].v_trace))
      assert.same({opts.duration[k] * 10, 300}, two[k].v_trace.shape)
    end
    local count = 0
    for _, times in pairs(two[1].spikes) do count = count + #times end
    assert.is_true(count > 0)
    assert.are_not.same(bits(two[1].spikes), bits(two[2].spikes))   -- other seeds, other spikes
  end)

  it("gives every copy the same spikes with seeds = \"same\", and a seed list", function()
    local net = noisy()
    local same = net:parallel_run(run, 2, {seeds = "same", max_processes = 2})
    assert.same(bits(same[1]), bits(same[2]))
    local listed = net:parallel_run(run, 2, {seeds = {7, 8}, max_processes = 2})
    local sequential = net:parallel_run(run, 2, {seeds = {7, 8}, max_processes = 1})
    assert.same(bits(sequential), bits(listed))
    assert.same(bits(same[1]), bits(listed[1]))
  end)

  it("sends back results larger than a pipe's buffer", function()
    local net = noisy()
    local results = net:parallel_run(function(copy, args)
      local values = {}
      for i = 1, 300000 do values[i] = i * args.scale end
      return {ann.array(values), ("x"):rep(200000) .. copy.seed}
    end, 3, {scale = {0.5, 0.25, 0.125}, seeds = "sequential", max_processes = 3})
    for k, scale in ipairs({0.5, 0.25, 0.125}) do
      assert.equal(300000, results[k][1].size)
      assert.equal(300000 * scale, results[k][1][300000])
      assert.equal(("x"):rep(200000) .. (7 + k), results[k][2])
    end
  end)

  it("runs a method that simulates the original network, whose threads the child restarts", function()
    local net = noisy()
    net:config{num_threads = 2}
    local function original(_, args)
      net:reset()
      net:simulate(args.duration)
      return net.pop.v
    end
    local here = net:parallel_run(original, 2, {duration = {5.0, 10.0}, max_processes = 1})
    local forked = net:parallel_run(original, 2, {duration = {5.0, 10.0}, max_processes = 2})
    assert.same(bits(here), bits(forked))
    net:config{num_threads = 1}
  end)

  it("reports an error in a copy with the copy's number and the message", function()
    local net = noisy()
    fails_with(function()
      net:parallel_run(function(_, args)
        if args.fail then error("the method failed on purpose") end
        return 1
      end, 3, {fail = {false, true, false}, max_processes = 2})
    end, "Network:parallel_run(): copy 2 failed", "the method failed on purpose")
    fails_with(function()
      net:parallel_run(function() error("failed here too") end, 2, {max_processes = 1})
    end, "Network:parallel_run(): copy 1 failed", "failed here too")
  end)

  it("reports a copy killed by a signal, and a result that cannot be sent", function()
    local net = noisy()
    fails_with(function()
      net:parallel_run(function(_, args)
        if args.kill then os.execute("kill -9 $PPID") end
        return 1
      end, 2, {kill = {true, false}, max_processes = 2})
    end, "Network:parallel_run(): copy 1", "signal 9")
    fails_with(function()
      net:parallel_run(function() return {f = print} end, 2, {max_processes = 2})
    end, "Network:parallel_run(): copy ", "failed: its result: a function cannot be sent back")
    fails_with(function()
      net:parallel_run(function(copy) return copy.pop end, 2, {max_processes = 2})
    end, "Network:parallel_run(): copy ", "failed: its result: a table with a metatable")
  end)

  it("runs the copies here, one after the other, where no process can be started", function()
    local net = noisy()
    local runtime = require("annarchy.runtime")
    local spawn = runtime.spawn
    runtime.spawn = function() return nil, "cannot start a child process: fork: no more processes" end
    local seen = {}
    local ok, results = pcall(net.parallel_run, net, function(copy)
      seen[#seen + 1] = copy.seed          -- visible here only when the copy runs here
      return copy.seed
    end, 2, {seeds = "sequential", max_processes = 2})
    runtime.spawn = spawn
    assert.is_true(ok, tostring(results))
    assert.same({8, 9}, results)
    assert.same({8, 9}, seen)
  end)

  it("checks max_processes", function()
    local net = noisy()
    fails_with(function() net:parallel_run(run, 2, {max_processes = 0}) end,
      "max_processes must be a positive integer or -1")
    fails_with(function() net:parallel_run(run, 2, {max_processes = 1.5}) end,
      "max_processes must be a positive integer or -1")
  end)

  it("lets the children's prints through, each once", function()
    local lua = rawget(_G, "jit") and "luajit" or "./annlua"
    local script = support.tmp(".lua")
    support.write_bytes(script, [[
      local ann = require("annarchy")
      local C = ann.Network:extend(function(net) net:create(1, ann.Neuron{equations = "r = 1"}) end)
      local net = C{seed = 1}
      io.write("before\n")
      local r = net:parallel_run(function(_, a) print("copy " .. a.k); return a.k end, 2,
        {k = {1, 2}, max_processes = 2})
      print("after " .. r[1] + r[2])
    ]])
    local p = io.popen(("LUA_PATH='lua/?.lua;lua/?/init.lua;;' %s %s 2>&1"):format(lua, script))
    local out = p:read("*a")
    p:close()
    os.remove(script)
    local lines = {}
    for line in out:gmatch("[^\n]+") do lines[#lines + 1] = line end
    table.sort(lines)
    assert.same({"after 3", "before", "copy 1", "copy 2"}, lines)
  end)
end)
