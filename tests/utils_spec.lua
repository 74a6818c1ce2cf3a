-- Utilities (reference-library §5.4-5.7): report (Markdown / LaTeX, QUIRKS library 26),
-- timeit, sparse_random_matrix, sparse_delays_from_weights.
local ann = require("annarchy")
local utils = require("annarchy.utils")
local sp = require("annarchy.extensions.special_projections")

-- err(fn, text): fn fails with a message holding text.
local err = dofile("tests/support.lua").fails_with

-- Runs fn with the default output (io.write) captured; returns the text written and fn's
-- results.
local function capture(fn)
  local path = os.tmpname()
  io.output(path)
  local res = table.pack(pcall(fn))
  io.output():close()
  io.output(io.stdout)
  local f = assert(io.open(path))
  local written = f:read("a")
  f:close()
  os.remove(path)
  if not res[1] then error(res[2], 0) end
  return written, table.unpack(res, 2, res.n)
end

local function read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

local function contains(text, piece)
  assert.truthy(text:find(piece, 1, true), ("the report does not contain %q"):format(piece))
end

describe("timeit", function()
  it("runs fn once with its arguments, prints and returns the elapsed time, then fn's results", function()
    local calls = 0
    local function work(a, b)
      calls = calls + 1
      local x = 0
      for i = 1, 200000 do x = x + i % 7 end
      return a + b, x, nil, "end"
    end
    local out, elapsed, s, x, none, last = capture(function() return utils.timeit(work, 2, 3) end)
    assert.equal(1, calls)
    assert.is_number(elapsed)
    assert.is_true(elapsed > 0 and elapsed < 10)
    assert.equal(5, s)
    assert.is_number(x)
    assert.is_nil(none)
    assert.equal("end", last)
    assert.truthy(out:match("^Function function .-utils_spec%.lua:%d+%(2, 3%) took %d+%.%d%d%d%d seconds\n$"), out)
  end)

  it("the elapsed time is wall-clock time", function()
    local out, elapsed = capture(function()
      return utils.timeit(function() os.execute("sleep 0.2") end)
    end)
    assert.is_true(elapsed >= 0.19, tostring(elapsed))
    assert.truthy(out:find("took 0.2", 1, true) or out:find("took 0.3", 1, true), out)
  end)

  it("errors propagate; fn must be callable", function()
    err(function() utils.timeit(function() error("inside", 0) end) end, "inside")
    err(function() utils.timeit(42) end, "fn must be a function")
  end)
end)

