--- The configuration keys of a network (`net:config{...}`) and of the old global `ann.setup{...}`:
-- every key the reference knows, each checked, applied, or refused with the reason.
local util = require("annarchy.util")

local fail = util.fail
local M = {}

--- Defaults of the keys a network keeps.
M.DEFAULTS = {method = "explicit", dtype = "float64", structural_plasticity = false,
              paradigm = "openmp", sparse_matrix_format = "default",
              sparse_matrix_storage_order = "post_to_pre"}

local FORMATS = {"default", "lil", "csr", "csr_vector", "csr_scalar", "dense", "ell", "ellr", "sell",
                 "coo", "bsr", "hyb", "auto"}

local function one_of(list)
  local set = {}
  for _, v in ipairs(list) do set[v] = true end
  return function(v) return set[v] == true end, table.concat(list, ", ")
end

local function is_positive_integer(v) return util.is_integer(v) and v >= 1 end
local function is_core_list(v)
  if type(v) ~= "table" or getmetatable(v) ~= nil then return false end
  for i = 1, #v do
    if not util.is_integer(v[i]) or v[i] < 0 then return false end
  end
  return next(v) == nil or #v > 0
end

local is_format, format_list = one_of(FORMATS)
local is_order, order_list = one_of{"post_to_pre", "pre_to_post"}
local is_dtype = one_of{"float64", "float32"}
local is_paradigm = one_of{"openmp"}

-- key -> {check = function(v) -> ok, want = description[, note = said once when set][, setup =
-- false (refused by ann.setup, accepted with a warning by net:config)]}.
local KEYS = {
  method = {check = function(v) return type(v) == "string" end, want = "a string"},
  dtype = {check = is_dtype, want = '"float64" or "float32"'},
  seed = {check = util.is_integer, want = "an integer"},
  structural_plasticity = {want = "a boolean"},
  divide_synapses = {want = "a boolean"},
  num_threads = {check = function(v) return is_positive_integer(v) and v <= 1024 end,
                 want = "an integer from 1 to 1024"},
  visible_cores = {check = is_core_list, want = "a list of core numbers (integers >= 0)",
    note = "visible_cores is accepted; threads are not pinned to cores"},
  paradigm = {check = is_paradigm, want = '"openmp" (annlua has no CUDA back end)'},
  sparse_matrix_format = {check = is_format, want = "one of " .. format_list,
    note = "sparse_matrix_format is accepted; annlua chooses the storage of each projection "
      .. "itself (the results do not depend on it)"},
  sparse_matrix_storage_order = {check = is_order, want = "one of " .. order_list,
    note = "sparse_matrix_storage_order is accepted; annlua chooses the storage of each "
      .. "projection itself (the results do not depend on it)"},
  only_int_idx_type = {want = "a boolean"},
  verbose = {want = "a boolean"},
  suppress_warnings = {want = "a boolean"},
  disable_parallel_rng = {want = "a boolean",
    note = "disable_parallel_rng is accepted; random numbers are keyed by element and step, so "
      .. "they never depend on the number of threads"},
  use_seed_seq = {want = "a boolean"},
  disable_shared_library_time_offset = {want = "a boolean"},
}
for _, k in ipairs{"use_cpp_connectors", "disable_split_matrix", "disable_SIMD_SpMV", "disable_SIMD_Eq",
                   "disable_bitmask"} do
  KEYS[k] = {want = "a boolean", setup = false,
    note = k .. " is a performance switch of the reference's code generator; annlua accepts it and "
      .. "ignores it"}
end
-- keys of the reference that annlua refuses, with the reason
local REFUSED = {
  show_time = "annlua does not time the steps of compile: measure with ann.clock() around it",
  trace_calls = "annlua generates no tracing code",
  debug = "annlua has no debug build of the kernels: set verbose = true to see the compiler's "
    .. "command lines",
  precision = "'precision' was replaced by 'dtype'",
  dt = "the step of a network is given when it is created: ann.Network{dt = ...}",
}
for k in pairs(KEYS) do
  if KEYS[k].check == nil then KEYS[k].check = function(v) return type(v) == "boolean" end end
end

local function names()
  local out = util.sorted_keys(KEYS)
  return table.concat(out, ", ")
end

--- Checks a table of settings given to `what` ("Network:config" or "ann.setup"); `extra` lists
-- keys the caller handles itself (ann.setup's dt). Returns the notes to print once.
function M.check(what, t, extra)
  if type(t) ~= "table" or getmetatable(t) ~= nil then fail("%s takes a table of settings", what) end
  local notes = {}
  for k, v in pairs(t) do
    if not (extra and extra[k]) then
      if REFUSED[k] then fail("%s: '%s' is refused: %s", what, tostring(k), REFUSED[k]) end
      local key = KEYS[k]
      if not key then
        fail("%s: unknown key '%s' (the keys are: %s)", what, tostring(k), names())
      end
      if key.setup == false and what == "ann.setup" then
        fail("%s: '%s' is a performance switch that only Network:config accepts", what, k)
      end
      if not key.check(v) then
        fail("%s: '%s' must be %s, got %s", what, k, key.want, util.show(v))
      end
      if key.note then notes[#notes + 1] = key.note end
    end
  end
  table.sort(notes)
  return notes
end

return M
