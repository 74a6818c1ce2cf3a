-- ImagePopulation and VideoPopulation (reference-library §3.9-3.10; docs/images.md): decoding,
-- resizing and conversion against Pillow's own output (tests/reference/pil_resize.py), errors
-- raised before anything changes, video frames against ffmpeg's decoding of the same file.
local ann = require("annarchy")
local img = require("annarchy.io.image")

local REF = "tests/reference/pil_resize.txt"
local IMAGES = "tests/reference/images/"

-- Tolerances, in 8-bit levels (r = level / 255 on both sides, so a difference is a whole
-- number of levels). PNG: 0. Decoding is exact and the resampling and "L" conversion are
-- Pillow's own integer algorithms (22-bit fixed-point coefficients, rounding after each pass),
-- so anything but the same level is a bug. JPEG: 1. Pillow decodes through the system libjpeg
-- with its defaults, as image.c does, so on Debian the two agree exactly (measured: 0); one
-- level is what a different libjpeg build (a libjpeg 9, another SIMD IDCT) may change.
local TOL = {png = 0, jpg = 1}

local function read_reference()
  local f = assert(io.open(REF, "r"))
  local cases, cur = {}, nil
  for line in f:lines() do
    if line:match("^case ") then
      local name, file, mode, g = line:match("^case (%S+) (%S+) (%S+) (.*)$")
      local geometry = {}
      for v in g:gmatch("%d+") do geometry[#geometry + 1] = tonumber(v) end
      cur = {name = name, file = file, mode = mode, geometry = geometry, values = {}}
      cases[#cases + 1] = cur
    elseif line == "end" then
      cur = nil
    elseif cur then
      for v in line:gmatch("%d+") do cur.values[#cur.values + 1] = tonumber(v) end
    end
  end
  f:close()
  return cases
end

local function tmpfile(content)
  local name = os.tmpname()
  local f = assert(io.open(name, "wb"))
  f:write(content)
  f:close()
  return name
end

local function slurp(name)
  local f = assert(io.open(name, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

-- Runs f with io.stderr replaced by a buffer; returns what was written.
local function capture_stderr(f)
  local saved, out = io.stderr, {}
  rawset(io, "stderr", {write = function(_, ...) for _, s in ipairs{...} do out[#out + 1] = s end end})
  local ok, err = pcall(f)
  rawset(io, "stderr", saved)
  if not ok then error(err, 0) end
  return table.concat(out)
end

-- The largest difference between an Array of r and 8-bit levels, in levels.
local function max_level_diff(r, levels)
  local flat = r:flatten()
  assert.equal(#levels, flat.size)
  local worst = 0
  for i = 1, #levels do
    local d = math.abs(flat[i] * 255 - levels[i])
    if d > worst then worst = d end
  end
  return worst
end

describe("ImagePopulation against Pillow", function()
  local cases = read_reference()

  it("has the reference data", function()
    assert.is_true(#cases >= 15)
    assert.truthy(slurp(REF):match("Pillow %d+%.%d+"))
  end)

  for _, c in ipairs(cases) do
    it(("%s: %s (%s) into %s"):format(c.name, c.file, c.mode, table.concat(c.geometry, "x")),
      function()
        local net = ann.Network{}
        local pop = net:create(img.ImagePopulation(c.geometry))
        capture_stderr(function() pop:set_image(IMAGES .. c.file) end)
        assert.same(c.geometry, pop.r.shape)
        local tol = TOL[c.file:match("%.(%a+)$")]
        assert.is_true(max_level_diff(pop.r, c.values) <= tol + 1e-9)
      end)
  end

  it("puts a W x H image into an (H, W) population without resizing", function()
    -- rgb.png is 37 x 23 (width x height), as the reference's 640x480 into (480, 640)
    local net = ann.Network{}
    local pop = net:create(img.ImagePopulation({23, 37}))
    local err = capture_stderr(function() pop:set_image(IMAGES .. "rgb.png") end)
    assert.equal("", err)
    local swapped = net:create(img.ImagePopulation({37, 23}, {name = "swapped"}))
    err = capture_stderr(function() swapped:set_image(IMAGES .. "rgb.png") end)
    assert.truthy(err:find('warning: ImagePopulation "swapped"', 1, true))
    assert.truthy(err:find("37x23 (width x height), the population 23x37: it is resized", 1, true))
    -- one warning per image size, not one per frame
    err = capture_stderr(function() swapped:set_image(IMAGES .. "rgb.png") end)
    assert.equal("", err)
  end)

  it("values are in [0, 1] and r keeps the geometry", function()
    local pop = ann.Network{}:create(img.ImagePopulation({23, 37, 3}))
    pop:set_image(IMAGES .. "rgb.png")
    assert.same({23, 37, 3}, pop.r.shape)
    assert.is_true(pop.r:min() >= 0 and pop.r:max() <= 1)
    assert.equal(1, pop.r:max()) -- the white lines of the pattern
    -- row-major (y, x, c): pixel (x = 18, y = 0) is on the white column
    assert.equal(1, pop.r[1][19][2])
  end)

  it("works before and after compile, and as a population of the network", function()
    local net = ann.Network{}
    local pop = net:create(img.ImagePopulation{geometry = {10, 16}, name = "retina"})
    assert.equal(pop, net:get_population("retina"))
    assert.equal(160, pop.size)
    capture_stderr(function() pop:set_image(IMAGES .. "grey.png") end) -- resized: a warning
    local before = pop.r:copy()
    net:compile()
    assert.is_true(ann.allclose(pop.r, before))
    pop.r = 0
    capture_stderr(function() pop:set_image(IMAGES .. "grey.png") end)
    assert.is_true(ann.allclose(pop.r, before))
    net:simulate(5) -- no equation: r stays
    assert.is_true(ann.allclose(pop.r, before))
    local m = net:monitor(pop, "r")
    net:simulate(2)
    assert.equal(2, #m:get("r"))
  end)

  it("a grey image into a colour population repeats the grey value", function()
    local pop = ann.Network{}:create(img.ImagePopulation({17, 29, 3}))
    pop:set_image(IMAGES .. "grey.png")
    local grey = ann.Network{}:create(img.ImagePopulation({17, 29}))
    grey:set_image(IMAGES .. "grey.png")
    local r, g = pop.r, grey.r
    for y = 1, 17, 4 do
      for x = 1, 29, 5 do
        for c = 1, 3 do assert.equal(g[y][x], r[y][x][c]) end
      end
    end
  end)
end)

describe("ImagePopulation errors", function()
  local function with_half(r)
    local pop = ann.Network{}:create(img.ImagePopulation({23, 37}, {name = "eye"}))
    pop.r = 0.5
    return pop, function()
      assert.is_true(ann.allclose(pop.r, 0.5)) -- nothing changed
    end, r
  end

  it("a missing file", function()
    local pop, unchanged = with_half()
    assert.has_error(function() pop:set_image("tests/reference/images/nope.png") end,
      "annarchy: ImagePopulation \"eye\": set_image(): cannot open image "
        .. "'tests/reference/images/nope.png': No such file or directory")
    unchanged()
  end)

  it("a file that is neither PNG nor JPEG, and an empty one", function()
    local pop, unchanged = with_half()
    local txt = tmpfile("just some text, not pixels\n")
    local empty = tmpfile("")
    local ok, err = pcall(pop.set_image, pop, txt)
    assert.is_false(ok)
    assert.truthy(err:find("is neither a PNG nor a JPEG file (unknown signature)", 1, true))
    ok, err = pcall(pop.set_image, pop, empty)
    assert.is_false(ok)
    assert.truthy(err:find("is neither a PNG nor a JPEG file (it is empty)", 1, true))
    -- the signature decides, not the name
    local renamed = tmpfile(slurp(IMAGES .. "photo.jpg"))
    os.remove(renamed)
    renamed = renamed .. ".png"
    local f = assert(io.open(renamed, "wb"))
    f:write(slurp(IMAGES .. "photo.jpg"))
    f:close()
    unchanged()
    capture_stderr(function() pop:set_image(renamed) end)
    assert.is_true(pop.r:max() > 0.9)
    os.remove(txt)
    os.remove(empty)
    os.remove(renamed)
  end)

  it("truncated PNG and JPEG files", function()
    local pop, unchanged = with_half()
    for _, name in ipairs{"rgb.png", "photo.jpg"} do
      local data = slurp(IMAGES .. name)
      local cut = tmpfile(data:sub(1, math.floor(#data / 2)))
      local ok, err = pcall(pop.set_image, pop, cut)
      assert.is_false(ok)
      local kind = name:match("png$") and "PNG" or "JPEG"
      assert.truthy(err:find("is not a valid " .. kind .. " file", 1, true), err)
      os.remove(cut)
    end
    unchanged()
  end)

  it("a file name that is not a string", function()
    local pop, unchanged = with_half()
    assert.has_error(function() pop:set_image(42) end,
      "annarchy: ImagePopulation \"eye\": set_image(): expects a file name (a string), got number")
    assert.has_error(function() pop:set_image() end)
    unchanged()
  end)

  it("geometries that are not 2-D or 3-D with 1 or 3 channels, before the network changes", function()
    local net = ann.Network{}
    for _, g in ipairs{{100}, 100, {4, 5, 2}, {4, 5, 4}, {2, 3, 3, 1}} do
      local ok, err = pcall(function() return net:create(img.ImagePopulation(g)) end)
      assert.is_false(ok)
      assert.truthy(err:find("ImagePopulation(): the geometry must be (height, width) or (height, "
        .. "width, 1) for a grey image, (height, width, 3) for a colour one; got", 1, true), err)
      ok = pcall(function() return net:create(img.VideoPopulation(g)) end)
      assert.is_false(ok)
    end
    assert.has_error(function() img.ImagePopulation({0, 5}) end)
    assert.has_error(function() img.ImagePopulation() end, "annarchy: ImagePopulation(): the geometry is required")
    assert.has_error(function() img.ImagePopulation({4, 5}, {colour = true}) end)
    assert.equal(0, #net:get_populations())
    -- (h, w, 1) is grey, as in the reference
    local pop = net:create(img.ImagePopulation({17, 29, 1}))
    pop:set_image(IMAGES .. "grey.png")
    assert.same({17, 29, 1}, pop.r.shape)
  end)
end)

-- ---- video ---------------------------------------------------------------------------------

-- os.execute succeeded: true under Lua 5.4, 0 under LuaJIT
local function succeeded(ok) return ok == true or ok == 0 end

local function have_ffmpeg()
  return succeeded(os.execute("ffmpeg -version > /dev/null 2>&1"))
end

describe("VideoPopulation", function()
  local W, H, FRAMES = 64, 48, 10
  local video, raw

  setup(function()
    if not have_ffmpeg() then return end
    video = os.tmpname()
    os.remove(video)
    video = video .. ".avi"
    assert(succeeded(os.execute(("ffmpeg -v error -y -f lavfi -i testsrc=duration=1:size=%dx%d:rate=10 "
      .. "-c:v mpeg4 -q:v 3 -pix_fmt yuv420p %s"):format(W, H, video))))
    -- the same frames decoded independently, by the ffmpeg command, as raw 8-bit RGB
    local p = assert(io.popen(("ffmpeg -v error -i %s -f rawvideo -pix_fmt rgb24 -"):format(video)))
    raw = p:read("*a")
    p:close()
  end)

  teardown(function()
    if video then os.remove(video) end
  end)

  -- Frame k (1-based) of the raw decoding: grey with OpenCV's BGR2GRAY formula, or RGB.
  local function raw_frame(k, channels)
    local out, base = {}, (k - 1) * W * H * 3
    for i = 0, W * H - 1 do
      local r, g, b = raw:byte(base + 3 * i + 1, base + 3 * i + 3)
      if channels == 1 then
        out[#out + 1] = math.floor((4899 * r + 9617 * g + 1868 * b + 8192) / 16384)
      else
        out[#out + 1], out[#out + 2], out[#out + 3] = r, g, b
      end
    end
    return out
  end

  local function mean(t)
    local s = 0
    for i = 1, #t do s = s + t[i] end
    return s / #t
  end

  -- Tolerances: the ffmpeg command converts with the same libswscale and the same bicubic
  -- flag, so the pixels agree exactly here (measured); 1 level per pixel allows another CPU's
  -- SIMD path of swscale's YUV->RGB conversion, whose rounding may differ by one.
  local PIXEL_TOL, MEAN_TOL = 1, 0.5

  it("reads every frame of a file, then reports the end", function()
    if not video then return pending("the ffmpeg command is absent: video tests skipped") end
    assert.equal(W * H * 3 * FRAMES, #raw)
    local net = ann.Network{}
    local pop = net:create(img.VideoPopulation({H, W}))
    pop:start_camera(video)
    local n = 0
    while pop:grab_image() do
      n = n + 1
      local want = raw_frame(n, 1)
      assert.is_true(math.abs(pop.r:mean() * 255 - mean(want)) <= MEAN_TOL)
      assert.is_true(max_level_diff(pop.r, want) <= PIXEL_TOL)
    end
    assert.equal(FRAMES, n)
    local last = pop.r:copy()
    assert.is_false(pop:grab_image()) -- still at the end; r unchanged
    assert.is_true(ann.allclose(pop.r, last))
    pop:release()
    pop:release()
  end)

  it("colour frames are RGB in (y, x, c) order, before and after compile", function()
    if not video then return pending("the ffmpeg command is absent: video tests skipped") end
    local net = ann.Network{}
    local pop = net:create(img.VideoPopulation({H, W, 3}, {name = "cam"}))
    pop:start_camera(video)
    assert.is_true(pop:grab_image())
    assert.is_true(max_level_diff(pop.r, raw_frame(1, 3)) <= PIXEL_TOL)
    net:compile()
    for k = 2, 4 do
      assert.is_true(pop:grab_image())
      assert.is_true(max_level_diff(pop.r, raw_frame(k, 3)) <= PIXEL_TOL)
    end
    -- frames differ over time (testsrc moves): frame 4 is not frame 1
    assert.is_true(max_level_diff(pop.r, raw_frame(1, 3)) > 10)
    -- a new start_camera starts from the first frame again
    pop:start_camera(video)
    assert.is_true(pop:grab_image())
    assert.is_true(max_level_diff(pop.r, raw_frame(1, 3)) <= PIXEL_TOL)
    pop:release()
  end)

  it("resizes to the geometry (bilinear) and keeps the mean intensity", function()
    if not video then return pending("the ffmpeg command is absent: video tests skipped") end
    local pop = ann.Network{}:create(img.VideoPopulation({H / 2, W / 2}))
    pop:start_camera(video)
    assert.is_true(pop:grab_image())
    assert.same({H / 2, W / 2}, pop.r.shape)
    -- halving is the average of 2 x 2 blocks, rounded: the mean moves by at most half a level
    -- plus the grey rounding of the colour average (1 level)
    assert.is_true(math.abs(pop.r:mean() * 255 - mean(raw_frame(1, 1))) <= 1.5)
    local big = ann.Network{}:create(img.VideoPopulation({60, 90, 3}))
    big:start_camera(video)
    assert.is_true(big:grab_image())
    assert.same({60, 90, 3}, big.r.shape)
    assert.is_true(math.abs(big.r:mean() * 255 - mean(raw_frame(1, 3))) <= 2)
    pop:release()
    big:release()
  end)

  it("errors", function()
    local net = ann.Network{}
    local pop = net:create(img.VideoPopulation({H, W}, {name = "cam"}))
    assert.has_error(function() pop:grab_image() end,
      "annarchy: VideoPopulation \"cam\": grab_image(): no camera: call start_camera() first")
    local ok, err = pcall(pop.start_camera, pop, "tests/reference/images/nope.avi")
    assert.is_false(ok)
    assert.truthy(err:find("VideoPopulation \"cam\": start_camera(): cannot open video "
      .. "'tests/reference/images/nope.avi': No such file or directory", 1, true), err)
    local txt = tmpfile(("not a video at all\n"):rep(50))
    ok, err = pcall(pop.start_camera, pop, txt)
    assert.is_false(ok)
    assert.truthy(err:find("start_camera(): cannot open video", 1, true), err)
    os.remove(txt)
    assert.has_error(function() pop:start_camera(-1) end)
    assert.has_error(function() pop:start_camera(1.5) end)
    assert.has_error(function() pop:start_camera({}) end)
    assert.has_error(function() pop:start_camera("") end)
    ok, err = pcall(pop.start_camera, pop, 97) -- /dev/video97: not there
    assert.is_false(ok)
    assert.truthy(err:find("cannot open camera '/dev/video97'", 1, true), err)
    assert.has_error(function() pop:grab_image() end) -- still no camera
    if video then
      pop:start_camera(video)
      pop:release()
      assert.has_error(function() pop:grab_image() end)
    end
  end)

  it("a camera, when /dev/video0 exists", function()
    local f = io.open("/dev/video0", "rb")
    if not f then return pending("no /dev/video0 on this machine: the camera test is skipped") end
    f:close()
    local pop = ann.Network{}:create(img.VideoPopulation({48, 64, 3}))
    pop:start_camera(0)
    assert.is_true(pop:grab_image())
    assert.is_true(pop.r:min() >= 0 and pop.r:max() <= 1)
    pop:release()
  end)
end)