describe("sparse_random_matrix", function()
  it("the from_sparse form: rows by pre rank, distinct sorted post ranks, constant weights", function()
    local m = utils.sparse_random_matrix(50, 40, 0.2, 0.5, {seed = 3})
    assert.same({"post_ranks", "pre_ranks", "weights"}, (function()
      local k = {}
      for name in pairs(m) do k[#k + 1] = name end
      table.sort(k)
      return k
    end)())
    assert.equal(#m.pre_ranks, #m.post_ranks)
    assert.equal(#m.pre_ranks, #m.weights)
    local prev_pre, prev_post = 0, 0
    for k = 1, #m.pre_ranks do
      local p, q = m.pre_ranks[k], m.post_ranks[k]
      assert.is_true(p >= 1 and p <= 50 and q >= 1 and q <= 40)
      assert.is_true(p > prev_pre or (p == prev_pre and q > prev_post), "order")
      prev_pre, prev_post = p, q
      assert.equal(0.5, m.weights[k])
    end
    -- Binomial(40, 0.2) per row: 8 on average, 400 in all
    assert.is_true(math.abs(#m.pre_ranks - 400) < 80, tostring(#m.pre_ranks))
  end)

  it("same seed, same matrix; another seed, another one; post ranks uniform", function()
    local a = utils.sparse_random_matrix(30, 30, 0.3, 1.0, {seed = 11})
    local b = utils.sparse_random_matrix(30, 30, 0.3, 1.0, {seed = 11})
    local c = utils.sparse_random_matrix(30, 30, 0.3, 1.0, {seed = 12})
    assert.same(a, b)
    assert.is_not.same(a, c)
    local m = utils.sparse_random_matrix(4000, 10, 0.5, 1.0, {seed = 5})
    local count = {}
    for _, q in ipairs(m.post_ranks) do count[q] = (count[q] or 0) + 1 end
    for q = 1, 10 do
      -- 2000 expected per post rank, standard deviation about 32
      assert.is_true(math.abs(count[q] - 2000) < 200, ("post %d: %d"):format(q, count[q]))
    end
  end)

  it("probabilities 0 and 1, population sizes, distributions as weights", function()
    assert.same({pre_ranks = {}, post_ranks = {}, weights = {}}, utils.sparse_random_matrix(5, 5, 0.0, 1.0))
    local full = utils.sparse_random_matrix(3, 4, 1.0, 2.0)
    assert.equal(12, #full.pre_ranks)
    assert.same({1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, full.post_ranks)
    local net = ann.Network{}
    local a = net:create(6, ann.Neuron{parameters = "r = 0.0"})
    local b = net:create({2, 3}, ann.Neuron{equations = "r = sum(exc)"})
    local m = utils.sparse_random_matrix(a, b, 1.0, ann.Uniform(1.0, 2.0), {seed = 1})
    assert.equal(36, #m.weights)
    local distinct = {}
    for _, w in ipairs(m.weights) do
      assert.is_true(w >= 1.0 and w <= 2.0)
      distinct[w] = true
    end
    assert.is_true(next(distinct, next(distinct)) ~= nil)
  end)

  it("errors", function()
    err(function() utils.sparse_random_matrix(5, 5, 0.1, "w") end, "weights must be a number or a random distribution")
    err(function() utils.sparse_random_matrix(5, 5, 1.5, 1.0) end, "proba")
    err(function() utils.sparse_random_matrix(-1, 5, 0.1, 1.0) end, "pre must be")
    err(function() utils.sparse_random_matrix(5, 5, 0.1, 1.0, {sead = 1}) end, "unknown option")
  end)

  it("proj:from_sparse accepts it: the projection has exactly its synapses", function()
    local net = ann.Network{seed = 1}
    local a = net:create(20, ann.Neuron{parameters = "r = 1.0"})
    local b = net:create(15, ann.Neuron{equations = "r = sum(exc)"})
    local m = utils.sparse_random_matrix(a, b, 0.3, ann.Uniform(0.0, 1.0), {seed = 4})
    local proj = net:connect(a, b, "exc"):from_sparse(m)
    net:compile()
    assert.equal(#m.pre_ranks, proj.nb_synapses)
    local expected = {}
    for k = 1, #m.pre_ranks do
      local q = m.post_ranks[k]
      expected[q] = (expected[q] or 0) + m.weights[k]
    end
    net:simulate(2)
    local r = b.r
    for q = 1, 15 do assert.is_true(math.abs((expected[q] or 0) - r[q]) < 1e-12) end
  end)
end)

describe("sparse_delays_from_weights", function()
  it("the same pattern with one delay per entry; from_sparse applies them", function()
    local m = utils.sparse_random_matrix(10, 8, 0.5, 1.0, {seed = 2})
    local constant = utils.sparse_delays_from_weights(m, 2.0)
    assert.same(m.pre_ranks, constant.pre_ranks)
    assert.same(m.post_ranks, constant.post_ranks)
    assert.same(m.weights, constant.weights)
    for k = 1, #m.pre_ranks do assert.equal(2.0, constant.delays[k]) end
    local d = utils.sparse_delays_from_weights(m, ann.DiscreteUniform(1, 5), {seed = 3})
    assert.equal(#m.pre_ranks, #d.delays)
    local again = utils.sparse_delays_from_weights(m, ann.DiscreteUniform(1, 5), {seed = 3})
    assert.same(d.delays, again.delays)
    local net = ann.Network{dt = 1.0}
    local a = net:create(10, ann.Neuron{parameters = "r = 0.0"})
    local b = net:create(8, ann.Neuron{equations = "r = sum(exc)"})
    local proj = net:connect(a, b, "exc"):from_sparse(d)
    net:compile()
    -- proj.delay: one list of ms per dendrite, in ascending pre rank
    local by = {}
    local function key(q, p) return ("%d:%d"):format(q, p) end
    for k = 1, #d.pre_ranks do by[key(d.post_ranks[k], d.pre_ranks[k])] = d.delays[k] end
    local delays, post, pre = proj.delay, proj.post_ranks, proj.pre_ranks
    for i, q in ipairs(post) do
      for x, p in ipairs(pre[i]) do assert.equal(by[key(q, p)], delays[i][x]) end
    end
  end)

  it("a distribution without seed uses its own stream; errors", function()
    local m = utils.sparse_random_matrix(5, 5, 1.0, 1.0, {seed = 1})
    local d = utils.sparse_delays_from_weights(m, ann.Uniform(1.0, 3.0))
    for _, v in ipairs(d.delays) do assert.is_true(v >= 1.0 and v <= 3.0) end
    err(function() utils.sparse_delays_from_weights(m, "2") end, "delays must be a number or a random distribution")
    err(function() utils.sparse_delays_from_weights({1, 2}, 2.0) end, "a sparse matrix")
    err(function() utils.sparse_delays_from_weights(m, -1.0) end, "non-negative")
  end)
end)

-- ---- report ---------------------------------------------------------------------------------

local LIF = ann.Neuron{
  parameters = "tau = 10.0\nv_th = -50.0 : population",
  equations = "tau * dv/dt + v = g_exc : init = -65.0, min = -90.0",
  spike = "v > v_th", reset = "v = -65.0", refractory = 5.0,
  name = "LIF_model", description = "leaky integrate-and-fire",
}
local Rate = ann.Neuron{parameters = "tau = 20.0", equations = "tau * dr/dt + r = sum(exc) : min = 0.0",
                        name = "RateNeuron"}

local function small_network()
  local net = ann.Network{dt = 0.5, seed = 1}
  net:constant("gain_c", 2.0)
  local exc = net:create({4, 5}, LIF, {name = "excitatory"})
  local out = net:create(7, Rate, {name = "readout"})
  net:connect(exc, exc, "exc", {synapse = ann.STDP, name = "recurrent"})
    :fixed_probability(0.2, ann.Uniform(0.0, 0.5), {delays = 2.0})
  net:connect(sp.DecodingProjection(exc, out, "exc", {window = 10.0})):all_to_all(1.0)
  net:monitor(exc, {"v", "spike"})
  return net
end

local function tmpdir()
  local dir = os.tmpname()
  os.remove(dir)
  return dir
end

-- Environments opened and closed in order, braces balanced (ignoring \{ and \}), an even
-- number of $ on each line (ignoring \$).
local function check_latex(text)
  local stack = {}
  for kind, env in text:gmatch("\\(%a+){(%a+%*?)}") do
    if kind == "begin" then
      stack[#stack + 1] = env
    elseif kind == "end" then
      assert.equal(stack[#stack], env)
      stack[#stack] = nil
    end
  end
  assert.equal(0, #stack)
  local plain = text:gsub("\\[{}%$]", "")
  local depth = 0
  for c in plain:gmatch("[{}]") do
    depth = depth + (c == "{" and 1 or -1)
    assert.is_true(depth >= 0)
  end
  assert.equal(0, depth)
  for line in plain:gmatch("[^\n]+") do
    if not line:match("^%%") then
      local _, n = line:gsub("%$", "")
      assert.equal(0, n % 2, line)
    end
  end
end

describe("report", function()
  it("Markdown: populations, sizes, projections, models, equations as written and typeset", function()
    local dir = tmpdir()
    local file = dir .. "/sub/net.md"
    local net = small_network()
    local out, text = capture(function() return utils.report(net, {filename = file}) end)
    assert.equal("Generating report in " .. file .. "\n", out)
    assert.equal(text, read(file))
    contains(text, "title: Network description")
    contains(text, "| excitatory | 20 (4*5)")
    contains(text, "| readout    | 7 ")
    contains(text, "LIF_model")
    contains(text, "RateNeuron")
    contains(text, "## LIF_model")
    contains(text, "leaky integrate-and-fire")
    contains(text, "`tau * dv/dt + v = g_exc`")
    contains(text, "\\tau \\cdot \\frac{dv}{dt} + v = g_{\\text{exc}}")
    contains(text, "`tau * dr/dt + r = sum(exc)`")
    contains(text, "initial value: -65.0, minimum: -90.0, explicit numerical method")
    contains(text, "if `v > v_th`")
    contains(text, "* `v = -65.0`")
    contains(text, "Refractory period: 5.0 ms.")
    contains(text, "| $v_{\\text{th}}$ (`v_th`) | -50.0 ")
    contains(text, "per population")
    -- projections: synapse, pattern; STDP described with its events; constants
    contains(text, "Random, probability 0.2, weights Uniform(0, 0.5), delays 2.0 ms")
    contains(text, "DecodingProjection")
    contains(text, "window 10.0 ms")
    contains(text, "## Spike-timing dependent plasticity")
    contains(text, "`x += A_plus * w_max`")
    contains(text, "**Post-synaptic event at $t_\\text{post}$:**")
    contains(text, "| gain_c | 2.0 ")
    contains(text, "(not compiled)")
    contains(text, "| excitatory | v, spike  | 0.5 ms |")
    -- pipe tables padded to the longest cell
    local header = text:match("\n(| Population [^\n]+)\n")
    local rule = text:match("\n| Population [^\n]+\n([^\n]+)\n")
    assert.equal(#header, #rule)
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("after compile: numbers of synapses, current parameter values", function()
    local net = small_network()
    net:compile()
    net:get_population("excitatory").tau = ann.Uniform(5.0, 6.0)
    local file = os.tmpname() .. ".qmd"
    local _, text = capture(function() return utils.report(net, {filename = file, title = "Mine"}) end)
    os.remove(file)
    contains(text, "title: Mine")
    local decoding = net:get_projections()[2]
    contains(text, "| " .. tostring(decoding.nb_synapses) .. " ")
    assert.is_nil(text:find("(not compiled)", 1, true))
    assert.truthy(text:match("| excitatory | LIF_model   | tau  | %[5%.%d+, 5%.%d+%]"), text)
  end)

  it("LaTeX: a complete article with the tables and \\frac{dv}{dt}; compiles with pdflatex if present #lua54", function()
    local dir = tmpdir()
    local file = dir .. "/report.tex"
    local net = small_network()
    local _, text = capture(function() return utils.report(net, {filename = file}) end)
    check_latex(text)
    contains(text, "\\documentclass")
    contains(text, "\\begin{document}")
    contains(text, "\\end{document}")
    contains(text, "excitatory & LIF\\_model & 20 (4*5)")
    contains(text, "readout & RateNeuron & 7")
    contains(text, "\\frac{dv}{dt}")
    contains(text, "\\tau \\cdot \\frac{dr}{dt} + r = \\text{sum}\\left(\\text{exc}\\right)")
    contains(text, "v > v_{\\text{th}}")
    contains(text, "\\textbf{Reset} & $\\displaystyle v = -65.0$")
    contains(text, "Model summary")
    contains(text, "Spike-timing dependent plasticity")
    contains(text, "$\\tau_{\\text{plus}} = 20.0$ (per projection)")
    local _, body = capture(function() return utils.report(net, {filename = dir .. "/body.tex", standalone = false}) end)
    assert.is_nil(body:find("\\documentclass", 1, true))
    check_latex(body)
    if os.execute("command -v pdflatex > /dev/null 2>&1") then
      local ok = os.execute(("cd '%s' && pdflatex -interaction=nonstopmode -halt-on-error report.tex "
        .. "> /dev/null 2>&1"):format(dir))
      assert.is_true(ok == true or ok == 0, "pdflatex failed on " .. file)
    else
      print("(pdflatex not found: the LaTeX report is checked for structure only)")
    end
    os.execute("rm -rf '" .. dir .. "'")
  end)

  it("gather_subprojections merges projections with the same populations and target", function()
    local net = ann.Network{}
    local a = net:create(5, Rate, {name = "A"})
    local b = net:create(5, Rate, {name = "B"})
    net:connect(a, b, "exc"):one_to_one(1.0)
    net:connect(a, b, "exc"):all_to_all(0.5)
    local file = os.tmpname() .. ".md"
    local _, apart = capture(function() return utils.report(net, {filename = file}) end)
    local _, merged = capture(function() return utils.report(net, {filename = file, gather_subprojections = true}) end)
    os.remove(file)
    contains(apart, "| One-to-one, weights 1.0 ")
    contains(merged, "One-to-one, weights 1.0; All-to-all, weights 0.5")
  end)

  it("errors: unknown extension, not a network", function()
    local net = small_network()
    err(function() utils.report(net, {filename = "/tmp/x.txt"}) end, "not supported: use .tex (LaTeX), .md or .qmd")
    err(function() utils.report(net, {filename = "/tmp/x"}) end, "not supported")
    err(function() utils.report("net.md") end, "the first argument must be a Network")
    err(function() utils.report(nil) end, "the first argument must be a Network")
    err(function() utils.report(net, {filname = "a.md"}) end, "unknown option")
  end)
end)
