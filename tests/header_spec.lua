-- include/annarchy.h is the whole API of the core: LuaJIT's ffi.cdef accepts it and drives the
-- shared library through it, and the library exports no ann_* symbol it does not declare.
-- Run from the repository root after make: busted --lua=./annlua tests/header_spec.lua

local HEADER, LIB = "include/annarchy.h", "build/libannarchy.so"

local function read(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  p:close()
  return out
end

describe("the public header", function()
  it("is valid input for LuaJIT's ffi.cdef and drives the library", function()
    local out = read("luajit tests/c/header_ffi.lua " .. HEADER .. " " .. LIB .. " 2>&1")
    assert.are.equal("ok\n", out)
  end)

  it("declares every symbol the shared library exports", function()
    local f = assert(io.open(HEADER, "r"))
    local header = f:read("a")
    f:close()
    local exported, missing = 0, {}
    for name in read("nm -D --defined-only " .. LIB):gmatch("%s[TDRB]%s+([%w_]+)") do
      exported = exported + 1
      if not header:find("%f[%w_]" .. name .. "%f[^%w_]") then missing[#missing + 1] = name end
    end
    assert.is_true(exported > 100)
    assert.are.same({}, missing)
  end)

  it("is the only core header the C tests of networks, projections and monitors include", function()
    for _, name in ipairs({"network", "projection", "monitor"}) do
      local f = assert(io.open("tests/c/" .. name .. "_test.c", "r"))
      for line in f:lines() do
        local inc = line:match('^#include "([^"]+)"')
        if inc then
          assert.is_truthy(inc == "annarchy.h" or inc == "check.h" or inc == "kernel_source.h",
            name .. "_test.c includes " .. inc)
        end
      end
      f:close()
    end
  end)
end)
