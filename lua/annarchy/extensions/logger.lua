--- ann.Logger: logging to TensorBoard event files.
--   local logger = ann.Logger("runs/")            -- or ann.Logger{logdir = "runs/", experiment = "trial1"}
--   logger:add_scalar("Accuracy", 0.9, trial)
--   logger:close()
-- Each logger writes into one run directory, logdir/<experiment> or
-- logdir/<MonthDay_HH-MM-SS>_<hostname>, files named events.out.tfevents.*: records framed
-- with masked CRC-32C holding protobuf Event messages, the format TensorBoard reads.
local runtime = require("annarchy.runtime")
local args = require("annarchy.args")

local M = {}

local unpack = table.unpack or _G.unpack

local Logger = {}
Logger.__index = Logger

local fail = require("annarchy.extensions.errors").raiser(debug.getinfo(1, "S").source)

local function hostname()
  local f = io.open("/proc/sys/kernel/hostname", "r")
  local name = f and f:read("l")
  if f then f:close() end
  if name and name ~= "" then return name end
  local p = io.popen("hostname 2>/dev/null")
  name = p and p:read("l")
  if p then p:close() end
  return (name and name ~= "") and name or "localhost"
end

local function check_open(self, method)
  if self._closed then fail("Logger:%s: the logger is closed", method) end
end

local function check_tag(tag, method)
  if type(tag) ~= "string" or tag == "" then
    fail("Logger:%s: the tag must be a non-empty string, not %s", method, tostring(tag))
  end
end

local function check_step(step, method)
  if step == nil then return 0 end
  if type(step) ~= "number" or step ~= math.floor(step) then
    fail("Logger:%s: the step must be an integer, not %s", method, tostring(step))
  end
  return step
end

local function check_number(v, what, method)
  if type(v) ~= "number" then
    fail("Logger:%s: %s must be a number, not %s", method, what, type(v))
  end
  return v
end

--- Creates a logger.
-- @param logdir the directory of the runs ("runs/" by default), created when missing
-- @param experiment the run's name (default: the date and the host name); reusing a name adds
--   a new event file to the run
function M.Logger(...)
  local a = args.parse("Logger", {"logdir", "experiment"}, select("#", ...), ...)
  local logdir = a.logdir or "runs/"
  if type(logdir) ~= "string" or logdir == "" then
    fail("Logger: logdir must be a non-empty string, not %s", tostring(logdir))
  end
  if a.experiment ~= nil and (type(a.experiment) ~= "string" or a.experiment == "") then
    fail("Logger: experiment must be a non-empty string, not %s", tostring(a.experiment))
  end
  local run = a.experiment or (os.date("%b%d_%H-%M-%S") .. "_" .. hostname())
  local dir = logdir:gsub("/+$", "") .. "/" .. run
  local ok, writer = pcall(runtime.tfwriter_open, dir)
  if not ok then fail("%s", tostring(writer)) end
  io.write("Logging in ", dir, "\n")
  return setmetatable({logdir = logdir, experiment = a.experiment, currentlogdir = dir,
                       _writer = writer, _children = {}, _closed = false}, Logger)
end

--- The event file of the run (or of the sub-run `name` of add_scalars), for tools and tests.
function Logger:event_file()
  check_open(self, "event_file")
  return runtime.tfwriter_path(self._writer)
end

-- A writer in a sub-directory of the run, opened once.
local function child(self, name)
  local w = self._children[name]
  if not w then
    w = runtime.tfwriter_open(self.currentlogdir .. "/" .. name)
    self._children[name] = w
  end
  return w
end

--- Logs one point of a scalar curve.
-- @param tag the curve's name ("/" groups curves: "Activity/Striatum")
-- @param value a number
-- @param step an integer (default 0)
function Logger:add_scalar(...)
  local a = args.parse("Logger:add_scalar", {"tag", "value", "step"}, select("#", ...), ...)
  check_open(self, "add_scalar")
  check_tag(a.tag, "add_scalar")
  runtime.tfwriter_scalar(self._writer, a.tag, check_number(a.value, "the value", "add_scalar"),
                      check_step(a.step, "add_scalar"))
