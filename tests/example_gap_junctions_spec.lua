-- examples/gap_junctions.lua against Brian2's own gap-junction example
-- (tests/reference/gap_junctions_brian2.py, its output in tests/reference/gap_junctions_brian2.json).
--
-- The model is deterministic, so the reference is the spike trains themselves. Brian2 ran its
-- example as published (method='exact') and with explicit Euler; annlua runs the same network
-- with the notebook's explicit method and with the exponential method (which is Brian2's exact
-- integration when g_gap is constant over the step). Checks, for each pair:
--   * every neuron fires the same number of spikes in 500 ms, and the largest difference of
--     spike steps is at most 1 step (0.1 ms; in practice 0);
--   * the potentials of neurons 1 and 6, sampled every ms, differ by less than 1e-6;
--   * the phase figures of examples/gap_junctions.lua (Kuramoto order parameter, CV of the
--     phase gaps, phase of neuron 6 minus neuron 1) agree within 0.005 at 50 ms and 450 ms.
-- What the figures show: the phases do not come together; they spread evenly (order
-- parameter 0.12 at 50 ms, below 0.002 at 450 ms; neurons 1 and 6 half a period apart).
local gap = dofile("examples/gap_junctions.lua")

-- A small JSON decoder (objects, arrays, numbers, strings, literals): enough for the reference.
local function decode(text)
  local pos = 1
  local function skip() pos = text:find("[^%s]", pos) or #text + 1 end
  local value
  local function str()
    local stop = text:find('"', pos + 1, true)
    local s = text:sub(pos + 1, stop - 1)
    pos = stop + 1
    return s
  end
  function value()
    skip()
    local c = text:sub(pos, pos)
    if c == "{" then
      local t = {}
      pos = pos + 1
      skip()
      if text:sub(pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        skip()
        local k = str()
        skip()
        pos = pos + 1   -- ':'
        t[k] = value()
        skip()
        local d = text:sub(pos, pos)
        pos = pos + 1
        if d == "}" then return t end
      end
    elseif c == "[" then
      local t = {}
      pos = pos + 1
      skip()
      if text:sub(pos, pos) == "]" then pos = pos + 1; return t end
      while true do
        t[#t + 1] = value()
        skip()
        local d = text:sub(pos, pos)
        pos = pos + 1
        if d == "]" then return t end
      end
    elseif c == '"' then
      return str()
    else
      local lit = text:match("^[%w%.+-]+", pos)
      pos = pos + #lit
      if lit == "true" then return true elseif lit == "false" then return false
      elseif lit == "null" then return nil end
      return tonumber(lit)
    end
  end
  return value()
end

local function read_reference()
  local f = assert(io.open("tests/reference/gap_junctions_brian2.json"))
  local text = f:read("a")
  f:close()
  return decode(text)
end

local ref = read_reference()

local PAIRS = {
  {"explicit", "euler", "explicit Euler (Brian2 with method='euler')"},
  {"exponential", "brian2_example", "exponential (Brian2's example, method='exact')"},
}

describe("gap junctions example (examples/gap_junctions.lua) against Brian2's example", function()
  it("reads the recorded Brian2 figures", function()
    assert.is_truthy(ref.brian2_version)
    assert.are.equal(10, #ref.euler.spikes_500ms)
    assert.are.equal(500, #ref.brian2_example.v_traces_every_ms["0"])
  end)

  for _, pair in ipairs(PAIRS) do
    local method, variant, label = pair[1], pair[2], pair[3]
    local r = ref[variant]
    local net, spikes, v = gap.run(500, method)

    it(label .. ": the same spikes, step for step (largest difference at most 1 step)", function()
      local worst = 0
      for i = 1, gap.N do
        local a, b = spikes[i], r.spikes_500ms[i]
        assert.are.equal(#b, #a, ("neuron %d: annlua %d spikes, Brian2 %d"):format(i, #a, #b))
        for k = 1, #a do worst = math.max(worst, math.abs(a[k] - b[k])) end
      end
      assert.is_true(worst <= 1, "largest difference " .. worst .. " steps")
    end)

    it(label .. ": potentials of neurons 1 and 6 within 1e-6 every ms", function()
      -- Brian2 records at the start of a step (its entry k, from 0, is the potential at
      -- k dt, entry 0 the initial one); annlua at the end (its record k, from 1, is at k dt)
      local worst = 0
      local per_ms = math.floor(1 / net.dt + 0.5)
      for col, key in ipairs{"0", "5"} do
        local trace = r.v_traces_every_ms[key]
        for k = 2, #trace do
          worst = math.max(worst, math.abs(v[(k - 1) * per_ms][col] - trace[k]))
        end
      end
      assert.is_true(worst < 1e-6, "largest difference " .. worst)
    end)

    it(label .. ": phase figures within 0.005 at 50 and 450 ms; the phases spread evenly", function()
      for _, at in ipairs{{500, "phases_at_50ms"}, {4500, "phases_at_450ms"}} do
        local p, q = gap.phases(spikes, at[1]), r[at[2]]
        for _, k in ipairs{{"order_parameter", "order_parameter"}, {"gap_cv", "gap_cv"},
                           {"phase_6_minus_1", "phase_5_minus_0"}} do
          assert.is_true(math.abs(p[k[1]] - q[k[2]]) < 0.005,
            ("%s at step %d: annlua %.6f, Brian2 %.6f"):format(k[1], at[1], p[k[1]], q[k[2]]))
        end
      end
      local late = gap.phases(spikes, 4500)
      assert.is_true(late.order_parameter < 0.01 and late.gap_cv < 0.05
        and math.abs(late.phase_6_minus_1 - 0.5) < 0.01)
    end)
  end
end)
