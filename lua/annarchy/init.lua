--- annarchy: ANNarchy 5.0's neural network simulator for Lua.
--   local ann = require("annarchy")
-- The module gathers the public names of API.md; each lives in its own file. The parts a
-- script may not use (built-in models, inputs, images, statistics) load on first access, so
-- that start-up stays short.
local runtime = require("annarchy.runtime")
local network = require("annarchy.network")
local model = require("annarchy.model")
local random = require("annarchy.random")
local constants = require("annarchy.constants")
local functions = require("annarchy.functions")

local ann = {}

ann.__version = runtime.version()

-- Networks ---------------------------------------------------------------------------------
ann.Network = network.class
require("annarchy.flags").read(rawget(_G, "arg"))   -- the reference's flags of a script (--clean, -j...)
ann.float32, ann.float64 = "float32", "float64"   -- the values of config{dtype = ...}
ann.every = network.every
ann.mpi = require("annarchy.mpi")   -- rank, size, print: processes started by mpirun

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

-- Connectivity ---------------------------------------------------------------------------------
ann.LILConnectivity = require("annarchy.connectors").LILConnectivity

-- Arrays -------------------------------------------------------------------------------------
ann.array = runtime.array
ann.zeros = runtime.zeros
ann.ones = runtime.ones
ann.linspace = runtime.linspace
ann.allclose = runtime.allclose
ann.is_array = runtime.is_array
ann.clock = runtime.clock   -- wall-clock seconds from a monotonic clock, for timing scripts
--- arr:save(file): .npy, .npz or .csv by the file's extension (annarchy.io.export).
function runtime.array_methods.save(a, filename) return require("annarchy.io.export").save_array(a, filename) end

-- Random distributions -------------------------------------------------------------------------
for _, name in ipairs{"Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma",
                      "Binomial"} do
  ann[name] = random[name]
end

-- Loaded on first access ------------------------------------------------------------------------
local lazy = {}
local function from(module, names)
  for _, name in ipairs(names) do
    lazy[name] = function() return require(module)[name] end
  end
end
from("annarchy.models", {"LeakyIntegrator", "Izhikevich", "IF_curr_exp", "IF_cond_exp", "IF_curr_alpha",
  "IF_cond_alpha", "GIF_curr", "GIF_curr_exp", "HH_cond_exp", "EIF_cond_alpha_isfa_ista",
  "EIF_cond_exp_isfa_ista", "STP", "STDP", "Hebb", "Oja", "IBCM", "list_standard_neurons",
  "list_standard_synapses"})
from("annarchy.inputs", {"InputArray", "TimedArray", "PoissonPopulation", "TimedPoissonPopulation",
  "SpikeSourceArray", "HomogeneousCorrelatedSpikeTrains"})
from("annarchy.io.image", {"ImagePopulation", "VideoPopulation"})
from("annarchy.extensions.special_projections", {"CurrentInjection", "DecodingProjection"})
from("annarchy.extensions.bold", {"BoldMonitor"})
from("annarchy.extensions.bold_model", {"BoldModel"})
from("annarchy.extensions.balloon_models", {"balloon_RN", "balloon_RL", "balloon_CN", "balloon_CL",
  "balloon_maith2021", "balloon_two_inputs"})
from("annarchy.extensions.convolution", {"Convolution"})
from("annarchy.extensions.pooling", {"Pooling"})
from("annarchy.extensions.copy", {"Copy"})
from("annarchy.extensions.transpose", {"Transpose"})
from("annarchy.utils", {"report", "timeit", "sparse_random_matrix", "sparse_delays_from_weights"})
from("annarchy.analysis.spikestats", {"raster_plot", "histogram", "inter_spike_interval",
  "coefficient_of_variation", "mean_fr", "smoothed_rate", "population_rate"})
from("annarchy.extensions.logger", {"Logger"})
from("annarchy.extensions.ann_to_snn", {"ANNtoSNNConverter"})
lazy.plot = function() return require("annarchy.io.plot") end
lazy.help = function()
  local help = require("annarchy.help")
  help.library = ann
  return help.help
end
setmetatable(ann, {__index = function(t, k)
  local load = lazy[k]
  if not load then return nil end
  local v = load()
  rawset(t, k, v)
  return v
end})

-- The old global API on one hidden network ----------------------------------------------------------
require("annarchy.legacy").install(ann)

return ann
