-- The inputs the fuzzers found faults with (tests/fuzz/regressions/<target>/), replayed through
-- the same targets (tests/fuzz/lua_target.lua; hdf5: the Keras file read of hdf5_fuzz.c): each
-- must now load or be refused with an annarchy error naming the fault.
local targets = dofile("tests/fuzz/lua_target.lua")
local runtime = require("annarchy.runtime")

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
  -- hdf5 (tests/fuzz/hdf5_fuzz.c): the file read in a child process within 2 s (the harness: 1 s);
  -- the inputs on which libhdf5 crashes or loops must come back as an error naming the file.
  local dir = "tests/fuzz/regressions/hdf5"
  for _, name in ipairs(files(dir)) do
    it("hdf5: " .. name, function()
      local path = dir .. "/" .. name
      local ok, err = pcall(runtime.keras_read, path, 2)
      if ok then runtime.keras_free(err) end
      assert.is_true(ok or tostring(err):find("'" .. path .. "' could not be read: ", 1, true) == 1, tostring(err))
    end)
  end
end)
