-- Statement splitting and flags (reference §3.1, §3.3).
local statements = require("annarchy.compiler.statements")

local CTX = {object = "neuron", model = "N", where = "equation"}

local function split(text) return statements.split(text, CTX) end

describe("statement splitting", function()
  it("splits on newlines and semicolons, skips comments and empty lines", function()
    local s = split("a = 1 # comment\n\n  b = 2; c += 3\n# only a comment\n")
    assert.are.equal(3, #s)
    assert.are.equal("a = 1", s[1].text)
    assert.are.equal("b = 2", s[2].text)
    assert.are.equal("c += 3", s[3].text)
    assert.are.same({1, 2, 3}, {s[1].index, s[2].index, s[3].index})
  end)

  it("reads the flags after the last colon", function()
    local s = split("tau * dv/dt + v = I : init = -65.0, min = 0, exponential")
    assert.are.equal("tau * dv/dt + v = I", s[1].text)
    assert.are.equal(3, #s[1].flags)
    assert.are.equal("init", s[1].flags[1].key)
    assert.are.equal("-65.0", s[1].flags[1].value)
    assert.are.equal("exponential", s[1].flags[3].key)
    assert.is_nil(s[1].flags[3].value)
  end)

  it("keeps commas inside parentheses in one flag", function()
    local s = split("x = 1 : init = Uniform(0.0, 1.0), population")
    assert.are.equal(2, #s[1].flags)
    assert.are.equal("Uniform(0.0, 1.0)", s[1].flags[1].value)
  end)

  it("positions flags in the source shown by errors", function()
    local s = split("x = 1 : init = 2, max = 3")
    local st = s[1]
    for _, f in ipairs(st.flags) do
      assert.are.equal(f.key, st.source:sub(f.pos, f.pos + #f.key - 1))
    end
    assert.are.equal("3", st.source:sub(st.flags[2].vpos, st.flags[2].vpos))
  end)

  it("joins continuation lines of a multi-line conditional", function()
    local s = split([[
      r = if mp < 1.0:
            if mp > 0.0:
                mp
            else:
                0.0
          else:
              1.0 : init = 0.6
      y = 2]])
    assert.are.equal(2, #s)
    assert.are.equal("r = if mp < 1.0: if mp > 0.0: mp else: 0.0 else: 1.0", s[1].text)
    assert.are.equal("init", s[1].flags[1].key)
    assert.are.equal("0.6", s[1].flags[1].value)
    assert.are.equal("y = 2", s[2].text)
  end)

  it("treats a colon of a one-line conditional as part of the equation", function()
    local s = split("r = if t > 5: 1 else: 0")
    assert.are.equal("r = if t > 5: 1 else: 0", s[1].text)
    assert.are.equal(0, #s[1].flags)
    s = split("r = if t > 5: 1 else: 0 : init = 1")
    assert.are.equal("r = if t > 5: 1 else: 0", s[1].text)
    assert.are.equal(1, #s[1].flags)
  end)

  it("does not count comparisons as assignments", function()
    local ops = statements.assignments("x = a == b and c <= d and e >= f and g != h")
    assert.are.equal(1, #ops)
    assert.are.equal("=", ops[1].op)
    ops = statements.assignments("x += 1")
    assert.are.equal("+=", ops[1].op)
    assert.are.equal(3, ops[1].pos)
  end)

  it("rejects two assignment operators with a caret under the second", function()
    local ok, err = pcall(split, "x = y = 1")
    assert.is_false(ok)
    assert.truthy(err:find('annarchy: neuron "N", equation 1: only one assignment operator', 1, true))
    local lines = {}
    for l in (err .. "\n"):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
    assert.are.equal("    x = y = 1", lines[2])
    assert.are.equal("    " .. string.rep(" ", 6) .. "^", lines[3])
  end)

  it("single mode makes every line a statement", function()
    local s = statements.split("a = 1\nb\nc = 2", CTX, {single = true})
    assert.are.equal(3, #s)
  end)

  it("treats an unknown word after a colon as a misspelt flag", function()
    local s = split("x = 1 : populaton")
    assert.are.equal("populaton", s[1].flags[1].key)
  end)
end)
