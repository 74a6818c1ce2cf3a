-- bench/embed.lua: the host overhead of one step call, beyond the kernels' own work, for the
-- 10-neuron network of bench/embed/model.lua (issue 10 targets: at most 0.5 us from C and 1 us
-- from Lua). Rows: C through libannlua and the core API (bench/embed/overhead.c, built by
-- `make bench` as build/bench/embed_overhead); Lua 5.4 through the ordinary binding, net:step()
-- (bench/embed/overhead.lua under ./annlua); LuaJIT, the same script under luajit, measured as
-- soon as the front end loads there (the FFI runtime), reported as missing until then.
-- Run from the repository root: ./annlua bench/embed.lua
local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>&1"))
  local out = p:read("a")
  local ok = p:close()
  return ok and out or nil, out
end

local rows = {}
local c_out, c_err = run("build/bench/embed_overhead bench/embed/model.lua")
if not c_out then error("bench/embed: the C benchmark failed (make bench builds it): " .. c_err) end
for what, call, kernels, over in c_out:gmatch("([^\n]-) (%S+) (%S+) (%S+)\n") do
  rows[#rows + 1] = {"C: " .. what, call, kernels, over, 0.5}
end
local lua_out, lua_err = run("./annlua bench/embed/overhead.lua bench/embed/model.lua")
if not lua_out then error("bench/embed: the Lua benchmark failed: " .. lua_err) end
local call, kernels, over = lua_out:match("(%S+) (%S+) (%S+)")
rows[#rows + 1] = {"Lua 5.4: net:step()", call, kernels, over, 1.0}

-- The LuaJIT row: the same script, once require("annarchy") works under luajit.
local path = [[-e "package.path = 'lua/?.lua;lua/?/init.lua;' .. package.path"]]
if run("luajit " .. path .. [[ -e "require('annarchy')"]]) then
  local jit_out, jit_err = run("luajit " .. path .. " bench/embed/overhead.lua bench/embed/model.lua")
  if not jit_out then error("bench/embed: the LuaJIT benchmark failed: " .. jit_err) end
  call, kernels, over = jit_out:match("(%S+) (%S+) (%S+)")
  rows[#rows + 1] = {"LuaJIT FFI: net:step()", call, kernels, over, 1.0}
else
  rows[#rows + 1] = {"LuaJIT FFI: net:step()", "-", "-", "-", 1.0,
    "not measured: the front end does not load under luajit (no FFI runtime yet)"}
end

io.write(("%-36s %10s %12s %12s %8s\n"):format("call (10 neurons, dt 0.1 ms)", "us/call",
  "kernels us", "overhead us", "target"))
for _, r in ipairs(rows) do
  local note = r[6] or (tonumber(r[4]) <= r[5] and "met" or "MISSED")
  io.write(("%-36s %10s %12s %12s %8s  %s\n"):format(r[1], r[2], r[3], r[4], "<= " .. r[5], note))
end
