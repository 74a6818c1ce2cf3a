--- Zero-copy access for LuaJIT programs (a game loop, a robot controller): a population's
-- values as an FFI array the kernels read and write, the core's network pointer, and a step
-- without the front end's bookkeeping. Only under LuaJIT (the FFI backend of the runtime).
--
--   local annffi = require("annarchy.ffi")
--   local v = annffi.view(pop, "v")    -- double * (float * under float32), v[0] .. v[pop.size - 1]
--   annffi.step(net, 100)              -- 100 steps in C
--   local ranks, n = annffi.spiked(pop) -- ranks[0] .. ranks[n - 1] fired in the last step
--
-- A view is valid while the network lives and until its next structure change (compiling
-- it again); reads see the values of the last step, writes are seen by the next.
local runtime = require("annarchy.runtime")
local population = require("annarchy.population")
local util = require("annarchy.util")

local fail = util.fail

local M = {}

local function backend()
  if not runtime.attr_pointer then
    fail("annarchy.ffi: zero-copy views need LuaJIT (the FFI backend of the runtime); this is %s", _VERSION)
  end
end

local function compiled_rt(net, what)
  local rt = type(net) == "table" and net._ and net._.rt
  if not rt then fail("%s: the network is not compiled yet", what) end
  return rt
end

--- The storage of local attribute `name` of a population: a typed FFI pointer (double *,
-- float *, int32_t * for int, uint8_t * (0 or 1) for bool attributes), 0-based, pop.size elements.
function M.view(pop, name)
  backend()
  if not population.is_population(pop) then fail("annarchy.ffi.view: a Population expected, got %s", type(pop)) end
  local a = population.attribute(pop, name)
  if a.locality == "global" then
    fail("annarchy.ffi.view: '%s' of population %q is global (one value): read and write pop.%s", name,
      pop._.name, name)
  end
  local rt = compiled_rt(pop._.net, ("annarchy.ffi.view(%q)"):format(pop._.name))
  return runtime.attr_pointer(rt, pop._.id, pop._.layout.by_name[name].index)
end

--- The ranks (0-based) of the neurons of a spiking population that spiked in the last step,
-- without copying: a const int32_t pointer and the count, valid until the next step.
function M.spiked(pop)
  backend()
  if not population.is_population(pop) then fail("annarchy.ffi.spiked: a Population expected, got %s", type(pop)) end
  if pop._.A.kind ~= "spike" then fail("annarchy.ffi.spiked: population %q is rate-coded", pop._.name) end
  local rt = compiled_rt(pop._.net, ("annarchy.ffi.spiked(%q)"):format(pop._.name))
  return runtime.pop_spiked_pointer(rt, pop._.id)
end

--- The core's ann_network pointer of a compiled network, for direct calls through the core
-- library namespace M.C (include/annarchy.h). Valid while the network lives.
function M.handle(net)
  backend()
  return runtime.network_pointer(compiled_rt(net, "annarchy.ffi.handle"))
end

--- Runs n steps (1 by default) in C: the network's step loop without callbacks, progress or
-- the monitors' memory warning.
function M.step(net, n)
  backend()
  local done, err = runtime.run(compiled_rt(net, "annarchy.ffi.step"), n or 1, "none")
  if err then fail("annarchy.ffi.step: %s", err) end
  return done
end

if runtime.attr_pointer then
  M.C = runtime.core_library
  M.ffi = require("ffi")
end

return M
