--- LuaJIT only: the file formats the C module binds, through the FFI, with its behaviour:
-- zip archives for numpy's .npz files over libzip (src/lua/lzip.c), the Keras model files of
-- the ANN-to-SNN converter, read by the core in a child process (src/lua/lkeras.c), and the
-- Logger's TensorBoard event files (src/lua/ltensorboard.c) over the core.
local core = require("annarchy.runtime.ffi_core")

local ffi, C = core.ffi, core.C

return core.once("annarchy.runtime.ffi_files", function()
  local M = {}

  -- ---- zip archives (libzip) -----------------------------------------------------------------

  ffi.cdef([[
  typedef struct zip zip_t;
  typedef struct zip_source zip_source_t;
  typedef struct zip_file zip_file_t;
  typedef struct zip_error { int zip_err; int sys_err; char *str; } zip_error_t;
  typedef struct zip_stat {
    uint64_t valid; const char *name; uint64_t index, size, comp_size; long mtime;
    uint32_t crc; uint16_t comp_method, encryption_method; uint32_t flags;
  } zip_stat_t;
  zip_t *zip_open(const char *path, int flags, int *errorp);
  void zip_error_init_with_code(zip_error_t *err, int code);
  const char *zip_error_strerror(zip_error_t *err);
  void zip_error_fini(zip_error_t *err);
  const char *zip_strerror(zip_t *z);
  zip_source_t *zip_source_buffer(zip_t *z, const void *data, uint64_t len, int freep);
  void zip_source_free(zip_source_t *s);
  int64_t zip_file_add(zip_t *z, const char *name, zip_source_t *s, uint32_t flags);
  int64_t zip_get_num_entries(zip_t *z, uint32_t flags);
  const char *zip_get_name(zip_t *z, uint64_t index, uint32_t flags);
  void zip_stat_init(zip_stat_t *st);
  int zip_stat(zip_t *z, const char *name, uint32_t flags, zip_stat_t *st);
  zip_file_t *zip_fopen(zip_t *z, const char *name, uint32_t flags);
  int64_t zip_fread(zip_file_t *f, void *buf, uint64_t n);
  const char *zip_file_strerror(zip_file_t *f);
  int zip_fclose(zip_file_t *f);
  int zip_close(zip_t *z);
  void zip_discard(zip_t *z);
  void *malloc(size_t n);
  void free(void *p);
  ]])
  local zip = ffi.load("zip")
  local ZIP_CREATE, ZIP_CHECKCONS, ZIP_TRUNCATE, ZIP_RDONLY = 1, 4, 8, 16
  local ZIP_FL_ENC_UTF_8, ZIP_FL_ENC_GUESS, ZIP_STAT_SIZE = 2048, 0, 4

  local Zip = {}
  Zip.__index = Zip

  -- An archive discarded by the collector when it was not closed (nothing is written).
  local function open(path, flags, writing)
    if type(path) ~= "string" then error("bad argument #1 (string expected)", 0) end
    local code = ffi.new("int[1]")
    local z = zip.zip_open(path, flags, code)
    if z == nil then
      local e = ffi.new("zip_error_t")
      zip.zip_error_init_with_code(e, code[0])
      local msg = ffi.string(zip.zip_error_strerror(e))
      zip.zip_error_fini(e)
      error(msg, 0)
    end
    return setmetatable({z = ffi.gc(z, zip.zip_discard), writing = writing}, Zip)
  end

  --- zip_create(path) -> an archive for writing (written to a temporary file, renamed on close)
  function M.zip_create(path) return open(path, ZIP_CREATE + ZIP_TRUNCATE, true) end
  --- zip_open(path) -> an archive for reading (the central directory is checked on open)
  function M.zip_open(path) return open(path, ZIP_RDONLY + ZIP_CHECKCONS, false) end

  local function live(h)
    if h.z == nil then error("ann.Zip: the archive is closed", 0) end
    return h.z
  end
  local function zip_fail(z, what) error(("%s: %s"):format(what, ffi.string(zip.zip_strerror(z))), 0) end

  --- z:add(name, bytes): a member, deflated (writing)
  function Zip.add(h, name, bytes)
    local z = live(h)
    if not h.writing then error("ann.Zip: the archive was opened for reading", 0) end
    local n = #bytes
    local copy = ffi.C.malloc(n > 0 and n or 1)
    if copy == nil then error(("ann.Zip: out of memory for %s (%d bytes)"):format(name, n), 0) end
    ffi.copy(copy, bytes, n)
    local src = zip.zip_source_buffer(z, copy, n, 1)   -- frees copy
    if src == nil then ffi.C.free(copy); zip_fail(z, name) end
    if zip.zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) < 0 then
      zip.zip_source_free(src)
      zip_fail(z, name)
    end
  end

  --- z:names() -> the members' names in archive order (reading)
  function Zip.names(h)
    local z = live(h)
    local out = {}
    for i = 0, tonumber(zip.zip_get_num_entries(z, 0)) - 1 do
      local name = zip.zip_get_name(z, i, ZIP_FL_ENC_GUESS)
      if name == nil then zip_fail(z, "ann.Zip") end
      out[i + 1] = ffi.string(name)
    end
    return out
  end

  --- z:read(name) -> a member's bytes; its CRC is checked (reading)
  function Zip.read(h, name)
    local z = live(h)
    local st = ffi.new("zip_stat_t")
    zip.zip_stat_init(st)
    if zip.zip_stat(z, name, 0, st) ~= 0 or tonumber(st.valid) % (2 * ZIP_STAT_SIZE) < ZIP_STAT_SIZE then zip_fail(z, name) end
    local f = zip.zip_fopen(z, name, 0)
    if f == nil then zip_fail(z, name) end
    local size = tonumber(st.size)
    local buf = ffi.new("char[?]", size + 1)
    local got = size > 0 and tonumber(zip.zip_fread(f, buf, size)) or 0
    if got == size and zip.zip_fread(f, buf + size, 1) ~= 0 then got = -1 end   -- past the end: CRC check
    if got ~= size then
      local msg = ("%s: %s"):format(name, ffi.string(zip.zip_file_strerror(f)))
      zip.zip_fclose(f)
      error(msg, 0)
    end
    zip.zip_fclose(f)
    return ffi.string(buf, size)
  end

  --- z:close(): writes the archive (writing) or releases it (reading)
  function Zip.close(h)
    local z = live(h)
    h.z = nil
    ffi.gc(z, nil)
    if not h.writing then zip.zip_discard(z); return end
    if zip.zip_close(z) ~= 0 then
      local msg = ffi.string(zip.zip_strerror(z))
      zip.zip_discard(z)
      error(msg, 0)
    end
  end

  -- ---- Keras model files (read by the core in a child process) --------------------------------

  local Keras = {}
  Keras.__index = Keras

  --- keras_read(path[, seconds]) -> a file description with exists, string_attribute, dataset
  -- and free
  function M.keras_read(path, seconds)
    if type(path) ~= "string" then error("bad argument #1 (string expected)", 0) end
    if seconds ~= nil and type(seconds) ~= "number" then error("bad argument #2 (number expected)", 0) end
    local out, st = ffi.new("ann_keras_file *[1]"), core.status()
    if C.ann_keras_read(path, seconds or 0, out, st) ~= 0 then core.raise_plain(st) end
    return setmetatable({k = ffi.gc(out[0], C.ann_keras_free)}, Keras)
  end

  local function live_keras(h)
    if h.k == nil then error("Keras file: freed", 0) end
    return h.k
  end

  function Keras.exists(h, object) return C.ann_keras_exists(live_keras(h), object) ~= 0 end

  --- k:string_attribute(object, name) -> list of strings
  function Keras.string_attribute(h, object, name)
    local strings, count, st = ffi.new("const char *[1]"), ffi.new("size_t[1]"), core.status()
    if C.ann_keras_string_attribute(live_keras(h), object, name, strings, count, st) ~= 0 then
      core.raise_plain(st)
    end
    local out, p = {}, strings[0]
    for i = 1, tonumber(count[0]) do
      out[i] = ffi.string(p)
      p = p + #out[i] + 1
    end
    return out
  end

  --- k:dataset(path) -> flat list of numbers (row-major), shape list
  function Keras.dataset(h, path)
    local rank, dims, values = ffi.new("int32_t[1]"), ffi.new("const int64_t *[1]"), ffi.new("const double *[1]")
    local count, st = ffi.new("size_t[1]"), core.status()
    if C.ann_keras_dataset(live_keras(h), path, rank, dims, values, count, st) ~= 0 then core.raise_plain(st) end
    local shape, out, v = {}, {}, values[0]
    for i = 0, rank[0] - 1 do shape[i + 1] = tonumber(dims[0][i]) end
    for i = 0, tonumber(count[0]) - 1 do out[i + 1] = v[i] end
    return out, shape
  end

  --- k:free(): releases the description (idempotent)
  function Keras.free(h) core.release(h, "k", C.ann_keras_free) end

  -- ---- TensorBoard event files (the core's writer) -------------------------------------------

  local Writer = {}
  Writer.__index = Writer

  local function close_writer(w) C.ann_tfwriter_close(w, nil) end

  --- tfwriter_open(directory) -> a writer: scalar, histogram, image, image_file, hparams,
  -- flush, close, path, closed
  function M.tfwriter_open(dir)
    if type(dir) ~= "string" then error("bad argument #1 (string expected)", 0) end
    local out, st = ffi.new("ann_tfwriter *[1]"), core.status()
    if C.ann_tfwriter_open(dir, out, st) ~= 0 then core.raise_plain(st) end
    return setmetatable({w = ffi.gc(out[0], close_writer)}, Writer)
  end

  local function writer(h)
    if h.w == nil then error("Logger: the logger is closed", 0) end
    return h.w
  end

  local function check(rc, st) if rc ~= 0 then core.raise_plain(st) end end

  function Writer.scalar(h, tag, value, step)
    local st = core.status()
    check(C.ann_tfwriter_scalar(writer(h), tag, value, step or 0, st), st)
  end

  --- w:histogram(tag, list_of_numbers, step)
  function Writer.histogram(h, tag, values, step)
    local w = writer(h)
    local n = #values
    local buf = ffi.new("double[?]", n > 0 and n or 1)
    for i = 1, n do
      if type(values[i]) ~= "number" then
        error(("Logger.add_histogram('%s'): value %d is not a number"):format(tag, i), 0)
      end
      buf[i - 1] = values[i]
    end
    local st = core.status()
    check(C.ann_tfwriter_histogram(w, tag, buf, n, step or 0, st), st)
  end

  --- w:image(tag, height, width, rgb_bytes, step)
  function Writer.image(h, tag, height, width, rgb, step)
    local w = writer(h)
    if height < 1 or width < 1 or height > 65535 or width > 65535 or height * width * 3 ~= #rgb then
      error(("Logger.add_image('%s'): %d bytes for a %d x %d RGB image"):format(tag, #rgb, height, width), 0)
    end
    local st = core.status()
    check(C.ann_tfwriter_image(w, tag, height, width, rgb, step or 0, st), st)
  end

  function Writer.image_file(h, tag, path, step)
    local st = core.status()
    check(C.ann_tfwriter_image_file(writer(h), tag, path, step or 0, st), st)
  end

  --- w:hparams({{name, kind, number, string}, ...}, {metric_tag, ...}); kind 0 number, 1
  -- string, 2 boolean. The structures point at the argument tables' strings.
  function Writer.hparams(h, params, metrics)
    local w = writer(h)
    local p = ffi.new("ann_hparam[?]", #params + 1)
    for i, e in ipairs(params) do
      p[i - 1].name, p[i - 1].kind, p[i - 1].number, p[i - 1].string = e[1], e[2] or 0, e[3] or 0, e[4]
    end
    local m = ffi.new("const char *[?]", #metrics + 1)
    for i, tag in ipairs(metrics) do m[i - 1] = tag end
    local st = core.status()
    check(C.ann_tfwriter_hparams(w, p, #params, m, #metrics, st), st)
  end
  -- the structures hold the only pointers to the strings: interpreted, the tables and the
  -- locals stay alive until the function returns
  require("jit").off(Writer.hparams)

  function Writer.flush(h)
    local st = core.status()
    check(C.ann_tfwriter_flush(writer(h), st), st)
  end

  function Writer.close(h)
    local w = h.w
    h.w = nil
    if w ~= nil then
      ffi.gc(w, nil)
      local st = core.status()
      check(C.ann_tfwriter_close(w, st), st)
    end
  end

  function Writer.path(h) return ffi.string(C.ann_tfwriter_path(writer(h))) end
  function Writer.closed(h) return h.w == nil end

  return M
end)
