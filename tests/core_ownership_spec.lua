-- One owner per object in the C module: a network owns its monitors and projection
-- recorders; destroying the network leaves their handles inert, never freeing twice.
-- Each case runs in a child annlua, so that a crash is a failed test, not a dead runner.
-- Run from the repository root: busted --lua=./annlua tests/core_ownership_spec.lua

local ANNLUA = os.getenv("ANNLUA") or "./annlua"

local function run(code)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(code)
  f:close()
  local p = io.popen(ANNLUA .. " " .. path .. " 2>&1; echo \"exit=$?\"")
  local out = p:read("a")
  p:close()
  os.remove(path)
  return out
end

local PRELUDE = [[
local core = require("annarchy.core")
local rt = core.network_new(0.1, 1)
rt:add_population(4, {{type = 0, ["local"] = true}}, false)
]]

describe("core handles", function()
  it("a monitor outlives a destroyed network without a crash", function()
    local out = run(PRELUDE .. [[
local mon = rt:monitor_new(0, nil, 1, 0)
mon:add_variable(0, 0, false)
rt:destroy()
rt = nil
collectgarbage()
collectgarbage()
local ok, err = pcall(mon.data, mon, 0)
print(ok, err)
mon = nil
collectgarbage()
print("done")
]])
    assert.matches("false\tannarchy: the network was destroyed", out, 1, true)
    assert.matches("done\nexit=0", out, 1, true)
  end)

  it("a monitor freed before its network is not freed again", function()
    local out = run(PRELUDE .. [[
local mon = rt:monitor_new(0, nil, 1, 0)
mon:free()
rt:destroy()
mon = nil
rt = nil
collectgarbage()
print("done")
]])
    assert.matches("done\nexit=0", out, 1, true)
  end)

  it("network and monitor collected together free each object once", function()
    local out = run(PRELUDE .. [[
for _ = 1, 3 do
  local mon = rt:monitor_new(0, {0, 2}, 1, 0)
  mon:add_variable(0, 0, false)
end
rt = nil
collectgarbage()
collectgarbage()
print("done")
]])
    assert.matches("done\nexit=0", out, 1, true)
  end)

  it("a projection recorder outlives a destroyed network without a crash", function()
    local out = run(PRELUDE .. [[
rt:add_population(2, {{type = 0, ["local"] = true}}, false)
local c = core.connect("all_to_all", {pre_ranks = {0, 1, 2, 3}, post_ranks = {0, 1},
  pre_size = 4, post_size = 2, weights = 1, delays = 0, dt = 0.1})
local id = rt:add_projection({pre = 0, post = 1, w_attr = 0, attrs = {{type = 0, locality = 1}}}, c)
local rec = rt:proj_recorder(id, 0, nil, 1, 0)
local kept = rt:proj_recorder(id, 0, nil, 1, 0)
rec:free()
rt:destroy()
rt = nil
collectgarbage()
print(pcall(kept.data, kept))
kept, rec = nil, nil
collectgarbage()
print("done")
]])
    assert.matches("false\tannarchy: the network was destroyed", out, 1, true)
    assert.matches("done\nexit=0", out, 1, true)
  end)
end)
