-- ann_to_snn.lua: a trained classifier converted to a spiking network with
-- ann.ANNtoSNNConverter (after ANNarchy's notebook ANN2SNN.ipynb, which converts an MNIST
-- perceptron). Without arguments it converts the small classifier that
-- tests/reference/ann_to_snn_keras.py trains with numpy and writes in Keras's HDF5 layout
-- (16 inputs as a 4 x 4 image, 24 hidden ReLU units, 4 classes, no biases) and classifies its 200
-- samples, 200 ms each, with intrinsically bursting input neurons as in the notebook. With
-- --conv it converts the script's convolutional classifier instead (after ANN2SNN2.ipynb: 8 x 8
-- images of bars, Conv2D 4 filters 3 x 3 with ReLU, 2 x 2 max-pooling, Flatten, Dense 4).
-- Run: annlua examples/ann_to_snn.lua [--conv | --model file.h5 --data data.json] [--encoding IB]
--        [--read-out spike_count] [--duration ms]
-- data.json: {"samples": [[...], ...], "ann": [class, ...]} with 0-based classes (the ANN's own
-- predictions, to measure the agreement).
local ann = require("annarchy")
local json = require("annarchy.io.json")

local M = {}

--- Writes the reference classifiers and their data into a new temporary directory; returns
-- {dir = the directory, dense = {model, data}, conv = {model, data}}.
function M.reference_models()
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("/usr/bin/python3 tests/reference/ann_to_snn_keras.py " .. dir),
         "cannot run tests/reference/ann_to_snn_keras.py (needs python3-numpy and python3-h5py)")
  return {dir = dir, dense = {dir .. "/dense.h5", dir .. "/data.json"}, conv = {dir .. "/conv.h5", dir .. "/conv.json"}}
end

--- Converts `model` and classifies the samples of `data_file`; returns the predictions
-- (1-based output ranks), the share that agrees with the ANN and the seconds it took.
function M.run(model, data_file, opts)
  opts = opts or {}
  local f = assert(io.open(data_file))
  local data = json.decode(f:read("a"))
  f:close()
  local conv = ann.ANNtoSNNConverter{input_encoding = opts.encoding or "IB", hidden_neuron = "IaF",
                                     read_out = opts.read_out or "spike_count"}
  conv:load_keras_model(model, {show_info = opts.show_info})
  local t0 = os.clock()
  local pred = conv:predict(data.samples, {duration_per_sample = opts.duration or 200})
  local same = 0
  for i, p in ipairs(pred) do if p - 1 == data.ann[i] then same = same + 1 end end
  return pred, same / #pred, os.clock() - t0
end

if not pcall(debug.getlocal, 4, 1) then   -- run as a script, not required
  local function option(name, default)
    for i = 1, #arg do if arg[i] == name then return arg[i + 1] end end
    return default
  end
  local model, data, tmp = option("--model"), option("--data"), nil
  if not model then
    local ref = M.reference_models()
    local conv = false
    for i = 1, #arg do conv = conv or arg[i] == "--conv" end
    model, data = table.unpack(conv and ref.conv or ref.dense)
    tmp = ref.dir
  end
  local pred, agreement, seconds = M.run(model, data, {encoding = option("--encoding"),
    read_out = option("--read-out"), duration = tonumber(option("--duration", 200)), show_info = true})
  print(("%d samples in %.2f s: the spiking network agrees with the ANN on %.1f %%"):format(
    #pred, seconds, 100 * agreement))
  if tmp then os.execute("rm -rf '" .. tmp .. "'") end
end

return M
