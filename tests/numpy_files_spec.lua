-- numpy files (docs/saving.md, docs/monitors.md, docs/arrays.md): arr:save and m:save to .npy,
-- .npz and .csv, net/pop/proj save and load through .npz archives in the reference's
-- dictionary layout. Every file is read by numpy itself (/usr/bin/python3 with Debian's
-- python3-numpy, tests/reference/numpy_dump.py: np.load with allow_pickle=False,
-- np.loadtxt), and its shapes, types and values are compared, bit for bit, with what annlua
-- holds.
local ann = require("annarchy")
local npy = require("annarchy.io.npy")
local util = require("annarchy.util")
local state = require("annarchy.io.state")
local codecs = require("annarchy.io.codec")

local support = dofile("tests/support.lua")
local tmp, read_bytes, write_bytes = support.tmp, support.read_bytes, support.write_bytes

local function unquote(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

--- What numpy reads from a file: key -> {dtype, shape (list), values (flat list)}.
local function numpy_read(file)
  local p = assert(io.popen("/usr/bin/python3 tests/reference/numpy_dump.py '" .. file .. "' 2>&1"))
  local out = p:read("*a")
  p:close()
  local arrays = {}
  for line in out:gmatch("[^\n]+") do
    local key, dtype, shape, vals = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    assert(key, "numpy could not read " .. file .. ": " .. out)
    local t = {dtype = dtype, shape = {}, values = {}}
    for d in shape:gmatch("%d+") do t.shape[#t.shape + 1] = tonumber(d) end
    for v in vals:gmatch("%S+") do
      local special = {nan = 0 / 0, inf = math.huge, ["-inf"] = -math.huge}
      t.values[#t.values + 1] = dtype:sub(2, 2) == "U" and unquote(v) or special[v] or tonumber(v)
    end
    arrays[key] = t
  end
  return arrays
end

local function flat(v)
  if type(v) == "number" or type(v) == "boolean" then return {v} end
  if ann.is_array(v) then return v:flatten():totable() end
  local out = {}
  for _, x in ipairs(v) do
    for _, y in ipairs(flat(x)) do out[#out + 1] = y end
  end
  return out
end

--- Bit for bit: NaN equals NaN, -0.0 differs from 0.0.
local function same_bits(x, y)
  if x ~= x then return y ~= y end
  if x == 0 and y == 0 then return 1 / x == 1 / y end
  return x == y
end

local function same(a, b, what)
  local x, y = flat(a), flat(b)
  assert.equal(#x, #y, what)
  for i = 1, #x do
    local xi = type(x[i]) == "boolean" and (x[i] and 1 or 0) or x[i]
    local yi = type(y[i]) == "boolean" and (y[i] and 1 or 0) or y[i]
    if not same_bits(xi, yi) then
      error(("%s: element %d differs: %s vs %s"):format(what, i, tostring(x[i]), tostring(y[i])), 2)
    end
  end
end

local function expect_error(fn, pattern)
  local ok, err = pcall(fn)
  assert.is_false(ok)
  assert.is_truthy(tostring(err):find(pattern, 1, true), tostring(err))
end

local UNWRITABLE = "/nonexistent-dir/x"

describe(".npy files", function()
  it("numpy reads float64, int32, int64, bool and unicode arrays written by annlua", function()
    local file = tmp(".npy")
    local cases = {
      {"<f8", {2, 3}, {1.5, -0.0, 1 / 3, 1e300, 5e-324, -math.huge}},
      {"<i4", {4}, {-2147483648, -1, 0, 2147483647}},
      {"<i8", {2, 2}, {-2 ^ 53, -7, 0, 2 ^ 53}},
      {"|b1", {3}, {1, 0, 1}},
      {"<f8", {}, {42.25}},
      {"<f8", {0}, {}},
    }
    for _, c in ipairs(cases) do
      util.write_file(file, {npy.encode(c[1], c[2], c[3], "test")}, "test")
      local s = read_bytes(file)
      local hlen = s:byte(9) + 256 * s:byte(10)
      assert.equal(0, (10 + hlen) % 64)         -- the data start on a multiple of 64 bytes
      local got = numpy_read(file).npy
      assert.equal(c[1], got.dtype)
      assert.same(c[2], got.shape)
      same(c[3], got.values, c[1])
    end
    util.write_file(file, {npy.encode("U", {3}, {"exc", "ä€𝄞", ""}, "test")}, "test")
    local got = numpy_read(file).npy
    assert.equal("<U3", got.dtype)
    assert.same({"exc", "ä€𝄞"}, {got.values[1], got.values[2]})
    os.remove(file)
  end)

  it("gives the same bytes with the arithmetic codec (LuaJIT has no string.pack) #lua54", function()
    local native = codecs._codecs.native
    package.loaded["annarchy.io.npy"] = nil
    codecs._codecs.native = nil
    local ok, pure = pcall(require, "annarchy.io.npy")
    codecs._codecs.native = native
    package.loaded["annarchy.io.npy"] = npy
    assert.is_true(ok, pure)
    local cases = {{"<f8", {3}, {-0.0, 1 / 3, 5e-324}}, {"<i8", {2}, {-2 ^ 53, 12}},
                   {"<i4", {2}, {-1, 2147483647}}, {"U", {2}, {"ab", "€"}}}
    for _, c in ipairs(cases) do
      local s = npy.encode(c[1], c[2], c[3], "test")
      assert.equal(s, pure.encode(c[1], c[2], c[3], "test"))
      same(npy.decode(s).values, pure.decode(s).values, c[1])
    end
  end)

  it("reads files written by numpy, in C and Fortran order #lua54", function()
    local file = tmp(".npy")
    local script = ("import numpy as np; np.save('%s', np.arange(6.0).reshape(2, 3).T)"):format(file)
    assert.is_true(os.execute("/usr/bin/python3 -c \"" .. script .. "\""))
    local a = npy.read(file)
    assert.same({3, 2}, a.shape)
    same({0, 3, 1, 4, 2, 5}, a, "transposed")
    os.remove(file)
  end)

  it("a truncated or foreign .npy file is an error naming the file", function()
    local file = tmp(".npy")
    ann.array{1, 2, 3}:save(file)
    local s = read_bytes(file)
    write_bytes(file, s:sub(1, #s - 5))
    expect_error(function() npy.read(file) end, file .. "\": truncated data: 24 bytes expected")
    write_bytes(file, "PK\3\4 not numpy")
    expect_error(function() npy.read(file) end, "not a numpy .npy file")
    os.remove(file)
  end)
end)

describe("arr:save", function()
  local a = ann.array{{1.5, -0.0, 1 / 3}, {1e300, 5e-324, 0 / 0}}

  it("writes .npy, .npz and .csv that numpy reads bit for bit", function()
    for _, ext in ipairs{".npy", ".npz", ".csv"} do
      local file = tmp(ext)
      a:save(file)
      local got = numpy_read(file)
      got = got.npy or got.arr_0 or got.csv
      assert.equal("<f8", got.dtype)
      assert.same({2, 3}, got.shape)
      same(a, got.values, ext)
      os.remove(file)
    end
  end)

  it("round trip through .npy: the same shape and the same bits", function()
    local file = tmp(".npy")
    a:save(file)
    local b = npy.read(file)
    assert.same(a.shape, b.shape)
    same(a, b, "round trip")
    os.remove(file)
  end)

  it("errors: extension, dimensions for CSV, unwritable path", function()
    expect_error(function() a:save("x.txt") end, "the file name must end in .npy, .npz or .csv")
    expect_error(function() ann.zeros{2, 2, 2}:save(tmp(".csv")) end,
      "a CSV file holds arrays of one or two dimensions, this one has 3")
    for _, ext in ipairs{".npy", ".npz", ".csv"} do
      expect_error(function() a:save(UNWRITABLE .. ext) end, "cannot write \"" .. UNWRITABLE .. ext .. "\"")
    end
  end)
end)

-- A spiking population of geometry {2, 3} with a monitor of v and spikes.
local LIF = ann.Neuron{parameters = "tau = 10.0", equations = "tau * dv/dt = -v + 1.2",
  spike = "v > 1.0", reset = "v = 0.0", name = "LIFnp"}

local function spiking()
  local net = ann.Network{seed = 3}
  local pop = net:create({2, 3}, LIF, {name = "p"})
  pop.v = ann.Uniform(0, 1)
  local m = net:monitor(pop, {"v", "spike"})
  net:compile{compiler = "tcc", silent = true}
  net:simulate(40)
  return net, pop, m
end

describe("m:save", function()
  it(".npz: one array per variable, spikes one array of steps per neuron, the segments", function()
    local _, _, m = spiking()
    local v, sp = m:get("v", {keep = true}), m:get("spike", {keep = true})
    local file = tmp(".npz")
    m:save(file)
    local got = numpy_read(file)
    assert.equal("<f8", got.v.dtype)
    assert.same({40, 2, 3}, got.v.shape)
    same(v, got.v.values, "v")
    local count = 0
    for rank = 1, 6 do
      local g = got["spike/" .. (rank - 1)]
      assert.equal("<i8", g.dtype)
      same(sp[rank], g.values, "spikes of neuron " .. rank)
      count = count + #g.values
    end
    assert.is_true(count > 0)
    same({0}, got.start.values, "start")
    same({40}, got.stop.values, "stop")
    same({1.0}, got.period.values, "period")
    -- saved without keep: the recordings are emptied
    assert.equal(0, #m:get("v"))
    os.remove(file)
  end)

  it(".npy holds one variable; .csv values one row per record, spikes one row per spike", function()
    local _, _, m = spiking()
    local v, sp = m:get("v", {keep = true}), m:get("spike", {keep = true})
    local f1, f2, f3 = tmp(".npy"), tmp(".csv"), tmp(".csv")
    m:save(f1, {variables = "v", keep = true})
    local got = numpy_read(f1).npy
    assert.same({40, 2, 3}, got.shape)
    same(v, got.values, "npy")
    m:save(f2, {variables = {"v"}, keep = true})
    got = numpy_read(f2).csv
    assert.same({40, 6}, got.shape)
    same(v, got.values, "csv")
    assert.equal("# v[0],v[1],v[2],v[3],v[4],v[5]", read_bytes(f2):match("^[^\n]*"))
    m:save(f3, {variables = "spike", keep = true})
    got = numpy_read(f3).csv
    local rows = {}
    for rank = 1, 6 do
      for _, s in ipairs(sp[rank]) do rows[#rows + 1] = {s, rank - 1} end
    end
    table.sort(rows, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[2] < y[2]) end)
    assert.same({#rows, 2}, got.shape)
    same(rows, got.values, "raster")
    for _, f in ipairs{f1, f2, f3} do os.remove(f) end
  end)

  it(".npz of a whole projection: (records, synapses), synapses in dendrite order", function()
    local R = ann.Neuron{equations = "dr/dt = (1 - r) / 10", name = "Rnp"}
    local L = ann.Synapse{equations = "dw/dt = 0.01 * pre.r", psp = "w * pre.r", name = "Lnp"}
    local net = ann.Network{seed = 1}
    local a = net:create(4, R)
    local b = net:create(3, R)
    local p = net:connect(a, b, "exc", {synapse = L}):fixed_probability(0.6, 0.5)
    local m = net:monitor(p, "w", {period = 2.0})
    net:compile{compiler = "tcc", silent = true}
    net:simulate(6)
    local w = m:get("w", {keep = true})
    local file = tmp(".npz")
    m:save(file)
    local got = numpy_read(file)
    assert.same({3, p.nb_synapses}, got.w.shape)
    same(w, got.w.values, "w")
    same({2.0}, got.period.values, "period")
    os.remove(file)
  end)

  it("errors name the monitor; a failed save keeps the recordings", function()
    local _, _, m = spiking()
    expect_error(function() m:save(tmp(".npy")) end, "a .npy file holds one variable, the monitor records 2")
    expect_error(function() m:save(tmp(".npy"), {variables = "spike"}) end,
      "spikes are one list of steps per neuron, which a .npy file cannot hold")
    expect_error(function() m:save(tmp(".csv")) end, "spikes and values cannot share a CSV file")
    expect_error(function() m:save(UNWRITABLE .. ".npz") end,
      "Monitor \"Monitor_p\": save: cannot write \"" .. UNWRITABLE .. ".npz\"")
    assert.equal(40, #m:get("v"))
  end)
end)

-- A rate-coded network with bool, int, global, local and semiglobal attributes, a projection
-- with ragged dendrites and one with dendrites of equal length.
local Rate = ann.Neuron{
  parameters = "tau = 10.0\nbaseline = 0.5 : population\non = true : population\nn = 3 : int",
  equations = "tau * dr/dt + r = baseline + sum(exc) + Uniform(-0.1, 0.1)",
  name = "RateNp",
}
local Learn = ann.Synapse{
  parameters = "eta = 0.01 : projection\nk = 1.0 : postsynaptic",
  equations = "dw/dt = eta * pre.r * post.r * k : min = 0.0, max = 2.0",
  psp = "w * pre.r",
  name = "LearnNp",
}

local function rate_net(seed, sizes)
  sizes = sizes or {{3, 4}, 8}
  local net = ann.Network{seed = seed}
  local a = net:create(sizes[1], Rate, {name = "a"})
  local b = net:create(sizes[2], Rate, {name = "b"})
  local p = net:connect(a, b, "exc", {synapse = Learn, name = "ab"})
  p:fixed_probability(0.5, ann.Uniform(0, 0.5))
  local q = net:connect(a, b, "inh", {name = "full"})
  q:all_to_all(ann.Uniform(0, 1), {force_multiple_weights = true})
  net:compile{compiler = "tcc", silent = true}
  return net, a, b, p, q
end

local function snapshot(net)
  local out = {}
  for _, pop in ipairs(net:get_populations()) do
    for _, name in ipairs(pop.attributes) do out[pop.name .. "." .. name] = flat(pop[name]) end
  end
  for _, proj in ipairs(net:get_projections()) do
    out[proj.name .. ".pre_ranks"] = flat(proj.pre_ranks)
    out[proj.name .. ".post_ranks"] = flat(proj.post_ranks)
    for _, name in ipairs(proj.attributes) do out[proj.name .. "." .. name] = flat(proj[name]) end
  end
  return out
end

local function same_snapshot(s1, s2)
  for k, v in pairs(s1) do same(v, s2[k], k) end
  for k in pairs(s2) do assert.is_not_nil(s1[k], k) end
end

describe("net:save / load with .npz", function()
  it("numpy reads the reference's dictionary with allow_pickle=False", function()
    local net, a, _, p, q = rate_net(1)
    a.n = 7
    a.on = false
    net:simulate(5)
    local file = tmp(".npz")
    net:save(file)
    local got = numpy_read(file)
    same({5}, got.time_step.values, "time_step")
    assert.same({"a", "b"}, got["obj_names/populations"].values)
    assert.same({"ab", "full"}, got["obj_names/projections"].values)
    -- populations: local attributes shaped as the geometry, typed as the attribute
    assert.same({3, 4}, got["a/r"].shape)
    assert.equal("<f8", got["a/r"].dtype)
    same(a.r, got["a/r"].values, "a.r")
    assert.equal("<i8", got["a/n"].dtype)
    same(a.n, got["a/n"].values, "a.n")
    assert.equal("|b1", got["a/on"].dtype)
    assert.same({}, got["a/on"].shape)
    same({0}, got["a/on"].values, "a.on")
    same({0.5}, got["b/baseline"].values, "b.baseline")
    assert.same({3, 4}, {got["a/geometry"].values[1], got["a/geometry"].values[2]})
    same({12}, got["a/size"].values, "a.size")
    assert.same({"tau", "baseline", "on", "n", "r"}, got["a/attributes"].values)
    assert.same({"a"}, got["a/name"].values)
    -- projections: 0-based ranks, dendrite pointers, values in synapse order
    local post = flat(p.post_ranks)
    for i = 1, #post do post[i] = post[i] - 1 end
    same(post, got["ab/post_ranks"].values, "post ranks")
    assert.equal("<i4", got["ab/pre_ranks"].dtype)
    local pre = flat(p.pre_ranks)
    for i = 1, #pre do pre[i] = pre[i] - 1 end
    same(pre, got["ab/pre_ranks"].values, "pre ranks")
    same(p.w, got["ab/w"].values, "w")
    same(p.k, got["ab/k"].values, "k (semiglobal)")
    assert.same({}, got["ab/eta"].shape)
    assert.same({"a"}, got["ab/pre"].values)
    assert.same({"exc"}, got["ab/target"].values)
    -- dendrites of equal length: 2-D, as the reference's list of lists
    assert.same({8, 12}, got["full/pre_ranks"].shape)
    assert.same({8, 12}, got["full/w"].shape)
    same(q.w, got["full/w"].values, "full.w")
    assert.is_truthy(got.__annlua__)
    os.remove(file)
  end)

  it("round trips: network, population, projection, bit for bit", function()
    local net, a, _, p = rate_net(2)
    net:simulate(5)
    local before = snapshot(net)
    local fn, fa, fp = tmp(".npz"), tmp(".npz"), tmp(".npz")
    net:save(fn)
    a:save(fa)
    p:save(fp)
    net:simulate(10)
    net:load(fn)
    assert.equal(5, net.current_step)
    same_snapshot(before, snapshot(net))
    net:simulate(10)
    a:load(fa)
    p:load(fp)
    same(before["a.r"], a.r, "a.r")
    same(before["ab.w"], p.w, "ab.w")
    -- into a network with another connectivity (another seed): rebuilt from the file
    local net2 = rate_net(9)
    net2:load(fn)
    same_snapshot(before, snapshot(net2))
    -- the same file through annlua's reader
    local f = state.read(fn)
    assert.equal("network", f.meta.kind)
    same(before["b.r"], f.get("populations/b/r"), "state.read")
    for _, x in ipairs{fn, fa, fp} do os.remove(x) end
  end)

  it("save_connectivity and from_file through .npz", function()
    local _, _, _, p = rate_net(4)
    local file = tmp(".npz")
    p:save_connectivity(file)
    local net2 = ann.Network{seed = 5}
    local a2 = net2:create({3, 4}, Rate)
    local b2 = net2:create(8, Rate)
    local p2 = net2:connect(a2, b2, "exc", {synapse = Learn, name = "ab"}):from_file(file)
    net2:compile{compiler = "tcc", silent = true}
    same(p.pre_ranks, p2.pre_ranks, "pre ranks")
    same(p.w, p2.w, "w")
    os.remove(file)
  end)

  it("errors: unwritable path, truncated or foreign archives, sizes; nothing changes #lua54", function()
    local net, a = rate_net(6)
    net:simulate(3)
    expect_error(function() net:save(UNWRITABLE .. ".npz") end,
      "Network:save: cannot write \"" .. UNWRITABLE .. ".npz\"")
    local file = tmp(".npz")
    net:save(file)
    net:simulate(3)
    local before = snapshot(net)
    local s = read_bytes(file)
    write_bytes(file, s:sub(1, math.floor(#s / 2)))
    expect_error(function() net:load(file) end, "Network:load: \"" .. file .. "\" is not a readable numpy .npz archive")
    same_snapshot(before, snapshot(net))
    assert.equal(6, net.current_step)
    -- an archive numpy wrote, without annlua's description
    local script = ("import numpy as np; np.savez('%s', r=np.zeros(12))"):format(file)
    os.execute("/usr/bin/python3 -c \"" .. script .. "\"")
    expect_error(function() a:load(file) end, "a numpy archive, but not one written by annlua")
    -- a population of another size
    local small = rate_net(6, {5, 8})
    small:save(file)
    expect_error(function() net:load(file) end, "population \"a\" has 12 neurons, the file's population \"a\" has 5")
    same_snapshot(before, snapshot(net))
    -- a member whose data were damaged: libzip's CRC check
    net:save(file)
    local flip = ("import zipfile; i = zipfile.ZipFile('%s').getinfo('a/r.npy'); "
      .. "s = bytearray(open('%s', 'rb').read()); "
      .. "s[i.header_offset + 30 + len(i.filename) + len(i.extra) + i.compress_size // 2] ^= 1; "
      .. "open('%s', 'wb').write(s)"):format(file, file, file)
    assert.is_true(os.execute("/usr/bin/python3 -c \"" .. flip .. "\""))
    net:simulate(2)
    before = snapshot(net)
    expect_error(function() net:load(file) end, "is not a readable numpy .npz archive: a/r.npy: ")
    same_snapshot(before, snapshot(net))
    assert.equal(8, net.current_step)
    os.remove(file)
  end)

  it("a population and a projection of the same name cannot share an archive", function()
    local net = ann.Network{}
    local x = net:create(3, Rate, {name = "x"})
    net:connect(x, x, "exc", {name = "x"}):all_to_all(1.0)
    net:compile{compiler = "tcc", silent = true}
    expect_error(function() net:save(tmp(".npz")) end, "a population and a projection are both named \"x\"")
  end)
end)
