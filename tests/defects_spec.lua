-- Regressions of faults found by trying the front end as a user would: each case failed, or was
-- silently accepted, or gave an unclear message, before its fix.
local ann = require("annarchy")

describe("writes before compile", function()
  it("a view of a population whose initial value names a parameter (Izhikevich: v = c)", function()
    local pop = ann.Network{}:create(10, ann.Izhikevich)
    local exc = pop:range(1, 5)
    exc.v = -70.0
    local v = pop.v
    -- the first five neurons take the value written, the others keep c = -65 mV
    for i = 1, 5 do assert.equal(-70.0, v[i]) end
    for i = 6, 10 do assert.equal(-65.0, v[i]) end
  end)

  it("IF_curr_exp (v = v_reset) and HH_cond_exp (v = e_rev_leak) through a view", function()
    -- both defaults are -65 mV in the reference library
    local net = ann.Network{}
    local lif = net:create(4, ann.IF_curr_exp)
    lif[{3, 4}].v = -50.0
    assert.same({-65.0, -65.0, -50.0, -50.0}, lif.v:totable())
    local hh = net:create(3, ann.HH_cond_exp)
    hh[{1}].v = -60.0
    net:compile()
    assert.same({-60.0, -65.0, -65.0}, hh.v:totable())
  end)
end)
