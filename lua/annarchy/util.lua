--- Small helpers shared by the front end.
local M = {}

--- Raises an annarchy error (no position prefix: messages name the object themselves).
function M.fail(fmt, ...)
  error("annarchy: " .. fmt:format(...), 0)
end

--- Prints a warning on stderr, unless the network was configured with suppress_warnings.
function M.warn(net, fmt, ...)
  if net and net._.config.suppress_warnings then return end
  io.stderr:write("WARNING: " .. fmt:format(...) .. "\n")
end

--- A human-readable value for messages.
function M.show(v)
  if type(v) == "string" then return ("%q"):format(v) end
  return tostring(v)
end

--- Rounds half away from zero (Python's round differs only on exact halves, where the
-- reference's delays use numpy's banker's rounding; delays are given in ms so exact
-- halves of dt are rare).
function M.round(x)
  if x >= 0 then return math.floor(x + 0.5) end
  return -math.floor(-x + 0.5)
end

--- ms -> steps for refractory periods and windows (QUIRKS 23): floor(x/dt + 1e-9).
function M.steps_floor(ms, dt)
  return math.floor(ms / dt + 1e-9)
end

--- Number of steps of simulate(d) (QUIRKS 10): ceil(d/dt - 1e-9).
function M.steps_ceil(ms, dt)
  return math.ceil(ms / dt - 1e-9)
end

--- Sorted copy of the keys of a set.
function M.sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

--- Shallow copy of a list.
function M.copy_list(t)
  local out = {}
  for i = 1, #t do out[i] = t[i] end
  return out
end

--- Product of a list of numbers.
function M.product(t)
  local p = 1
  for i = 1, #t do p = p * t[i] end
  return p
end

--- Is x an integer-valued number?
function M.is_integer(x)
  return type(x) == "number" and x == math.floor(x) and x > -math.huge and x < math.huge
end

--- Writes a list of strings to filename through "<filename>.part", renamed into place when
-- complete: a write that fails (a full disk) leaves an older file of the same name as it was.
-- Errors name `what` and the file.
function M.write_file(filename, parts, what)
  if type(filename) ~= "string" then M.fail("%s: the file name must be a string", what) end
  local tmp = filename .. ".part"
  local f, err = io.open(tmp, "wb")
  if not f then M.fail("%s: cannot write %q: %s", what, filename, tostring(err)) end
  local ok, werr = true, nil
  for _, p in ipairs(parts) do
    ok, werr = f:write(p)
    if not ok then break end
  end
  local closed, cerr = f:close()
  if not ok or not closed then
    os.remove(tmp)
    M.fail("%s: cannot write %q: %s", what, filename, tostring(werr or cerr))
  end
  local renamed, rerr = os.rename(tmp, filename)
  if not renamed then
    os.remove(tmp)
    M.fail("%s: cannot write %q: %s", what, filename, tostring(rerr))
  end
end

return M
