-- The inputs the fuzzers found faults with (tests/fuzz/regressions/<target>/), replayed through
-- the same targets (tests/fuzz/lua_target.lua): each must now load or be refused with an
-- annarchy error naming the fault.
local targets = dofile("tests/fuzz/lua_target.lua")

local function files(dir)
  local out = {}
  local p = io.popen('ls "' .. dir .. '" 2>/dev/null')
  for name in p:lines() do out[#out + 1] = name end
  p:close()
  return out
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("inputs found by the fuzzers", function()
  for _, target in ipairs{"model", "state", "npz", "connectivity"} do
    local dir = "tests/fuzz/regressions/" .. target
    for _, name in ipairs(files(dir)) do
      it(target .. ": " .. name, function()
        local ok, err = pcall(targets[target], read(dir .. "/" .. name))
        assert.is_true(ok or tostring(err):sub(1, 10) == "annarchy: ", tostring(err))
      end)
    end
  end
end)
