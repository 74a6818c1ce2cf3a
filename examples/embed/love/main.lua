-- A Braitenberg vehicle in a walled arena, driven by a spiking network simulated by annlua
-- inside LÖVE 11 (which runs LuaJIT): every frame the two distance sensors feed the sensor
-- neurons, the network runs 10 ms, the motor neurons' traces turn the wheels. Left: the arena,
-- the vehicle and its sensor rays; right: a live raster of the 64 neurons over the last 2 s.
--
--   love examples/embed/love [--frames N] [--screenshot FILE.png] [--seed S]
-- With --frames the game quits after N frames, having saved the screenshot when asked (the
-- test runs it so under xvfb-run). The front end is found next to this directory (a checkout)
-- or where `make install` put it; see docs/luajit.md.
local source = love.filesystem.getSource()
package.path = source .. "/../../../lua/?.lua;" .. source .. "/../../../lua/?/init.lua;" .. package.path

local brain = require("brain")
local arena = require("arena")

local HISTORY = 200          -- frames of raster shown (2 s)
local options = {frames = nil, screenshot = nil, seed = 42}
local state = {}

local function parse(args)
  local i = 1
  while i <= #args do
    local k = args[i]:match("^%-%-(.+)$")
    if k and options[k] ~= nil or k == "frames" or k == "screenshot" then
      options[k] = tonumber(args[i + 1]) or args[i + 1]
      i = i + 2
    else
      i = i + 1
    end
  end
end

function love.load(args)
  parse(args or {})
  state.brain = brain.new{seed = options.seed, record = true}
  state.vehicle = arena.vehicle(0.5, 0.5, 0.3)
  state.trail, state.raster, state.frame = {}, {}, 0
  love.graphics.setBackgroundColor(0.97, 0.97, 0.95)
end

-- The spikes of the last frame as {rank (1..2N sensors, 2N+1..4N motors) = true}.
local function frame_spikes(b)
  local out, base = {}, 0
  for _, m in ipairs(b.monitors) do
    for rank, times in pairs(m:get("spike")) do
      if #times > 0 then out[base + rank] = true end
    end
    base = base + 2 * brain.N
  end
  return out
end

-- One frame of simulation, whatever the display rate: 10 ms of network and of world.
local function advance()
  local v = state.vehicle
  local left, right = arena.sense(v)
  local l, r = brain.step(state.brain, left, right)
  arena.move(v, l, r, brain.FRAME_MS / 1000)
  state.left, state.right, state.wheels = left, right, {l, r}
  table.insert(state.raster, frame_spikes(state.brain))
  if #state.raster > HISTORY then table.remove(state.raster, 1) end
  table.insert(state.trail, {v.x, v.y})
  if #state.trail > 1500 then table.remove(state.trail, 1) end
  state.frame = state.frame + 1
end

function love.update()
  advance()
  if options.frames and state.frame >= options.frames then
    if options.screenshot and not state.shot then
      state.shot = true
      love.graphics.captureScreenshot(function(image)
        local f = assert(io.open(options.screenshot, "wb"))
        f:write(image:encode("png"):getString())
        f:close()
        love.event.quit(0)
      end)
    elseif not options.screenshot then
      love.event.quit(0)
    end
  end
end

local function draw_arena(x0, y0, size)
  local v = state.vehicle
  local function px(x, y) return x0 + x * size, y0 + (1 - y) * size end
  love.graphics.setColor(0.2, 0.2, 0.2)
  love.graphics.setLineWidth(4)
  love.graphics.rectangle("line", x0, y0, size, size)
  love.graphics.setLineWidth(1)
  love.graphics.setColor(0.55, 0.7, 0.9)
  for i = 2, #state.trail do
    local ax, ay = px(state.trail[i - 1][1], state.trail[i - 1][2])
    local bx, by = px(state.trail[i][1], state.trail[i][2])
    love.graphics.line(ax, ay, bx, by)
  end
  for k, a in ipairs({arena.SENSOR_ANGLE, -arena.SENSOR_ANGLE}) do
    local p = k == 1 and (state.left or 0) or (state.right or 0)
    local d = math.min(arena.ray(v.x, v.y, v.theta + a), arena.RANGE + arena.RADIUS)
    love.graphics.setColor(0.9, 0.5 - 0.4 * p, 0.1, 0.4 + 0.6 * p)
    local ax, ay = px(v.x, v.y)
    local bx, by = px(v.x + d * math.cos(v.theta + a), v.y + d * math.sin(v.theta + a))
    love.graphics.line(ax, ay, bx, by)
  end
  local cx, cy = px(v.x, v.y)
  love.graphics.setColor(0.15, 0.35, 0.75)
  love.graphics.circle("fill", cx, cy, arena.RADIUS * size)
  love.graphics.setColor(1, 1, 1)
  love.graphics.line(cx, cy, px(v.x + arena.RADIUS * math.cos(v.theta), v.y + arena.RADIUS * math.sin(v.theta)))
end

local function draw_raster(x0, y0, w, h)
  local n = 4 * brain.N
  love.graphics.setColor(0.2, 0.2, 0.2)
  love.graphics.rectangle("line", x0, y0, w, h)
  love.graphics.setColor(0.8, 0.8, 0.78)
  for k = 1, 3 do love.graphics.rectangle("fill", x0 + 1, y0 + k * h / 4, w - 2, 1) end
  local dx, dy = w / HISTORY, h / n
  for i, spikes in ipairs(state.raster) do
    for rank in pairs(spikes) do
      if rank <= 2 * brain.N then love.graphics.setColor(0.85, 0.45, 0.1) else love.graphics.setColor(0.15, 0.35, 0.75) end
      love.graphics.rectangle("fill", x0 + (i - 1) * dx, y0 + h - rank * dy, math.max(dx, 2), math.max(dy - 1, 1))
    end
  end
  love.graphics.setColor(0.1, 0.1, 0.1)
  for k, label in ipairs({"sensors L", "sensors R", "motors L", "motors R"}) do   -- bands, bottom up
    love.graphics.print(label, x0 + w + 8, y0 + h - (k - 0.5) * h / 4 - 7)
  end
  love.graphics.print(("spikes of the last 2 s, %d neurons"):format(n), x0, y0 + h + 6)
end

function love.draw()
  local W, H = love.graphics.getDimensions()
  local size = math.min(W / 2, H) - 60
  draw_arena(30, 30, size)
  draw_raster(size + 90, 30, W - size - 190, size)
  love.graphics.setColor(0.1, 0.1, 0.1)
  local w = state.wheels or {0, 0}
  love.graphics.print(("t = %.2f s   wheels %.2f  %.2f   wall touched: %s"):format(
    state.frame * brain.FRAME_MS / 1000, w[1], w[2], tostring(state.vehicle.touched)), 30, size + 40)
end
