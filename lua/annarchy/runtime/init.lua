--- The one seam between the front end and the C core: every call the objects make on the
-- core goes through the table this module returns, so that another implementation of the
-- same interface replaces the Lua 5.4 C module without touching the objects: under LuaJIT,
-- runtime/ffi.lua, a binding of include/annarchy.h through the FFI.
--
-- The interface: the functions below, and calls on opaque handles, which are passed back as
-- the first argument: runtime[prefix .. name](handle, ...). A network runtime (network_new)
-- has the prefix "", a population monitor (monitor_new) "monitor_", a projection recorder
-- (proj_recorder) "recorder_", a video capture (video_open) "video_", a zip archive
-- (zip_create, zip_open) "zip_", a TensorBoard writer (tfwriter_open) "tfwriter_", a Keras
-- model file read in a child process (keras_read) "keras_", a child process (spawn) "child_".
-- Arrays (array, zeros...) are the user-visible value type and keep their own methods.
local INTERFACE = {
  functions = {
    "version", "clock",
    "array", "zeros", "ones", "linspace", "allclose", "is_array",
    "dist_check", "dist_fill", "seed_from_entropy",
    "kernel_header", "compile", "cache_info", "connect",
    "network_new", "cpu_count", "mpi_rank", "mpi_size",
    "image_geometry", "image_load", "video_open",
    "zip_create", "zip_open",
    "tfwriter_open", "keras_read",
    "isatty",
    "spawn", "wait_any",
  },
  -- array_methods: the methods of Arrays, a table the front end adds methods written in Lua to
  constants = {"RNG_STREAM_OBJECT", "array_methods"},
  handles = {
    -- a network runtime: constants, populations, projections, the time loop
    {prefix = "", names = {
      "add_constant", "set_constant", "bind", "run", "step_count", "seed", "threads", "divide_synapses",
      "add_population", "pop_mark_sum", "pop_add_gop", "pop_enable_refractory", "pop_set_rate_window",
      "pop_clear", "pop_get", "pop_set", "pop_refractory", "pop_spiked", "pop_enabled", "pop_set_ext",
      "pop_get_ext",
      "add_projection", "proj_set_connectivity", "proj_release", "proj_size", "proj_post_ranks", "proj_pre_ranks",
      "proj_dendrite_sizes", "proj_dendrite_of", "proj_syn_index", "proj_get", "proj_set", "proj_get1",
      "proj_set1", "proj_delay", "proj_set_delay", "proj_flags", "proj_schedule", "proj_create",
      "proj_prune", "proj_creating", "proj_pruning", "proj_init_history", "proj_bytes", "proj_matrix",
      "proj_recorder", "proj_set_ext", "proj_link", "monitor_new",
      "pop_state", "pop_state_set", "proj_state", "proj_state_set",
    }},
    {prefix = "monitor_", names = {"add_variable", "set_recording", "set_period", "data", "spikes", "clear",
      "bytes", "free", "set_name"}},
    {prefix = "recorder_", names = {"set_recording", "set_period", "data", "clear", "bytes", "free", "set_name"}},
    {prefix = "video_", names = {"grab", "close"}},
    -- a zip archive (zip_create, zip_open), for .npz files
    {prefix = "zip_", names = {"add", "names", "read", "close"}},
    -- a TensorBoard event file (tfwriter_open), a Keras model file read in a child process (keras_read)
    {prefix = "tfwriter_", names = {"scalar", "histogram", "image", "image_file", "hparams", "flush", "close",
      "path"}},
    {prefix = "keras_", names = {"exists", "string_attribute", "dataset", "free"}},
    -- a forked child process (spawn(fn) runs fn there; wait_any({child, ...}) waits for one)
    {prefix = "child_", names = {"result", "kill"}},
  },
}

-- The backend: under LuaJIT the FFI binding of include/annarchy.h over libannarchy.so, under
-- Lua 5.4 (annlua, lua5.4) the C module.
local backend = rawget(_G, "jit") and "annarchy.runtime.ffi" or "annarchy.runtime.cmodule"
local runtime = require(backend).implement(INTERFACE)

-- A backend that lacks part of the interface is a bug of that backend: say which part.
local function check(name, want)
  local t = type(runtime[name])
  if (want == "function" and t ~= "function") or (want ~= "function" and t == "nil") then
    error("annarchy.runtime: the backend does not implement " .. name, 0)
  end
end
for _, name in ipairs(INTERFACE.functions) do check(name, "function") end
for _, name in ipairs(INTERFACE.constants) do check(name, "value") end
for _, h in ipairs(INTERFACE.handles) do
  for _, name in ipairs(h.names) do check(h.prefix .. name, "function") end
end

return runtime
