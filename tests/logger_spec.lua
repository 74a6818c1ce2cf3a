-- ann.Logger: the event files are read back by an independent reader
-- (tests/reference/tfevents_check.py: Debian's python3-protobuf with the descriptor protoc-c
-- makes of src/proto/tensorboard.proto, its own bitwise CRC-32C, Pillow for the PNGs, numpy for
-- the expected histograms). Expected pixels are hand calculations of the rule "floor(v * 255)
-- clipped to [0, 255] for values in [0, 1]; values used as they are when one exceeds 1".
local ann = require("annarchy")
local json = require("annarchy.io.json")

local tfe = dofile("tests/reference/tfevents.lua")
local PY, run, ls, values = tfe.PY, tfe.run, tfe.ls, tfe.values
local tmp, DESC = tfe.setup()
local function events_in(dir) return tfe.events_in(DESC, dir) end

local function f32(x) return (string.unpack("<f", string.pack("<f", x))) end

local n_loggers = 0
local function new_logger()
  n_loggers = n_loggers + 1
  return ann.Logger(tmp .. "/runs", {experiment = "e" .. n_loggers})
end

describe("ann.Logger", function()
  it("starts each file with the file version event, frames records with masked CRC-32C", function()
    local t0 = os.time()
    local logger = new_logger()
    logger:add_scalar("Accuracy", 0.25, 3)
    logger:close()
    local events, file = events_in(logger.currentlogdir)
    assert.are.equal(tmp .. "/runs/e" .. n_loggers, logger.currentlogdir)
    assert.is_truthy(file:match("/events%.out%.tfevents%.%d%d%d%d%d%d%d%d%d%d%.[^/]+$"))
    assert.are.equal(2, #events)
    assert.are.equal("brain.Event:2", events[1].file_version)
    for _, e in ipairs(events) do
      assert.is_true(e.wall_time >= t0 - 1 and e.wall_time <= os.time() + 1)
    end
  end)

  it("the reader refuses a corrupted record (the checksums are checked)", function()
    local logger = new_logger()
    logger:add_scalar("x", 1.0)
    local path = logger:event_file()
    logger:close()
    local f = io.open(path, "rb")
    local blob = f:read("a")
    f:close()
    -- the float's first byte lies 4 bytes before the data checksum at the end
    local k = #blob - 4
    local bad = blob:sub(1, k - 1) .. string.char((blob:byte(k) + 1) % 256) .. blob:sub(k + 1)
    f = io.open(path, "wb")
    f:write(bad)
    f:close()
    local ok, out = run(("%s decode %s '%s'"):format(PY, DESC, path))
    assert.is_false(ok)
    assert.is_truthy(out:find("record 2: bad data checksum", 1, true), out)
    -- and a bad length checksum
    bad = blob:sub(1, 8) .. string.char((blob:byte(9) + 1) % 256) .. blob:sub(10)
    f = io.open(path, "wb")
    f:write(bad)
    f:close()
    ok, out = run(("%s decode %s '%s'"):format(PY, DESC, path))
    assert.is_false(ok)
    assert.is_truthy(out:find("record 1: bad length checksum", 1, true), out)
  end)

  it("add_scalar: tag, value (float32), step", function()
    local logger = new_logger()
    local xs = {0.1, -2.5, 1e6, 3}
    for i, x in ipairs(xs) do logger:add_scalar("Activity/Striatum", x, i * 10) end
    logger:add_scalar{tag = "no step", value = 7}
    logger:close()
    local vs = values(events_in(logger.currentlogdir))
    assert.are.equal(5, #vs)
    for i, x in ipairs(xs) do
      assert.are.equal("Activity/Striatum", vs[i].tag)
      assert.are.equal("simple_value", vs[i].kind)
      assert.are.equal(f32(x), vs[i].simple_value)
      assert.are.equal(i * 10, vs[i].step)
    end
    assert.are.equal(7, vs[5].simple_value)
    assert.are.equal(0, vs[5].step)
  end)

  it("add_scalars: one sub-run <tag>_<name> per curve, each with the main tag", function()
    local logger = new_logger()
    logger:add_scalars("Rates/BG", {GPe = 12.5, STN = 30}, 2)
    logger:add_scalars("Rates/BG", {GPe = 13.5, STN = 31}, {step = 3})
    logger:close()
    for name, expected in pairs{GPe = {12.5, 13.5}, STN = {30, 31}} do
      local vs = values(events_in(logger.currentlogdir .. "/Rates_BG_" .. name))
      assert.are.equal(2, #vs)
      for i = 1, 2 do
        assert.are.equal("Rates/BG", vs[i].tag)
        assert.are.equal(expected[i], vs[i].simple_value)
        assert.are.equal(i + 1, vs[i].step)
      end
    end
  end)

  it("add_image: grey (as RGB) and colour images, [0, 1] and 0-255 values, equalize", function()
    local logger = new_logger()
    logger:add_image("grey", {{0, 0.5, 1}, {0.25, 0.999, 2 / 255}}, 1)
    logger:add_image("rgb", ann.array{{{1, 0, 0}, {0, 0.5, 1}}}, 2)
    logger:add_image("bytes", {{0, 100}, {255, 300}}, 3)
    logger:add_image("eq", {{2, 4}, {6, 10}}, 4, {equalize = true})
    logger:close()
    local vs = values(events_in(logger.currentlogdir))
    local function check(v, tag, h, w, pixels)
      assert.are.equal(tag, v.tag)
      assert.are.equal(h, v.image.height)
      assert.are.equal(w, v.image.width)
      assert.are.equal(3, v.image.colorspace)
      assert.are.equal("RGB", v.image.mode)
      assert.are.same(pixels, v.image.pixels)
    end
    local function g(x) return {x, x, x} end
    check(vs[1], "grey", 2, 3, {g(0), g(127), g(255), g(63), g(254), g(2)})
    check(vs[2], "rgb", 1, 2, {{255, 0, 0}, {0, 127, 255}})
    check(vs[3], "bytes", 2, 2, {g(0), g(100), g(255), g(255)})
    -- (v - 2) / 8 * 255: 0, 63.75, 127.5, 255
    check(vs[4], "eq", 2, 2, {g(0), g(63), g(127), g(255)})
    assert.are.same({1, 2, 3, 4}, {vs[1].step, vs[2].step, vs[3].step, vs[4].step})
  end)

  it("add_images: a grid of 8 columns, black where no image is, per-image equalisation", function()
    local logger = new_logger()
    local batch = {}
    for i = 1, 9 do batch[i] = {{i, 0}} end    -- nine 1x2 images (N, H, W)
    logger:add_images("batch", batch, 5, {equalize = true, equalize_per_image = true})
    logger:add_images("global", {{{0.5}}, {{1}}}, 6, {equalize = true})
    logger:close()
    local vs = values(events_in(logger.currentlogdir))
    local img = vs[1].image
    assert.are.equal(2, img.height)
    assert.are.equal(16, img.width)
    local expected = {}
    for _ = 1, 8 do expected[#expected + 1] = {255, 255, 255}; expected[#expected + 1] = {0, 0, 0} end
    expected[#expected + 1] = {255, 255, 255}
    expected[#expected + 1] = {0, 0, 0}
    for _ = 1, 14 do expected[#expected + 1] = {0, 0, 0} end
    assert.are.same(expected, img.pixels)
    assert.are.equal(5, vs[1].step)
    -- global min 0.5, max 1: 0 and 255 side by side
    assert.are.same({{0, 0, 0}, {255, 255, 255}}, vs[2].image.pixels)
  end)

  it("add_histogram: TensorBoard's default buckets (numpy's calculation)", function()
    local logger = new_logger()
    local xs = {}
    for i = 1, 200 do xs[i] = math.sin(i) * 3 + (i % 7) * 0.01 end
    xs[201] = 0
    logger:add_histogram("weights", ann.array(xs), 9)
    logger:add_histogram("small", {1e-13, 5e-13}, 10)   -- below the first positive edge
    logger:close()
    local vs = values(events_in(logger.currentlogdir))
    for i, input in ipairs{xs, {1e-13, 5e-13}} do
      local args = {}
      for k, x in ipairs(input) do args[k] = ("%.17g"):format(x) end
      local ok, out = run(PY .. " histogram " .. table.concat(args, " "))
      assert.is_true(ok, out)
      local want = json.decode(out)
      local got = vs[i].histo
      for _, key in ipairs{"min", "max", "num", "bucket"} do assert.are.same(want[key], got[key], key) end
      for _, key in ipairs{"sum", "sum_squares"} do
        assert.is_true(math.abs(want[key] - got[key]) <= 1e-12 * math.max(1, math.abs(want[key])), key)
      end
      assert.are.equal(#want.bucket_limit, #got.bucket_limit)
      for k = 1, #want.bucket_limit do
        local a, b = want.bucket_limit[k], got.bucket_limit[k]
        assert.is_true(math.abs(a - b) <= 1e-12 * math.abs(a), ("limit %d: %g %g"):format(k, a, b))
      end
    end
    assert.are.equal(9, vs[1].step)
  end)

  it("add_figure: an image file, alpha dropped", function()
    local png = tmp .. "/figure.png"
    local ok, out = run(("/usr/bin/python3 -c \"from PIL import Image; im = Image.new('RGBA', (3, 2)); " ..
      "im.putdata([(255,0,0,255),(0,255,0,128),(0,0,255,0),(10,20,30,255),(40,50,60,255),(70,80,90,255)]); " ..
      "im.save('%s')\""):format(png))
    assert.is_true(ok, out)
    local logger = new_logger()
    logger:add_figure("Figure", png, 4)
    logger:close()
    local vs = values(events_in(logger.currentlogdir))
    assert.are.equal(2, vs[1].image.height)
    assert.are.equal(3, vs[1].image.width)
    assert.are.same({{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}, {40, 50, 60}, {70, 80, 90}},
      vs[1].image.pixels)
    assert.are.equal(4, vs[1].step)
  end)

  it("add_parameters: the hparams plugin's experiment, session start and end, the metrics", function()
    local logger = new_logger()
    logger:add_parameters({lr = 0.5, name = "BG", plastic = true}, {accuracy = 0.75, loss = 2})
    logger:close()
    local subs = ls(logger.currentlogdir)
    local sub
    for _, name in ipairs(subs) do if not name:find("^events") then sub = name end end
    assert.is_truthy(sub)
    local vs = values(events_in(logger.currentlogdir .. "/" .. sub))
    assert.are.equal(5, #vs)
    assert.are.equal("_hparams_/experiment", vs[1].tag)
    assert.are.equal("hparams", vs[1].plugin_name)
    local exp = vs[1].hparams
    assert.are.equal(0, exp.version)
    -- DataType: 1 string, 2 bool, 3 float64
    assert.are.same({{name = "lr", type = 3}, {name = "name", type = 1}, {name = "plastic", type = 2}},
      exp.hparam_infos)
    assert.are.same({"accuracy", "loss"}, exp.metric_tags)
    assert.are.equal("_hparams_/session_start_info", vs[2].tag)
    assert.are.same({lr = 0.5, name = "BG", plastic = true}, vs[2].hparams.hparams)
    assert.are.equal("_hparams_/session_end_info", vs[3].tag)
    assert.are.equal(1, vs[3].hparams.status)     -- STATUS_SUCCESS
    assert.are.equal("accuracy", vs[4].tag)
    assert.are.equal(0.75, vs[4].simple_value)
    assert.are.equal("loss", vs[5].tag)
    assert.are.equal(2, vs[5].simple_value)
  end)

  it("flush writes pending records; ten records are flushed without asking", function()
    local logger = new_logger()
    local path = logger:event_file()
    local function size()
      local f = io.open(path, "rb")
      local n = f:seek("end")
      f:close()
      return n
    end
    local after_open = size()
    logger:add_scalar("a", 1)
    assert.are.equal(after_open, size())
    logger:flush()
    local one = size()
    assert.is_true(one > after_open)
    for i = 1, 9 do logger:add_scalar("a", i) end
    assert.are.equal(one, size())
    logger:add_scalar("a", 10)     -- the tenth record since the flush
    assert.are.equal(one + 10 * (one - after_open), size())
    logger:close()
  end)

  it("names the run after the date and the host when no experiment is given", function()
    local logger = ann.Logger(tmp .. "/dated/")
    logger:close()
    local name = logger.currentlogdir:match("/dated/([^/]+)$")
    assert.is_truthy(name:match("^%a%a%a%d%d_%d%d%-%d%d%-%d%d_.+$"), name)
    assert.are.equal(1, #ls(logger.currentlogdir))
  end)

  it("works as a to-be-closed variable", function()
    local dir
    do
      local logger <close> = new_logger()
      dir = logger.currentlogdir
      logger:add_scalar("x", 2)
    end
    assert.are.equal(2, values(events_in(dir))[1].simple_value)
  end)

  describe("errors", function()
    it("a log directory that cannot be created", function()
      local f = io.open(tmp .. "/plainfile", "w")
      f:write("x")
      f:close()
      assert.has_error(function() ann.Logger(tmp .. "/plainfile") end)
      local ok, err = pcall(ann.Logger, tmp .. "/plainfile")
      assert.is_false(ok)
      local _
      assert.is_truthy(err:find("Logger", 1, true) and err:find("plainfile", 1, true), err)
      _, err = pcall(ann.Logger, 42)
      assert.is_truthy(err:find("Logger: logdir must be a non-empty string", 1, true), err)
      _, err = pcall(ann.Logger, tmp, {experiment = 3})
      assert.is_truthy(err:find("experiment must be a non-empty string", 1, true), err)
      _, err = pcall(ann.Logger, tmp, {purge = true})
      assert.is_truthy(err:find("unknown option 'purge'", 1, true), err)
    end)

    it("wrong argument types and shapes", function()
      local logger = new_logger()
      local cases = {
        {function() logger:add_scalar("x", "1") end, "the value must be a number"},
        {function() logger:add_scalar(1, 1) end, "the tag must be a non-empty string"},
        {function() logger:add_scalar("x", 1, 1.5) end, "the step must be an integer"},
        {function() logger:add_scalars("x", 3) end, "the values must be a table"},
        {function() logger:add_scalars("x", {a = "b"}) end, "the value 'a' must be a number"},
        {function() logger:add_image("x", {{{0, 0}}}) end, "must be (H, W) or (H, W, 3), not (1, 1, 2)"},
        {function() logger:add_image("x", {{0, 1}, {0}}) end, "not rectangular"},
        {function() logger:add_image("x", 5) end, "the image must be an Array"},
        {function() logger:add_images("x", {{0, 1}}) end, "not (1, 2)"},
        {function() logger:add_histogram("x", {}) end, "no values"},
        {function() logger:add_histogram("x", {1, "a"}) end, "value 2 is not a number"},
        {function() logger:add_histogram("x", {1, 0 / 0}) end, "value 2 is not finite"},
        {function() logger:add_figure("x", tmp .. "/missing.png") end, "missing.png"},
        {function() logger:add_figure("x", {}) end, "the path of a PNG or JPEG file"},
        {function() logger:add_figure("x", "f.png", {close = false}) end, "unknown option 'close'"},
        {function() logger:add_parameters({a = {}}, {}) end, "the parameter 'a' is a table"},
        {function() logger:add_parameters({a = 1}, {m = "x"}) end, "the metric 'm' must be a number"},
        {function() logger:add_parameters({a = 1}) end, "expects two tables"},
      }
      for _, c in ipairs(cases) do
        local ok, err = pcall(c[1])
        assert.is_false(ok, c[2])
        assert.is_truthy(tostring(err):find(c[2], 1, true), ("expected '%s' in: %s"):format(c[2], tostring(err)))
      end
      logger:close()
    end)

    it("a closed logger", function()
      local logger = new_logger()
      logger:close()
      logger:close()     -- closing twice is harmless
      for _, call in ipairs{
        function() logger:add_scalar("x", 1) end,
        function() logger:add_scalars("x", {a = 1}) end,
        function() logger:add_image("x", {{0}}) end,
        function() logger:add_histogram("x", {1}) end,
        function() logger:add_parameters({}, {}) end,
        function() logger:flush() end,
      } do
        local ok, err = pcall(call)
        assert.is_false(ok)
        assert.is_truthy(err:find("the logger is closed", 1, true), err)
      end
    end)
  end)

  teardown(function() os.execute("rm -rf '" .. tmp .. "'") end)
end)
