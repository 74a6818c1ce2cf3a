-- luacheck: no max line length
-- The targets of the embedded-Lua fuzz harness (tests/fuzz/lua_fuzz.c): each is a function
-- of one input (a Lua string) that returns, or raises an annarchy error for bad input. Any
-- other error is a bug: lua_fuzz.c aborts on it and libFuzzer keeps the input.
--
--   model         model text: byte 1 picks a rate or spiking neuron or synapse, the rest holds
--                 its fields separated by lines "%%" (parameters, equations, spike/psp, ...);
--                 a model that analyses is built into a network, compiled by libtcc and run.
--   state         a state file (safetensors) loaded into a compiled network, then read whole.
--   npz           the same as a numpy .npz archive (libzip binding, .npy members).
--   connectivity  a connectivity file read by the from_file connector.
local ann = require("annarchy")
local state = require("annarchy.io.state")
local npz = require("annarchy.io.npz")

local T = {}

local SEP = "\n%%%%\n"
local NEURON_FIELDS = {"parameters", "equations", "spike", "reset", "functions"}
local SYNAPSE_FIELDS = {"parameters", "equations", "psp", "pre_spike", "post_spike", "functions"}

local function split(s)
  local out, start = {}, 1
  while true do
    local a, b = s:find(SEP, start)
    if not a then out[#out + 1] = s:sub(start); return out end
    out[#out + 1] = s:sub(start, a - 1)
    start = b + 1
  end
end

local function fields(names, parts)
  local d = {}
  for i, name in ipairs(names) do
    if parts[i] and parts[i] ~= "" then d[name] = parts[i] end
  end
  return d
end

-- A bug of the kernel generator is reported by the compiler as one; it is not bad input.
local function compile_and_run(net)
  local ok, err = pcall(net.compile, net, {compiler = "tcc"})
  if not ok then
    if tostring(err):find("a bug in the generated code", 1, true) then error("generated C does not compile: " .. tostring(err), 0) end
    error(err, 0)
  end
  net:simulate(2.0)
end

function T.model(input)
  if #input < 1 then return end
  local kind = input:byte(1) % 4
  local parts = split(input:sub(2))
  local net = ann.Network{dt = 0.5}
  if kind < 2 then
    local d = fields(NEURON_FIELDS, parts)
    if kind == 0 then d.spike, d.reset = nil, nil end
    local neuron = ann.Neuron(d)
    net:create(3, neuron)
  else
    local d = fields(SYNAPSE_FIELDS, parts)
    local spiking = kind == 3
    if not spiking then d.pre_spike, d.post_spike = nil, nil end
    local synapse = ann.Synapse(d)
    local neuron = spiking and ann.Izhikevich or ann.LeakyIntegrator
    local pre, post = net:create(3, neuron), net:create(2, neuron)
    local proj = net:connect(pre, post, "exc", synapse)
    proj:all_to_all{weights = 0.5}
  end
  compile_and_run(net)
end

-- One small compiled network whose state files are fuzzed: populations of a built-in spiking
-- model and a rate model, a plastic projection, a monitor.
local target_net
local function network()
  if target_net then return target_net end
  local net = ann.Network{dt = 1.0, seed = 7}
  local a = net:create(4, ann.Izhikevich, "a")
  local b = net:create(3, ann.LeakyIntegrator, "b")
  net:connect(a, a, "exc", ann.STDP, "p"):fixed_probability{probability = 0.5, weights = 0.1, delays = 2.0}
  net:connect(b, b, "exc", nil, "q"):all_to_all{weights = ann.Uniform(0.0, 1.0)}
  net:compile{compiler = "tcc"}
  target_net = net
  return net
end

-- Loads the file into the network, then reads every array it declares (a file the network
-- refuses is still read whole).
local function load_all(path)
  local net = network()
  local ok, err = pcall(net.load, net, path)
  if not ok and not tostring(err):find("^annarchy: ") then error(err, 0) end
  local f = state.read(path)
  for name in pairs(f.arrays) do f.get(name) end
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local DIR = os.getenv("ANNLUA_CACHE") or "/tmp"

function T.state(input)
  local path = DIR .. "/state.bin"
  write(path, input)
  local ok, err = pcall(load_all, path)
  os.remove(path)
  if not ok then error(err, 0) end
end

function T.npz(input)
  local path = DIR .. "/state.npz"
  write(path, input)
  local ok, err = pcall(function()
    local members = npz.read(path, "fuzz")
    for _ in pairs(members) do end
    load_all(path)
  end)
  os.remove(path)
  if not ok then error(err, 0) end
end

local fake = {_ = {name = "p", pre = {_ = {size = 4}}, post = {_ = {size = 4}}}}
function T.connectivity(input)
  local path = DIR .. "/connectivity.bin"
  write(path, input)
  local ok, err = pcall(state.connectivity_lists, fake, path)
  os.remove(path)
  if not ok then error(err, 0) end
end

return T
