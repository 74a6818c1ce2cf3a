--- LuaJIT only: the C core through the FFI. Declares include/annarchy.h with ffi.cdef (its text
-- read at load time, without the preprocessor lines) and loads libannarchy.so.
--
-- Where they are found: the header at $ANNARCHY_HEADER, else in a checkout
-- (<root>/include/annarchy.h when the front end is <root>/lua/annarchy/), else next to this
-- file (where `make install` puts a copy), else /usr/local/include or /usr/include; the
-- library at $ANNARCHY_LIB, else <root>/build/libannarchy.so in a checkout, else by the
-- system's search (ffi.load("annarchy"): LD_LIBRARY_PATH, the ldconfig cache).
local ffi = require("ffi")

-- Declarations and the metatype of Arrays are made once per process (ffi.cdef refuses to
-- redefine a type): a module loaded again (a test runner that clears package.loaded) gets the
-- first instance from the registry.
local REGISTRY_KEY = "annarchy.runtime.ffi_core"
local registry = debug.getregistry()
if registry[REGISTRY_KEY] then return registry[REGISTRY_KEY] end

local M = {ffi = ffi}

local function exists(path)
  local f = path and io.open(path, "r")
  if f then f:close() end
  return f ~= nil
end

-- The directory that holds lua/ (a checkout's root), or nil when installed elsewhere.
local function checkout_root()
  local init = package.searchpath("annarchy", package.path)
  return init and init:match("^(.-)/?lua/annarchy/init%.lua$")
end

local function first_existing(...)
  for i = 1, select("#", ...) do
    local p = select(i, ...)
    if exists(p) then return p end
  end
  return nil
end

--- The header text without its preprocessor lines and the C++ `extern "C"` block markers.
function M.header_text(path)
  local f = assert(io.open(path, "r"))
  local lines, cplusplus = {}, false
  for line in f:lines() do
    if line:match("^#ifdef __cplusplus") then
      cplusplus = true
    elseif line:match("^#") then
      if cplusplus and line:match("^#endif") then cplusplus = false end
    elseif not cplusplus then
      lines[#lines + 1] = line
    end
  end
  f:close()
  return table.concat(lines, "\n")
end

-- A file named by an environment variable must exist: say so rather than look elsewhere.
local function from_env(name)
  local path = os.getenv(name)
  if path and not exists(path) then error(("annarchy: %s=%s: no such file"):format(name, path), 0) end
  return path
end

local root = checkout_root()
local prefix = root and (root == "" and "" or root .. "/") or nil
local here = (package.searchpath("annarchy.runtime.ffi_core", package.path) or ""):match("^(.*)/[^/]*$")
local header = first_existing(from_env("ANNARCHY_HEADER"), prefix and prefix .. "include/annarchy.h",
  here and here .. "/annarchy.h", "/usr/local/include/annarchy.h", "/usr/include/annarchy.h")
if not header then
  error("annarchy: annarchy.h not found (set ANNARCHY_HEADER, or run `make install`)", 0)
end
ffi.cdef(M.header_text(header))
ffi.cdef([[
typedef long ann_lj_time_t;
struct ann_lj_timespec { ann_lj_time_t tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct ann_lj_timespec *ts);
int isatty(int fd);
]])

local lib = first_existing(from_env("ANNARCHY_LIB"), prefix and prefix .. "build/libannarchy.so")
local ok, C = pcall(ffi.load, lib or "annarchy")
if not ok then
  error(("annarchy: cannot load the core library %s (%s); set ANNARCHY_LIB or LD_LIBRARY_PATH, or run "
    .. "`make install`"):format(lib or "libannarchy.so", tostring(C)), 0)
end
M.C = C
M.libc = ffi.C

--- A new status, to pass as the last argument of a core call.
function M.status() return ffi.new("ann_status") end

--- Raises the status's message as the binding does for core failures ("annarchy: ...").
function M.raise(st) error("annarchy: " .. ffi.string(st.msg), 0) end

--- Raises the status's message as it is.
function M.raise_plain(st) error(ffi.string(st.msg), 0) end

-- The core's log (the compiler it falls back to, cache decisions when verbose) goes to stderr
-- as the C module's does. Only kernel compilation logs, and the backend calls it from
-- interpreted code (jit.off), since a callback may not be entered from compiled code.
M.log_callback = ffi.cast("ann_log_fn", function(_, msg)
  io.stderr:write("annlua: ", ffi.string(msg), "\n")
end)
M.C.ann_set_log(M.log_callback, nil)

--- Closes the object of a handle's field once: takes the pointer out of h[key], drops its
-- finalizer and calls free(pointer); nothing when it was already closed.
function M.release(h, key, free)
  local p = h[key]
  h[key] = nil
  if p ~= nil then
    ffi.gc(p, nil)
    free(p)
  end
end

--- The instance of a module with process-wide effects (declarations, metatypes) made by
-- `make` on the first load and returned again afterwards.
function M.once(key, make)
  if not registry[key] then registry[key] = make() end
  return registry[key]
end

registry[REGISTRY_KEY] = M

return M
