--- The built-in neuron and synapse models (reference-library §1 and §2).
--
-- The models are written in the files of the `models/` folder, one file per family. Each
-- file returns `name -> spec`:
--
--     {object = "neuron" | "synapse",
--      arguments = {{name, default}, ...},   -- the reference constructor, in order
--      options = {name = "string" | "number"}, -- arguments that are not parameters
--      needs_numbers = {name = why},           -- arguments the construction computes with
--      check = function(args) -> nil | message,
--      build = function(args, number_text) -> ann.Neuron{...} | ann.Synapse{...}}
--
-- This module makes one model object per spec. The object can be used as it is, or given new
-- constructor arguments with `M.Izhikevich.with{a = 0.1, conductance = "g_ampa - g_gaba"}`,
-- which rebuilds the model as the reference's constructor does (options change the
-- equations; initial values computed from arguments, such as Izhikevich's u = b * c, follow).
-- Parameter values that are distributions become the parameters' defaults.
--
-- Installed, the family files are the modules `annarchy.models.<file>`; in the source tree
-- they sit in the repository's `models/` folder, found from this file's own path.
local model = require("annarchy.model")
local errors = require("annarchy.compiler.errors")

local FAMILIES = {"leaky_integrator", "izhikevich", "integrate_and_fire", "gif", "hodgkin_huxley",
  "adex", "rate_synapses", "spiking_synapses"}

local NEURONS = {"LeakyIntegrator", "Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha",
  "IF_cond_alpha", "GIF_curr", "GIF_curr_exp", "HH_cond_exp", "EIF_cond_alpha_isfa_ista",
  "EIF_cond_exp_isfa_ista"}
local SYNAPSES = {"STP", "STDP", "Hebb", "Oja", "IBCM"}

local M = {}

-- ---------------------------------------------------------------------------------------
-- finding the family files

local function this_dir()
  local src = debug.getinfo(1, "S").source
  if type(src) == "string" and src:sub(1, 1) == "@" then
    return src:sub(2):match("^(.*)[/\\][^/\\]*$") or "."
  end
  return nil
end

local function exists(path)
  local fh = io.open(path, "r")
  if fh then fh:close() end
  return fh ~= nil
end