end

local function sorted_keys(t, method, what)
  local keys = {}
  for k in pairs(t) do
    if type(k) ~= "string" then fail("Logger:%s: the names of %s must be strings", method, what) end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  return keys
end

--- Logs several curves in one chart: one point per name of `values`.
-- @param tag the chart's name
-- @param values a table name -> number
-- @param step an integer (default 0), or an options table {step = ...}
-- Each curve is a sub-run <tag with "/" replaced by "_">_<name> of the run, as TensorBoard's
-- SummaryWriter.add_scalars does.
function Logger:add_scalars(tag, values, step, ...)
  if select("#", ...) > 0 then fail("Logger:add_scalars: too many arguments") end
  if args.is_plain(tag) and values == nil then   -- one table of named arguments
    local t = tag
    for k in pairs(t) do
      if k ~= "tag" and k ~= "value" and k ~= "step" then
        fail("Logger:add_scalars: unknown option '%s' (expected one of 'tag', 'value', 'step')", tostring(k))
      end
    end
    tag, values, step = t.tag, t.value, t.step
  elseif args.is_plain(step) then
    for k in pairs(step) do
      if k ~= "step" then fail("Logger:add_scalars: unknown option '%s' (expected 'step')", tostring(k)) end
    end
    step = step.step
  end
  check_open(self, "add_scalars")
  check_tag(tag, "add_scalars")
  if not args.is_plain(values) then
    fail("Logger:add_scalars: the values must be a table name -> number, not %s", type(values))
  end
  step = check_step(step, "add_scalars")
  local prefix = tag:gsub("/", "_") .. "_"
  for _, name in ipairs(sorted_keys(values, "add_scalars", "the values")) do
    local v = check_number(values[name], ("the value '%s'"):format(name), "add_scalars")
    runtime.tfwriter_scalar(child(self, prefix .. name), tag, v, step)
  end
end

