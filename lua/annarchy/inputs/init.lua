--- The input populations (reference-library §3.1-3.6). Each constructor returns an object
-- to give to net:create(...), which returns the population:
--   local inp = net:create(ann.TimedArray{rates = rows, schedule = 10})
local M = {}

M.InputArray = require("annarchy.inputs.input_array").new
M.TimedArray = require("annarchy.inputs.timed_array").new
M.PoissonPopulation = require("annarchy.inputs.poisson").new
M.TimedPoissonPopulation = require("annarchy.inputs.timed_poisson").new
M.SpikeSourceArray = require("annarchy.inputs.spike_source_array").new
M.HomogeneousCorrelatedSpikeTrains = require("annarchy.inputs.correlated_spike_trains").new

return M
