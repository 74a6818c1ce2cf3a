-- examples/ann_to_snn.lua: the reference classifier (tests/reference/ann_to_snn_keras.py, numpy
-- and h5py) converted with the notebook's settings (IB input, IaF, spike count, 200 ms per
-- sample) agrees with the ANN's own predictions on at least 95 % of the samples, the perceptron
-- and the convolutional classifier (--conv).
local example = dofile("examples/ann_to_snn.lua")

describe("ANN-to-SNN example (examples/ann_to_snn.lua)", function()
  local ref = example.reference_models()

  for _, kind in ipairs{"dense", "conv"} do
    it(("the converted %s classifier agrees with the ANN on >= 95 %% of the samples"):format(kind), function()
      local pred, agreement = example.run(ref[kind][1], ref[kind][2], {show_info = false})
      assert.are.equal(200, #pred)
      assert.is_true(agreement >= 0.95, ("agreement %.3f"):format(agreement))
    end)
  end

  teardown(function() os.execute("rm -rf '" .. ref.dir .. "'") end)
end)
