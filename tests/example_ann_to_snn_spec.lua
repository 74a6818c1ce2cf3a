-- examples/ann_to_snn.lua: the reference classifier (tests/reference/ann_to_snn_keras.py, numpy
-- and h5py) converted with the notebook's settings (IB input, IaF, spike count, 200 ms per
-- sample) agrees with the ANN's own predictions on at least 95 % of the samples.
local example = dofile("examples/ann_to_snn.lua")

describe("ANN-to-SNN example (examples/ann_to_snn.lua)", function()
  it("the converted classifier agrees with the ANN on >= 95 % of the samples", function()
    local model, data, dir = example.reference_model()
    local pred, agreement = example.run(model, data, {show_info = false})
    os.execute("rm -rf '" .. dir .. "'")
    assert.are.equal(200, #pred)
    assert.is_true(agreement >= 0.95, ("agreement %.3f"):format(agreement))
  end)
end)
