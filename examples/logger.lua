-- logger.lua: a small basal-ganglia model learning to choose between two actions by
-- reinforcement, logged to TensorBoard with ann.Logger (after ANNarchy's notebook
-- BasalGanglia.ipynb). 4 cortical neurons (one is active per trial) project with plastic,
-- dopamine-modulated weights onto 10 striatal neurons that inhibit each other; striatal neurons
-- 1-5 inhibit GPi neuron 1, neurons 6-10 GPi neuron 2. The action is the GPi neuron with the
-- lowest activity (the disinhibited one). Cortical neurons 1 and 3 ask for action 1, 2 and 4 for
-- action 2; a correct action gives dopamine +1 for 10 ms, a wrong one -1.
-- Each trial: 40 ms rest, 50 ms stimulus, the decision, 10 ms of dopamine.
-- Logged: the reward and the running accuracy (scalars), both GPi activities in one chart
-- (add_scalars), the striatum as a 2 x 5 image, a histogram of the cortico-striatal weights,
-- and at the end the parameters of the run with its final accuracy (add_parameters).
-- Run: annlua examples/logger.lua [--trials n] [--seed s] [--logdir dir]
-- then: tensorboard --logdir runs/  (or the logdir given)
local ann = require("annarchy")

local M = {}

M.Cortex = ann.Neuron{parameters = "r = 0.0", name = "cortex"}

M.Striatum = ann.Neuron{
  parameters = "tau = 10.0\nnoise = 0.1",
  equations = [[
    tau * dv/dt + v = sum(exc) - sum(inh) + noise * Uniform(-1, 1)
    r = clip(v, 0.0, 1.0)
  ]],
  name = "striatum",
}

M.GPi = ann.Neuron{
  parameters = "tau = 10.0\nB = 1.0",
  equations = [[
    tau * dv/dt + v = B - sum(inh)
    r = pos(v)
  ]],
  name = "GPi",
}

M.DopamineHebb = ann.Synapse{
  parameters = "eta = 0.1 : projection\nalpha = 0.5 : projection\ndopamine = 0.0 : projection",
  equations = "dw/dt = eta * (dopamine * pre.r * post.r - alpha * w * post.r^2) : min = 0.0",
  name = "dopamine-modulated Hebb",
}

--- Builds the network.
function M.build(seed)
  local net = ann.Network{dt = 1.0, seed = seed}
  local cortex = net:create(4, M.Cortex, {name = "cortex"})
  local striatum = net:create({2, 5}, M.Striatum, {name = "striatum"})
  local gpi = net:create(2, M.GPi, {name = "GPi"})
  local cx_str = net:connect(cortex, striatum, "exc", {synapse = M.DopamineHebb})
  cx_str:all_to_all(ann.Uniform(0.0, 0.5))
  net:connect(striatum, striatum, "inh"):all_to_all(0.6)
  net:connect(striatum:range(1, 5), gpi[1], "inh"):all_to_all(1.0)
  net:connect(striatum:range(6, 10), gpi[2], "inh"):all_to_all(1.0)
  net:compile{silent = true}
  return net, cortex, striatum, gpi, cx_str
end

--- Runs `trials` trials, logging into logdir (default "runs/"); returns the accuracy over the
-- last 20 trials and the logger's run directory.
function M.run(trials, seed, logdir)
  local net, cortex, striatum, gpi, cx_str = M.build(seed)
  math.randomseed(seed or 1)
  local logger = ann.Logger(logdir or "runs/", {experiment = ("basal_ganglia_seed%d"):format(seed or 1)})
  local rewards = {}
  for trial = 1, trials do
    cortex.r = 0.0
    net:simulate(40.0)
    local stimulus = math.random(4)
    local rates = {0, 0, 0, 0}
    rates[stimulus] = 1.0
    cortex.r = rates
    net:simulate(50.0)
    local g = gpi.r
    local action = g[1] < g[2] and 1 or 2
    local correct = (stimulus % 2 == 1) and 1 or 2
    local reward = action == correct and 1 or -1
    cx_str.dopamine = reward
    net:simulate(10.0)
    cx_str.dopamine = 0.0
    rewards[trial] = reward
    local hits = 0
    for k = math.max(1, trial - 19), trial do if rewards[k] > 0 then hits = hits + 1 end end
    local accuracy = hits / (trial - math.max(1, trial - 19) + 1)
    logger:add_scalar("Reward", reward, trial)
    logger:add_scalar("Accuracy (last 20 trials)", accuracy, trial)
    logger:add_scalars("GPi", {action1 = g[1], action2 = g[2]}, trial)
    logger:add_image("Activity/Striatum", striatum.r, trial)
    local w = {}
    for _, d in ipairs(cx_str.w) do
      for k = 1, d.size do w[#w + 1] = d[k] end
    end
    logger:add_histogram("Weights/cortex-striatum", w, trial)
  end
  local hits = 0
  for k = trials - 19, trials do if rewards[k] and rewards[k] > 0 then hits = hits + 1 end end
  local accuracy = hits / math.min(20, trials)
  logger:add_parameters({eta = cx_str.eta, alpha = cx_str.alpha, trials = trials, seed = seed or 1},
                        {accuracy = accuracy})
  logger:close()
  return accuracy, logger.currentlogdir
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return arg[i + 1] end end
    return default
  end
  local trials = tonumber(option("--trials", 100))
  local accuracy, dir = M.run(trials, tonumber(option("--seed", 1)), option("--logdir", "runs/"))
  print(("%d trials: %.0f %% correct over the last 20; view with: tensorboard --logdir %s"):format(
    trials, 100 * accuracy, dir))
end

return M
