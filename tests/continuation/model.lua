-- Runs a network of tests/continuation/networks.lua in a process of its own:
--   annlua tests/continuation/model.lua KIND full M OUT FROM   run steps 0..M-1, write OUT
--   annlua tests/continuation/model.lua KIND save N FILE       run N steps, net:save(FILE)
--   annlua tests/continuation/model.lua KIND load FILE M OUT   net:load(FILE), run to step M
-- KIND is "spiking", "spiking_wide" or "rate"; N >= 15. OUT lists, in hexadecimal floating point (exact),
-- every attribute of every population and projection at the end, the spikes recorded from step
-- FROM (full) or from the loaded step (load) on, and the records of the values monitor made from
-- then on.
local networks = dofile("tests/continuation/networks.lua")

local kind, cmd = arg[1], arg[2]

local net, mons
if kind == "spiking" or kind == "spiking_wide" then net, mons = networks.spiking(kind == "spiking_wide")
elseif kind == "rate" then net, mons = networks.rate()
else error("model.lua: unknown kind " .. tostring(kind)) end
net:compile{silent = true}

-- From step 0: at step 15 the values monitor starts a new phase, and the learning flags and
-- schedules and the enabled populations change (networks.step15). The loading script does not
-- do this: net:load restores them.
local function run_from_start(steps)
  net:simulate(15 * net.dt)
  mons.values.period = mons.values.period
  networks.step15(net)
  net:simulate((steps - 15) * net.dt)
end

if cmd == "full" then
  local m, out, from = tonumber(arg[3]), arg[4], tonumber(arg[5])
  run_from_start(m)
  networks.write_out(net, mons, out, from)
elseif cmd == "save" then
  run_from_start(tonumber(arg[3]))
  net:save(arg[4])
elseif cmd == "load" then
  local file, m, out = arg[3], tonumber(arg[4]), arg[5]
  net:load(file)
  local from = net.current_step
  net:simulate((m - from) * net.dt)
  networks.write_out(net, mons, out, from)
else
  error("model.lua: unknown command " .. tostring(cmd))
end
