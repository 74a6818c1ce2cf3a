-- The connectivity drawn on 1 to 4 threads: each connector gives the same synapses, weights
-- and delays for every thread count (num_threads and ANNLUA_NUM_THREADS), since each
-- post-synaptic row draws from its own key; and the connectors' statistics at a size where
-- the rows are built on several threads (more than 65536 synapses per thread).
local ann = require("annarchy")

local Spk = ann.Neuron{parameters = "v = 0.0", spike = "v > 1.0", name = "ThreadsConnSpike"}

local N = 700
local CONNECT = {
  {"fixed_probability", function(p, w, o) p:fixed_probability(0.4, w, o) end},
  {"fixed_number_pre", function(p, w, o) p:fixed_number_pre(300, w, o) end},
  {"fixed_number_post", function(p, w, o) p:fixed_number_post(300, w, o) end},
  {"fixed_total_number", function(p, w, o) p:fixed_total_number(200000, w, o) end},
  {"all_to_all", function(p, w, o) p:all_to_all(w, o) end},
  {"one_to_one", function(p, w, o) p:one_to_one(w, o) end},
}

-- Every dendrite's post rank, pre ranks, weights and delays, as one string.
local function connectivity(connect, threads)
  local net = ann.Network{seed = 17}
  local pop = net:create(N, Spk)
  local proj = net:connect(pop, pop, "exc")
  connect(proj, ann.Normal(1.0, 0.2), {delays = ann.Uniform(0.1, 4.0)})
  if threads then net:config{num_threads = threads} end
  net:compile{silent = true}
  local parts = {}
  local post, pre, w, delay = proj.post_ranks, proj.pre_ranks, proj.w, proj.delay
  for k = 1, #post do
    local wk = type(w[k]) == "number" and {w[k]} or w[k]:totable()
    local dk = type(delay[k]) == "number" and {delay[k]} or delay[k]
    parts[k] = table.concat({post[k], table.concat(pre[k], ","), table.concat(wk, ","),
      table.concat(dk, ",")}, ";")
  end
  return table.concat(parts, "|"), proj.nb_synapses
end

describe("connectivity on threads", function()
  for _, c in ipairs(CONNECT) do
    it("is the same for 1 to 4 threads: " .. c[1], function()
      local one, n = connectivity(c[2], 1)
      assert.is_true(n > 0)
      for threads = 2, 4 do
        assert.is_true(one == connectivity(c[2], threads), c[1] .. " differs with " .. threads .. " threads")
      end
    end)
  end
end)

describe("connectors' statistics", function()
  it("fixed_probability: the count is binomial within 5 sigma, no self-connection", function()
    local net = ann.Network{seed = 4}
    local pop = net:create(2000, Spk)
    local proj = net:connect(pop, pop, "exc"):fixed_probability(0.1, 1.0)
    net:config{num_threads = 2}
    net:compile{silent = true}
    local pairs = 2000 * 1999   -- self pairs excluded
    local mean, sd = pairs * 0.1, math.sqrt(pairs * 0.1 * 0.9)
    assert.is_true(math.abs(proj.nb_synapses - mean) < 5 * sd, tostring(proj.nb_synapses))
    local post, pre = proj.post_ranks, proj.pre_ranks
    for k = 1, #post do
      for _, r in ipairs(pre[k]) do assert.is_true(r ~= post[k]) end
    end
  end)

  it("fixed_number_pre: exactly N distinct ascending pre per post; weights' mean and sd", function()
    local net = ann.Network{seed = 8}
    local pop = net:create(3000, Spk)
    local proj = net:connect(pop, pop, "exc"):fixed_number_pre(80, ann.Normal(0.5, 0.1))
    net:config{num_threads = 2}
    net:compile{silent = true}
    local n, sum, sum2 = 0, 0, 0
    local pre, weights = proj.pre_ranks, proj.w
    assert.equal(3000, #pre)
    for k = 1, #pre do
      local r = pre[k]
      assert.equal(80, #r)
      for i = 2, #r do assert.is_true(r[i] > r[i - 1]) end
      for _, w in ipairs(weights[k]:totable()) do n, sum, sum2 = n + 1, sum + w, sum2 + w * w end
    end
    assert.equal(3000 * 80, n)
    local mean = sum / n
    local sd = math.sqrt(sum2 / n - mean * mean)
    assert.is_true(math.abs(mean - 0.5) < 5 * 0.1 / math.sqrt(n), tostring(mean))
    assert.is_true(math.abs(sd - 0.1) < 0.002, tostring(sd))
  end)

  it("fixed_total_number: the per-post counts are multinomial (chi-square within 6 sigma)", function()
    local net = ann.Network{seed = 2}
    local pre = net:create(500, Spk)
    local post = net:create(400, Spk)
    local proj = net:connect(pre, post, "exc"):fixed_total_number(400000, 1.0)
    net:config{num_threads = 3}
    net:compile{silent = true}
    assert.equal(400000, proj.nb_synapses)
    local chi2, expect, seen = 0, 1000, 0
    for _, r in ipairs(proj.pre_ranks) do
      seen = seen + 1
      chi2 = chi2 + (#r - expect) ^ 2 / expect
    end
    assert.equal(400, seen)
    -- the counts of a multinomial: chi-square with 399 degrees of freedom
    assert.is_true(math.abs(chi2 - 399) < 6 * math.sqrt(2 * 399), tostring(chi2))
  end)
end)
