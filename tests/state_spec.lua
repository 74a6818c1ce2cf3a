-- Saving and loading state (reference-core §11.4, reference-library §10.1-10.2; docs/saving.md):
-- the file format (safetensors container, codecs, JSON), net/pop/proj save and load, partial
-- files, connectivity re-initialised from a file, errors, monitors and the JSON parameters.
local ann = require("annarchy")
local state = require("annarchy.io.state")
local codec = require("annarchy.io.codec")
local monitor_file = require("annarchy.io.monitor_file")
local json = require("annarchy.io.json")

local support = dofile("tests/support.lua")
local read_bytes, write_bytes = support.read_bytes, support.write_bytes
local function tmp() return support.tmp(".ann") end

local function flat(v)
  if type(v) == "number" or type(v) == "boolean" then return {v} end
  if ann.is_array(v) then return v:flatten():totable() end
  local out = {}
  for _, x in ipairs(v) do
    for _, y in ipairs(flat(x)) do out[#out + 1] = y end
  end
  return out
end

local function same(a, b, what)
  local x, y = flat(a), flat(b)
  assert.equal(#x, #y, what)
  for i = 1, #x do
    if x[i] ~= y[i] then
      error(("%s: element %d differs: %s vs %s"):format(what or "values", i, tostring(x[i]), tostring(y[i])), 2)
    end
  end
end

--- Silences stderr warnings while fn runs; returns what was written.
local function capture_warnings(fn)
  local real = io.stderr
  local out = {}
  io.stderr = {write = function(_, ...) for _, s in ipairs{...} do out[#out + 1] = s end end}   -- luacheck: ignore
  local ok, err = pcall(fn)
  io.stderr = real   -- luacheck: ignore
  if not ok then error(err, 0) end
  return table.concat(out)
end

-- A rate-coded network with global, local and semiglobal attributes, built the same way for
-- every test (the same script: another network of the same seed has the same connectivity).
local Rate = ann.Neuron{
  parameters = "tau = 10.0\nbaseline = 0.5 : population\non = true : population",
  equations = "tau * dr/dt + r = baseline + sum(exc) + Uniform(-0.1, 0.1)",
  name = "Rate",
}
local Learn = ann.Synapse{
  parameters = "eta = 0.01 : projection\nk = 1.0 : postsynaptic",
  equations = "dw/dt = eta * pre.r * post.r * k : min = 0.0, max = 2.0",
  psp = "w * pre.r",
  name = "Learn",
}

local function rate_net(seed, opts)
  opts = opts or {}
  local net = ann.Network{seed = seed or 1}
  local a = net:create({3, 4}, Rate, {name = "a"})
  local b = net:create(8, Rate, {name = "b"})
  local p = net:connect(a, b, "exc", {synapse = Learn, name = "ab"})
  p:fixed_probability(0.5, ann.Uniform(0, 0.5), {delays = opts.delays})
  net:compile{compiler = "tcc", silent = true}
  return net, a, b, p
end

local function snapshot(net)
  local out = {time = net.time}
  for _, pop in ipairs(net:get_populations()) do
    for _, name in ipairs(pop.attributes) do out[pop.name .. "." .. name] = flat(pop[name]) end
  end
  for _, proj in ipairs(net:get_projections()) do
    out[proj.name .. ".pre_ranks"] = flat(proj.pre_ranks)
    out[proj.name .. ".post_ranks"] = flat(proj.post_ranks)
    out[proj.name .. ".delay"] = flat(proj.delay)
    for _, name in ipairs(proj.attributes) do out[proj.name .. "." .. name] = flat(proj[name]) end
  end
  return out
end

local function same_snapshot(s1, s2)
  for k, v in pairs(s1) do
    if type(v) == "number" then assert.equal(v, s2[k], k) else same(v, s2[k], k) end
  end
  for k in pairs(s2) do assert.is_not_nil(s1[k], k) end
end

describe("state files: the container", function()
  it("is a safetensors file: length, JSON header with __metadata__, contiguous arrays #lua54", function()
    local net = rate_net(1)
    net:simulate(5)
    local file = tmp()
    net:save(file)
    local s = read_bytes(file)
    local n = string.unpack("<I8", s)
    assert.equal(0, n % 8)
    assert.equal("{", s:sub(9, 9))
    local header = json.decode(s:sub(9, 8 + n))
    assert.equal("annlua-state", header.__metadata__.format)
    assert.equal("2", header.__metadata__.version)
    local desc = json.decode(header.__metadata__.annlua)
    assert.equal("network", desc.kind)
    assert.equal(5, desc.time_step)
    assert.same({"a", "b"}, {desc.obj_names.populations[1], desc.obj_names.populations[2]})
    assert.same({"ab"}, {desc.obj_names.projections[1]})
    local pa = desc.populations.a
    assert.same({3, 4}, {pa.geometry[1], pa.geometry[2]})
    assert.equal(12, pa.size)
    assert.same({"tau", "baseline", "on", "r"}, {pa.attributes[1], pa.attributes[2], pa.attributes[3], pa.attributes[4]})
    local ends = {}
    local total = 0
    for name, e in pairs(header) do
      if name ~= "__metadata__" then
        ends[#ends + 1] = e.data_offsets
        total = total + e.data_offsets[2] - e.data_offsets[1]
      end
    end
    table.sort(ends, function(x, y) return x[1] < y[1] end)
    local pos = 0
    for _, o in ipairs(ends) do
      assert.equal(pos, o[1])
      pos = o[2]
    end
    assert.equal(#s, 8 + n + total)
    -- the values are little-endian float64, as documented
    local e = header["populations/b/r"]
    assert.same({8}, {e.shape[1]})
    local first = string.unpack("<d", s, 8 + n + e.data_offsets[1] + 1)
    assert.equal(net:get_population("b").r[1], first)
    os.remove(file)
  end)

  it("both codecs write the same bytes and read back every double exactly #lua54", function()
    local values = {0.0, -0.0, 1.0, -1.5, 0.1, 1 / 3, 2 ^ -1074, 2 ^ -1022, 2 ^ -1022 * 1.5,
      1.7976931348623157e308, -1.7976931348623157e308, math.huge, -math.huge, 123456789.123, 5e-324,
      2 ^ 52 + 1, -2 ^ 53, 4.9406564584124654e-324 * 3}
    local seedv = 12345
    for _ = 1, 2000 do
      seedv = (seedv * 1103515245 + 12345) % 2147483648
      local m = seedv / 2147483648
      seedv = (seedv * 1103515245 + 12345) % 2147483648
      values[#values + 1] = (m - 0.5) * 2 ^ (seedv % 2000 - 1000)
    end
    local native, pure = codec._codecs.native, codec._codecs.pure
    local bn = native.pack("F64", values, #values)
    local bp = pure.pack("F64", values, #values)
    assert.equal(bn, bp)
    local back_n = native.unpack("F64", bn, 1, #values)
    local back_p = pure.unpack("F64", bn, 1, #values)
    for i, v in ipairs(values) do
      assert.equal(v, back_n[i])
      assert.equal(v, back_p[i])
      if v == 0 then assert.equal(1 / v, 1 / back_p[i]) end   -- the sign of zero
    end
    local nan = pure.unpack("F64", pure.pack("F64", {0 / 0}, 1), 1, 1)[1]
    assert.is_true(nan ~= nan)
    local ints = {0, 1, -1, 255, 256, -256, 2 ^ 31 - 1, -2 ^ 31, 2 ^ 53, -2 ^ 53}
    assert.equal(native.pack("I64", ints, #ints), pure.pack("I64", ints, #ints))
    local small = {0, 1, -1, 255, 256, -256, 2 ^ 31 - 1, -2 ^ 31}
    assert.equal(native.pack("I32", small, #small), pure.pack("I32", small, #small))
    same(small, pure.unpack("I32", native.pack("I32", small, #small), 1, #small))
  end)

  it("a file written with the pure codec loads with the native one", function()
    local net, _, b, p = rate_net(2)
    net:simulate(3)
    local before = snapshot(net)
    local file = tmp()
    codec._use_codec("pure")
    local ok, err = pcall(net.save, net, file)
    codec._use_codec("native")
    assert(ok, err)
    b.r = 0.0
    p.w = 0.0
    net:load(file)
    same_snapshot(before, snapshot(net))
    os.remove(file)
  end)
end)

describe("json", function()
  it("writes the shortest exact numbers, sorted keys, and reads them back", function()
    local t = {b = {1, 2.5, 0.1, 1 / 3, -0.0}, a = true, c = "x\"y\n\1", d = json.array({}), e = {}}
    local text = json.encode(t)
    assert.equal('{"a":true,"b":[1,2.5,0.1,0.3333333333333333,0],"c":"x\\"y\\n\\u0001","d":[],"e":{}}', text)
    local back = json.decode(text)
    assert.equal(1 / 3, back.b[4])
    assert.equal("x\"y\n\1", back.c)
    assert.same({}, back.d)
    assert.equal(text, json.encode(back))
  end)

  it("reads Python's NaN and Infinity, unicode escapes; rejects bad text with a position", function()
    local v = json.decode('[NaN, Infinity, -Infinity, "\\u00e9\\ud83d\\ude00", 1e3, -0.5E-2]')
    assert.is_true(v[1] ~= v[1])
    assert.equal(math.huge, v[2])
    assert.equal(-math.huge, v[3])
    assert.equal("\195\169\240\159\152\128", v[4])
    assert.equal(1000, v[5])
    assert.equal(-0.005, v[6])
    local ok, err = pcall(json.decode, '{\n  "a": [1, 2,]\n}')
    assert.is_false(ok)
    assert.matches("line 2, column 14", err)
    assert.is_false((pcall(json.decode, '{"a": 1} x')))
    assert.is_false((pcall(json.decode, '{"a": 01}')))
    assert.is_false((pcall(json.decode, '{"a": 1, "a": 2}')))
    assert.is_false((pcall(json.decode, '"abc')))
  end)
end)

describe("Network:save and Network:load", function()
  it("round trip: save, change everything, load, compare exactly", function()
    local net, a, b, p = rate_net(3)
    net:simulate(20)
    local before = snapshot(net)
    local file = tmp()
    net:save(file)
    net:simulate(7)
    a.tau = 3.0
    a.baseline = 2.0
    a.on = false
    b.r = 0.25
    p.w = 0.125
    p.eta = 0.5
    p.k = 2.0
    net:load(file)
    same_snapshot(before, snapshot(net))
    assert.equal(20, net.current_step)
    os.remove(file)
  end)

  it("a loaded network continues exactly as the saved one did (rate-coded, no delays)", function()
    local net, _, b, p = rate_net(4)
    net:simulate(15)
    local file = tmp()
    net:save(file)
    net:simulate(10)
    local r_then, w_then = flat(b.r), flat(p.w)
    net:load(file)
    net:simulate(10)
    same(r_then, b.r, "r after load")
    same(w_then, p.w, "w after load")
    -- another network built by the same script
    local net2, _, b2, p2 = rate_net(4)
    net2:load(file)
    assert.equal(15, net2.current_step)
    net2:simulate(10)
    same(r_then, b2.r, "r in the second network")
    same(w_then, p2.w, "w in the second network")
    os.remove(file)
  end)

  it("re-initialises a projection whose connectivity differs from the file's", function()
    local net, _, _, p = rate_net(5)
    net:simulate(5)
    local before = snapshot(net)
    local file = tmp()
    net:save(file)
    local net2, _, _, p2 = rate_net(6)     -- another seed: other synapses
    assert.is_false(p.nb_synapses == p2.nb_synapses and
      table.concat(flat(p.pre_ranks), ",") == table.concat(flat(p2.pre_ranks), ","))
    net2:load(file)
    same_snapshot(before, snapshot(net2))
    same(p.pre_ranks, p2.pre_ranks)
    -- the rebuilt projection transmits: sum(exc) after one step is the sum of w * pre.r
    local a2, b2 = net2:get_population("a"), net2:get_population("b")
    local r, w, pre, post = flat(a2.r), p2.w, p2.pre_ranks, p2.post_ranks
    net2:step()
    local sums = flat(b2:sum("exc"))
    for d = 1, #post do
      local expected = 0.0
      for k = 1, #pre[d] do expected = expected + w[d][k] * r[pre[d][k]] end
      assert.is_true(math.abs(sums[post[d]] - expected) < 1e-12, "dendrite " .. d)
    end
    os.remove(file)
  end)

  it("restores per-synapse delays, spiking state, event-driven traces and refractory periods", function()
    local function build(seed)
      local net = ann.Network{seed = seed, dt = 0.5}
      local inp = net:create(ann.PoissonPopulation(40, {rates = 50.0}))
      local LIF = ann.Neuron{parameters = "tau = 10.0", equations = "tau * dv/dt = -v + g_exc",
        spike = "v > 1.0", reset = "v = 0.0", refractory = 2.0, name = "LIF"}
      local out = net:create(10, LIF, {name = "out"})
      local p = net:connect(inp, out, "exc", {synapse = ann.STDP, name = "stdp"})
      p:fixed_probability(0.5, ann.Uniform(0.1, 0.5), {delays = ann.Uniform(0.5, 3.0)})
      net:compile{compiler = "tcc", silent = true}
      return net, out, p
    end
    local net, out, p = build(7)
    out.refractory = ann.Uniform(1.0, 4.0)
    net:simulate(100)
    local before = snapshot(net)
    local refr = flat(out.refractory)
    local file = tmp()
    net:save(file)
    net:simulate(50)
    p.delay = 1.5
    out.refractory = 1.0
    net:load(file)
    same_snapshot(before, snapshot(net))
    same(refr, out.refractory, "refractory")
    local last = state.read(file).get("projections/stdp/_last_event")
    assert.equal(p.nb_synapses, last.size)
    assert.is_true(last:max() > 0)          -- the traces' last events are kept
    -- into another network of the same script with another seed: connectivity from the file
    local net2, out2, p2 = build(8)
    local warned = capture_warnings(function() net2:load(file) end)
    assert.matches('projection "stdp": its connectivity is loaded anew from ', warned, 1, true)
    assert.matches("its spikes in flight are dropped", warned, 1, true)
    same_snapshot(before, snapshot(net2))
    same(refr, out2.refractory, "refractory")
    same(p.delay, p2.delay, "delays")
    os.remove(file)
  end)

  it("{populations = false} and {projections = false} limit what is saved and loaded", function()
    local net, a, b, p = rate_net(9)
    net:simulate(5)
    local file = tmp()
    net:save(file, {projections = false})
    local f = state.read(file)
    assert.is_nil(f.meta.projections.ab)
    assert.is_not_nil(f.meta.populations.a)
    local r = flat(b.r)
    p.w = 0.0
    b.r = 1.0
    capture_warnings(function() net:load(file) end)      -- "holds no projection named ab"
    same(r, b.r)
    same({0.0}, {flat(p.w)[1]})
    p.w = 0.25
    net:save(file)
    p.w = 0.5
    a.r = 3.0
    net:load(file, {populations = false})
    same({0.25}, {flat(p.w)[1]})
    same({3.0}, {flat(a.r)[1]})
    os.remove(file)
  end)

  it("partial files: a population's file loads into the network, the rest keeps its state", function()
    local net, a, b, p = rate_net(10)
    net:simulate(5)
    local file = tmp()
    a:save(file)
    local ra = flat(a.r)
    a.r = 9.0
    b.r = 7.0
    local w = flat(p.w)
    local warned = capture_warnings(function() net:load(file) end)
    same(ra, a.r)
    same({7.0}, {flat(b.r)[1]})
    same(w, p.w)
    assert.matches('holds no population named "b"', warned)
  end)

  it("skips variables that the file lacks with a warning, and the file's unknown ones", function()
    local net = ann.Network{seed = 1}
    local N1 = ann.Neuron{parameters = "tau = 10.0", equations = "tau * dr/dt + r = 1.0", name = "N1"}
    local pop = net:create(5, N1, {name = "pop"})
    net:compile{compiler = "tcc", silent = true}
    net:simulate(3)
    local file = tmp()
    net:save(file)
    local r = flat(pop.r)
    local net2 = ann.Network{seed = 1}
    local N2 = ann.Neuron{parameters = "tau = 10.0\ngain = 2.0", equations = "tau * dr/dt + r = gain\nx = r",
      name = "N2"}
    local pop2 = net2:create(5, N2, {name = "pop"})
    net2:compile{compiler = "tcc", silent = true}
    pop2.gain = 3.0
    local warned = capture_warnings(function() net2:load(file) end)
    same(r, pop2.r)
    assert.equal(3.0, flat(pop2.gain)[1])
    assert.matches("'gain' is not in", warned)
    assert.matches("'x' is not in", warned)
    os.remove(file)
  end)
end)

describe("loading errors leave the network unchanged", function()
  local function expect_error(fn, pattern)
    local ok, err = pcall(fn)
    assert.is_false(ok)
    assert.matches(pattern, err)
    return err
  end

  it("a missing file, a truncated file, a foreign file, a newer version #lua54", function()
    local net, _, b, p = rate_net(11)
    net:simulate(5)
    local file = tmp()
    net:save(file)
    net:simulate(5)
    local before = snapshot(net)
    expect_error(function() net:load(file .. ".missing") end, "cannot open")
    local s = read_bytes(file)
    local cut = tmp()
    write_bytes(cut, s:sub(1, #s - 100))
    local err = expect_error(function() net:load(cut) end, "truncated")
    assert.matches(cut, err, 1, true)
    write_bytes(cut, s:sub(1, 20))
    expect_error(function() net:load(cut) end, "truncated")
    write_bytes(cut, "")
    expect_error(function() net:load(cut) end, "not an annlua state file")
    write_bytes(cut, "return {post_ranks = {1, 2}}\n")
    expect_error(function() net:load(cut) end, "not an annlua state file")
    local other = '{"__metadata__":{"format":"pt"}}'
    write_bytes(cut, string.pack("<I8", #other) .. other)
    expect_error(function() net:load(cut) end, "not an annlua state file")
    write_bytes(cut, (s:gsub('"version":"2"', '"version":"9"', 1)))
    expect_error(function() net:load(cut) end, "newer annlua")
    write_bytes(cut, s .. "xx")
    expect_error(function() b:load(cut) end, "unexpected bytes")
    expect_error(function() p:load(cut) end, "unexpected bytes")
    same_snapshot(before, snapshot(net))
    os.remove(cut)
    os.remove(file)
  end)

  it("wrong object names, other sizes and delays the network was not built with", function()
    local net, _, _, p = rate_net(12)
    net:simulate(5)
    local file = tmp()
    net:save(file)
    -- no object of the file in this network
    local other = ann.Network{seed = 1}
    local x = other:create(4, Rate, {name = "x"})
    other:compile{compiler = "tcc", silent = true}
    capture_warnings(function()
      expect_error(function() other:load(file) end, "holds no population or projection of this network")
    end)
    -- several populations, none of this name
    expect_error(function() x:load(file) end, 'no population named "x"')
    -- a population of another size (planned after "a", which is unchanged)
    local big = ann.Network{seed = 1}
    local a3 = big:create({3, 4}, Rate, {name = "a"})
    big:create(9, Rate, {name = "b"})
    big:compile{compiler = "tcc", silent = true}
    local r3 = flat(a3.r)
    capture_warnings(function()
      expect_error(function() big:load(file) end, "has 9 neurons")
    end)
    same(r3, a3.r)
    -- per-synapse delays into a projection compiled without delays
    local netd, _, _, pd = rate_net(12, {delays = ann.Uniform(1, 4)})
    local dfile = tmp()
    netd:save(dfile)
    net:simulate(2)
    local before = snapshot(net)
    expect_error(function() net:load(dfile) end, "compiled without delays")
    expect_error(function() p:load(dfile) end, "compiled without delays")
    same_snapshot(before, snapshot(net))
    -- and uniform delays: per-synapse ones cannot be stored
    local _, _, _, pu = rate_net(12, {delays = 2.0})
    expect_error(function() pu:load(dfile) end, "uniform delays")
    pd.delay = 3.0
    local ufile = tmp()
    pd:save(ufile)
    pu:load(ufile)
    assert.equal(3.0, pu.delay)
    os.remove(file)
    os.remove(dfile)
    os.remove(ufile)
  end)

  it("before compile: save and load are errors", function()
    local net = ann.Network{}
    local pop = net:create(3, Rate)
    expect_error(function() net:save(tmp()) end, "not compiled")
    expect_error(function() net:load(tmp()) end, "not compiled")
    expect_error(function() pop:save(tmp()) end, "not compiled")
  end)

  it("a file that cannot be written", function()
    local net = rate_net(1)
    expect_error(function() net:save("/nonexistent-dir/x.ann") end, "cannot write")
  end)
end)

describe("Population, Projection: save, load, save_connectivity, from_file", function()
  it("pop:save / pop:load, also into a population of another name", function()
    local net, a, b = rate_net(13)
    net:simulate(5)
    local file = tmp()
    a:save(file)
    local r = flat(a.r)
    a.r = 0.0
    a.baseline = 5.0
    a:load(file)
    same(r, a.r)
    assert.equal(0.5, a.baseline)
    -- b has another size
    local ok, err = pcall(b.load, b, file)
    assert.is_false(ok)
    assert.matches("has 8 neurons", err)
    local other = ann.Network{}
    local c = other:create(12, Rate, {name = "c"})
    other:compile{compiler = "tcc", silent = true}
    c:load(file)
    same(r, c.r)
    os.remove(file)
  end)

  it("proj:save / proj:load: values, delays, and another connectivity", function()
    local _, _, _, p = rate_net(14, {delays = ann.Uniform(1, 4)})
    local file = tmp()
    p.w = ann.Uniform(0, 1)
    p:save(file)
    local w, d, pre = flat(p.w), flat(p.delay), flat(p.pre_ranks)
    p.w = 0.0
    p.delay = 1.0
    p:load(file)
    same(w, p.w)
    same(d, p.delay)
    local _, _, _, q = rate_net(15, {delays = ann.Uniform(1, 4)})
    q:load(file)
    same(pre, q.pre_ranks)
    same(w, q.w)
    same(d, q.delay)
    os.remove(file)
  end)

  it("save_connectivity and from_file: ranks, weights, per-synapse delays", function()
    local _, _, _, p = rate_net(16, {delays = ann.Uniform(1, 4)})
    local file = tmp()
    p:save_connectivity(file)
    local f = state.read(file)
    assert.equal("connectivity", f.meta.kind)
    assert.same({"w"}, {f.meta.projections.ab.attributes[1], f.meta.projections.ab.attributes[2]})
    local net2 = ann.Network{}
    local a2 = net2:create({3, 4}, Rate)
    local b2 = net2:create(8, Rate)
    local p2 = net2:connect(a2, b2, "exc"):from_file(file)
    net2:compile{compiler = "tcc", silent = true}
    same(p.pre_ranks, p2.pre_ranks)
    same(p.post_ranks, p2.post_ranks)
    same(p.w, p2.w)
    same(p.delay, p2.delay)
    -- a whole network's file works too (the projection of the same name)
    local net3 = ann.Network{}
    local a3 = net3:create({3, 4}, Rate, {name = "a"})
    local b3 = net3:create(8, Rate, {name = "b"})
    local p3 = net3:connect(a3, b3, "exc", {name = "ab"}):from_file(file)
    net3:compile{compiler = "tcc", silent = true}
    same(p.w, p3.w)
    -- populations of other sizes
    local net4 = ann.Network{}
    local a4 = net4:create(5, Rate)
    local ok, err = pcall(function() net4:connect(a4, a4, "exc"):from_file(file) end)
    assert.is_false(ok)
    assert.matches("saved for populations of 12 and 8 neurons", err)
    os.remove(file)
  end)

  it("10^6 synapses save and load within a second or so each", function()
    local net = ann.Network{seed = 1}
    local a = net:create(1000, Rate, {name = "a"})
    local b = net:create(1000, Rate, {name = "b"})
    local p = net:connect(a, b, "exc", {synapse = Learn, name = "ab"}):all_to_all(ann.Uniform(0, 1))
    net:compile{compiler = "tcc", silent = true}
    local file = tmp()
    local t0 = os.clock()
    net:save(file)
    local t1 = os.clock()
    local w = p:dendrite(500).w:totable()
    p.w = 0.0
    net:load(file)
    local t2 = os.clock()
    same(w, p:dendrite(500).w)
    assert.is_true(t1 - t0 < 3, ("save took %.2f s"):format(t1 - t0))
    assert.is_true(t2 - t1 < 3, ("load took %.2f s"):format(t2 - t1))
    os.remove(file)
  end)
end)

describe("Monitor:save", function()
  it("writes the recordings, periods and segments; read_monitor gives them back", function()
    local net = ann.Network{seed = 2}
    local inp = net:create(ann.PoissonPopulation(20, {rates = 100.0}))
    local LIF = ann.Neuron{parameters = "tau = 10.0", equations = "tau * dv/dt = -v + g_exc",
      spike = "v > 0.5", reset = "v = 0.0", name = "LIF"}
    local out = net:create({2, 3}, LIF, {name = "out"})
    local p = net:connect(inp, out, "exc", {name = "p"}):all_to_all(0.2, {force_multiple_weights = true})
    local m = net:monitor(out, {"v", "spike"}, {period = 2.0})
    local mp = net:monitor(p, "w", {period = 10.0})
    net:compile{compiler = "tcc", silent = true}
    net:simulate(50)
    m:pause()
    net:simulate(10)
    m:resume()
    net:simulate(20)
    local file = tmp()
    local v = m:get("v", {keep = true})
    local spikes = m:get("spike", {keep = true})
    m:save(file)
    local saved = monitor_file.read_monitor(file)
    assert.equal("out", saved.object)
    assert.equal(2.0, saved.period)
    assert.same({0, 60}, {saved.start[1], saved.start[2]})
    assert.same({50, 80}, {saved.stop[1], saved.stop[2]})
    assert.same(v.shape, saved.data.v.shape)
    same(v, saved.data.v)
    for rank = 1, 6 do same(spikes[rank], saved.data.spike[rank], "spikes of " .. rank) end
    -- keep = false (the default) empties the monitor, as get does
    assert.equal(0, m:get("v").shape[1])
    local w = mp:get("w", {keep = true})
    mp:save(file, {keep = true})
    local saved_p = monitor_file.read_monitor(file)
    assert.equal(#w, #saved_p.data.w)
    for k = 1, #w do same(w[k], saved_p.data.w[k]) end
    assert.equal(#w, #mp:get("w"))
    os.remove(file)
  end)
end)

describe("save_parameters and load_parameters", function()
  it("writes the reference's structure: global parameters, network, constants", function()
    local net, a = rate_net(17)
    net:constant("gain", 2.5)
    a.baseline = 0.75
    local file = tmp()
    net:save_parameters(file)
    local text = read_bytes(file)
    assert.matches('\n    "populations": {', text, 1, true)
    local t = json.decode(text)
    assert.same({"constants", "network", "populations", "projections"}, (function()
      local keys = {}
      for k in pairs(t) do keys[#keys + 1] = k end
      table.sort(keys)
      return keys
    end)())
    assert.same({baseline = 0.75, on = true}, t.populations.a)
    assert.same({baseline = 0.5, on = true}, t.populations.b)
    assert.same({eta = 0.01}, t.projections.ab)
    assert.same({}, t.network)
    assert.equal(2.5, t.constants.gain)
    os.remove(file)
  end)

  it("loads parameters, constants and returns the network table", function()
    local net, a, b, p = rate_net(18)
    local c = net:constant("gain", 1.0)
    local file = tmp()
    write_bytes(file, json.encode({
      populations = {a = {baseline = 1.25, on = false, tau = 4.0}, nope = {x = 1}},
      projections = {ab = {eta = 0.5, k = 3.0}},
      network = {pop1_r_min = 0.1, n = 3},
      constants = {gain = 4.0, missing = 1.0},
    }))
    local result
    local warned = capture_warnings(function() result = net:load_parameters(file) end)
    assert.equal(1.25, a.baseline)
    assert.is_false(a.on)
    assert.equal(10.0, flat(a.tau)[1])              -- local: skipped with global_only
    assert.equal(0.5, p.eta)
    assert.equal(1.0, flat(p.k)[1])
    assert.equal(4.0, c.value)
    assert.same({pop1_r_min = 0.1, n = 3.0}, result)
    assert.matches("not global", warned)
    assert.matches('no population named "nope"', warned)
    assert.matches('no constant named "missing"', warned)
    capture_warnings(function() net:load_parameters(file, {global_only = false}) end)
    assert.equal(4.0, flat(a.tau)[1])
    assert.equal(3.0, flat(p.k)[1])
    assert.is_not_nil(b)
    os.remove(file)
  end)

  it("round trip through save_parameters; bad files change nothing", function()
    local net, a = rate_net(19)
    local file = tmp()
    a.baseline = 0.125
    net:save_parameters(file)
    a.baseline = 9.0
    net:load_parameters(file)
    assert.equal(0.125, a.baseline)
    write_bytes(file, '{"populations": {"a": {"baseline": 3.0}, "b": {"baseline": [1, 2]}}}')
    local ok, err = pcall(net.load_parameters, net, file)
    assert.is_false(ok)
    assert.matches("arrays are not allowed", err)
    assert.equal(0.125, a.baseline)
    write_bytes(file, '{"populations": {"a": {"baseline": 3.0,}}}')
    ok, err = pcall(net.load_parameters, net, file)
    assert.is_false(ok)
    assert.matches("line 1, column", err)
    assert.equal(0.125, a.baseline)
    ok, err = pcall(net.load_parameters, net, file .. ".missing")
    assert.is_false(ok)
    assert.matches("cannot open", err)
    os.remove(file)
  end)

  it("the old global API: ann.save, ann.load, ann.save_parameters, ann.load_parameters", function()
    local file, jfile = tmp(), tmp()
    capture_warnings(function()
      ann.clear()
      local pop = ann.Population(4, Rate, {name = "old"})
      ann.compile{compiler = "tcc", silent = true}
      ann.simulate(3)
      ann.save(file)
      local r = flat(pop.r)
      pop.r = 0.0
      ann.load(file)
      same(r, pop.r)
      pop.baseline = 0.75
      ann.save_parameters(jfile)
      pop.baseline = 0.0
      ann.load_parameters(jfile)
      assert.equal(0.75, pop.baseline)
      ann.clear()
    end)
    os.remove(file)
    os.remove(jfile)
  end)

  it("works before compile (initial values)", function()
    local net = ann.Network{}
    local pop = net:create(3, Rate, {name = "pop"})
    local file = tmp()
    pop.baseline = 0.3
    net:save_parameters(file)
    pop.baseline = 0.0
    net:load_parameters(file)
    assert.equal(0.3, pop.baseline)
    net:compile{compiler = "tcc", silent = true}
    assert.equal(0.3, pop.baseline)
    os.remove(file)
  end)
end)
