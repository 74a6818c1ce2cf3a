-- frame_loop.lua: the loop a game engine runs around a spiking network under LuaJIT. Per
-- frame: the sensors' values go into the network through a zero-copy view, the network runs
-- 10 ms in C, the motor neurons' values come out through another view, and the vehicle moves.
-- The brain and the arena are the modules of the LÖVE example (examples/embed/love/).
--
-- Run from the repository root after make (see docs/luajit.md for the paths):
--   LUA_PATH='lua/?.lua;lua/?/init.lua;;' luajit examples/embed/frame_loop.lua [frames] [seed]
local dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = dir .. "/love/?.lua;" .. package.path

local brain = require("brain")
local arena = require("arena")

local frames = tonumber(arg and arg[1]) or 3000
local seed = tonumber(arg and arg[2]) or 42

local b = brain.new{seed = seed}
local v = arena.vehicle(0.5, 0.5, 0.3)
local dt = brain.FRAME_MS / 1000        -- one frame of network time = one frame of world time
local clock = os.clock
local t0 = clock()
for frame = 1, frames do
  local left, right = arena.sense(v)           -- sensor in
  local l, r = brain.step(b, left, right)      -- 10 ms of network
  arena.move(v, l, r, dt)                      -- motor out
  if frame % 500 == 0 then
    print(("frame %5d  t = %5.1f s  x = %.3f  y = %.3f  heading = %6.1f deg  wheels %.2f %.2f"):format(
      frame, frame * dt, v.x, v.y, math.deg(v.theta) % 360, l, r))
  end
end
local elapsed = clock() - t0
print(("%d frames (%.0f s of network) in %.2f s of CPU: %.0f us per frame; touched a wall: %s"):format(
  frames, frames * dt, elapsed, 1e6 * elapsed / frames, tostring(v.touched)))
