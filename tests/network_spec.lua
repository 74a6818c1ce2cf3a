-- Networks: life cycle, running, stop conditions, callbacks, reset, classes, errors
-- (reference §6.7, §7, §14.2, §14.4, §16.2 E4; QUIRKS 9, 10).
local ann = require("annarchy")

local Counter = ann.Neuron{equations = "r += 1"}

describe("Network", function()
  it("has dt, seed, id and a clock in steps", function()
    local net = ann.Network{dt = 0.5, seed = 7}
    assert.equal(0.5, net.dt)
    assert.equal(7, net.seed)
    assert.is_number(net.id)
    net:create(1, Counter)
    net:compile{silent = true}
    net:simulate(2)
    assert.equal(4, net.current_step)
    assert.equal(2.0, net.time)
    net.current_step = 10
    assert.equal(5.0, net.time)
    net.time = 1.0
    assert.equal(2, net.current_step)
  end)

  it("accepts its arguments by position or by name", function()
    local a = ann.Network(0.25)
    local b = ann.Network{dt = 0.25}
    assert.equal(a.dt, b.dt)
    assert.has_error(function() ann.Network{dtt = 1} end)
  end)

  it("simulate rounds the duration up to whole steps", function()
    local net = ann.Network{dt = 0.3}
    local pop = net:create(1, Counter)
    net:compile{silent = true}
    net:simulate(1.0)          -- ceil(1/0.3) = 4 steps
    assert.equal(4, net.current_step)
    assert.equal(4, pop.r[1])
    net:simulate(0.9)          -- 3 steps exactly, not 4
    assert.equal(7, net.current_step)
  end)

  it("refuses to run before compile and to grow after", function()
    local net = ann.Network{}
    net:create(1, Counter)
    assert.has_error(function() net:simulate(1) end, "annarchy: simulate(): the network is not compiled yet")
    assert.has_error(function() net:step() end, "annarchy: step(): the network is not compiled yet")
    net:compile{silent = true}
    assert.has_error(function() net:create(1, Counter) end,
      "annarchy: you cannot add a population after the network has been compiled")
  end)

  it("keeps dt and seed read-only", function()
    local net = ann.Network{}
    assert.has_error(function() net.dt = 2 end)
    assert.has_error(function() net.seed = 2 end)
    net:config{seed = 3}
    assert.equal(3, net.seed)
    assert.has_error(function() net:config{nope = 1} end)
    assert.has_error(function() net:config{dtype = "float16"} end)
  end)

  it("looks objects up by name", function()
    local net = ann.Network{}
    local p = net:create(2, Counter, {name = "counter"})
    local m = net:monitor(p, "r", {name = "mon"})
    assert.equal(p, net:get_population("counter"))
    assert.equal(m, net:get_monitor("mon"))
    assert.equal(1, #net:get_populations())
    assert.has_error(function() net:get_population("other") end)
    assert.equal("pop1", net:create(1, Counter).name)
  end)
end)

describe("simulate_until (E4)", function()
  local function build()
    local net = ann.Network{}
    local pop1 = net:create(15, Counter, {stop_condition = "r > 5.0 : any"})
    local pop2 = net:create(15, Counter, {stop_condition = "r > 5.0 : any"})
    local r0 = {}
    for i = 1, 15 do r0[i] = -4 + (i % 3) end   -- values in {-4, -3, -2}
    pop2.r = r0
    net:compile{silent = true}
    return net, pop1, pop2
  end

  it("stops when the condition holds", function()
    local net, _, pop2 = build()
    assert.equal(8.0, net:simulate_until(15, pop2))
  end)

  it("combines populations with or / and", function()
    local net, pop1, pop2 = build()
    assert.equal(6.0, net:simulate_until(15, {pop1, pop2}, {operator = "or"}))
    local net2, q1, q2 = build()
    assert.equal(8.0, net2:simulate_until(15, {q1, q2}, {operator = "and"}))
  end)

  it("returns steps x dt (QUIRKS 9)", function()
    local net = ann.Network{dt = 0.5}
    local pop = net:create(1, Counter, {stop_condition = "r >= 4 : all"})
    net:compile{silent = true}
    assert.equal(2.0, net:simulate_until(10, pop))
  end)

  it("may call global functions", function()
    ann.add_function("twice_stop(x) = 2 * x")
    local net = ann.Network{}
    local pop = net:create(3, Counter, {stop_condition = "twice_stop(r) > 6 : any"})
    net:compile{silent = true}
    assert.equal(4.0, net:simulate_until(100, pop))
  end)

  it("tests spikes with 'spiked'", function()
    local N = ann.Neuron{equations = "v += 1", spike = "v > 3", reset = "v = 0"}
    local net = ann.Network{}
    local pop = net:create(2, N, {stop_condition = "spiked : any"})
    net:compile{silent = true}
    assert.equal(4.0, net:simulate_until(100, pop))
  end)
end)

describe("callbacks", function()
  it("run before the steps at their times, in declaration order", function()
    local net = ann.Network{dt = 1.0}
    local pop = net:create(1, Counter)
    net:compile{silent = true}
    local log = {}
    net:every(10, function(n) log[#log + 1] = {"a", n, net.current_step, pop.r[1]} end)
    net:every(20, function(n) log[#log + 1] = {"b", n, net.current_step} end, {offset = 5})
    net:simulate(30)
    assert.same({
      {"a", 0, 0, 0}, {"b", 0, 5}, {"a", 1, 10, 10}, {"a", 2, 20, 20}, {"b", 1, 25},
    }, log)
    assert.equal(30, net.current_step)
  end)

  it("wait delays the first call; disable and clear", function()
    local net = ann.Network{}
    net:create(1, Counter)
    net:compile{silent = true}
    local calls = 0
    net:every(5, function() calls = calls + 1 end, {wait = 10})
    net:simulate(20)               -- calls at 10 and 15
    assert.equal(2, calls)
    net:disable_callbacks()
    assert.is_false(net:callbacks_enabled())
    net:simulate(20)
    assert.equal(2, calls)
    net:enable_callbacks()
    net:clear_all_callbacks()
    net:simulate(20)
    assert.equal(2, calls)
  end)
end)

describe("reset", function()
  it("restores the values set before compile and t = 0", function()
    local net = ann.Network{}
    local pop = net:create(3, Counter)
    pop.r = {1, 2, 3}
    local m = net:monitor(pop, "r")
    net:compile{silent = true}
    net:simulate(5)
    assert.same({6, 7, 8}, pop.r:totable())
    pop.r = 0                      -- after compile: not an initial value
    net:reset()
    assert.equal(0, net.current_step)
    assert.same({1, 2, 3}, pop.r:totable())
    assert.equal(0, m:get("r").shape[1])
  end)

  it("resets single populations and attributes", function()
    local net = ann.Network{}
    local pop = net:create(2, ann.Neuron{parameters = "a = 1.0", equations = "r += a"})
    net:compile{silent = true}
    net:simulate(3)
    pop.a = 5
    pop:reset{"r"}
    assert.same({0, 0}, pop.r:totable())
    assert.same({5, 5}, pop.a:totable())
  end)
end)

describe("network classes", function()
  it("extend builds a network from arguments; copy reuses the kernels", function()
    local Chain = ann.Network:extend(function(net, args)
      net.pop = net:create(args.n or 2, Counter)
    end)
    local net = Chain{dt = 0.5, seed = 3, n = 4}
    assert.equal(0.5, net.dt)
    assert.equal(4, net.pop.size)
    net:compile{silent = true}
    local copy = net:copy{n = 6}
    assert.is_true(copy.compiled)
    assert.equal(6, copy.pop.size)
    assert.equal(0.5, copy.dt)
    assert.has_error(function() ann.Network{}:copy() end)
  end)
end)

describe("constants", function()
  it("are visible in equations and set() reaches running kernels", function()
    local net = ann.Network{}
    local c = net:constant("k_gain", 2.0)
    local pop = net:create(1, ann.Neuron{equations = "r = k_gain * t"})
    net:compile{silent = true}
    net:simulate(3)
    assert.equal(4, pop.r[1])
    c:set(10)
    net:simulate(1)
    assert.equal(30, pop.r[1])
    assert.equal(10, c.value)
  end)

  it("global constants are visible to later networks", function()
    local g = ann.Constant("g_scale_spec", 3.0)
    local net = ann.Network{}
    local pop = net:create(1, ann.Neuron{equations = "r = g_scale_spec"})
    net:compile{silent = true}
    net:step()
    assert.equal(3, pop.r[1])
    g:set(4)
    net:step()
    assert.equal(4, pop.r[1])
  end)
end)

describe("the old global API", function()
  it("acts on a hidden network", function()
    local pop = ann.Population(2, Counter)
    ann.compile{silent = true}
    ann.simulate(3)
    assert.equal(3, ann.get_current_step())
    assert.equal(3.0, ann.get_time())
    assert.same({3, 3}, pop.r:totable())
    assert.equal(ann.magic_network(), pop.network)
    ann.clear()
  end)
end)

describe("errors in models name the model and point at the fault", function()
  it("unknown names", function()
    local N = ann.Neuron{parameters = "tau = 10.0", equations = "taau * dr/dt + r = 1", name = "Leaky"}
    local ok, err = pcall(function() ann.Network{}:create(1, N) end)
    assert.is_false(ok)
    assert.matches('neuron "Leaky"', err, 1, true)
    assert.matches("unknown name 'taau'", err, 1, true)
    assert.matches("did you mean 'tau'", err, 1, true)
    assert.matches("\n    taau %* dr/dt %+ r = 1\n    %^", err)
  end)

  it("attributes named like population fields", function()
    local N = ann.Neuron{parameters = "size = 1.0", equations = "r = size"}
    assert.has_error(function() ann.Network{}:create(1, N) end)
  end)

  it("a failed create leaves the network as it was", function()
    local net = ann.Network{}
    pcall(function() net:create(1, ann.Neuron{equations = "r = nope"}) end)
    assert.equal(0, #net:get_populations())
  end)
end)

describe("parallel_run", function()
  it("builds copies with per-copy arguments and seeds and collects the results", function()
    local Chain = ann.Network:extend(function(net, args)
      net.pop = net:create(args.n or 2, Counter)
    end)
    local net = Chain{n = 3, seed = 10}
    net:compile{silent = true}
    local results = net:parallel_run(function(copy, args)
      copy:simulate(args.duration)
      return {copy.pop.size, copy.pop.r[1], copy.seed}
    end, 2, {n = {4, 5}, duration = {1, 2}, seeds = "sequential"})
    assert.same({{4, 1, 11}, {5, 2, 12}}, results)
    assert.has_error(function() ann.Network{}:parallel_run(function() end, 2) end)
    assert.has_error(function() net:parallel_run(function() end, 2, {n = {1, 2, 3}}) end)
  end)
end)

describe("model functions from Lua (E2)", function()
  it("apply a population's local function elementwise", function()
    local N = ann.Neuron{equations = "r = 0", functions = [[
      transfer_function(x, t) = if x > t: if x > 2*t : (x - 2*t)^2 else: x - t else: 0.
    ]]}
    local pop = ann.Network{}:create(1, N)
    assert.same({0, 0, 0, 1}, pop:transfer_function({0, 1, 2, 3}, {2, 2, 2, 2}):totable())
    assert.same({0, 0, 0, 1}, pop:transfer_function(ann.array{0, 1, 2, 3}, 2):totable())
  end)
end)

describe("Ctrl-C", function()
  it("stops simulate at a step boundary with an error, leaving the network usable", function()
    local script = os.tmpname()
    local f = assert(io.open(script, "w"))
    f:write([[
      local ann = require("annarchy")
      local net = ann.Network{}
      local pop = net:create(1000, ann.Neuron{equations = "r += 1"})
      net:compile{silent = true}
      io.stdout:write("ready\n"); io.stdout:flush()
      local ok, err = pcall(net.simulate, net, 1e9)
      print(ok, err)
      net:simulate(1)
      print("after", net.current_step == pop.r[1])
    ]])
    f:close()
    local out = io.popen(("(./annlua %s & pid=$!; sleep 1.5; kill -INT $pid; wait $pid) 2>&1"):format(script)):read("a")
    os.remove(script)
    assert.matches("false\tannarchy: simulation interrupted at t = ", out, 1, true)
    assert.matches("after\ttrue", out, 1, true)
  end)
end)

describe("memory_footprint", function()
  it("reports bytes per object", function()
    local net = ann.Network{}
    local a = net:create(1000, ann.Neuron{equations = "r = 1"})
    net:connect(a, a, "exc"):fixed_probability(0.1, ann.Uniform(0, 1))
    net:monitor(a, "r", {name = "m"})
    net:compile{silent = true}
    local fp = net:memory_footprint()
    assert.equal(2 * 8 * 1000, fp.pop0)           -- r and the weighted sum of "exc"
    assert.is_true(fp.proj0 > 0.09 * 1000 * 1000 * 12 and fp.proj0 < 0.11 * 1000 * 1000 * 12 + 100000)
    assert.equal(0, fp.m)
  end)
end)

describe("warnings", function()
  it("are silenced by config{suppress_warnings = true}", function()
    local script = os.tmpname()
    local f = assert(io.open(script, "w"))
    f:write([[
      local ann = require("annarchy")
      for _, quiet in ipairs{false, true} do
        local net = ann.Network{}
        net:config{suppress_warnings = quiet}
        local pop = net:create(2, ann.Neuron{equations = "r = sum(exc)"})
        net:compile{silent = true}
        pop:sum("nothing")
      end
    ]])
    f:close()
    local out = io.popen("./annlua " .. script .. " 2>&1"):read("a")
    os.remove(script)
    local _, count = out:gsub("WARNING: population \"pop0\" receives no projection with target 'nothing'", "")
    assert.equal(1, count)
  end)
end)

describe("get_projections", function()
  it("filters by pre, post and target", function()
    local net = ann.Network{}
    local a = net:create(2, ann.Neuron{equations = "r = sum(exc) + sum(inh)"}, {name = "a"})
    local b = net:create(2, ann.Neuron{equations = "r = sum(exc)"}, {name = "b"})
    local p1 = net:connect(a, b, "exc"):all_to_all(1.0)
    local p2 = net:connect(b, a, "inh"):all_to_all(1.0)
    local p3 = net:connect(a, a, "exc"):all_to_all(1.0)
    assert.equal(3, #net:get_projections())
    assert.same({p1, p3}, net:get_projections{pre = a})
    assert.same({p2}, net:get_projections{post = "a", target = "inh"})
    assert.same({p3}, net:get_projections{pre = a, post = a})
    assert.has_error(function() net:get_projections{target = "nmda"} end,
      "annarchy: Network:get_projections(): no projection matches the given pre, post and target")
    assert.same({}, net:get_projections{target = "nmda", suppress_error = true})
    assert.has_error(function() net:get_projections{prre = a} end)
  end)
end)

describe("global functions", function()
  it("ann.functions evaluates with the global constants or a network's", function()
    ann.Constant("k_fn_spec", 3)
    ann.add_function("scaled_spec(x) = k_fn_spec * x")
    assert.equal(6, ann.functions("scaled_spec")(2))
    local net = ann.Network{}
    net:constant("k_fn_spec", 5)
    assert.equal(10, ann.functions("scaled_spec", net)(2))
    local pop = net:create(1, ann.Neuron{equations = "r = scaled_spec(2.0)"})
    net:compile{silent = true}
    net:step()
    assert.equal(10, pop.r[1])
    assert.has_error(function() ann.functions("nope_spec") end)
  end)
end)
