--- Parameters as JSON: net:save_parameters(file) writes the global parameters of every
-- population and projection and the visible constants; net:load_parameters(file) reads them
-- back into the network and returns the file's table.
local util = require("annarchy.util")
local json = require("annarchy.io.json")
local constants = require("annarchy.constants")
local to_number = require("annarchy.io.container").to_number

local fail = util.fail
local M = {}

local function json_value(v, a)
  if a.type == "bool" then
    if type(v) == "number" then return v ~= 0 end
    return v == true
  end
  return to_number(v)
end

--- net:save_parameters(filename): the global parameters of every population and projection,
-- and the constants, as JSON (indent 4). Values are the current ones (the initial ones before
-- compile).
function M.save_parameters(net, filename)
  local what = "Network:save_parameters"
  local pops, projs = {}, {}
  for _, pop in ipairs(net._.pops) do
    local t = {}
    for _, a in ipairs(pop._.A.attributes) do
      if a.role == "parameter" and a.locality == "global" then
        t[a.name] = json_value(pop:get(a.name), a)
      end
    end
    pops[pop._.name] = t
  end
  for _, proj in ipairs(net._.projs) do
    local t = {}
    for _, a in ipairs(proj._.A.attributes) do
      if a.role == "parameter" and a.locality == "global" then
        local v = proj:get(a.name)
        if type(v) == "number" or type(v) == "boolean" then t[a.name] = json_value(v, a) end
      end
    end
    projs[proj._.name] = t
  end
  local consts = {}
  for _, c in ipairs(constants.visible(net)) do consts[c.name] = c.value end
  local text = json.encode({populations = pops, projections = projs, network = {}, constants = consts},
    {indent = 4})
  local f, err = io.open(filename, "w")
  if not f then fail("%s: cannot write %q: %s", what, tostring(filename), tostring(err)) end
  local ok, werr = f:write(text, "\n")
  f:close()
  if not ok then fail("%s: cannot write %q: %s", what, filename, tostring(werr)) end
end

--- net:load_parameters(filename, {global_only = true, verbose = false}) -> the file's
-- "network" table (values as numbers).
function M.load_parameters(net, filename, opts)
  local what = "Network:load_parameters"
  opts = opts or {}
  if type(opts) ~= "table" then fail("%s: the options must be a table", what) end
  for k in pairs(opts) do
    if k ~= "global_only" and k ~= "verbose" then fail("%s: unknown option '%s'", what, tostring(k)) end
  end
  local global_only = opts.global_only ~= false
  if type(filename) ~= "string" then fail("%s: the file name must be a string", what) end
  local f, err = io.open(filename, "r")
  if not f then fail("%s: cannot open %q: %s", what, filename, tostring(err)) end
  local text = f:read("*a") or ""
  f:close()
  local ok, data = pcall(json.decode, text)
  if not ok then fail("%s: %q is not a JSON file: %s", what, filename, tostring(data)) end
  if type(data) ~= "table" or getmetatable(data) ~= nil then
    fail("%s: %q: the file must hold a JSON object", what, filename)
  end
  local writes = {}
  local function scalar(v, where_)
    if type(v) == "number" or type(v) == "boolean" then return v end
    fail("%s: %q: %s must be a number or a boolean (arrays are not allowed)", what, filename, where_)
  end
  local function section(name, by_name, kind)
    local t = data[name]
    if t == nil then return end
    if type(t) ~= "table" or getmetatable(t) ~= nil then
      fail("%s: %q: \"%s\" must be an object", what, filename, name)
    end
    for _, obj_name in ipairs(util.sorted_keys(t)) do
      local params = t[obj_name]
      local obj = by_name[obj_name]
      if type(params) ~= "table" or getmetatable(params) ~= nil then
        fail("%s: %q: the entry of %s %q must be an object", what, filename, kind, obj_name)
      end
      if not obj then
        util.warn(net, "%s: the network has no %s named %q", what, kind, obj_name)
      else
        for _, pname in ipairs(util.sorted_keys(params)) do
          local v = scalar(params[pname], ("%s.%s.%s"):format(name, obj_name, pname))
          local a = obj._.A.attr[pname]
          if not a or a.role ~= "parameter" then
            util.warn(net, "%s: '%s' is not a parameter of %s %q: skipped", what, pname, kind, obj_name)
          elseif global_only and a.locality ~= "global" then
            util.warn(net, "%s: '%s' of %s %q is not global: skipped (global_only)", what, pname, kind, obj_name)
          else
            if kind == "projection" or a.type ~= "bool" then v = to_number(v) end
            writes[#writes + 1] = {obj = obj, name = pname, value = v, kind = kind}
          end
        end
      end
    end
  end
  section("populations", net._.pop_by_name, "population")
  section("projections", net._.proj_by_name, "projection")
  local const_writes = {}
  if data.constants ~= nil then
    if type(data.constants) ~= "table" or getmetatable(data.constants) ~= nil then
      fail("%s: %q: \"constants\" must be an object", what, filename)
    end
    local visible = {}
    for _, c in ipairs(constants.visible(net)) do visible[c.name] = c end
    for _, cname in ipairs(util.sorted_keys(data.constants)) do
      local v = to_number(scalar(data.constants[cname], "constants." .. cname))
      if visible[cname] then const_writes[#const_writes + 1] = {c = visible[cname], value = v}
      else util.warn(net, "%s: there is no constant named %q", what, cname) end
    end
  end
  local result = {}
  if data.network ~= nil then
    if type(data.network) ~= "table" or getmetatable(data.network) ~= nil then
      fail("%s: %q: \"network\" must be an object", what, filename)
    end
    for k, v in pairs(data.network) do
      v = scalar(v, "network." .. k)
      result[k] = to_number(v) + 0.0
    end
  end
  -- everything read and checked: now the network changes
  for _, wr in ipairs(writes) do
    if opts.verbose then
      io.stdout:write(("%s %q: %s: %s -> %s\n"):format(wr.kind, wr.obj._.name, wr.name,
        tostring(wr.obj:get(wr.name)), tostring(wr.value)))
    end
    wr.obj:set{[wr.name] = wr.value}
  end
  for _, cw in ipairs(const_writes) do cw.c:set(cw.value) end
  return result
end

return M
