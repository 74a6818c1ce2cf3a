-- Helpers shared by the specs (dofile("tests/support.lua")).
local assert = require("luassert")
local M = {}

--- Asserts that f fails with a message holding every one of the given strings.
function M.fails_with(f, ...)
  local ok, err = pcall(f)
  assert.is_false(ok)
  for _, want in ipairs({...}) do
    assert.truthy(tostring(err):find(want, 1, true), ("%q not in: %s"):format(want, tostring(err)))
  end
end

--- Calls f(...) with io.stderr captured; returns what was written and f's success and error.
function M.stderr_of(f, ...)
  local said = {}
  local stderr = io.stderr
  rawset(io, "stderr", {write = function(_, ...) for _, s in ipairs({...}) do said[#said + 1] = s end end})
  local ok, err = pcall(f, ...)
  rawset(io, "stderr", stderr)
  return table.concat(said), ok, err
end

--- A fresh temporary file name ending in ext (the file does not exist).
function M.tmp(ext)
  local name = os.tmpname()
  os.remove(name)
  return name .. (ext or "")
end

--- The bytes of a file.
function M.read_bytes(file)
  local f = assert(io.open(file, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

--- Writes the bytes s into a file.
function M.write_bytes(file, s)
  local f = assert(io.open(file, "wb"))
  f:write(s)
  f:close()
end

return M
