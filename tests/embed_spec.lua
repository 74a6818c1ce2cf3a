-- Embedding annlua in a C program: the headers under LuaJIT's ffi.cdef, the symbols libannlua
-- exports, an installation found by pkg-config, and the Braitenberg vehicle of
-- examples/embed/robot.c (deterministic for a seed, never touching a wall).
-- Run from the repository root after make ctests: busted --lua=./annlua tests/embed_spec.lua

local function read(cmd)
  local p = assert(io.popen(cmd))
  local out = p:read("a")
  local ok, _, code = p:close()
  return out, ok and 0 or code
end

local function read_file(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("a")
  f:close()
  return s
end

local ROBOT = "build/examples/robot"

describe("embedding", function()
  it("both headers are valid input for LuaJIT's ffi.cdef", function()
    local out = read("luajit tests/c/annlua_ffi.lua include/annarchy.h include/annlua.h "
      .. "build/libannarchy.so build/libannlua.so 2>&1")
    assert.are.equal("ok\n", out)
  end)

  it("libannlua exports what its headers declare, and the Lua module's entry point", function()
    local headers = read_file("include/annarchy.h") .. read_file("include/annlua.h")
    local missing, count = {}, 0
    for name in read("nm -D --defined-only build/libannlua.so"):gmatch("%s[TDRB]%s+([%w_]+)") do
      count = count + 1
      if name ~= "luaopen_annarchy_core" and not headers:find("%f[%w_]" .. name .. "%f[^%w_]") then
        missing[#missing + 1] = name
      end
    end
    assert.is_true(count > 100)
    assert.are.same({}, missing)
  end)

  it("the vehicle avoids the walls, and two runs of a seed are identical", function()
    local cmd = ROBOT .. " --frames 3000 --every 50 --seed 5"
    local first, code = read(cmd)
    assert.are.equal(0, code)
    assert.are.equal(first, (read(cmd)))
    assert.is_truthy(first:match("touched a wall: no"))
    local lines = select(2, first:gsub("\n", "\n"))
    assert.are.equal(1 + 60 + 1 + 1, lines)   -- header, frames 0, 50, ..., 2950, 2999, verdict
    local xmin, xmax, ymin, ymax = math.huge, -math.huge, math.huge, -math.huge
    for x, y in first:gmatch("\n%s*%d+%s+%S+%s+(%S+)%s+(%S+)") do
      xmin, xmax = math.min(xmin, tonumber(x)), math.max(xmax, tonumber(x))
      ymin, ymax = math.min(ymin, tonumber(y)), math.max(ymax, tonumber(y))
    end
    assert.is_true(xmax - xmin > 0.5 and ymax - ymin > 0.5)   -- it roams the 2 m arena
    assert.are_not.equal(first, (read(ROBOT .. " --frames 3000 --every 50 --seed 6")))
  end)

  it("refuses a model that fails, with its message #lua54", function()
    local tmp = os.tmpname()
    local f = assert(io.open(tmp, "w"))
    f:write("error('no vehicle today')\n")
    f:close()
    local out, code = read(ROBOT .. " --frames 10 --model " .. tmp .. " 2>&1")
    os.remove(tmp)
    assert.are_not.equal(0, code)
    assert.is_truthy(out:match("^robot: " .. tmp:gsub("%p", "%%%0") .. ":1: no vehicle today"))
  end)

  it("installs with make install, and a program builds with pkg-config alone", function()
    local dest = os.tmpname()
    os.remove(dest)
    local prefix = "/opt/annlua-embed-test"
    local root = dest .. prefix
    local _, code = read(("make install DESTDIR=%s PREFIX=%s >/dev/null 2>&1"):format(dest, prefix))
    assert.are.equal(0, code)
    local env = ("PKG_CONFIG_PATH=%s/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=%s"):format(root, dest)
    local out
    out, code = read(("%s sh -c 'cc examples/embed/robot.c $(pkg-config --cflags --libs annlua) -o %s/robot' 2>&1")
      :format(env, dest))
    assert.are.equal(0, code, out)
    local args = " --frames 400 --every 100 --seed 2"
    out, code = read(("LD_LIBRARY_PATH=%s/lib %s/robot%s"):format(root, dest, args))
    assert.are.equal(0, code)
    assert.are.equal((read(ROBOT .. args)), out)
    read("rm -rf " .. dest)
  end)
end)
