-- TimedArray (reference-library §3.2, QUIRKS library 10): schedule, period, update, reset.
-- Expected vectors are worked out by hand from the state machine of §3.2: an internal step
-- counter t and the index of the next row; row k is shown from the step where t reaches
-- schedule[k]; the period restarts both.
local ann = require("annarchy")
local inputs = require("annarchy.inputs")
local TimedArray = inputs.TimedArray

--- rows[k] = {k, -k}, k = 1..n (row k is the 0-based row k - 1 of the reference).
local function rows(n, scale)
  scale = scale or 1
  local out = {}
  for k = 1, n do out[k] = {scale * k, -scale * k} end
  return out
end

--- The recorded r as a list of rows.
local function recorded(m)
  local a = m:get("r")
  local out = {}
  for k = 1, a.shape[1] do out[k] = a[k]:totable() end
  return out
end

--- The expected records when record k shows row which[k] of `rs` (0 for zeros).
local function expect(rs, which)
  local out = {}
  for k, j in ipairs(which) do out[k] = j == 0 and {0, 0} or rs[j] end
  return out
end

local function make(opts, dt)
  local net = ann.Network{dt = dt or 1.0, seed = 1}
  net:config{suppress_warnings = true}
  local ta = net:create(TimedArray(opts))
  local m = net:monitor(ta, "r")
  return net, ta, m
end

describe("TimedArray schedule", function()
  it("shows row k at step k - 1 and keeps the last row (default schedule: every step)", function()
    local rs = rows(10)
    local net, _, m = make{rates = rs}
    net:compile{silent = true}
    net:simulate(12)
    assert.same(expect(rs, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10}), recorded(m))
  end)

  it("is seen by a projection one step later (after 11 steps a sum shows row 10)", function()
    local rs = rows(10)
    local net = ann.Network{dt = 1.0}
    local ta = net:create(TimedArray{rates = rs})
    local post = net:create(2, ann.Neuron{equations = "r = sum(exc)"})
    net:connect(ta, post, "exc"):one_to_one(1.0)
    local m = net:monitor(post, "r")
    net:compile{silent = true}
    net:simulate(11)
    assert.same(rs[10], post.r:totable())
    assert.same(expect(rs, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), recorded(m))
  end)

  it("holds each row for `schedule` ms", function()
    local rs = rows(3)
    local net, _, m = make{rates = rs, schedule = 10.0}
    net:compile{silent = true}
    net:simulate(35)
    local which = {}
    for k = 1, 35 do which[k] = math.min(3, math.floor((k - 1) / 10) + 1) end
    assert.same(expect(rs, which), recorded(m))
  end)

  it("is 0 before the first time of an explicit schedule (QUIRKS library 10)", function()
    local rs = rows(3)
    local net, ta, m = make{rates = rs, schedule = {10, 20, 30}}
    net:compile{silent = true}
    assert.same({0, 0}, ta.r:totable())
    net:simulate(32)
    local which = {}
    for k = 1, 32 do
      local step = k - 1
      which[k] = step < 10 and 0 or math.min(3, math.floor(step / 10))
    end
    assert.same(expect(rs, which), recorded(m))
  end)

  it("restarts after `period` ms", function()
    local rs = rows(10)
    local net, _, m = make{rates = rs, period = 4.0}
    net:compile{silent = true}
    net:simulate(10)
    assert.same(expect(rs, {1, 2, 3, 4, 1, 2, 3, 4, 1, 2}), recorded(m))
  end)

  it("combines a schedule and a period: rows due at or after the period never show", function()
    -- schedule 0, 2, 4, 6 steps; period 5: t = 4 shows row 3 then restarts, row 4 never shows
    local rs = rows(4)
    local net, _, m = make{rates = rs, schedule = 2.0, period = 5.0}
    net:compile{silent = true}
    net:simulate(10)
    assert.same(expect(rs, {1, 1, 2, 2, 3, 1, 1, 2, 2, 3}), recorded(m))
  end)

  it("rounds schedule times to steps half to even (dt = 0.5, schedule 0.75 ms)", function()
    -- k * 0.75 / 0.5 = 0, 1.5, 3, 4.5 -> steps 0, 2, 3, 4
    local rs = rows(4)
    local net, _, m = make({rates = rs, schedule = 0.75}, 0.5)
    net:compile{silent = true}
    net:simulate(3.0)
    assert.same(expect(rs, {1, 1, 2, 3, 4, 4}), recorded(m))
  end)

  it("uses a one-element schedule list as a number", function()
    local rs = rows(3)
    local net, _, m = make{rates = rs, schedule = {2.0}}
    net:compile{silent = true}
    net:simulate(6)
    assert.same(expect(rs, {1, 1, 2, 2, 3, 3}), recorded(m))
  end)

  it("never shows rows beyond a shorter schedule", function()
    local rs = rows(4)
    local net, _, m = make{rates = rs, schedule = {0, 2}}
    net:compile{silent = true}
    net:simulate(6)
    assert.same(expect(rs, {1, 1, 2, 2, 2, 2}), recorded(m))
  end)

  it("infers a 2-D geometry from the rates", function()
    local r1 = {{1, 2, 3}, {4, 5, 6}}
    local r2 = {{7, 8, 9}, {10, 11, 12}}
    local net = ann.Network{}
    local ta = net:create(TimedArray{rates = {r1, r2}})
    assert.same({2, 3}, ta.geometry)
    net:compile{silent = true}
    net:simulate(2)
    assert.same({2, 3}, ta.r.shape)
    assert.same(r2, {ta.r[1]:totable(), ta.r[2]:totable()})
  end)

  it("pauses its clock while the population is disabled", function()
    local rs = rows(10)
    local net, ta = make{rates = rs}
    net:compile{silent = true}
    net:simulate(3)
    assert.same(rs[3], ta.r:totable())
    ta:disable()
    net:simulate(2)
    assert.same(rs[3], ta.r:totable())
    ta:enable()
    net:simulate(1)
    assert.same(rs[4], ta.r:totable())
  end)

  it("works with float32 and with tcc", function()
    local rs = rows(3)
    for _, variant in ipairs{{dtype = "float32"}, {compiler = "tcc"}} do
      local net = ann.Network{}
      if variant.dtype then net:config{dtype = variant.dtype} end
      local ta = net:create(TimedArray{rates = rs, schedule = 2.0})
      local m = net:monitor(ta, "r")
      net:compile{silent = true, compiler = variant.compiler}
      net:simulate(6)
      assert.same(expect(rs, {1, 1, 2, 2, 3, 3}), recorded(m))
    end
  end)

  it("accepts an Array and arguments by position", function()
    local rs = rows(3)
    local net = ann.Network{}
    local ta = net:create(TimedArray(ann.array(rs), nil, 1.0))
    local m = net:monitor(ta, "r")
    net:compile{silent = true}
    net:simulate(3)
    assert.same(expect(rs, {1, 2, 3}), recorded(m))
  end)
