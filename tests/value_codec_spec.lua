-- io/value_codec: Lua values to bytes and back (what parallel_run's children send), exactly:
-- every double's bits, integers, strings with any byte, nested and shared tables, Arrays.
local ann = require("annarchy")
local value_codec = require("annarchy.io.value_codec")
local codec = require("annarchy.io.codec")
local support = dofile("tests/support.lua")

local function round_trip(v) return value_codec.decode(value_codec.encode(v)) end

local function bytes_of(x) return codec.pack("F64", {x}, 1) end

describe("value_codec", function()
  it("keeps every bit of doubles: NaN, infinities, -0.0, denormals, the last bit", function()
    local values = {0 / 0, math.huge, -math.huge, -0.0, 0.0, 4.9406564584124654e-324,
                    2.2250738585072014e-308, 0.1, 1 / 3, 2 ^ 53 + 2, -1e300}
    local back = round_trip(values)
    assert.equal(#values, #back)
    for i, x in ipairs(values) do assert.equal(bytes_of(x), bytes_of(back[i])) end
  end)

  it("keeps strings with any byte, booleans, nil, and the top-level value's type", function()
    local s = "\0\1\255 text \n" .. ("z"):rep(70000)
    assert.equal(s, round_trip(s))
    assert.equal(true, round_trip(true))
    assert.equal(false, round_trip(false))
    assert.is_nil(round_trip(nil))
    assert.equal(2.5, round_trip(2.5))
    assert.same({a = {b = {c = {1, "two", false}}}, [0] = "zero", [1.5] = "half", [true] = 1},
      round_trip({a = {b = {c = {1, "two", false}}}, [0] = "zero", [1.5] = "half", [true] = 1}))
    assert.same({}, round_trip({}))
    assert.same({[1] = "a", [3] = "c"}, round_trip({[1] = "a", [3] = "c"}))
  end)

  it("keeps a table met twice as one table, cycles included", function()
    local shared = {1, 2}
    local t = {x = shared, y = shared}
    t.self = t
    local back = round_trip(t)
    assert.equal(back.x, back.y)
    assert.equal(back, back.self)
    assert.same({1, 2}, back.x)
  end)

  it("gives back Arrays of their shape and values", function()
    local a = ann.array({{1.5, -2.0, 0 / 0}, {4.0, 5.0, 1e-310}})
    local back = round_trip({a, ann.zeros({0, 3}), ann.linspace(0, 1, 5)})
    assert.is_true(ann.is_array(back[1]))
    assert.same({2, 3}, back[1].shape)
    local want, got = a:flatten():totable(), back[1]:flatten():totable()
    for i = 1, 6 do assert.equal(bytes_of(want[i]), bytes_of(got[i])) end
    assert.same({0, 3}, back[2].shape)
    assert.same(ann.linspace(0, 1, 5):totable(), back[3]:totable())
  end)

  it("refuses what cannot be sent, naming it", function()
    support.fails_with(function() value_codec.encode({f = print}, "the result") end,
      "the result: a function cannot be sent back")
    support.fails_with(function() value_codec.encode(setmetatable({}, {}), "the result") end,
      "the result: a table with a metatable")
    support.fails_with(function() value_codec.decode("short") end, "damaged")
    support.fails_with(function() value_codec.decode(value_codec.encode({1, 2}) .. "x") end, "damaged")
  end)
end)

describe("value_codec under Lua 5.4 #lua54", function()
  it("keeps integers as integers and floats as floats", function()
    local back = round_trip({3, 3.0, math.maxinteger, math.mininteger, [2 ^ 40] = -7})
    assert.equal("integer", math.type(back[1]))
    assert.equal("float", math.type(back[2]))
    assert.equal(math.maxinteger, back[3])
    assert.equal(math.mininteger, back[4])
    assert.equal("integer", math.type(back[2 ^ 40]))
  end)
end)