-- Flat values and shape of an Array or a nested list of numbers.
local function flat(img, method)
  if runtime.is_array(img) then
    local shape = {}
    for i, d in ipairs(img.shape) do shape[i] = d end
    return img:flatten():totable(), shape
  end
  if type(img) ~= "table" then
    fail("Logger:%s: the image must be an Array or a nested list of numbers, not %s", method, type(img))
  end
  local shape, t = {}, img
  while type(t) == "table" do
    shape[#shape + 1] = #t
    if #t == 0 then fail("Logger:%s: the image has an empty dimension", method) end
    t = t[1]
  end
  local out = {}
  local function walk(x, depth)
    if depth > #shape then
      if type(x) ~= "number" then fail("Logger:%s: the image holds a %s, not a number", method, type(x)) end
      out[#out + 1] = x
      return
    end
    if type(x) ~= "table" or #x ~= shape[depth] then
      fail("Logger:%s: the nested lists of the image are not rectangular", method)
    end
    for i = 1, #x do walk(x[i], depth + 1) end
  end
  walk(img, 1)
  return out, shape
end

-- (v - min) / (max - min) over values[first..last]; a constant range gives zeros.
local function equalize(values, first, last)
  local lo, hi = math.huge, -math.huge
  for i = first, last do
    lo = math.min(lo, values[i])
    hi = math.max(hi, values[i])
  end
  for i = first, last do values[i] = hi > lo and (values[i] - lo) / (hi - lo) or 0 end
end

-- 8-bit pixels as TensorBoard's writer makes them: values in [0, 1] unless one exceeds 1
-- (then 0-255), scaled, clipped to [0, 255] and truncated.
local function to_bytes(values)
  local scale = 255
  for i = 1, #values do
    if values[i] > 1 then scale = 1; break end
  end
  local bytes, chunk = {}, {}
  for i = 1, #values do
    local v = values[i] * scale
    if v ~= v or v < 0 then v = 0 elseif v > 255 then v = 255 end
    chunk[#chunk + 1] = math.floor(v)
    if #chunk == 4096 then
      bytes[#bytes + 1] = string.char(unpack(chunk))
      chunk = {}
    end
  end
  if #chunk > 0 then bytes[#bytes + 1] = string.char(unpack(chunk)) end
  return table.concat(bytes)
end

-- Grey bytes (one per pixel) to RGB.
local function grey_to_rgb(bytes)
  return (bytes:gsub(".", "%0%0%0"))
end

--- Logs an image.
-- @param tag the image's name
-- @param img an Array or nested list, (H, W) grey or (H, W, 3) RGB; values in [0, 1], or
--   0-255 when any value exceeds 1
-- @param step an integer (default 0)
-- @param equalize rescale to [0, 1] with the image's minimum and maximum first
function Logger:add_image(...)
  local a = args.parse("Logger:add_image", {"tag", "img", "step", "equalize"}, select("#", ...), ...)
  check_open(self, "add_image")
  check_tag(a.tag, "add_image")
  local step = check_step(a.step, "add_image")
  local values, shape = flat(a.img, "add_image")
  if not (#shape == 2 or (#shape == 3 and shape[3] == 3)) then
    fail("Logger:add_image: the image must be (H, W) or (H, W, 3), not (%s)", table.concat(shape, ", "))
  end
  if a.equalize then equalize(values, 1, #values) end
  local bytes = to_bytes(values)
  if #shape == 2 then bytes = grey_to_rgb(bytes) end
  runtime.tfwriter_image(self._writer, a.tag, shape[1], shape[2], bytes, step)
end

--- Logs a batch of images as one grid (8 columns at most), like TensorBoard's add_images.
-- @param tag the grid's name
-- @param img (N, H, W) grey or (N, H, W, 1) / (N, H, W, 3)
-- @param step an integer (default 0)
-- @param equalize rescale to [0, 1] with the batch's minimum and maximum
-- @param equalize_per_image with equalize: each image with its own minimum and maximum
function Logger:add_images(...)
  local a = args.parse("Logger:add_images", {"tag", "img", "step", "equalize", "equalize_per_image"},
                       select("#", ...), ...)
  check_open(self, "add_images")
  check_tag(a.tag, "add_images")
  local step = check_step(a.step, "add_images")
  local values, shape = flat(a.img, "add_images")
  if #shape == 3 then shape[4] = 1 end
  if #shape ~= 4 or (shape[4] ~= 1 and shape[4] ~= 3) then
    fail("Logger:add_images: the images must be (N, H, W), (N, H, W, 1) or (N, H, W, 3), not (%s)",
         table.concat(shape, ", "))
  end
  local n, h, w, c = shape[1], shape[2], shape[3], shape[4]
  local per = h * w * c
  if a.equalize then
    if a.equalize_per_image then
      for i = 0, n - 1 do equalize(values, i * per + 1, (i + 1) * per) end
    else
      equalize(values, 1, #values)
    end
  end
  local bytes = to_bytes(values)
  if c == 1 then bytes = grey_to_rgb(bytes) end
  local ncols = math.min(n, 8)
  local nrows = math.ceil(n / ncols)
  local W = w * ncols
  local black = string.rep("\0", w * 3)
  local rows = {}
  for gy = 0, nrows - 1 do
    for y = 0, h - 1 do
      local parts = {}
      for gx = 0, ncols - 1 do
        local i = gy * ncols + gx
        if i < n then
          local off = (i * h + y) * w * 3
          parts[#parts + 1] = bytes:sub(off + 1, off + w * 3)
        else
          parts[#parts + 1] = black
        end
      end
      rows[#rows + 1] = table.concat(parts)
    end
  end
  runtime.tfwriter_image(self._writer, a.tag, h * nrows, W, table.concat(rows), step)
end

--- Logs an image file (PNG or JPEG, such as one written by ann.plot), alpha dropped.
-- @param tag the image's name
-- @param figure the file's path
-- @param step an integer (default 0)
function Logger:add_figure(...)
  local a = args.parse("Logger:add_figure", {"tag", "figure", "step"}, select("#", ...), ...)
  check_open(self, "add_figure")
  check_tag(a.tag, "add_figure")
  if type(a.figure) ~= "string" then
    fail("Logger:add_figure: the figure must be the path of a PNG or JPEG file (Matplotlib figures do not exist here), not %s",
         type(a.figure))
  end
  local ok, err = pcall(runtime.tfwriter_image_file, self._writer, a.tag, a.figure,
    check_step(a.step, "add_figure"))
  if not ok then fail("Logger:add_figure('%s'): %s", a.tag, tostring(err)) end
end

--- Logs a histogram of values, with TensorBoard's default buckets.
-- @param tag the histogram's name
-- @param hist an Array (flattened) or a list of numbers
-- @param step an integer (default 0)
function Logger:add_histogram(...)
  local a = args.parse("Logger:add_histogram", {"tag", "hist", "step"}, select("#", ...), ...)
  check_open(self, "add_histogram")
  check_tag(a.tag, "add_histogram")
  local values = a.hist
  if values == nil then fail("Logger:add_histogram: no values") end   -- {} reads as no options
  if runtime.is_array(values) then
    values = values:flatten():totable()
  elseif type(values) ~= "table" then
    fail("Logger:add_histogram: the values must be an Array or a list of numbers, not %s", type(values))
  end
  if #values == 0 then fail("Logger:add_histogram: no values") end
  runtime.tfwriter_histogram(self._writer, a.tag, values, check_step(a.step, "add_histogram"))
end

--- Logs a run's hyper-parameters and the metrics they gave (TensorBoard's HPARAMS view),
-- typically once at the end: a sub-run of the run holds the hparams records and one scalar per
-- metric.
-- @param params a table name -> number, string or boolean
-- @param metrics a table name -> number
function Logger:add_parameters(params, metrics, ...)
  if select("#", ...) > 0 then fail("Logger:add_parameters: too many arguments") end
  check_open(self, "add_parameters")
  if not args.is_plain(params) or not args.is_plain(metrics) then
    fail("Logger:add_parameters: expects two tables, params (name -> value) and metrics (name -> number)")
  end
  local plist = {}
  for _, name in ipairs(sorted_keys(params, "add_parameters", "the parameters")) do
    local v = params[name]
    if type(v) == "number" then
      plist[#plist + 1] = {name, 0, v, ""}
    elseif type(v) == "string" then
      plist[#plist + 1] = {name, 1, 0, v}
    elseif type(v) == "boolean" then
      plist[#plist + 1] = {name, 2, v and 1 or 0, ""}
    else
      fail("Logger:add_parameters: the parameter '%s' is a %s (numbers, strings and booleans only)", name, type(v))
    end
  end
  local mnames = sorted_keys(metrics, "add_parameters", "the metrics")
  for _, name in ipairs(mnames) do check_number(metrics[name], ("the metric '%s'"):format(name), "add_parameters") end
  local run = ("%d"):format(os.time())
  local k = 0
  while self._children[run] do
    k = k + 1
    run = ("%d_%d"):format(os.time(), k)
  end
  local w = child(self, run)
  runtime.tfwriter_hparams(w, plist, mnames)
  for _, name in ipairs(mnames) do runtime.tfwriter_scalar(w, name, metrics[name], 0) end
  runtime.tfwriter_flush(w)
end

--- Writes the pending records to disk.
function Logger:flush()
  check_open(self, "flush")
  runtime.tfwriter_flush(self._writer)
  for _, w in pairs(self._children) do runtime.tfwriter_flush(w) end
end

--- Flushes and closes the event files; later calls other than close are errors.
function Logger:close()
  if self._closed then return end
  self._closed = true
  runtime.tfwriter_close(self._writer)
  for _, w in pairs(self._children) do runtime.tfwriter_close(w) end
end

Logger.__close = Logger.close

function Logger:__tostring()
  return ("Logger(%s%s)"):format(self.currentlogdir, self._closed and ", closed" or "")
end

return M
