-- The kernel cache: hits, integrity, failures, concurrent writers, compilers (docs/cache.md).
local core = require("annarchy.core")

local function tmpdir()
  local p = os.tmpname()
  os.remove(p)
  assert(os.execute("mkdir -p " .. p))
  return p
end

local function files(dir, suffix)
  local out = {}
  local f = io.popen("ls " .. dir)
  for name in f:lines() do
    if name:sub(-#suffix) == suffix then out[#out + 1] = dir .. "/" .. name end
  end
  f:close()
  return out
end

local SOURCE = "double annk_test_value(void) { return 42.5; }\n"

describe("kernel cache", function()
  it("compiles once, then finds the library", function()
    local dir = tmpdir()
    for _, compiler in ipairs{"cc", "tcc"} do
      local _, hit1 = core.compile(SOURCE .. "/* " .. compiler .. " */", {directory = dir, compiler = compiler})
      local _, hit2 = core.compile(SOURCE .. "/* " .. compiler .. " */", {directory = dir, compiler = compiler})
      assert.is_false(hit1)
      assert.is_true(hit2)
    end
    assert.equal(2, #files(dir, ".sum"))
    assert.equal(2, #files(dir, ".c"))
  end)

  it("keys entries by compiler and flags", function()
    local dir = tmpdir()
    core.compile(SOURCE, {directory = dir, compiler = "cc"})
    local _, hit = core.compile(SOURCE, {directory = dir, compiler = "cc", flags = "-DEXTRA=1"})
    assert.is_false(hit)
    assert.equal(2, #files(dir, ".so"))
  end)

  it("rebuilds a truncated or corrupted library instead of loading it", function()
    local dir = tmpdir()
    core.compile(SOURCE, {directory = dir, compiler = "tcc"})
    local so = files(dir, ".so")[1]
    local f = assert(io.open(so, "r+b"))
    f:seek("set", 100)
    f:write("garbage")
    f:close()
    local _, hit = core.compile(SOURCE, {directory = dir, compiler = "tcc"})
    assert.is_false(hit)
    local g = assert(io.open(so, "wb"))     -- truncated to nothing
    g:close()
    local _, hit2 = core.compile(SOURCE, {directory = dir, compiler = "tcc"})
    assert.is_false(hit2)
    local _, hit3 = core.compile(SOURCE, {directory = dir, compiler = "tcc"})
    assert.is_true(hit3)
  end)

  it("reports a compiler error with the label and keeps the source", function()
    local dir = tmpdir()
    for _, compiler in ipairs{"cc", "tcc"} do
      local ok, err = pcall(core.compile, "this is not C;", {directory = dir, compiler = compiler,
        label = "network 7"})
      assert.is_false(ok)
      assert.matches("compiling network 7 with " .. compiler .. " failed", err, 1, true)
      assert.matches("the source is kept at", err, 1, true)
    end
    assert.equal(2, #files(dir, ".c"))      -- one failed-KEY.c per compiler
    assert.equal(0, #files(dir, ".so"))
  end)

  it("rejects an unknown compiler", function()
    assert.has_error(function() core.compile(SOURCE, {compiler = "icc"}) end)
  end)

  it("lets concurrent processes compile the same kernels", function()
    local dir = tmpdir()
    local script = dir .. "/compile.lua"
    local f = assert(io.open(script, "w"))
    f:write(([[
      local core = require("annarchy.core")
      core.compile(%q, {directory = %q, compiler = "cc"})
      print("ok")
    ]]):format(SOURCE .. "/* concurrent */", dir))
    f:close()
    local cmd = ("(./annlua %s > %s/a.out 2>&1 & ./annlua %s > %s/b.out 2>&1 & ./annlua %s > %s/c.out 2>&1 & wait)")
      :format(script, dir, script, dir, script, dir)
    assert(os.execute(cmd))
    for _, name in ipairs{"a", "b", "c"} do
      local out = assert(io.open(dir .. "/" .. name .. ".out")):read("a")
      assert.equal("ok\n", out)
    end
    assert.equal(1, #files(dir, ".sum"))
  end)

  it("honours ANNLUA_CACHE and reports and clears the cache from the command line", function()
    local dir = tmpdir()
    local env = "ANNLUA_CACHE=" .. dir .. " "
    assert(os.execute(env .. "./annlua -e 'require(\"annarchy.core\").compile(\"int x;\", {compiler=\"tcc\"})'"))
    local report = io.popen(env .. "./annlua --cache"):read("a")
    assert.matches(dir, report, 1, true)
    assert.matches("entries: 1", report, 1, true)
    assert(os.execute(env .. "./annlua --cache-clear > /dev/null"))
    assert.matches("entries: 0", io.popen(env .. "./annlua --cache"):read("a"), 1, true)
  end)

  it("falls back to tcc with a note when there is no system compiler", function()
    local dir = tmpdir()
    local cmd = ("PATH=/nonexistent ANNLUA_CACHE=%s ./annlua -e "
      .. "'print(require(\"annarchy.core\").compile(\"int y;\", {compiler = \"cc\"}) ~= nil)' 2>&1"):format(dir)
    local out = io.popen(cmd):read("a")
    assert.matches("no system C compiler found; compiling kernels with tcc", out, 1, true)
    assert.matches("true", out, 1, true)
  end)

  it("logs its decisions with ANNLUA_VERBOSE", function()
    local dir = tmpdir()
    local cmd = ("ANNLUA_VERBOSE=1 ANNLUA_CACHE=%s ./annlua examples/quickstart.lua 2>&1 >/dev/null"):format(dir)
    assert.matches("compiled network 1 with cc", io.popen(cmd):read("a"), 1, true)
    assert.matches("cache hit for network 1", io.popen(cmd):read("a"), 1, true)
  end)
end)

describe("compile{clean = true}", function()
  it("compiles again even when the cache has the kernels", function()
    local dir = tmpdir()
    local ann = require("annarchy")
    local function build(clean)
      local net = ann.Network{}
      net:create(1, ann.Neuron{equations = "r = 1"})
      net:compile{directory = dir, clean = clean, silent = true}
      return net._.from_cache
    end
    assert.is_false(build(false))
    assert.is_true(build(false))
    assert.is_false(build(true))
  end)
end)
