--- The runtime backend for LuaJIT: the interface of annarchy.runtime implemented over
-- libannarchy.so through the FFI (include/annarchy.h declared with ffi.cdef), so that the
-- same front end runs the same kernels with the same numbers as under the Lua 5.4 C module.
-- The parts are ffi_core (header and library), ffi_array (ann.Array as cdata), ffi_network
-- (runtime, populations, monitors), ffi_projection (projections, recorders, connectors) and
-- ffi_files (zip archives, HDF5 and TensorBoard files), ffi_state (the dynamic state),
-- ffi_child (child processes).
local core = require("annarchy.runtime.ffi_core")
local array = require("annarchy.runtime.ffi_array")
local network = require("annarchy.runtime.ffi_network")
local projection = require("annarchy.runtime.ffi_projection")
local files = require("annarchy.runtime.ffi_files")
local state = require("annarchy.runtime.ffi_state")
local child = require("annarchy.runtime.ffi_child")

local ffi, C = core.ffi, core.C

local M = {}

local fns = {}

function fns.version() return ffi.string(C.ann_version()) end

local ts = ffi.new("struct ann_lj_timespec")
function fns.clock()
  core.libc.clock_gettime(1, ts)   -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + 1e-9 * tonumber(ts.tv_nsec)
end

function fns.isatty(fd)
  if type(fd) ~= "number" or fd < 0 or fd > 1024 then error("bad argument #1 to 'isatty' (a file descriptor)", 0) end
  return core.libc.isatty(fd) == 1
end

function fns.kernel_header() return ffi.string(C.ann_kernel_header) end

--- compile(source, {compiler, flags, directory, label, verbose, rebuild}) -> module, from_cache, path
function fns.compile(source, opts)
  if type(source) ~= "string" then error("bad argument #1 to 'compile' (string expected)", 0) end
  opts = type(opts) == "table" and opts or {}
  local function str(k) return type(opts[k]) == "string" and opts[k] or nil end
  local o = ffi.new("ann_jit_options")
  o.compiler, o.flags, o.directory, o.label = str("compiler"), str("flags"), str("directory"), str("label")
  o.verbose, o.rebuild = opts.verbose and 1 or 0, opts.rebuild and 1 or 0
  local out = ffi.new("ann_module *[1]")
  local st = core.status()
  if C.ann_jit_load(source, o, out, st) ~= 0 then core.raise(st) end
  local module = {ptr = ffi.gc(out[0], C.ann_module_release)}
  return module, C.ann_module_from_cache(out[0]) ~= 0, ffi.string(C.ann_module_path(out[0]))
end
require("jit").off(fns.compile)   -- the core's log callback may run inside (ffi_core)

--- cache_info() -> the kernel cache's directory, number of entries, bytes
function fns.cache_info()
  local dir, entries, bytes = ffi.new("char[4096]"), ffi.new("long[1]"), ffi.new("long long[1]")
  if C.ann_cache_info(dir, 4096, entries, bytes) ~= 0 then error("annarchy: cannot read the kernel cache", 0) end
  return ffi.string(dir), tonumber(entries[0]), tonumber(bytes[0])
end

-- ---- random distributions (src/lua/lrandom.c) ------------------------------------------------

local function dist(kind, p1, p2, lo, hi)
  local k = C.ann_dist_kind_from_name(tostring(kind))
  if k < 0 then error(("bad argument #1 (unknown distribution '%s')"):format(tostring(kind)), 0) end
  if type(p1) ~= "number" then error("bad argument #2 (number expected)", 0) end
  local d = ffi.new("ann_dist")
  d.kind, d.p1, d.p2 = k, p1, p2 or 0
  d.has_min, d.min = lo ~= nil and 1 or 0, lo or 0
  d.has_max, d.max = hi ~= nil and 1 or 0, hi or 0
  return d
end

--- dist_check(kind, p1, p2, min, max) -> true | false, message
function fns.dist_check(kind, p1, p2, lo, hi)
  local st = core.status()
  if C.ann_dist_check(dist(kind, p1, p2, lo, hi), st) ~= 0 then return false, ffi.string(st.msg) end
  return true
end

local function whole(v, what, lo)
  if type(v) ~= "number" or v ~= math.floor(v) or (lo and v < lo) then
    error(("bad argument (%s should be an integer%s)"):format(what, lo and " in [0, 2^32)" or ""), 0)
  end
  return v
end

--- dist_fill(kind, p1, p2, min, max, seed, stream, first, shape) -> Array: value i is
-- position first + i of the stream (seed, stream)
function fns.dist_fill(kind, p1, p2, lo, hi, seed, stream, first, shape)
  local d = dist(kind, p1, p2, lo, hi)
  whole(seed, "the seed")
  whole(stream, "the stream", 0)
  if type(first) ~= "number" or first < 0 or first ~= math.floor(first) then
    error("bad argument #8 (the first position should be a non-negative integer)", 0)
  end
  local st = core.status()
  if C.ann_dist_check(d, st) ~= 0 then core.raise_plain(st) end
  local a = array.zeros(shape)
  local r = ffi.new("ann_rng")
  C.ann_rng_init(r, seed, stream)
  C.ann_rng_seek(r, first)
  C.ann_dist_fill(d, r, a.d_, a.a_.size)
  return a
