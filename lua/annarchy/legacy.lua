--- The old global API (reference §7.4): module-level functions acting on one hidden default
-- network, ann.magic_network(). Each prints a one-time deprecation warning and otherwise
-- behaves as the reference's module-level function.
local network = require("annarchy.network")
local config = require("annarchy.config")

local M = {}

function M.install(ann)
  local magic
  local setup = {}
  local warned = false

  local function warn()
    if warned then return end
    warned = true
    io.stderr:write("annlua: the global API (ann.Population, ann.compile, ann.simulate...) is "
      .. "deprecated: create an ann.Network and use its methods\n")
  end

  local function net()
    if not magic or magic._.dropped then
      magic = network.new{dt = setup.dt or 1.0, seed = setup.seed}
      local cfg = {}
      for k, v in pairs(setup) do if k ~= "dt" and k ~= "seed" then cfg[k] = v end end
      if next(cfg) then magic:config(cfg) end
    end
    return magic
  end

  function ann.magic_network() return net() end

  function ann.setup(t)
    warn()
    config.check("ann.setup", t, {dt = true})
    for k, v in pairs(t) do setup[k] = v end
    if magic and not magic.compiled then
      local cfg = {}
      for k, v in pairs(t) do if k ~= "dt" then cfg[k] = v end end
      if next(cfg) then magic:config(cfg) end
    end
  end

  local function forward(name, method)
    ann[name] = function(...)
      warn()
      local n = net()
      return n[method](n, ...)
    end
  end
  forward("Population", "create")
  forward("Monitor", "monitor")
  forward("compile", "compile")
  forward("simulate", "simulate")
  forward("simulate_until", "simulate_until")
  forward("step", "step")
  forward("reset", "reset")
  forward("get_population", "get_population")
  forward("get_projection", "get_projection")
  forward("populations", "get_populations")
  forward("projections", "get_projections")
  forward("monitors", "get_monitors")
  forward("callbacks_enabled", "callbacks_enabled")
  forward("disable_callbacks", "disable_callbacks")
  forward("enable_callbacks", "enable_callbacks")
  forward("clear_all_callbacks", "clear_all_callbacks")
  forward("enable_learning", "enable_learning")
  forward("disable_learning", "disable_learning")
  forward("save", "save")
  forward("load", "load")
  forward("save_parameters", "save_parameters")
  forward("load_parameters", "load_parameters")
  ann.Projection = function(pre, post, target, opts)
    warn()
    return net():connect(pre, post, target, opts)
  end
  function ann.get_time() warn(); return net().time end
  function ann.set_time(t) warn(); net().time = t end
  function ann.get_current_step() warn(); return net().current_step end
  function ann.set_current_step(s) warn(); net().current_step = s end
  function ann.dt() warn(); return net().dt end
  function ann.set_seed(s) warn(); net():config{seed = s} end
  function ann.clear()
    if magic then magic._.dropped = true end
    magic = nil
  end
end

return M
