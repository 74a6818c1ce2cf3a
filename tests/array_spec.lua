-- ann.Array: constructors, indexing and views, fields, methods, arithmetic, allclose.
local core = require("annarchy.runtime")

local array, zeros, ones, linspace = core.array, core.zeros, core.ones, core.linspace

-- The message of the error raised by f(...), or nil.
local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  if ok then return nil end
  return tostring(e)
end

-- Asserts that f(...) fails with a message containing each of the given plain strings.
local function fails_with(f, args, ...)
  local e = err_of(f, table.unpack(args))
  assert.is_not_nil(e, "no error raised")
  for _, s in ipairs({ ... }) do
    assert.is_truthy(e:find(s, 1, true), ("message %q lacks %q"):format(e, s))
  end
end

local function same(t, a)
  assert.are.same(t, a:totable())
end

describe("ann.Array constructors", function()
  it("array() copies a list", function()
    local a = array{ 1, 2, 3 }
    assert.is_true(core.is_array(a))
    assert.are.equal(1, a.ndim)
    assert.are.same({ 3 }, a.shape)
    assert.are.equal(3, a.size)
    same({ 1, 2, 3 }, a)
  end)

  it("array() reads nested tables row-major", function()
    local a = array{ { 1, 2, 3 }, { 4, 5, 6 } }
    assert.are.same({ 2, 3 }, a.shape)
    assert.are.equal(6, a.size)
    same({ { 1, 2, 3 }, { 4, 5, 6 } }, a)
    local b = array{ { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } }
    assert.are.same({ 2, 2, 2 }, b.shape)
    assert.are.equal(7, b[2][2][1])
  end)

  it("array() accepts Arrays, alone or as rows, and copies them", function()
    local a = array{ 1, 2 }
    local b = array(a)
    b[1] = 10
    assert.are.equal(1, a[1])
    local m = array{ a, array{ 3, 4 } }
    assert.are.same({ 2, 2 }, m.shape)
    same({ { 1, 2 }, { 3, 4 } }, m)
  end)

  it("array{} is an empty 1-D array", function()
    local a = array{}
    assert.are.same({ 0 }, a.shape)
    assert.are.equal(0, a.size)
    assert.are.equal(0, #a)
    same({}, a)
  end)

  it("array() rejects ragged nesting", function()
    fails_with(array, { { { 1, 2 }, { 3 } } }, "ragged", "[2]", "1 values", "2 were expected")
    fails_with(array, { { { 1, 2 }, 3 } }, "ragged", "[2]")
    fails_with(array, { { 1, { 2, 3 } } }, "[2]", "expected a number")
    fails_with(array, { { { 1, 2 }, array{ 1, 2, 3 } } }, "ragged", "shape (3)")
  end)

  it("array() rejects what is not a list of numbers", function()
    fails_with(array, { { 1, "x" } }, "[2]", "string", "expected a number")
    fails_with(array, { { 1, 2, x = 3 } }, "not a list")
    fails_with(array, { { [1] = 1, [3] = 3 } }, "not a list")
    fails_with(array, { 5 }, "table or an Array")
    fails_with(array, { setmetatable({}, {}) }, "plain table")
    fails_with(array, { { true } }, "boolean")
  end)

  it("zeros() and ones() take a number or a list", function()
    same({ 0, 0, 0 }, zeros(3))
    same({ { 1, 1 }, { 1, 1 }, { 1, 1 } }, ones{ 3, 2 })
    assert.are.same({ 2, 3, 4 }, zeros{ 2, 3, 4 }.shape)
    assert.are.equal(0, zeros(0).size)
    assert.are.same({ 0, 5 }, zeros{ 0, 5 }.shape)
  end)

  it("zeros() rejects bad shapes", function()
    fails_with(zeros, { -1 }, "shape")
    fails_with(zeros, { 2.5 }, "shape")
    fails_with(zeros, { "3" }, "shape")
    fails_with(zeros, { {} }, "1 to 8 dimensions")
    fails_with(zeros, { { 1, 1, 1, 1, 1, 1, 1, 1, 1 } }, "1 to 8 dimensions")
    fails_with(zeros, { { 2, -3 } }, "shape")
    fails_with(zeros, { { 2 ^ 30, 2 ^ 30 } }, "2^48")
  end)

  it("linspace() includes both ends", function()
    same({ 0, 0.25, 0.5, 0.75, 1 }, linspace(0, 1, 5))
    same({ 3 }, linspace(3, 7, 1))
    assert.are.equal(0, linspace(0, 1, 0).size)
    local g = linspace(0, 5, { 2, 3 })
    assert.are.same({ 2, 3 }, g.shape)
    same({ { 0, 1, 2 }, { 3, 4, 5 } }, g)
  end)

  it("is_array() tells Arrays from anything else", function()
    assert.is_true(core.is_array(zeros(1)))
    assert.is_false(core.is_array({}))
    assert.is_false(core.is_array(nil))
    assert.is_false(core.is_array(3))
  end)
end)

describe("ann.Array indexing", function()
  it("gives numbers for 1-D arrays and writes them", function()
    local a = array{ 1, 2, 3 }
    assert.are.equal(2, a[2])
    assert.are.equal("number", type(a[2]))
    a[2] = 20
    assert.are.equal(20, a[2])
    a[3.0] = 30 -- an integral float is an index
    assert.are.equal(30, a[3])
  end)

  it("raises errors naming the index and the size", function()
    local a = array{ 1, 2, 3 }
    fails_with(function() return a[5] end, {}, "index 5", "size 3")
    fails_with(function() return a[0] end, {}, "index 0", "size 3")
    fails_with(function() return a[-1] end, {}, "index -1")
    fails_with(function() a[4] = 1 end, {}, "index 4", "size 3")
    fails_with(function() return a[1.5] end, {}, "not an integer")
    local m = zeros{ 2, 5 }
    fails_with(function() return m[4] end, {}, "index 4", "first dimension 2", "2x5")
  end)

  it("reads nil one past the end (and only there), so ipairs stops", function()
    local a = array{ 1, 2, 3 }
    assert.is_nil(a[4])
    assert.is_nil(zeros{ 2, 5 }[3])
    assert.is_nil(zeros(0)[1])
    fails_with(function() a[4] = 1 end, {}, "index 4", "size 3")
  end)

  it("rejects non-numbers in 1-D writes", function()
    local a = zeros(2)
    fails_with(function() a[1] = "x" end, {}, "number expected")
    fails_with(function() a[1] = { 1 } end, {}, "number expected")
  end)

  it("gives rows of N-D arrays as views", function()
    local a = array{ { 1, 2, 3 }, { 4, 5, 6 } }
    local r = a[2]
    assert.is_true(core.is_array(r))
    assert.are.same({ 3 }, r.shape)
    same({ 4, 5, 6 }, r)
    r[1] = 40          -- writing the view writes the array
    assert.are.equal(40, a[2][1])
    a[2][3] = 60       -- and the other way round
    assert.are.equal(60, r[3])
    local b = zeros{ 2, 3, 4 }
    b[2][3][4] = 7
    assert.are.equal(7, b:totable()[2][3][4])
    assert.are.same({ 3, 4 }, b[1].shape)
  end)

  it("keeps the storage alive while a view exists", function()
    local r
    do
      local a = array{ { 1, 2 }, { 3, 4 } }
      r = a[2]
    end
    collectgarbage()
    collectgarbage()
    same({ 3, 4 }, r)
    local v = r:reshape{ 2, 1 }[2] -- a view of a view of a collected array
    r = nil -- luacheck: ignore 311
    collectgarbage()
    same({ 4 }, v)
  end)

  it("assigns rows from numbers, tables and Arrays", function()
    local a = zeros{ 3, 2 }
    a[1] = 5
    a[2] = { 1, 2 }
    a[3] = array{ 3, 4 }
    same({ { 5, 5 }, { 1, 2 }, { 3, 4 } }, a)
    a[1] = a[3]  -- same storage, no aliasing trouble
    same({ 3, 4 }, a[1])
    local c = zeros{ 2, 2, 2 }
    c[2] = { { 1, 2 }, { 3, 4 } }
    same({ { 0, 0 }, { 0, 0 } }, c[1])
    same({ { 1, 2 }, { 3, 4 } }, c[2])
  end)

  it("rejects rows of another shape", function()
    local a = zeros{ 3, 2 }
    fails_with(function() a[1] = { 1, 2, 3 } end, {}, "shape (3)", "row 1", "shape (2)")
    fails_with(function() a[1] = array{ { 1, 2 } } end, {}, "shape (1x2)")
    fails_with(function() a[1] = "x" end, {}, "cannot assign")
  end)

  it("has # as the first dimension", function()
    assert.are.equal(3, #zeros(3))
    assert.are.equal(4, #zeros{ 4, 7 })
  end)

  it("iterates with pairs over the first dimension", function()
    local a = array{ 10, 20, 30 }
    local seen = {}
    for i, v in pairs(a) do seen[i] = v end
    assert.are.same({ 10, 20, 30 }, seen)
    local rows = 0
    for _, r in pairs(zeros{ 4, 2 }) do
      rows = rows + 1
      assert.are.same({ 2 }, r.shape)
    end
    assert.are.equal(4, rows)
  end)

  it("iterates with ipairs over the first dimension and stops at the end", function()
    local seen = {}
    for i, v in ipairs(array{ 10, 20, 30 }) do seen[i] = v end
    assert.are.same({ 10, 20, 30 }, seen)
    local rows = {}
    for i, r in ipairs(array{ { 1, 2 }, { 3, 4 } }) do rows[i] = r:totable() end
    assert.are.same({ { 1, 2 }, { 3, 4 } }, rows)
    for _ in ipairs(zeros(0)) do error("an empty Array has no element") end
  end)
end)

describe("ann.Array fields", function()
  it("shape is a fresh list every time", function()
    local a = zeros{ 2, 3 }
    local s = a.shape
    s[1] = 99
    assert.are.same({ 2, 3 }, a.shape)
    assert.are_not.equal(a.shape, a.shape)
  end)

  it("size and ndim", function()
    local a = zeros{ 2, 3, 4 }
    assert.are.equal(24, a.size)
    assert.are.equal(3, a.ndim)
    if math.type then assert.are.equal("integer", math.type(a.size)) end
  end)

  it("unknown fields are errors, not nil", function()
    local a = zeros(2)
    fails_with(function() return a.foo end, {}, "ann.Array has no field 'foo'")
    fails_with(function() a.foo = 1 end, {}, "ann.Array has no field 'foo'")
    fails_with(function() a.shape = { 1 } end, {}, "read-only")
    fails_with(function() return a[true] end, {}, "cannot index")
  end)

  it("has the metatable name ann.Array #annlua", function()
    assert.are.equal("ann.Array", getmetatable(zeros(1)).__name)
  end)
end)

describe("ann.Array methods", function()
  local a
  before_each(function()
    a = array{ { 3, -1, 4 }, { 1, -5, 9 } }
  end)

  it("totable() gives plain nested tables", function()
    local t = a:totable()
    assert.is_nil(getmetatable(t))
    assert.are.same({ { 3, -1, 4 }, { 1, -5, 9 } }, t)
    assert.are.same({ 1, -5, 9 }, a[2]:totable())
  end)

  it("copy() is independent", function()
    local c = a:copy()
    c[1][1] = 100
    assert.are.equal(3, a[1][1])
    assert.are.same(a.shape, c.shape)
    local r = a[2]:copy()
    r[1] = 7
    assert.are.equal(1, a[2][1])
  end)

  it("fill() sets every element and returns the array", function()
    assert.are.equal(a, a:fill(2))
    same({ { 2, 2, 2 }, { 2, 2, 2 } }, a)
    a[1]:fill(0) -- through a view
    same({ { 0, 0, 0 }, { 2, 2, 2 } }, a)
    fails_with(a.fill, { a, "x" }, "number expected")
  end)

  it("reshape() gives a view with the new shape", function()
    local r = a:reshape{ 3, 2 }
    assert.are.same({ 3, 2 }, r.shape)
    same({ { 3, -1 }, { 4, 1 }, { -5, 9 } }, r)
    r[1][1] = 30
    assert.are.equal(30, a[1][1])
    assert.are.same({ 6 }, a:reshape(6).shape)
    assert.are.same({ 2, 3 }, a:reshape{ -1, 3 }.shape)
    assert.are.same({ 1, 6, 1 }, a:reshape{ 1, -1, 1 }.shape)
  end)

  it("reshape() rejects a size mismatch", function()
    fails_with(a.reshape, { a, { 4, 2 } }, "size 6", "4x2", "size 8")
    fails_with(a.reshape, { a, { -1, 4 } }, "-1")
    fails_with(a.reshape, { a, { -1, -1 } }, "only one dimension")
    fails_with(a.reshape, { a }, "shape expected")
  end)

  it("flatten() gives a 1-D copy", function()
    local f = a:flatten()
    same({ 3, -1, 4, 1, -5, 9 }, f)
    f[1] = 0
    assert.are.equal(3, a[1][1])
  end)

  it("reductions", function()
    assert.are.equal(11, a:sum())
    assert.are.equal(11 / 6, a:mean())
    assert.are.equal(-5, a:min())
    assert.are.equal(9, a:max())
    assert.are.equal(6, a:argmax())       -- 1-based flat index
    assert.are.equal(3, a[1]:argmax())
    assert.are.equal(1, array{ 7, 7, 1 }:argmax()) -- the first maximum
    -- population standard deviation (numpy's ddof = 0): numpy.std([3,-1,4,1,-5,9])
    assert.is_true(math.abs(a:std() - 4.336537277085895) < 1e-12)
    assert.are.equal(0, array{ 5 }:std())
  end)

  it("reductions of empty arrays", function()
    local e = zeros(0)
    assert.are.equal(0, e:sum())
    assert.is_true(e:mean() ~= e:mean()) -- NaN
    fails_with(e.min, { e }, "empty")
    fails_with(e.max, { e }, "empty")
    fails_with(e.argmax, { e }, "empty")
  end)

  it("NaN propagates through min and max", function()
    local n = array{ 1, 0 / 0, 3 }
    assert.is_true(n:max() ~= n:max())
    assert.is_true(n:min() ~= n:min())
    assert.are.equal(2, n:argmax())
  end)
end)

describe("ann.Array arithmetic", function()
  local a, b
  before_each(function()
    a = array{ { 1, 2 }, { 3, 4 } }
    b = array{ { 10, 20 }, { 30, 40 } }
  end)

  it("with numbers on either side", function()
    same({ { 2, 3 }, { 4, 5 } }, a + 1)
    same({ { 2, 3 }, { 4, 5 } }, 1 + a)
    same({ { 0, 1 }, { 2, 3 } }, a - 1)
    same({ { 9, 8 }, { 7, 6 } }, 10 - a)
    same({ { 2, 4 }, { 6, 8 } }, a * 2)
    same({ { 2, 4 }, { 6, 8 } }, 2 * a)
    same({ { 0.5, 1 }, { 1.5, 2 } }, a / 2)
    same({ { 12, 6 }, { 4, 3 } }, 12 / a)
    same({ { 1, 4 }, { 9, 16 } }, a ^ 2)
    same({ { 2, 4 }, { 8, 16 } }, 2 ^ a)
  end)

  it("with arrays of the same shape", function()
    same({ { 11, 22 }, { 33, 44 } }, a + b)
    same({ { 9, 18 }, { 27, 36 } }, b - a)
    same({ { 10, 40 }, { 90, 160 } }, a * b)
    same({ { 10, 10 }, { 10, 10 } }, b / a)
    same({ { 11, 22 } }, array{ a[1] + b[1] })
  end)

  it("unary minus", function()
    same({ { -1, -2 }, { -3, -4 } }, -a)
  end)

  it("gives new arrays", function()
    local c = a + 0
    c[1][1] = 100
    assert.are.equal(1, a[1][1])
  end)

  it("rejects shape mismatches, naming both shapes", function()
    fails_with(function() return a + zeros(4) end, {}, "(2x2)", "(4)", "'+'")
    fails_with(function() return a * zeros{ 1, 4 } end, {}, "(2x2)", "(1x4)", "'*'")
    fails_with(function() return a + { 1, 2 } end, {}, "cannot apply '+'", "table")
    fails_with(function() return a - "1" end, {}, "cannot apply '-'")
  end)

  it("compares by identity", function()
    assert.is_true(a == a)
    assert.is_false(a == a:copy())
    assert.is_false(a[1] == a[1]) -- two views of one row are two objects
  end)
end)

describe("tostring(ann.Array)", function()
  it("prints a short summary", function()
    assert.are.equal("Array(3) [1, 2, 3]", tostring(array{ 1, 2, 3 }))
    assert.are.equal("Array(3x5) [0, 1, 2, ..., 14]", tostring(linspace(0, 14, { 3, 5 })))
    assert.are.equal("Array(0) []", tostring(zeros(0)))
    assert.are.equal("Array(2) [0.5, -1e-07]", tostring(array{ 0.5, -1e-7 }))
  end)
end)

describe("allclose", function()
  local allclose = core.allclose

  it("accepts Arrays, nested tables and numbers", function()
    assert.is_true(allclose(array{ 1, 2 }, { 1, 2 }))
    assert.is_true(allclose({ { 1, 2 }, { 3, 4 } }, array{ { 1, 2 }, { 3, 4 } }))
    assert.is_true(allclose(zeros(3), 0))
    assert.is_true(allclose(0, zeros(3)))
    assert.is_true(allclose(1, 1))
  end)

  it("uses |a - b| <= atol + rtol |b| with rtol 1e-7 and atol 0", function()
    assert.is_true(allclose({ 1 + 1e-8 }, { 1 }))
    assert.is_false(allclose({ 1 + 1e-6 }, { 1 }))
    assert.is_true(allclose({ 1.05 }, { 1 }, { rtol = 0.1 }))
    assert.is_true(allclose({ 0.05 }, { 0 }, { atol = 0.1 }))
    assert.is_false(allclose({ 1e-9 }, { 0 }))
    assert.is_true(allclose({ 1 }, { 2 }, { rtol = 0.5 }))  -- relative to b
    assert.is_false(allclose({ 2 }, { 1 }, { rtol = 0.5 }))
  end)

  it("describes the first mismatch", function()
    local ok, msg = allclose({ { 1, 2 }, { 3, 4 } }, { { 1, 2 }, { 3.5, 4.5 } })
    assert.is_false(ok)
    assert.is_truthy(msg:find("2 of 4", 1, true))
    assert.is_truthy(msg:find("[2, 1]", 1, true))
    assert.is_truthy(msg:find("3.0 vs 3.5", 1, true))
  end)

  it("reports shape mismatches", function()
    local ok, msg = allclose({ 1, 2, 3 }, { 1, 2 })
    assert.is_false(ok)
    assert.is_truthy(msg:find("(3)", 1, true) and msg:find("(2)", 1, true))
  end)

  it("treats NaNs as equal unless told otherwise", function()
    assert.is_true(allclose({ 0 / 0 }, { 0 / 0 }))
    assert.is_false(allclose({ 0 / 0 }, { 0 / 0 }, { equal_nan = false }))
    assert.is_false(allclose({ 0 / 0 }, { 1 }))
    assert.is_true(allclose({ math.huge }, { math.huge }))
    assert.is_false(allclose({ math.huge }, { -math.huge }, { atol = 1 }))
  end)

  it("rejects unknown options and bad values", function()
    fails_with(allclose, { { 1 }, { 1 }, { rtool = 1 } }, "unknown option 'rtool'")
    fails_with(allclose, { { 1 }, { 1 }, { rtol = "x" } }, "'rtol'", "number")
    fails_with(allclose, { { 1, { 2 } }, { 1, 2 } }, "ragged")
  end)
end)
