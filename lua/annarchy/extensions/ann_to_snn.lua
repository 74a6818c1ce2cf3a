--- ann.ANNtoSNNConverter: a trained Keras classifier as a spiking network (weight
-- normalisation of Diehl et al. 2015; input encodings after Park et al. 2019 and Auge et al. 2021).
-- Dense layers become ordinary projections; Conv2D layers an ann.Convolution and pooling layers an
-- ann.Pooling, both reading the pre-synaptic `mask` trace (a firing-rate estimate).
--   local conv = ann.ANNtoSNNConverter{input_encoding = "CPN", hidden_neuron = "IaF", read_out = "spike_count"}
--   local net = conv:load_keras_model("model.h5", {show_info = false})
--   local classes = conv:predict(samples, {duration_per_sample = 200})
-- The Keras file is read in its HDF5 layout (the model_config JSON attribute, the weights under
-- model_weights/<layer>/) through libhdf5, in a child process (runtime.keras_read): a malformed
-- file on which libhdf5 crashes or hangs becomes an error. Keras itself is not needed.
local runtime = require("annarchy.runtime")
local args = require("annarchy.args")
local json = require("annarchy.io.json")
local network = require("annarchy.network")
local model = require("annarchy.model")
local models = require("annarchy.extensions.ann_to_snn_models")
local ann_convolution = require("annarchy.extensions.convolution").Convolution
local ann_pooling = require("annarchy.extensions.pooling").Pooling

local fail = require("annarchy.extensions.errors").raiser(debug.getinfo(1, "S").source)

local M = {}

local Converter = {}
Converter.__index = Converter

local ENCODINGS = {CPN = models.CPN, poisson = models.CPN, IB = models.IB, CH = models.CH, PSO = models.PSO}
local READ_OUTS = {spike_count = true, time_to_first_spike = true, time_to_k_spikes = true,
                   membrane_potential = true}
-- Layers without neurons or weights of their own: skipped as the reference converter does.
local SKIPPED = {Dropout = true, Flatten = true, Activation = true, ReLU = true, Softmax = true,
                 BatchNormalization = true, Reshape = true, SpatialDropout2D = true, GaussianNoise = true}