end

function fns.seed_from_entropy() return tonumber(C.ann_seed_from_entropy() % 0x20000000000000ULL) end

-- ---- images ----------------------------------------------------------------------------------

local function geometry(g, what)
  if type(g) ~= "table" then error("bad argument (table expected)", 0) end
  local ll = ffi.new("long long[4]")
  for i = 1, math.min(#g, 4) do
    if type(g[i]) ~= "number" or g[i] ~= math.floor(g[i]) then
      error(what .. ": the geometry must be a list of integers", 0)
    end
    ll[i - 1] = g[i]
  end
  local h, w, c = ffi.new("int[1]"), ffi.new("int[1]"), ffi.new("int[1]")
  local st = core.status()
  if C.ann_image_geometry(#g, ll, h, w, c, what, st) ~= 0 then core.raise_plain(st) end
  return h[0], w[0], c[0]
end

--- image_geometry(geometry[, what]) -> height, width, channels
function fns.image_geometry(g, what) return geometry(g, what or "image") end

--- image_load(path, geometry) -> Array of height*width*channels values in [0, 1], resized,
-- source width, source height
function fns.image_load(path, g)
  local h, w, c = geometry(g, "image_load")
  local a = array.new({h * w * c})
  local resized, sw, sh = ffi.new("int[1]"), ffi.new("int[1]"), ffi.new("int[1]")
  local st = core.status()
  if C.ann_image_for_population(path, h, w, c, a.d_, resized, sw, sh, st) ~= 0 then core.raise_plain(st) end
  return a, resized[0] ~= 0, sw[0], sh[0]
end

-- ---- video (src/lua/limage.c) ----------------------------------------------------------------

local Video = {}
Video.__index = Video

--- video_open(url, is_device, geometry) -> a video source: grab, frames, size, close, is_open
function fns.video_open(url, device, g)
  if type(url) ~= "string" then error("bad argument #1 (string expected)", 0) end
  local h, w, c = geometry(g, "video_open")
  local out, st = ffi.new("ann_video *[1]"), core.status()
  if C.ann_video_open(url, device and 1 or 0, w, h, out, st) ~= 0 then core.raise_plain(st) end
  return setmetatable({v = ffi.gc(out[0], C.ann_video_close), height = h, width = w, channels = c}, Video)
end

local function source(h)
  if h.v == nil then error("the video source is closed", 0) end
  return h.v
end

--- v:grab() -> Array of the next frame (height*width*channels values in [0, 1]), or nil at the
-- end of the stream
function Video.grab(h)
  local v = source(h)
  local a = array.new({h.height * h.width * h.channels})
  local got, st = ffi.new("int[1]"), core.status()
  if C.ann_video_grab(v, h.height, h.width, h.channels, a.d_, got, st) ~= 0 then core.raise_plain(st) end
  if got[0] == 0 then return nil end
  return a
end

function Video.frames(h) return tonumber(C.ann_video_frames(source(h))) end

function Video.size(h)
  local w, ht = ffi.new("int[1]"), ffi.new("int[1]")
  C.ann_video_size(source(h), w, ht)
  return w[0], ht[0]
end

function Video.close(h) core.release(h, "v", C.ann_video_close) end

function Video.is_open(h) return h.v ~= nil end

function Video.__tostring(h)
  return ("ann.Video (%s, %dx%dx%d)"):format(h.v ~= nil and "open" or "closed", h.height, h.width, h.channels)
end

--- The runtime table of an interface (see annarchy.runtime).
function M.implement(interface)
  local parts = {fns, array, network, projection, files, state, child}
  local function find(name)
    for _, part in ipairs(parts) do
      if part[name] ~= nil then return part[name] end
    end
    return nil
  end
  local runtime = {}
  for _, name in ipairs(interface.functions) do runtime[name] = find(name) end
  runtime.RNG_STREAM_OBJECT = tonumber(C.ANN_RNG_STREAM_OBJECT)
  -- beyond the interface, for annarchy.ffi: zero-copy views and the core itself
  runtime.attr_pointer, runtime.network_pointer = network.attr_pointer, network.network_pointer
  runtime.pop_spiked_pointer = network.pop_spiked_pointer
  runtime.core_library = C
  runtime.array_methods = array.methods
  for _, h in ipairs(interface.handles) do
    for _, name in ipairs(h.names) do
      -- a function of its own, or the handle's method (videos, zip archives, HDF5 files...)
      runtime[h.prefix .. name] = find(h.prefix .. name) or
        (h.prefix ~= "" and function(handle, ...) return handle[name](handle, ...) end) or nil
    end
  end
  return runtime
end

return M
