--- ImagePopulation and VideoPopulation (reference-library §3.9-3.10; docs/images.md).
--
--   local img = require("annarchy.io.image")
--   local pop = net:create(img.ImagePopulation({480, 640}))      -- (height, width): grey
--   pop:set_image("photo.jpg")                                   -- r = pixels / 255
--   local cam = net:create(img.VideoPopulation({48, 64, 3}))     -- colour
--   cam:start_camera(0)  -- /dev/video0; or a file: cam:start_camera("clip.mp4")
--   while cam:grab_image() do net:simulate(10) end
--   cam:release()
--
-- Both are rate-coded populations with the single parameter r = 0.0 and no equation. The
-- decoding, resizing and conversions are in C (src/image.c, src/video.c); this file checks the
-- arguments, names the population in messages and writes r.
local runtime = require("annarchy.runtime")
local args = require("annarchy.args")
local util = require("annarchy.util")
local population = require("annarchy.population")

local fail = util.fail
local M = {}

--- The object net:create() receives: it builds the population when the network asks.
local Special = {}
Special.__index = Special
Special.__special_population = true

local function neuron(kind)
  return require("annarchy.model").Neuron{parameters = "r = 0.0", name = kind}
end

-- Checks the geometry now, so that a bad one fails before the network changes.
local function new_special(kind, attach, names, ...)
  local a = args.parse(kind, names, select("#", ...), ...)
  if a.geometry == nil then fail("%s(): the geometry is required", kind) end
  local geometry = population.geometry(a.geometry, kind .. "()")
  local ok, err = pcall(runtime.image_geometry, geometry, kind .. "()")
  if not ok then error("annarchy: " .. tostring(err), 0) end
  if a.name ~= nil and type(a.name) ~= "string" then
    fail("%s(): the name must be a string, got %s", kind, type(a.name))
  end
  return setmetatable({kind = kind, geometry = geometry, name = a.name, attach = attach}, Special)
end

function Special:_create(net)
  local pop = net:create(self.geometry, neuron(self.kind), {name = self.name})
  self.attach(pop, self)
  return pop
end

function Special.__tostring(s)
  return ("%s(%s)"):format(s.kind, table.concat(s.geometry, ", "))
end

-- The methods live in the population's table of callable functions (population.lua looks a
-- method up there after its own fields), so pop:set_image() works on the Population itself:
-- monitors and projections see an ordinary population.
local function add_methods(pop, methods)
  local fns = pop._.functions
  for name, f in pairs(methods) do fns[name] = f end
end

local function what(kind, pop, method)
  return ("%s %q: %s()"):format(kind, pop.name, method)
end

-- Raises a core error under the population's name.
local function call(kind, pop, method, f, ...)
  local ok, a, b, c, d = pcall(f, ...)
  if not ok then fail("%s: %s", what(kind, pop, method), tostring(a)) end
  return a, b, c, d
end

-- ---- ImagePopulation --------------------------------------------------------------------

local function attach_image(pop, spec)
  local warned = {}
  add_methods(pop, {
    --- Sets r from a PNG or JPEG file: resized to the geometry (Pillow's bicubic) when its
    -- size differs, converted to grey ("L") after resizing for a 2-D population.
    set_image = function(p, filename)
      if type(filename) ~= "string" then
        fail("%s: expects a file name (a string), got %s", what("ImagePopulation", p, "set_image"),
          type(filename))
      end
      local arr, resized, sw, sh = call("ImagePopulation", p, "set_image", runtime.image_load,
        filename, spec.geometry)
      local size = sw .. "x" .. sh
      if resized and not warned[size] then
        warned[size] = true
        io.stderr:write(("annlua: warning: ImagePopulation %q: the image '%s' is %dx%d (width x "
          .. "height), the population %dx%d: it is resized\n"):format(p.name, filename, sw, sh,
          spec.geometry[2], spec.geometry[1]))
      end
      p.r = arr
    end,
  })
end

--- ImagePopulation(geometry, {name}): geometry (height, width) or (height, width, 1) for grey
-- images, (height, width, 3) for colour ones.
function M.ImagePopulation(...)
  return new_special("ImagePopulation", attach_image, {"geometry", "name"}, ...)
end

-- ---- VideoPopulation --------------------------------------------------------------------

-- A camera number is /dev/video<n>; a string under /dev/ is a capture device, any other
-- string a file or URL for libavformat.
local function source(p, port)
  if port == nil then port = 0 end
  if type(port) == "number" then
    if not util.is_integer(port) or port < 0 then
      fail("%s: the camera number must be an integer >= 0, got %s",
        what("VideoPopulation", p, "start_camera"), tostring(port))
    end
    return ("/dev/video%d"):format(port), true
  end
  if type(port) == "string" and port ~= "" then
    return port, port:sub(1, 5) == "/dev/"
  end
  fail("%s: expects a camera number or a device or file path, got %s",
    what("VideoPopulation", p, "start_camera"), util.show(port))
end

local function attach_video(pop, spec)
  local video
  add_methods(pop, {
    --- Opens the camera (a number: /dev/videoN) or a video file; closes the previous source
    -- once the new one is open.
    start_camera = function(p, port)
      local url, device = source(p, port)
      local v = call("VideoPopulation", p, "start_camera", runtime.video_open, url, device,
        spec.geometry)
      if video then runtime.video_close(video) end
      video = v
    end,
    --- Reads the next frame into r. Returns true, or false at the end of a file (r unchanged).
    grab_image = function(p)
      if not video then
        fail("%s: no camera: call start_camera() first", what("VideoPopulation", p, "grab_image"))
      end
      local arr = call("VideoPopulation", p, "grab_image", runtime.video_grab, video)
      if arr == nil then return false end
      p.r = arr
      return true
    end,
    --- Releases the camera or file (again: nothing happens).
    release = function()
      if video then runtime.video_close(video) end
      video = nil
    end,
  })
end

--- VideoPopulation(geometry, {name}): same geometry rules as ImagePopulation. opencv_version
-- is accepted by name for scripts written for the reference and ignored (FFmpeg does the work).
function M.VideoPopulation(...)
  return new_special("VideoPopulation", attach_video, {"geometry", "name", "opencv_version"}, ...)
end

return M
