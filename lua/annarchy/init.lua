--- annarchy: ANNarchy 5.0's neural network simulator for Lua.
--   local ann = require("annarchy")
-- The module gathers the public names of API.md; each lives in its own file.
local core = require("annarchy.core")
local network = require("annarchy.network")
local model = require("annarchy.model")
local random = require("annarchy.random")
local constants = require("annarchy.constants")
local functions = require("annarchy.functions")

local ann = {}

ann.__version = core.version()

-- Networks ---------------------------------------------------------------------------------
ann.Network = network.class

-- Models -------------------------------------------------------------------------------------
ann.Neuron = model.Neuron
ann.Synapse = model.Synapse
ann.Parameter = model.Parameter
ann.Variable = model.Variable
ann.Creating = model.Creating
ann.Pruning = model.Pruning
ann.Constant = function(name, value) return constants.new(name, value, nil) end
ann.add_function = functions.add_function
ann.functions = functions.functions

-- Built-in models ------------------------------------------------------------------------------
local models = require("annarchy.models")
for _, name in ipairs(models.list_standard_neurons()) do ann[name] = models[name] end
for _, name in ipairs(models.list_standard_synapses()) do ann[name] = models[name] end
ann.list_standard_neurons = models.list_standard_neurons
ann.list_standard_synapses = models.list_standard_synapses

-- Inputs ---------------------------------------------------------------------------------------
for name, ctor in pairs(require("annarchy.inputs")) do ann[name] = ctor end
local image = require("annarchy.image")
ann.ImagePopulation = image.ImagePopulation
ann.VideoPopulation = image.VideoPopulation

-- Connectivity ---------------------------------------------------------------------------------
ann.LILConnectivity = require("annarchy.connectors").LILConnectivity

-- Arrays -------------------------------------------------------------------------------------
ann.array = core.array
ann.zeros = core.zeros
ann.ones = core.ones
ann.linspace = core.linspace
ann.allclose = core.allclose
ann.is_array = core.is_array

-- Random distributions -------------------------------------------------------------------------
for _, name in ipairs{"Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma",
                      "Binomial"} do
  ann[name] = random[name]
end

-- Spike statistics on spike tables ---------------------------------------------------------------
local spikestats = require("annarchy.spikestats")
for _, name in ipairs{"raster_plot", "histogram", "inter_spike_interval",
                      "coefficient_of_variation", "mean_fr", "smoothed_rate", "population_rate"} do
  ann[name] = spikestats[name]
end

-- The old global API on one hidden network ----------------------------------------------------------
require("annarchy.legacy").install(ann)

return ann
