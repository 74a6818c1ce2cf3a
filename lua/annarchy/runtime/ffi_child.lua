--- LuaJIT: child processes over the core's ann_child_* (src/child.c), as src/lua/lchild.c
-- gives them to Lua 5.4: spawn(fn) runs fn in a forked child process, wait_any waits for one
-- of several children to end, a child handle gives what the child sent (result) or ends it
-- (kill; also when the handle is collected).
local core = require("annarchy.runtime.ffi_core")

local ffi, C = core.ffi, core.C

local M = {}

local Child = {}
Child.__index = Child

-- In the child: runs fn and ends the process with what it returned (a string, exit code 0) or
-- the message of its error (exit code 1). Never returns.
local function run_child(fn)
  local ok, out = pcall(fn)
  local code = 1
  if ok then
    if type(out) == "string" then code = 0
    else out = ("the function of the child process returned a %s, not a string"):format(type(out)) end
  elseif type(out) ~= "string" and type(out) ~= "number" then
    out = ("(error object is a %s value)"):format(type(out))
  end
  out = tostring(out)
  C.ann_child_exit(out, #out, code, core.status())
end

--- spawn(fn) -> a child handle, or nil and a message when no process can be started
function M.spawn(fn)
  if type(fn) ~= "function" then error("bad argument #1 to 'spawn' (function expected)", 0) end
  local out, st = ffi.new("ann_child *[1]"), core.status()
  local r = C.ann_child_fork(out, st)
  if r == 0 then run_child(fn) end
  if r < 0 then return nil, ffi.string(st.msg) end
  return setmetatable({c = ffi.gc(out[0], C.ann_child_free)}, Child)
end

local function handle(h)
  if type(h) ~= "table" or getmetatable(h) ~= Child then error("bad argument (a child process expected)", 0) end
  if h.c == nil then error("the child process was killed", 0) end
  return h.c
end

--- wait_any({child, ...}) -> the index (from 1) of the first child that ends
function M.wait_any(list)
  if type(list) ~= "table" or #list == 0 then error("bad argument #1 to 'wait_any' (an empty list of child processes)", 0) end
  local ptrs = ffi.new("ann_child *[?]", #list)
  for i = 1, #list do ptrs[i - 1] = handle(list[i]) end
  local st = core.status()
  local k = C.ann_child_wait_any(ptrs, #list, st)
  if k < 0 then core.raise_plain(st) end
  return k + 1
end

--- child:result() -> the bytes it sent, its exit code (nil when a signal ended it), the signal
-- (nil when it exited); an error while it runs
function Child.result(h)
  local c = handle(h)
  if C.ann_child_running(c) ~= 0 then error("the child process is still running", 0) end
  local n = ffi.new("size_t[1]")
  local bytes = ffi.string(C.ann_child_bytes(c, n), n[0])
  local signal = C.ann_child_signal(c)
  if signal ~= 0 then return bytes, nil, signal end
  return bytes, C.ann_child_exit_code(c), nil
end

--- child:kill(): ends the child if it still runs and frees the handle (idempotent)
function Child.kill(h) core.release(h, "c", C.ann_child_free) end

return M
