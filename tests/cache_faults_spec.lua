-- Faults of the kernel cache that are not faults of the generated code: a cache directory
-- that cannot be written, and one removed by another process while a network compiles.
local function run(cmd)
  local err = os.tmpname()
  local p = assert(io.popen(cmd .. " 2>" .. err, "r"))
  local out = p:read("a")
  local _, _, code = p:close()
  local f = assert(io.open(err))
  local stderr = f:read("a")
  f:close()
  os.remove(err)
  return out, stderr, code
end

-- a network whose kernels no cache holds yet (a fresh constant in its equation)
local function script(tag)
  return ("./annlua -e 'local ann = require(\"annarchy\"); local net = ann.Network{}; "
    .. "local p = net:create(2, ann.Neuron{equations = \"r = %s + t\"}); net:compile(); "
    .. "net:simulate(2); print(p.r[1])'"):format(tag)
end

describe("the kernel cache #annlua", function()
  it("falls back to a private directory when the default one cannot be written", function()
    local tag = ("%d.25"):format(os.time() % 100000)
    local out, err, code = run("ANNLUA_CACHE=/dev/null/cache " .. script(tag))
    assert.equal(0, code, err)
    assert.equal(tonumber(tag) + 1, tonumber(out))
    assert.truthy(err:find("the cache directory /dev/null/cache cannot be written", 1, true), err)
  end)

  it("compiles again when another process removes the directory during the compile", function()
    local dir = os.tmpname()
    os.remove(dir)
    local bin = os.tmpname()
    os.remove(bin)
    assert(os.execute("mkdir -p " .. bin))
    -- a cc that removes the cache directory the first time it runs, then compiles
    local f = assert(io.open(bin .. "/cc", "w"))
    f:write("#!/bin/sh\nif [ ! -e " .. bin .. "/done ]; then touch " .. bin .. "/done; rm -rf "
      .. dir .. "; fi\nexec /usr/bin/cc \"$@\"\n")
    f:close()
    assert(os.execute("chmod +x " .. bin .. "/cc"))
    local tag = ("%d.5"):format(os.time() % 100000 + 7)
    local out, err, code = run("PATH=" .. bin .. ":$PATH ANNLUA_CACHE=" .. dir .. " " .. script(tag))
    local removed = io.open(bin .. "/done") ~= nil
    os.execute("rm -rf " .. bin .. " " .. dir)
    assert.is_true(removed)
    assert.equal(0, code, err)
    assert.equal(tonumber(tag) + 1, tonumber(out))
  end)
end)
