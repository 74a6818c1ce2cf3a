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
  if v ~= v then return "NaN" end
  return tostring(v)
end

--- The __index of a class: a computed field (fields[k](obj)), else a method (methods[k]),
-- else nil for "_" (the private table, set with rawset, is missing only while an object is
-- made), else rest(obj, k).
function M.class_index(fields, methods, rest)
  return function(obj, k)
    local f = fields[k]
    if f then return f(obj) end
    local m = methods[k]
    if m then return m end
    if k == "_" then return nil end
    return rest(obj, k)
  end
end

--- The constructor of descriptions handed to net:<verb>(obj) (input populations to
-- net:create, special projections to net:connect): description(kind, build) keeps its
-- arguments only; obj[hook] is build, obj[flag] is true (also a raw field of the metatable),
-- any other access is an error naming the kind and the object that has it.
function M.description_class(flag, hook, noun, verb)
  local C = {[flag] = true}
  C.__index = function(obj, k)
    if k == flag then return true end
    if k == hook then return rawget(obj, "_").build end
    M.fail("%s: '%s' is only available on the %s returned by net:%s(...)", rawget(obj, "_").kind,
      tostring(k), noun, verb)
  end
  C.__newindex = function(obj, k)
    M.fail("%s: set '%s' on the %s returned by net:%s(...)", rawget(obj, "_").kind, tostring(k), noun, verb)
  end
  C.__tostring = function(obj)
    return ("%s (give it to net:%s)"):format(rawget(obj, "_").kind, verb)
  end
  return function(kind, build) return setmetatable({_ = {kind = kind, build = build}}, C) end
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
