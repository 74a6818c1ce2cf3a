-- The LuaJIT side of the runtime: zero-copy views (annarchy.ffi) under LuaJIT, the message
-- under Lua 5.4, and the closed-loop examples run by luajit and LÖVE.
-- Tags: #luajit runs under LuaJIT only, #annlua under Lua 5.4 only (tests/run).
local ann = require("annarchy")
local annffi = require("annarchy.ffi")

local LUA_PATH = "LUA_PATH='lua/?.lua;lua/?/init.lua;;' "

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("*a")
  p:close()
  return out
end

local function leaky(n)
  local net = ann.Network{dt = 0.5, seed = 7}
  local pop = net:create(n, ann.Neuron{
    parameters = "tau = 10.0\n I = 0.0\n g = 1.0 : population",
    equations = "tau * dv/dt = -v + I : init = 0.0\n r = v",
  })
  return net, pop
end

describe("annarchy.ffi #luajit", function()
  it("views read and write the values the kernels use, without copying", function()
    local net, pop = leaky(3)
    net:compile()
    local input, v = annffi.view(pop, "I"), annffi.view(pop, "v")
    input[0], input[1], input[2] = 10.0, 20.0, -5.0
    annffi.step(net, 2)
    -- explicit Euler, dt/tau = 0.05: v1 = 0.05 I, v2 = v1 + 0.05 (I - v1) = 0.0975 I
    for i, x in ipairs({10.0, 20.0, -5.0}) do
      assert.is_true(math.abs(v[i - 1] - 0.0975 * x) < 1e-12, tostring(v[i - 1]))
    end
    assert.are.same(pop.v:totable(), {v[0], v[1], v[2]})
    v[1] = 100.0                                 -- a write is what the front end then reads
    assert.are.equal(100.0, pop.v[2])
    assert.are.equal(2, net.current_step)
  end)

  it("lists the ranks that spiked in the last step without copying", function()
    local net = ann.Network{dt = 1.0, seed = 1}
    local pop = net:create(4, ann.Neuron{
      parameters = "I = 0.0", equations = "dv/dt = I : init = 0.0", spike = "v >= 1.0", reset = "v = 0.0",
    })
    net:compile()
    local input = annffi.view(pop, "I")
    input[1], input[3] = 1.0, 0.5         -- neuron 1 reaches 1 in one step, neuron 3 in two
    annffi.step(net, 1)
    local ranks, n = annffi.spiked(pop)
    assert.are.same({1, {1}}, {n, {ranks[0]}})
    assert.are.same({2}, pop.spike)       -- the same, 1-based, copied by the front end
    annffi.step(net, 1)
    ranks, n = annffi.spiked(pop)
    assert.are.same({2, 1, 3}, {n, ranks[0], ranks[1]})
    local _, rate = leaky(2)
    assert.has_error(function() annffi.spiked(rate) end, "annarchy: annarchy.ffi.spiked: population \"pop0\" is rate-coded")
  end)

  it("gives the core's network pointer and library", function()
    local net = leaky(2)
    net:compile()
    local C = annffi.C
    assert.are.equal(0.5, C.ann_network_dt(annffi.handle(net)))
    assert.are.equal(2, C.ann_population_size(annffi.handle(net), 0))
  end)

  it("refuses a global attribute, an unknown one, a network not compiled", function()
    local net, pop = leaky(2)
    assert.has_error(function() annffi.view(pop, "v") end,
      "annarchy: annarchy.ffi.view(\"pop0\"): the network is not compiled yet")
    net:compile()
    assert.has_error(function() annffi.view(pop, "g") end,
      "annarchy: annarchy.ffi.view: 'g' of population \"pop0\" is global (one value): read and write pop.g")
    assert.has_error(function() annffi.view(pop, "w") end, "annarchy: population \"pop0\" has no attribute 'w'")
    assert.has_error(function() annffi.view({}, "v") end, "annarchy: annarchy.ffi.view: a Population expected, got table")
  end)
end)

describe("finding the core under LuaJIT #luajit", function()
  it("names a variable that points nowhere, and the library it cannot load", function()
    local out = run(LUA_PATH .. "ANNARCHY_HEADER=/nonexistent/annarchy.h luajit -e 'require(\"annarchy\")'")
    assert.matches("annarchy: ANNARCHY_HEADER=/nonexistent/annarchy.h: no such file", out, 1, true)
    out = run(LUA_PATH .. "ANNARCHY_LIB=/nonexistent.so luajit -e 'require(\"annarchy\")'")
    assert.matches("annarchy: ANNARCHY_LIB=/nonexistent.so: no such file", out, 1, true)
    out = run(LUA_PATH .. "ANNARCHY_LIB=include/annarchy.h luajit -e 'require(\"annarchy\")'")
    assert.matches("annarchy: cannot load the core library include/annarchy.h", out, 1, true)
  end)
end)

describe("annarchy.ffi under Lua 5.4 #annlua", function()
  it("says that views need LuaJIT", function()
    local net, pop = leaky(2)
    net:compile()
    local ok, err = pcall(annffi.view, pop, "v")
    assert.is_false(ok)
    assert.matches("zero-copy views need LuaJIT", err, 1, true)
  end)
end)

describe("the closed-loop examples #luajit", function()
  it("frame_loop.lua: the vehicle roams without touching a wall, the same for the same seed", function()
    local cmd = LUA_PATH .. "luajit examples/embed/frame_loop.lua 2000 42"
    local out = run(cmd)
    assert.matches("2000 frames %(20 s of network%)", out)
    assert.matches("touched a wall: false", out, 1, true)
    local positions = out:gsub("in [%d.]+ s of CPU.*$", "")
    assert.are.equal(positions, (run(cmd):gsub("in [%d.]+ s of CPU.*$", "")))
  end)

  it("the LÖVE game runs headless for 300 frames and saves a screenshot", function()
    for _, program in ipairs({"love", "xvfb-run"}) do
      if run("command -v " .. program) == "" then
        pending(program .. " is not installed (debian-packages.txt)")
        return
      end
    end
    local png = os.tmpname() .. ".png"
    run("xvfb-run -a love examples/embed/love --frames 300 --screenshot " .. png)
    local f = assert(io.open(png, "rb"), "no screenshot")
    local head = f:read(24)
    f:close()
    os.remove(png)
    assert.are.equal("\137PNG\r\n\26\n", head:sub(1, 8))
    local function be32(s) return ((s:byte(1) * 256 + s:byte(2)) * 256 + s:byte(3)) * 256 + s:byte(4) end
    assert.are.equal(960, be32(head:sub(17, 20)))
    assert.are.equal(540, be32(head:sub(21, 24)))
  end)
end)
