--- The one seam between the front end and the C core: every call the objects make on the
-- core goes through this table of functions, so that another implementation of the same
-- functions (a LuaJIT FFI binding of include/annarchy.h) can replace the Lua 5.4 C module
-- without touching the objects.
--
-- Handles are opaque values created here and passed back as the first argument:
--   a network runtime (network_new), a population monitor (monitor_new), a projection
--   recorder (proj_recorder), a video capture (video_open), a compiled kernel (compile).
-- Arrays (array, zeros...) are the user-visible value type and keep their own methods.
local core = require("annarchy.core")

local M = {}

-- Functions and constants of the module, unchanged.
for _, name in ipairs{
  "version", "clock",
  "array", "zeros", "ones", "linspace", "allclose", "is_array",
  "dist_check", "dist_fill", "seed_from_entropy", "RNG_STREAM_OBJECT",
  "kernel_header", "compile", "connect",
  "network_new",
  "image_geometry", "image_load", "video_open",
} do
  M[name] = core[name]
end

-- Calls on a handle: M[prefix .. name](handle, ...) is handle:name(...).
local function methods(prefix, names)
  for _, name in ipairs(names) do
    M[prefix .. name] = function(h, ...) return h[name](h, ...) end
  end
end

-- A network runtime: constants, populations, projections, the time loop.
methods("", {
  "add_constant", "set_constant", "bind", "run", "step_count",
  "add_population", "pop_mark_sum", "pop_add_gop", "pop_enable_refractory", "pop_set_rate_window",
  "pop_clear", "pop_get", "pop_set", "pop_refractory", "pop_spiked", "pop_enabled", "pop_set_ext",
  "pop_get_ext",
  "add_projection", "proj_set_connectivity", "proj_size", "proj_post_ranks", "proj_pre_ranks",
  "proj_dendrite_sizes", "proj_dendrite_of", "proj_syn_index", "proj_get", "proj_set", "proj_get1",
  "proj_set1", "proj_delay", "proj_set_delay", "proj_flags", "proj_schedule", "proj_create",
  "proj_prune", "proj_creating", "proj_pruning", "proj_init_history", "proj_bytes", "proj_matrix",
  "proj_recorder", "monitor_new",
})
-- A population monitor (from monitor_new).
methods("monitor_", {"add_variable", "set_recording", "set_period", "data", "spikes", "clear", "bytes",
  "free"})
-- A projection recorder (from proj_recorder).
methods("recorder_", {"set_recording", "set_period", "data", "clear", "bytes", "free"})
-- A video capture (from video_open).
methods("video_", {"grab", "close"})

return M
