--- A square arena with walls and a two-wheeled vehicle (differential drive) with two distance
-- sensors looking 35 degrees left and right of its heading. Units: arena widths, seconds.
local M = {}

M.SIZE = 1.0            -- the arena is [0, SIZE] x [0, SIZE]
M.RADIUS = 0.03         -- the vehicle's radius
M.AXLE = 0.05           -- distance between the wheels
M.RANGE = 0.35          -- how far the sensors see
M.SENSOR_ANGLE = math.rad(35)
M.SPEED = 0.1           -- wheel speed per unit of motor command (arena widths per second)

--- A vehicle at (x, y) heading theta (radians, counter-clockwise from +x).
function M.vehicle(x, y, theta)
  return {x = x, y = y, theta = theta, touched = false}
end

-- Distance from (x, y) along direction a to the nearest wall.
local function ray(x, y, a)
  local dx, dy = math.cos(a), math.sin(a)
  local d = math.huge
  if dx > 1e-12 then d = math.min(d, (M.SIZE - x) / dx) elseif dx < -1e-12 then d = math.min(d, -x / dx) end
  if dy > 1e-12 then d = math.min(d, (M.SIZE - y) / dy) elseif dy < -1e-12 then d = math.min(d, -y / dy) end
  return d
end
M.ray = ray

--- The proximities seen by the left and right sensors: 1 at the vehicle's rim, 0 beyond RANGE.
function M.sense(v)
  local function proximity(a)
    local d = ray(v.x, v.y, v.theta + a) - M.RADIUS
    return math.max(0.0, math.min(1.0, 1.0 - d / M.RANGE))
  end
  return proximity(M.SENSOR_ANGLE), proximity(-M.SENSOR_ANGLE)
end

--- Moves the vehicle for dt seconds with wheel commands l and r; records a touch of a wall.
function M.move(v, l, r, dt)
  local vl, vr = M.SPEED * l, M.SPEED * r
  local speed, turn = (vl + vr) / 2, (vr - vl) / M.AXLE
  v.theta = v.theta + turn * dt
  v.x = v.x + speed * math.cos(v.theta) * dt
  v.y = v.y + speed * math.sin(v.theta) * dt
  local lo, hi = M.RADIUS, M.SIZE - M.RADIUS
  if v.x < lo or v.x > hi or v.y < lo or v.y > hi then
    v.touched = true
    v.x, v.y = math.max(lo, math.min(hi, v.x)), math.max(lo, math.min(hi, v.y))
  end
end

return M