local function keys_of(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = "'" .. k .. "'" end
  table.sort(out)
  return table.concat(out, ", ")
end

--- Creates a converter.
-- @param input_encoding "CPN" (or "poisson"), "IB", "CH" or "PSO"
-- @param hidden_neuron "IaF" or a Neuron with a `mask` variable and a `vt` parameter
-- @param read_out "spike_count", "time_to_first_spike", "time_to_k_spikes" (needs k) or
--   "membrane_potential"
-- @param k the number of spikes of "time_to_k_spikes"
-- @param max_f the input scale: a sample value of 1 becomes max_f Hz (or current units), 100
function M.ANNtoSNNConverter(...)
  local a = args.parse("ANNtoSNNConverter", {"input_encoding", "hidden_neuron", "read_out", "k", "max_f"},
                       select("#", ...), ...)
  local enc = a.input_encoding or "CPN"
  if not ENCODINGS[enc] then
    fail("ANNtoSNNConverter: unknown input encoding '%s' (expected one of %s)", tostring(enc), keys_of(ENCODINGS))
  end
  local hidden = a.hidden_neuron or "IaF"
  if type(hidden) == "string" then
    if hidden ~= "IaF" then
      fail("ANNtoSNNConverter: invalid model name '%s' for hidden neurons (expected 'IaF' or a Neuron)", hidden)
    end
    hidden = models.IaF
  elseif not model.is_neuron(hidden) then
    fail("ANNtoSNNConverter: hidden_neuron must be 'IaF' or a Neuron, not %s", type(hidden))
  end
  local read_out = a.read_out or "spike_count"
  if not READ_OUTS[read_out] then
    fail("ANNtoSNNConverter: unknown read-out '%s' (expected one of %s)", tostring(read_out), keys_of(READ_OUTS))
  end
  if read_out == "time_to_k_spikes" then
    if type(a.k) ~= "number" or a.k < 1 or a.k ~= math.floor(a.k) then
      fail("ANNtoSNNConverter: the read-out 'time_to_k_spikes' needs k, a positive integer")
    end
  elseif a.k ~= nil then
    fail("ANNtoSNNConverter: k is only used by the read-out 'time_to_k_spikes'")
  end
  local max_f = a.max_f or 100
  if type(max_f) ~= "number" or max_f <= 0 then fail("ANNtoSNNConverter: max_f must be a positive number") end
  return setmetatable({_encoding = enc, _input_model = ENCODINGS[enc], _hidden = hidden,
                       _read_out = read_out, _k = a.k, _max_f = max_f}, Converter)
end

-- ---- reading the Keras file ---------------------------------------------------------------------

local function shape_of(cfg, lname)
  local s = cfg.batch_input_shape or cfg.batch_shape
  if type(s) ~= "table" or #s < 2 then
    fail("ANNtoSNNConverter:load_keras_model: the input layer '%s' has no batch_input_shape", lname)
  end
  local out = {}
  for i = 2, #s do
    if type(s[i]) ~= "number" then fail("ANNtoSNNConverter:load_keras_model: the input layer '%s' has an unknown size", lname) end
    out[#out + 1] = s[i]
  end
  return out
end

-- The kernel (and bias, if any) of a layer: names from the layer group's weight_names attribute
-- (Keras writes them), else <layer>/kernel:0.
local function layer_weights(h5, lname)
  local group = "model_weights/" .. lname
  local names = {lname .. "/kernel:0", lname .. "/bias:0"}
  if runtime.keras_exists(h5, group) then
    local ok, listed = pcall(runtime.keras_string_attribute, h5, group, "weight_names")
    if ok then names = listed end
  end
  local kernel, bias
  for _, n in ipairs(names) do
    local path = group .. "/" .. n
    if n:find("kernel[^/]*$") and runtime.keras_exists(h5, path) then kernel = path
    elseif n:find("bias[^/]*$") and runtime.keras_exists(h5, path) then bias = path end
  end
  if not kernel then fail("ANNtoSNNConverter:load_keras_model: no kernel for the layer '%s' under %s", lname, group) end
  return kernel, bias
end

local function read_model(filename)
  if type(filename) ~= "string" then fail("ANNtoSNNConverter:load_keras_model: the file name must be a string") end
  local f = io.open(filename, "rb")
  if not f then fail("ANNtoSNNConverter:load_keras_model: cannot open '%s'", filename) end
  local magic = f:read(4)
  f:close()
  if magic == "PK\3\4" then
    fail("ANNtoSNNConverter:load_keras_model: '%s' is a .keras (zip) file; save the model in the HDF5 format " ..
         "(model.save('model.h5'))", filename)
  end
  local ok, h5 = pcall(runtime.keras_read, filename)
  if not ok then fail("ANNtoSNNConverter:load_keras_model: %s", tostring(h5)) end
  local ok2, cfg = pcall(runtime.keras_string_attribute, h5, "/", "model_config")
  if not ok2 then
    runtime.keras_free(h5)
    fail("ANNtoSNNConverter:load_keras_model: %s (not a Keras model file)", tostring(cfg))
  end
  local ok3, config = pcall(json.decode, cfg[1])
  if not ok3 or type(config) ~= "table" or type(config.config) ~= "table" or type(config.config.layers) ~= "table" then
    runtime.keras_free(h5)
    fail("ANNtoSNNConverter:load_keras_model: '%s': the model_config attribute is not a Keras model description", filename)
  end
  return h5, config.config.layers
end

local LOAD = "ANNtoSNNConverter:load_keras_model"

-- The values (row-major) and shape of a weight of the file.
local function dataset(h5, path)
  local ok, values, shape = pcall(runtime.keras_dataset, h5, path)
  if not ok then fail("%s: %s", LOAD, tostring(values)) end
  return values, shape
end

-- A layer with a bias must have a zero one: the spiking neurons have no bias current.
local function check_no_bias(h5, bpath, name)
  if not bpath then return end
  for _, v in ipairs((dataset(h5, bpath))) do
    if v ~= 0 then
      fail("%s: the layer '%s' has a bias; the conversion needs layers without bias (use_bias=False)", LOAD, name)
    end
  end
end

-- W (post x pre) from a Keras kernel (pre x post, row-major).
local function transpose(values, shape)
  local npre, npost = shape[1], shape[2]
  local W = {}
  for q = 1, npost do
    local row = {}
    for p = 1, npre do row[p] = values[(p - 1) * npost + q] end
    W[q] = row
  end
  return W
end

-- An entry of a layer's configuration; JSON null (Keras writes None so) reads as nil.
local function setting(cfg, key)
  local v = cfg[key]
  if v == json.null then return nil end
  return v
end

-- A pair of integers of a layer's configuration (kernel_size, strides, pool_size...), given as
-- a list of two or as one number.
local function pair(cfg, key, default, name, kind)
  local v = setting(cfg, key)
  if v == nil then v = default end
  if type(v) == "number" then v = {v, v} end
  if type(v) ~= "table" or #v ~= 2 or type(v[1]) ~= "number" or type(v[2]) ~= "number" then
    fail("%s: the layer '%s' (%s) has an invalid %s", LOAD, name, kind, key)
  end
  return {v[1], v[2]}
end

-- Conv2D and pooling layers read an image (height, width, channels), channels last.
local function check_image(cfg, previous, name, kind)
  local format = setting(cfg, "data_format")
  if format ~= nil and format ~= "channels_last" then
    fail("%s: the layer '%s' (%s) has data_format '%s': only 'channels_last' is supported", LOAD, name, kind,
         tostring(format))
  end
  local g = previous.geometry
  if #g ~= 3 then
    fail("%s: the layer '%s' (%s) needs an input of shape (height, width, channels), not (%s)", LOAD, name, kind,
         table.concat(g, ", "))
  end
  return g
end

-- Keras's output size along one axis and the first input index of each output's window (the
-- window's top-left corner, which may be negative with 'same' padding): 'valid' keeps the
-- windows inside the input; 'same' gives ceil(n / stride) outputs, padding the input with
-- floor(total / 2) zeros before it.
local function windows(n, k, stride, padding)
  local out, before
  if padding == "same" then
    out = math.ceil(n / stride)
    before = math.floor(math.max((out - 1) * stride + k - n, 0) / 2)
  else
    out, before = math.floor((n - k) / stride) + 1, 0
  end
  local starts = {}
  for i = 0, out - 1 do starts[#starts + 1] = i * stride - before end
  return out, starts
end

local function contains(list, x)
  for _, y in ipairs(list) do if y == x then return true end end
  return false
end

-- A user's hidden neuron needs the threshold vt (lowered with the depth) and the mask trace.
local function check_hidden(pop)
  if not contains(pop.parameters, "vt") or not contains(pop.variables, "mask") then
    fail("ANNtoSNNConverter: the hidden neuron '%s' must have a parameter 'vt' and a variable 'mask'",
         tostring(pop.neuron_type.name))
  end
end

-- The spiking neurons of a layer: the hidden neuron (threshold lowered by 0.05 per layer), or
-- the read-out's neuron for the last layer.
function Converter:_layer_population(net, geometry, name, idx, readout)
  local neuron, stop = self._hidden, nil
  if readout then
    if self._read_out == "membrane_potential" then
      neuron = models.IaF_Acc
    elseif self._read_out == "time_to_first_spike" then
      neuron, stop = models.IaF, "spiked: any"
    elseif self._read_out == "time_to_k_spikes" then
      neuron, stop = models.IaF_TTKS, "sc >= k: any"
    end
  end
  local pop = net:create(geometry, neuron, {name = name, stop_condition = stop})
  if neuron == self._hidden and self._hidden ~= models.IaF then check_hidden(pop) end
  if not readout then pop.vt = pop.vt - 0.05 * idx end
  return pop
end

-- Dense: one neuron per unit, a projection with the default spiking synapse. Returns the
-- population, the rows (post x pre) to normalise and the function connecting the normalised rows.
function Converter:_dense(net, h5, name, previous, idx, readout)
  local kpath, bpath = layer_weights(h5, name)
  local values, shape = dataset(h5, kpath)
  if #shape ~= 2 or shape[1] ~= previous.size then
    fail("%s: the kernel of '%s' has the shape (%s), expected (%d, units)", LOAD, name, table.concat(shape, ", "),
         previous.size)
  end
  check_no_bias(h5, bpath, name)
  local W = transpose(values, shape)
  local pop = self:_layer_population(net, #W, name, idx, readout)
  local proj = net:connect(previous, pop, "exc", {name = "dense_proj_" .. #net:get_populations()})
  local info = ("* Dense layer: %s, %d\n    weights: (%d, %d)"):format(name, #W, #W, previous.size)
  return pop, W, function(rows) proj:from_matrix(rows) end, info
end

-- Conv2D: a population of the layer's output geometry (height, width, filters), fed by a
-- Convolution reading the pre-synaptic mask with the bank of filters (filters first). Each
-- output's centre is given explicitly, so that 'valid' and 'same' padding and the strides map
-- exactly.
function Converter:_conv2d(net, h5, name, cfg, previous, idx, readout)
  local g = check_image(cfg, previous, name, "Conv2D")
  local dil = pair(cfg, "dilation_rate", {1, 1}, name, "Conv2D")
  if dil[1] ~= 1 or dil[2] ~= 1 then
    fail("%s: the layer '%s' (Conv2D) has dilation_rate (%d, %d): dilated convolutions are not supported", LOAD,
         name, dil[1], dil[2])
  end
  local groups = setting(cfg, "groups")
  if groups ~= nil and groups ~= 1 then
    fail("%s: the layer '%s' (Conv2D) has groups = %s: grouped convolutions are not supported", LOAD, name,
         tostring(groups))
  end
  local padding = setting(cfg, "padding") or "valid"
  if padding ~= "valid" and padding ~= "same" then
    fail("%s: the layer '%s' (Conv2D) has padding '%s' (expected 'valid' or 'same')", LOAD, name, tostring(padding))
  end
  local strides = pair(cfg, "strides", {1, 1}, name, "Conv2D")
  local kpath, bpath = layer_weights(h5, name)
  local values, shape = dataset(h5, kpath)
  if #shape ~= 4 or shape[3] ~= g[3] then
    fail("%s: the kernel of '%s' has the shape (%s), expected (height, width, %d, filters)", LOAD, name,
         table.concat(shape, ", "), g[3])
  end
  check_no_bias(h5, bpath, name)
  local kh, kw, cin, cout = shape[1], shape[2], shape[3], shape[4]
  -- the bank (cout, kh, kw, cin) as one row per filter, row-major over (kh, kw, cin)
  local rows = {}
  for f = 1, cout do
    local row = {}
    for e = 0, kh * kw * cin - 1 do row[e + 1] = values[e * cout + f] end
    rows[f] = row
  end
  local ho, ys = windows(g[1], kh, strides[1], padding)
  local wo, xs = windows(g[2], kw, strides[2], padding)
  local pop = self:_layer_population(net, {ho, wo, cout}, name, idx, readout)
  -- the filter's centre (kd // 2 or kd/2 - 1) from the window's corner, 1-based
  local cy, cx, cc = math.floor((kh - 1) / 2), math.floor((kw - 1) / 2), math.floor((cin - 1) / 2)
  local centres = {}
  for _, y in ipairs(ys) do
    for _, x in ipairs(xs) do centres[#centres + 1] = {y + cy + 1, x + cx + 1, cc + 1} end
  end
  local proj = net:connect(ann_convolution(previous, pop, "exc",
    {psp = "pre.mask * w", name = "conv_proj_" .. #net:get_populations()}))
  local function connect(scaled)
    local bank = {}
    for f, row in ipairs(scaled) do
      local filter = {}
      for a = 1, kh do
        local plane = {}
        for b = 1, kw do
          local depth = {}
          for c = 1, cin do depth[c] = row[((a - 1) * kw + b - 1) * cin + c] end
          plane[b] = depth
        end
        filter[a] = plane
      end
      bank[f] = filter
    end
    proj:connect_filters(bank, {subsampling = centres})
  end
  local info = ("* Conv2D layer: %s, (%d, %d, %d), padding '%s', strides (%d, %d)\n    weights: (%d, %d, %d, %d)")
    :format(name, ho, wo, cout, padding, strides[1], strides[2], cout, kh, kw, cin)
  return pop, rows, connect, info
end

-- MaxPooling2D / AveragePooling2D: a population of the output geometry fed by a Pooling of the
-- pre-synaptic mask (its maximum or mean over each window, channel by channel).
function Converter:_pooling(net, name, kind, cfg, previous, idx, readout)
  local g = check_image(cfg, previous, name, kind)
  local size = pair(cfg, "pool_size", {2, 2}, name, kind)
  local strides = pair(cfg, "strides", size, name, kind)
  if strides[1] ~= size[1] or strides[2] ~= size[2] then
    fail("%s: the layer '%s' (%s) has strides (%d, %d) different from its pool_size (%d, %d): only " ..
         "non-overlapping windows are supported", LOAD, name, kind, strides[1], strides[2], size[1], size[2])
  end
  local padding = setting(cfg, "padding") or "valid"
  if padding == "same" and (g[1] % size[1] ~= 0 or g[2] % size[2] ~= 0) then
    fail("%s: the layer '%s' (%s) has padding 'same' on an input (%d, %d) that the pool_size (%d, %d) does not " ..
         "divide: the padded windows are not supported", LOAD, name, kind, g[1], g[2], size[1], size[2])
  elseif padding ~= "valid" and padding ~= "same" then
    fail("%s: the layer '%s' (%s) has padding '%s' (expected 'valid' or 'same')", LOAD, name, kind, tostring(padding))
  end
  local geometry = {math.floor(g[1] / size[1]), math.floor(g[2] / size[2]), g[3]}
  local pop = self:_layer_population(net, geometry, name, idx, readout)
  local operation = kind == "MaxPooling2D" and "max" or "mean"
  local proj = net:connect(ann_pooling(previous, pop, "exc",
    {operation = operation, psp = "pre.mask", name = "pool_proj_" .. #net:get_populations()}))
  proj:pooling{extent = {size[1], size[2], 1}}
  local info = ("* %s layer: %s, (%s), %s over %dx%d"):format(kind, name, table.concat(geometry, ", "), operation,
                                                            size[1], size[2])
  return pop, nil, nil, info
end

-- Diehl et al. (2015): factor_l = scale_l / max over post neurons (or filters) of the sum of
-- their positive weights; a pooling layer (no weights) takes a scale and has the factor 1.
local function normalisation_factors(weights, L, scale_factor)
  local scale = {}
  if scale_factor == nil then
    for l = 1, L do scale[l] = l + 1 end
  elseif type(scale_factor) == "number" then
    for l = 1, L do scale[l] = scale_factor end
  elseif type(scale_factor) == "table" then
    if #scale_factor ~= L then
      fail("%s: scale_factor has %d values for %d layers with projections", LOAD, #scale_factor, L)
    end
    for l = 1, L do
      if type(scale_factor[l]) ~= "number" then fail("%s: scale_factor must hold numbers", LOAD) end
      scale[l] = scale_factor[l]
    end
  else
    fail("%s: scale_factor must be a number or a list, not %s", LOAD, type(scale_factor))
  end
  local factors = {}
  for l = 1, L do
    local W = weights[l]
    if W then
      local max_in = -math.huge
      for _, row in ipairs(W) do
        local s = 0
        for _, w in ipairs(row) do if w > 0 then s = s + w end end
        if s > max_in then max_in = s end
      end
      if max_in <= 0 then
        fail("%s: the layer %d with weights has no positive weight: it cannot be normalised", LOAD, l)
      end
      factors[l] = scale[l] / max_in
    else
      factors[l] = 1
    end
  end
  return factors
end

local function stats(W)
  local n, sum, sum2, lo, hi = 0, 0, 0, math.huge, -math.huge
  for _, row in ipairs(W) do
    for _, w in ipairs(row) do
      n, sum, sum2 = n + 1, sum + w, sum2 + w * w
      lo, hi = math.min(lo, w), math.max(hi, w)
    end
  end
  local mean = sum / n
  return mean, math.sqrt(math.max(0, sum2 / n - mean * mean)), lo, hi
end

--- Builds the spiking network of a Keras model file (HDF5 layout) and returns it.
-- @param filename the .h5 file
-- @param directory where the network's kernels are compiled (default: the kernel cache)
-- @param scale_factor the normalisation target per layer with a projection (Dense, Conv2D and
--   pooling layers): nil (2, 3, 4...), a number for every layer or a list with one number each
-- @param show_info print the layers and their weights' statistics
function Converter:load_keras_model(...)
  local a = args.parse(LOAD, {"filename", "directory", "scale_factor", "show_info"}, select("#", ...), ...)
  local h5, layers = read_model(a.filename)
  local ok, err = pcall(function()
    local first = layers[1]
    if not first or first.class_name ~= "InputLayer" then
      fail("%s: the first layer of the network must be an Input layer", LOAD)
    end
    local net = network.class{}
    local lines = {}
    local iname = first.config.name or "input"
    local ishape = shape_of(first.config, iname)
    local input = net:create(ishape, self._input_model, {name = iname})
    lines[#lines + 1] = ("* Input layer: %s, (%s)"):format(iname, table.concat(ishape, ", "))
    local previous = input
    local weights, connects, weighted = {}, {}, false
    for idx = 1, #layers - 1 do
      local layer = layers[idx + 1]
      local kind, cfg = layer.class_name, layer.config or {}
      local name = cfg.name or layer.name or ("layer" .. idx)
      local readout = idx == #layers - 1
      local pop, W, connect, info
      if kind == "Dense" then
        pop, W, connect, info = self:_dense(net, h5, name, previous, idx, readout)
      elseif kind == "Conv2D" then
        pop, W, connect, info = self:_conv2d(net, h5, name, cfg, previous, idx, readout)
      elseif kind == "MaxPooling2D" or kind == "AveragePooling2D" then
        pop, W, connect, info = self:_pooling(net, name, kind, cfg, previous, idx, readout)
      elseif SKIPPED[kind] then
        lines[#lines + 1] = ("* %s skipped."):format(kind)
      else
        fail("%s: the layer '%s' (%s) cannot be converted", LOAD, name, tostring(kind))
      end
      if pop then
        local l = #connects + 1
        weights[l], connects[l] = W, connect or false
        weighted = weighted or W ~= nil
        if W then
          info = info .. ("\n    mean %g, std %g\n    min %g, max %g"):format(stats(W))
        end
        lines[#lines + 1] = info
        previous = pop
      end
    end
    if not weighted then fail("%s: the model has no Dense or Conv2D layer", LOAD) end
    local factors = normalisation_factors(weights, #connects, a.scale_factor)
    for l, connect in ipairs(connects) do
      if connect then
        for _, row in ipairs(weights[l]) do
          for p = 1, #row do row[p] = row[p] * factors[l] end
        end
        connect(weights[l])
      end
    end
    local last = previous
    if last.neuron_type == models.IaF_TTKS then last.k = self._k end
    self._monitor = net:monitor(last, {"v", "spike"})
    net:compile{directory = a.directory, silent = true}
    if a.show_info == nil or a.show_info then io.write(table.concat(lines, "\n"), "\n") end
    self._net, self._input, self._output = net, input, last
  end)
  runtime.keras_free(h5)
  if not ok then error(err, 0) end
  return self._net
end

--- The network built by load_keras_model.
function Converter:get_annarchy_network()
  if not self._net then fail("ANNtoSNNConverter:get_annarchy_network: no model loaded (call load_keras_model first)") end
  return self._net
end

local function rows_of(samples, n_in)
  local rows = {}
  if runtime.is_array(samples) then
    local shape = samples.shape
    local flat = samples:flatten():totable()
    local per = #flat / shape[1]
    for i = 1, shape[1] do
      local r = {}
      for j = 1, per do r[j] = flat[(i - 1) * per + j] end
      rows[i] = r
    end
  elseif type(samples) == "table" then
    rows = samples
  else
    fail("ANNtoSNNConverter:predict: samples must be an Array (n_samples, input_size) or a list of lists")
  end
  for i, r in ipairs(rows) do
    if type(r) ~= "table" or #r ~= n_in then
      fail("ANNtoSNNConverter:predict: sample %d must have %d values (the input population's size)", i, n_in)
    end
  end
  return rows
end

-- The indices holding the maximum of xs.
local function argmax_all(xs)
  local best, out = -math.huge, {}
  for i, x in ipairs(xs) do
    if x > best then best, out = x, {i} elseif x == best then out[#out + 1] = i end
  end
  return out
end

--- Classifies samples.
-- @param samples an Array (n_samples, input_size) or a list of lists; each row, times max_f,
--   becomes the input population's rates (images are given flattened)
-- @param duration_per_sample ms per sample (1000)
-- @param multiple return, for every sample, the list of tied output ranks instead of one of
--   them drawn at random
-- @return a list with one output rank (1-based) per sample, or one list of ranks each
function Converter:predict(...)
  local a = args.parse("ANNtoSNNConverter:predict", {"samples", "duration_per_sample", "multiple"},
                       select("#", ...), ...)
  if not self._net then fail("ANNtoSNNConverter:predict: no model loaded (call load_keras_model first)") end
  local duration = a.duration_per_sample or 1000
  if type(duration) ~= "number" or duration <= 0 then
    fail("ANNtoSNNConverter:predict: duration_per_sample must be a positive number of ms")
  end
  local net, input, output = self._net, self._input, self._output
  local rows = rows_of(a.samples, input.size)
  local geometry = input.geometry
  local predictions = {}
  for i, row in ipairs(rows) do
    net:reset{populations = true, monitors = true, projections = false}
    if output.neuron_type == models.IaF_TTKS then output.k = self._k end
    local rates = {}
    for j, x in ipairs(row) do rates[j] = x * self._max_f end
    local r = runtime.array(rates)
    if #geometry > 1 then r = r:reshape(geometry) end
    input.rates = r
    local scores = {}
    if self._read_out == "membrane_potential" then
      net:simulate(duration)
      local v = self._monitor:get("v")
      local last = v[#v]
      for k = 1, output.size do scores[k] = last[k] end
    else
      if self._read_out == "spike_count" then
        net:simulate(duration)
      else
        net:simulate_until(duration, output)
      end
      local spikes = self._monitor:get("spike")
      for k = 1, output.size do scores[k] = #(spikes[k] or {}) end
    end
    local best = argmax_all(scores)
    predictions[i] = a.multiple and best or best[math.random(#best)]
  end
  return predictions
end

return M
