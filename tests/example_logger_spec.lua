-- examples/logger.lua: the basal-ganglia run's event files, read back through
-- tests/reference/tfevents_check.py, hold what the example says it logs, and the logged curves
-- agree with each other: the accuracy is the share of positive rewards over the last 20 trials
-- of the decoded Reward curve, the GPi chart's two sub-runs have one point per trial, and the
-- hyper-parameter record's metric is the final accuracy.
local example = dofile("examples/logger.lua")
local tfe = dofile("tests/reference/tfevents.lua")

describe("basal-ganglia logging example (examples/logger.lua)", function()
  local tmp, desc = tfe.setup()
  local TRIALS = 30
  local accuracy, dir = example.run(TRIALS, 3, tmp .. "/runs")

  it("logs reward, accuracy, the striatum image and the weights once per trial", function()
    local vs = tfe.values(tfe.events_in(desc, dir))
    local by_tag = {}
    for _, v in ipairs(vs) do
      by_tag[v.tag] = by_tag[v.tag] or {}
      table.insert(by_tag[v.tag], v)
    end
    for _, tag in ipairs{"Reward", "Accuracy (last 20 trials)", "Activity/Striatum", "Weights/cortex-striatum"} do
      assert.are.equal(TRIALS, #by_tag[tag], tag)
    end
    local rewards = {}
    for t, v in ipairs(by_tag.Reward) do
      assert.are.equal(t, v.step)
      assert.is_true(v.simple_value == 1 or v.simple_value == -1)
      rewards[t] = v.simple_value
    end
    for t, v in ipairs(by_tag["Accuracy (last 20 trials)"]) do
      local first, hits = math.max(1, t - 19), 0
      for k = first, t do if rewards[k] > 0 then hits = hits + 1 end end
      assert.is_true(math.abs(v.simple_value - hits / (t - first + 1)) < 1e-6)
    end
    local img = by_tag["Activity/Striatum"][1].image
    assert.are.same({2, 5}, {img.height, img.width})
    local h = by_tag["Weights/cortex-striatum"][1].histo
    assert.are.equal(40, h.num)          -- 4 cortical x 10 striatal synapses
    local hits = 0
    for k = TRIALS - 19, TRIALS do if rewards[k] > 0 then hits = hits + 1 end end
    assert.is_true(math.abs(accuracy - hits / 20) < 1e-12)
  end)

  it("charts both GPi neurons and records the run's parameters", function()
    for _, name in ipairs{"GPi_action1", "GPi_action2"} do
      local vs = tfe.values(tfe.events_in(desc, dir .. "/" .. name))
      assert.are.equal(TRIALS, #vs)
      for _, v in ipairs(vs) do
        assert.are.equal("GPi", v.tag)
        assert.is_true(v.simple_value >= 0)
      end
    end
    local sub
    for _, n in ipairs(tfe.ls(dir)) do if n:match("^%d+$") then sub = n end end
    local vs = tfe.values(tfe.events_in(desc, dir .. "/" .. sub))
    assert.are.same({eta = 0.1, alpha = 0.5, trials = TRIALS, seed = 3}, vs[2].hparams.hparams)
    assert.are.equal("accuracy", vs[4].tag)
    assert.is_true(math.abs(vs[4].simple_value - accuracy) < 1e-6)
  end)

  teardown(function() os.execute("rm -rf '" .. tmp .. "'") end)
end)
