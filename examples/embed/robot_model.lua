-- robot_model.lua: the spiking controller of examples/embed/robot.c, a Braitenberg vehicle.
-- Three distance sensors (left, front, right) drive three Poisson populations (their `rates`,
-- written by the host every frame); a side sensor excites the motor population of its own side
-- and inhibits the other side's, so that a wall on the left speeds the left wheel up and slows
-- the right one down: the vehicle turns away. The front sensor acts as a left one, so that a
-- wall straight ahead or a corner makes the vehicle turn right rather than stop. Motor neurons
-- fire at a steady rate without input (their `drive`), which moves the vehicle forward; the
-- host reads their windowed firing rate `r` as wheel speeds.
-- The host runs it with the seed as its one argument: annlua_run_file(h, path, 1, {"7"}, &st),
-- then takes the network from the table it returns: annlua_network(h, "net", &st).
local ann = require("annarchy")

local seed = math.floor(tonumber((...) or "1") or 1)

local Motor = ann.Neuron{
  parameters = [[
    tau = 10.0 : population
    tau_syn = 5.0 : population
    v_th = 1.0 : population
    drive = 1.25 : population
  ]],
  equations = [[
    tau * dv/dt = -v + drive + g_exc - g_inh
    tau_syn * dg_exc/dt = -g_exc
    tau_syn * dg_inh/dt = -g_inh
  ]],
  spike = "v > v_th",
  reset = "v = 0.0",
  refractory = 2.0,
  name = "Motor",
}

local N_SENSOR, N_MOTOR = 20, 20

local net = ann.Network{dt = 1.0, seed = seed}
local sensors, motors = {}, {}
for _, side in ipairs({"left", "front", "right"}) do
  sensors[side] = net:create(ann.PoissonPopulation(N_SENSOR, {rates = 0.0, name = "sensor_" .. side}))
end
for _, side in ipairs({"left", "right"}) do
  motors[side] = net:create(N_MOTOR, Motor, {name = "motor_" .. side})
  motors[side]:compute_firing_rate(50.0)            -- r: the rate over the last 50 ms, in Hz
end
-- each sensor excites one motor and inhibits the other: the vehicle turns away from the side
-- sensor that sees a wall, and to the right when the front sensor does
-- (a list, not a table walked by pairs: connectors draw in the order they are made, and the
-- order of pairs changes from run to run)
local wiring = {{"left", "left", "right"}, {"front", "left", "right"}, {"right", "right", "left"}}
for _, w in ipairs(wiring) do
  local side, excited, inhibited = w[1], w[2], w[3]
  net:connect(sensors[side], motors[excited], "exc", {name = side .. "_excites_" .. excited})
    :fixed_probability(0.5, 0.3)
  net:connect(sensors[side], motors[inhibited], "inh", {name = side .. "_inhibits_" .. inhibited})
    :fixed_probability(0.5, 0.6)
end
net:compile()

return {net = net}