local function load_family(name)
  local modname = "annarchy.models." .. name
  if package.searchpath(modname, package.path) then return require(modname) end
  local dir = this_dir()
  local tried = {}
  if dir then
    for _, path in ipairs({dir .. "/models/" .. name .. ".lua", dir .. "/../../models/" .. name .. ".lua"}) do
      tried[#tried + 1] = path
      if exists(path) then
        local chunk, err = loadfile(path)
        if not chunk then error(err, 0) end
        return chunk(modname, path)
      end
    end
  end
  error("annarchy: the built-in models file '" .. name .. ".lua' was not found (no module " ..
    modname .. (#tried > 0 and ", nor " .. table.concat(tried, ", ") or "") .. ")", 0)
end

-- ---------------------------------------------------------------------------------------
-- making the models

--- The shortest text that reads back as the same number ("-65.0", "0.02", "1e-05").
local function number_text(x)
  if type(x) == "boolean" then return x and "true" or "false" end
  if type(x) ~= "number" or x ~= x or x == math.huge or x == -math.huge then
    error("annarchy: a finite number is expected (got " .. tostring(x) .. ")", 0)
  end
  if x == math.floor(x) and math.abs(x) < 1e15 then return ("%.1f"):format(x) end
  for p = 15, 17 do
    local s = ("%." .. p .. "g"):format(x)
    if tonumber(s) == x then return s end
  end
  return ("%.17g"):format(x)
end

local function fail(spec, cls, msg)
  error(errors.format({object = spec.object, model = cls}, nil, msg), 0)
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local make

-- `obj.with{...}` and `obj:with{...}`: the same model with more constructor arguments.
local function with_function(cls, spec, given, obj)
  return function(a, b)
    local values = a
    if a == obj and b ~= nil then values = b end
    if type(values) ~= "table" or getmetatable(values) ~= nil then
      fail(spec, cls, "with{...} takes a table of constructor arguments")
    end
    local merged = {}
    for k, v in pairs(given) do merged[k] = v end
    for k, v in pairs(values) do merged[k] = v end
    return make(cls, spec, merged)
  end
end

-- names a spec accepts: its arguments and the parameters of its default model
local function known_names(spec)
  if spec._known then return spec._known end
  local list, set = {}, {}
  for _, arg in ipairs(spec.arguments) do
    list[#list + 1] = arg[1]
    set[arg[1]] = true
  end
  local args = {}
  for _, arg in ipairs(spec.arguments) do args[arg[1]] = arg[2] end
  for _, p in ipairs(model.parameter_names(spec.build(args, number_text))) do
    if not set[p] then
      list[#list + 1] = p
      set[p] = true
    end
  end
  spec._known = {list = list, set = set}
  return spec._known
end

make = function(cls, spec, given)
  local known = known_names(spec)
  local args, defaults = {}, {}
  local is_arg = {}
  for _, arg in ipairs(spec.arguments) do
    args[arg[1]] = arg[2]
    is_arg[arg[1]] = arg[2]
  end
  for _, k in ipairs(sorted_keys(given)) do
    local v = given[k]
    if type(k) ~= "string" or not known.set[k] then
      fail(spec, cls, "unknown parameter '" .. tostring(k) .. "'" ..
        (type(k) == "string" and errors.hint(k, known.list) or ""))
    end
    local opt = spec.options and spec.options[k]
    if opt then
      if type(v) ~= opt and not (v == false and is_arg[k] == false) then
        fail(spec, cls, k .. " must be a " .. opt .. " (got " .. type(v) .. ")")
      end
      args[k] = v
    elseif type(v) == "number" or type(v) == "boolean" then
      if type(v) == "number" and not (v > -math.huge and v < math.huge) then
        fail(spec, cls, "parameter " .. k .. ": a finite number is expected (got " ..
          (v ~= v and "NaN" or tostring(v)) .. ")")
      end
      if is_arg[k] ~= nil then args[k] = v else defaults[k] = v end
    elseif model.is_distribution(v) then
      if spec.needs_numbers and spec.needs_numbers[k] then
        fail(spec, cls, k .. " must be a number (" .. spec.needs_numbers[k] .. ")")
      end
      defaults[k] = v
    else
      fail(spec, cls, "parameter " .. k .. ": a new value must be a number, a boolean or a " ..
        "distribution (got " .. type(v) .. ")")
    end
  end
  for k in pairs(spec.needs_numbers or {}) do
    if type(args[k]) ~= "number" then
      fail(spec, cls, k .. " must be a number (" .. spec.needs_numbers[k] .. ")")
    end
  end
  if spec.check then
    local msg = spec.check(args)
    if msg then fail(spec, cls, msg) end
  end
  local obj = spec.build(args, number_text)
  if next(defaults) ~= nil then obj = getmetatable(obj).__call(obj, defaults) end
  local frozen = {}
  for k, v in pairs(given) do frozen[k] = v end
  rawset(obj, "with", with_function(cls, spec, frozen, obj))
  return obj
end

-- ---------------------------------------------------------------------------------------
-- the table of models

local specs = {}
for _, family in ipairs(FAMILIES) do
  for name, spec in pairs(load_family(family)) do
    if specs[name] then error("annarchy: the built-in model " .. name .. " is defined twice", 0) end
    specs[name] = spec
  end
end

local function add(list, object)
  for _, name in ipairs(list) do
    local spec = specs[name]
    if spec == nil then error("annarchy: the built-in model " .. name .. " is missing", 0) end
    if spec.object ~= object then
      error("annarchy: the built-in model " .. name .. " is not a " .. object, 0)
    end
    M[name] = make(name, spec, {})
  end
end
add(NEURONS, "neuron")
add(SYNAPSES, "synapse")

--- The names of the built-in neuron models.
function M.list_standard_neurons()
  local out = {}
  for i, n in ipairs(NEURONS) do out[i] = n end
  return out
end

--- The names of the built-in synapse models.
function M.list_standard_synapses()
  local out = {}
  for i, n in ipairs(SYNAPSES) do out[i] = n end
  return out
end

return M
