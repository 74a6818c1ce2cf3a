-- ann.help and the REPL's Lua side: the texts found for names, functions, models and objects;
-- plain tables printed by their contents; completions; and the REPL itself on a
-- pseudo-terminal (Python's pty module drives readline: Tab completes, help() and tables print).
-- Run from the repository root: busted --lua=./annlua tests/help_spec.lua

local ann = require("annarchy")
local help = require("annarchy.help")
help.library = ann
local repl = require("annarchy.repl")

local ANNLUA = os.getenv("ANNLUA") or "./annlua"

local function quote(s)
  return "'" .. tostring(s):gsub("'", [['\'']]) .. "'"
end

describe("ann.help", function()
  it("finds functions, methods and classes by name or by value", function()
    assert.truthy(help.text("simulate"):find("^net:simulate%(ms, {measure_time = false, progress}%)"))
    assert.truthy(help.text("Network:simulate"):find("progress bar", 1, true))
    assert.are.equal(help.text("ann.zeros"), help.text(ann.zeros))
    assert.are.equal(help.text("linspace"), help.text(ann.linspace))
    assert.truthy(help.text(ann.plot.raster):find("^ann%.plot%.raster"))
    assert.truthy(help.text(ann.Normal):find("^ann%.Normal%(mu, sigma"))
    local net = ann.Network()
    local text = help.text(net)
    assert.truthy(text:find("^ann%.Network"))
    assert.truthy(text:find("members: .*simulate%(%)"))
    local pop = net:create(4, ann.Izhikevich)
    assert.truthy(help.text(pop):find("^A Population"))
    assert.truthy(help.text(ann.zeros(2)):find("^An Array"))
    assert.truthy(help.text(net:monitor(pop, "v")):find("^A Monitor"))
  end)

  it("describes built-in and user models from their definitions", function()
    local text = help.text(ann.Izhikevich)
    assert.truthy(text:find("^ann%.Izhikevich %(Izhikevich%): "))
    assert.truthy(text:find("\n  a = 0.02\n", 1, true))
    assert.truthy(text:find("spike: v > v_thresh", 1, true))
    assert.are.equal(text, help.text("Izhikevich"))
    local user = ann.Neuron{parameters = "tau = 5.0", equations = "tau * dr/dt + r = 1", name = "Mine"}
    text = help.text(user)
    assert.truthy(text:find("^a Neuron %(Mine%)"))
    assert.truthy(text:find("tau * dr/dt + r = 1", 1, true))
  end)

  it("lists everything for help() and says when there is nothing", function()
    local text = help.text(ann)
    for _, name in ipairs{"ann.Network", "ann.plot", "ann.STDP", "ann.help"} do
      assert.truthy(text:find(name, 1, true), name)
    end
    local none, err = help.text("no_such_thing")
    assert.is_nil(none)
    assert.are.equal('no documentation for "no_such_thing"; try help(ann) for the list', err)
  end)

  it("documents every public function of the module", function()
    local names = {}
    for _, name in ipairs(help.module_names()) do names[name] = true end
    for _, name in ipairs{"Network", "Neuron", "Synapse", "array", "zeros", "Uniform", "PoissonPopulation",
        "report", "raster_plot", "mean_fr", "plot", "help", "LeakyIntegrator", "IF_cond_exp", "Hebb"} do
      assert.is_true(names[name], name)
      assert.is_not_nil(ann[name], name)
    end
  end)
end)

describe("REPL printing", function()
  it("shows plain tables by their contents, truncated", function()
    assert.are.equal('{1, 2, {a = 1, b = {c = {...}}}, x = "s"}', repl.show({1, 2, {a = 1, b = {c = {d = 1}}}, x = "s"}))
    assert.are.equal("{[1.5] = 1, [true] = 2}", repl.show({[1.5] = 1, [true] = 2}))
    local big = {}
    for i = 1, 100 do big[i] = i end
    assert.truthy(repl.show(big):find(", 20, ... (100 items)}", 1, true))
    local cyc = {}
    cyc.self = cyc
    assert.are.equal("{self = {<cycle>}}", repl.show(cyc))
    assert.are.equal(400, #repl.show({("x"):rep(1000)}))
    assert.are.equal("text", repl.show("text"))
    assert.are.equal(tostring(ann.zeros(2)), repl.show(ann.zeros(2)))
  end)
end)

describe("REPL completion", function()
  setup(function()
    rawset(_G, "ann", ann)
    local net = ann.Network()
    rawset(_G, "spec_net", net)
    rawset(_G, "spec_pop", net:create(3, ann.Izhikevich))
  end)
  teardown(function()
    rawset(_G, "spec_net", nil)
    rawset(_G, "spec_pop", nil)
  end)

  it("completes the module, objects' methods and fields, and globals", function()
    assert.are.same({"ann.Network", "ann.Neuron"}, repl.complete("ann.Ne"))
    assert.are.same({"ann.plot.raster"}, repl.complete("ann.plot.ra"))
    assert.are.same({"spec_net:simulate", "spec_net:simulate_until"}, repl.complete("spec_net:simu"))
    assert.are.same({"spec_net.time"}, repl.complete("spec_net.ti"))
    assert.are.same({"spec_pop.v", "spec_pop.v_thresh"}, repl.complete("spec_pop.v"))
    assert.are.same({"string.format"}, repl.complete("string.for"))
    assert.are.same({}, repl.complete("nothing_here.x"))
    assert.are.same({}, repl.complete("ann..x"))
  end)
end)

describe("the REPL on a terminal", function()
  local driver = [==[
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.environ["HOME"] = sys.argv[2]
    os.execv(sys.argv[1], [sys.argv[1]])
out = b""
def drain(t):
    global out
    end = time.time() + t
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                return
drain(2.0)
for keys in sys.argv[3:]:
    os.write(fd, keys.encode())
    drain(0.5)
os.write(fd, b"\x04")
drain(2.0)
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
]==]

  it("completes with Tab, prints tables and has help()", function()
    local home = os.tmpname()
    os.remove(home)
    assert(os.execute("mkdir " .. home))
    local pyfile = os.tmpname()
    local f = assert(io.open(pyfile, "w"))
    f:write(driver)
    f:close()
    local cmd = ("/usr/bin/python3 %s %s %s %s %s %s"):format(pyfile, quote(ANNLUA), home,
      quote("x = ann.Netw\t\n"), quote("print(x == ann.Network)\n"), quote("{1, {2}, k = 'v'}\nhelp('step')\n"))
    local p = io.popen(cmd)
    local out = p:read("a")
    p:close()
    os.remove(pyfile)
    os.execute("rm -rf " .. home)
    assert.truthy(out:find("x = ann.Network\r\n", 1, true), out)
    assert.truthy(out:find("true\r\n", 1, true), out)
    assert.truthy(out:find('{1, {2}, k = "v"}\r\n', 1, true), out)
    assert.truthy(out:find("net:step(): one step.", 1, true), out)
  end)
end)