end)

describe("TimedArray update and reset", function()
  it("update() restarts the clock by default: new rows start at the next step", function()
    local rs, new = rows(10), rows(3, 100)
    local net, ta, m = make{rates = rs}
    net:compile{silent = true}
    net:simulate(5)
    ta:update(new)
    assert.same({0, 0}, ta.r:totable())   -- QUIRKS library 10: 0 until the first row applies
    net:simulate(4)
    local want = expect(rs, {1, 2, 3, 4, 5})
    for _, row in ipairs(expect(new, {1, 2, 3, 3})) do want[#want + 1] = row end
    assert.same(want, recorded(m))
  end)

  it("update() with the schedule restarts at the next step", function()
    local rs, new = rows(10), rows(3, 100)
    local net, ta, m = make{rates = rs}
    net:compile{silent = true}
    net:simulate(5)
    m:get("r")
    ta:update(new, {schedule = 2.0})
    net:simulate(6)
    assert.same(expect(new, {1, 1, 2, 2, 3, 3}), recorded(m))
    assert.same({0, 2, 4}, ta.schedule)
  end)

  it("update(rates, {reset = false}) keeps the clock: the next row is rates[block]", function()
    local rs, new = rows(10), rows(10, 100)
    local net, ta, m = make{rates = rs}
    net:compile{silent = true}
    net:simulate(3)           -- rows 1..3 shown, the next one is row 4
    m:get("r")
    ta:update(new, {reset = false})
    assert.same(new[3], ta.r:totable())   -- the row current at this time, from the new data
    net:simulate(3)
    assert.same(expect(new, {4, 5, 6}), recorded(m))
  end)

  it("reset() replays the rates given before compile, even after update() (kept quirk)", function()
    local rs, new = rows(5), rows(5, 100)
    local net, ta, m = make{rates = rs}
    net:compile{silent = true}
    net:simulate(2)
    ta:update(new)
    net:simulate(2)
    ta:reset()
    assert.same({0, 0}, ta.r:totable())
    m:get("r")
    net:simulate(3)
    assert.same(expect(rs, {1, 2, 3}), recorded(m))
  end)

  it("net:reset() restarts the sequence at t = 0", function()
    local rs = rows(5)
    local net, _, m = make{rates = rs, schedule = 2.0}
    net:compile{silent = true}
    net:simulate(7)
    net:reset()
    net:simulate(4)
    assert.same(expect(rs, {1, 1, 2, 2}), recorded(m))
  end)

  it("update() before compile replaces the data that compile and reset() use", function()
    local rs, new = rows(5), rows(5, 100)
    local net, ta, m = make{rates = rs}
    ta:update(new, {schedule = 2.0})
    net:compile{silent = true}
    net:simulate(3)
    net:reset()
    net:simulate(3)
    assert.same(expect(new, {1, 1, 2}), recorded(m))
  end)

  it("starts from geometry alone (r = 0) and plays the rows of a later update()", function()
    local new = rows(2, 7)
    local net = ann.Network{}
    local ta = net:create(TimedArray{geometry = 2})
    net:compile{silent = true}
    net:simulate(3)
    assert.same({0, 0}, ta.r:totable())
    assert.equal(0, ta.rates.size)
    ta:update(new)
    net:simulate(2)
    assert.same(new[2], ta.r:totable())
  end)

  it("reads rates, schedule and period", function()
    local rs = rows(3)
    local net, ta = make({rates = rs, schedule = 1.5, period = 10}, 0.5)
    assert.same({3, 2}, ta.rates.shape)
    assert.same(rs, {ta.rates[1]:totable(), ta.rates[2]:totable(), ta.rates[3]:totable()})
    assert.same({0, 1.5, 3.0}, ta.schedule)
    assert.equal(10, ta.period)
    net:compile{silent = true}
    assert.same({0, 1.5, 3.0}, ta.schedule)
  end)
end)

-- Needs Population.__newindex to call pop._.custom.fields[name].set (docs/inputs.md).
it("TimedArray fields can be assigned and r is read-only", function()
  local rs = rows(4)
  local net, ta, m = make{rates = rs}
  net:compile{silent = true}
  assert.has_error(function() ta.r = {1, 1} end)
  net:simulate(2)
  ta.schedule = 2.0          -- clock kept: the next row (3) shows at t = 4
  net:simulate(3)
  assert.same(expect(rs, {1, 2, 2, 2, 3}), recorded(m))
end)

describe("TimedArray errors", function()
  local rs = rows(3)

  it("rejects rates whose shape is not the geometry", function()
    assert.has_error(function() TimedArray{rates = rs, geometry = 3} end)
    assert.has_error(function() TimedArray{rates = rs, geometry = {2, 1}} end)
    assert.has_error(function() TimedArray{rates = {1, 2, 3}} end)        -- no time axis
    assert.has_error(function() TimedArray{rates = {{1, 2}, {3}}} end)    -- ragged
  end)

  it("rejects an update() of the wrong shape and keeps playing the old rows", function()
    local net, ta, m = make{rates = rs}
    net:compile{silent = true}
    net:simulate(1)
    local ok, err = pcall(ta.update, ta, {{1, 2, 3}})
    assert.is_false(ok)
    assert.matches("geometry", err)
    net:simulate(2)
    assert.same(expect(rs, {1, 2, 3}), recorded(m))
  end)

  it("rejects bad schedules", function()
    assert.has_error(function() TimedArray{rates = rs, schedule = {0, 1, 2, 3}} end)  -- > rows
    assert.has_error(function() TimedArray{rates = rs, schedule = {0, -1}} end)
    assert.has_error(function() TimedArray{rates = rs, schedule = {0, 2, 1}} end)
    assert.has_error(function() TimedArray{rates = rs, schedule = "often"} end)
    -- two times in the same step of dt = 1 (0.2 and 0.4 both round to 0)
    local net = ann.Network{}
    assert.has_error(function() net:create(TimedArray{rates = rs, schedule = {0.2, 0.4, 3}}) end)
    assert.equal(0, #net:get_populations())
  end)

  it("rejects unknown option names, in the constructor and in update()", function()
    local ok, err = pcall(TimedArray, {rates = rs, perod = 10})
    assert.is_false(ok)
    assert.matches("unknown option 'perod'", err)
    local net, ta = make{rates = rs}
    ok, err = pcall(ta.update, ta, rs, {shedule = 2})
    assert.is_false(ok)
    assert.matches("unknown option 'shedule'", err)
    net:compile{silent = true}
  end)

  it("needs rates or a geometry", function()
    assert.has_error(function() TimedArray{schedule = 1.0} end)
  end)
end)
