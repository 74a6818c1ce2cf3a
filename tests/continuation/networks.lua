-- The networks of tests/continuation_spec.lua (run by tests/continuation/model.lua in processes of
-- their own): "spiking" (Poisson and SpikeSourceArray inputs, refractory LIF neurons with a global
-- operation and a firing-rate window, STDP with uniform and per-synapse delays), its variant
-- with longer delays (another structure), and "rate" (a cycling TimedArray, rate-coded neurons
-- with noise and a global operation, delayed and plastic projections).
local ann = require("annarchy")

local M = {}

--- The spiking network (wide: longer delays, another structure) and its monitors.
function M.spiking(wide)
  local net = ann.Network{dt = 0.5, seed = 7}
  local LIF = ann.Neuron{
    parameters = "tau = 10.0 : population\nv_th = -52.0 : population\nv_r = -65.0 : population\n"
      .. "tau_e = 4.0 : population\ntau_i = 8.0 : population",
    equations = "tau * dv/dt = v_r - v + 30.0 * g_exc - 20.0 * g_inh + 3.0 * Normal(0, 1) "
      .. "+ 0.05 * (mean(v) - v_r) : init = -65.0\n"
      .. "tau_e * dg_exc/dt = -g_exc\ntau_i * dg_inh/dt = -g_inh",
    spike = "v > v_th",
    reset = "v = v_r",
    refractory = 2.0,
    name = "LIF",
  }
  local inp = net:create(ann.PoissonPopulation(30, {rates = 60.0, name = "inp"}))
  local times = {}
  for i = 1, 5 do times[i] = {1.0 * i, 20.0 + i, 33.5 + 2 * i, 60.0 + i, 61.0 + i} end
  local ssa = net:create(ann.SpikeSourceArray(times, "ssa"))
  local exc = net:create(40, LIF, {name = "exc"})
  local inh = net:create(10, LIF, {name = "inh"})
  exc:compute_firing_rate(5.0)
  local stdp = ann.STDP{tau_plus = 10.0, tau_minus = 10.0, A_plus = 0.02, A_minus = 0.021, w_max = 1.0}
  local d = wide and 2.0 or 1.0
  net:connect(inp, exc, "exc", {synapse = stdp, name = "inp_exc"})
    :fixed_probability(0.3, ann.Uniform(0.1, 0.6), {delays = 1.5 * d})
  net:connect(ssa, exc, "exc", {name = "ssa_exc"}):all_to_all(0.8)
  net:connect(exc, exc, "exc", {synapse = stdp, name = "exc_exc"})
    :fixed_probability(0.2, ann.Uniform(0.1, 0.5), {delays = ann.Uniform(0.5, 3.0 * d)})
  net:connect(exc, inh, "exc", {name = "exc_inh"}):fixed_probability(0.4, 0.6, {delays = 1.0})
  net:connect(inh, exc, "inh", {name = "inh_exc"}):fixed_probability(0.5, 0.5)
  local mons = {spikes = {net:monitor(exc, "spike", {name = "exc_spikes"}),
                          net:monitor(inh, "spike", {name = "inh_spikes"}),
                          net:monitor(inp, "spike", {name = "inp_spikes"}),
                          net:monitor(ssa, "spike", {name = "ssa_spikes"})},
                values = net:monitor(exc, "v", {period = 1.0, name = "exc_v"})}
  return net, mons
end

--- The rate-coded network and its monitor.
function M.rate()
  local net = ann.Network{dt = 1.0, seed = 3}
  local Rate = ann.Neuron{
    parameters = "tau = 5.0 : population\nbaseline = 0.2 : population",
    equations = "tau * dr/dt + r = baseline + sum(exc) - 0.1 * mean(r) + Uniform(-0.1, 0.1)",
    name = "Rate",
  }
  local Oja = ann.Synapse{
    parameters = "eta = 0.01 : projection\nalpha = 2.0 : projection",
    equations = "dw/dt = eta * (pre.r * post.r - alpha * post.r * post.r * w) : min = 0.0",
    name = "Oja",
  }
  local rows = {}
  for t = 1, 6 do
    rows[t] = {}
    for i = 1, 8 do rows[t][i] = ((t * 7 + i * 3) % 10) / 10 end
  end
  local ta = net:create(ann.TimedArray{rates = rows, schedule = 3.0, period = 20.0, name = "ta"})
  local a = net:create(8, Rate, {name = "a"})
  local b = net:create(6, Rate, {name = "b"})
  net:connect(ta, a, "exc", {name = "ta_a"}):one_to_one(1.0, {delays = 4.0})
  net:connect(a, b, "exc", {synapse = Oja, name = "a_b"})
    :all_to_all(ann.Uniform(0.0, 0.4), {delays = ann.Uniform(1.0, 6.0)})
  net:connect(b, a, "exc", {name = "b_a"}):fixed_probability(0.5, 0.1, {delays = 3.0})
  local mons = {spikes = {}, values = net:monitor(b, "r", {period = 2.0, name = "b_r"})}
  return net, mons
end

--- What the script of the saved network changes at step 15: learning and an enabled flag.
function M.step15(net)
  if net._.pop_by_name.exc then
    net:get_projection("inp_exc"):disable_learning()
    net:get_projection("exc_exc"):enable_learning{period = 1.0, offset = 0.5}
  else
    net:get_projection("a_b"):enable_learning{period = 3.0, offset = 1.0}
    net:get_population("ta"):disable()
  end
end

--- x in hexadecimal floating point (exact).
function M.hex(x)
  if type(x) == "boolean" then return tostring(x) end
  return ("%a"):format(x)
end

local function flat(v)
  if type(v) ~= "table" and not ann.is_array(v) then return {v} end
  if ann.is_array(v) then return v:flatten():totable() end
  local out = {}
  for _, x in ipairs(v) do for _, y in ipairs(flat(x)) do out[#out + 1] = y end end
  return out
end

--- Every attribute of every population and projection, one line each ("obj.attr values").
function M.attribute_lines(net)
  local lines = {("step %d"):format(net.current_step)}
  for _, objects in ipairs{net:get_populations(), net:get_projections()} do
    for _, obj in ipairs(objects) do
      for _, name in ipairs(obj.attributes) do
        local vals = {}
        for _, x in ipairs(flat(obj[name])) do vals[#vals + 1] = M.hex(x) end
        lines[#lines + 1] = obj.name .. "." .. name .. " " .. table.concat(vals, " ")
      end
    end
  end
  return lines
end

--- Writes the state of net and the recordings of mons from step `from` on to file (see model.lua).
function M.write_out(net, mons, file, from)
  local lines = M.attribute_lines(net)
  for _, m in ipairs(mons.spikes) do
    local s = {}
    for rank, steps in ipairs(m:get("spike")) do
      for _, st in ipairs(steps) do if st >= from then s[#s + 1] = rank .. "@" .. st end end
    end
    lines[#lines + 1] = m.name .. " " .. table.concat(s, " ")
  end
  local recs = flat(mons.values:get(mons.values.variables[1]))
  local keep = math.floor((net.current_step - from) / 2)
  local width = #flat(mons.values.object[mons.values.variables[1]])
  local vals = {}
  for i = #recs - keep * width + 1, #recs do vals[#vals + 1] = M.hex(recs[i]) end
  lines[#lines + 1] = mons.values.name .. " " .. keep .. " " .. table.concat(vals, " ")
  local f = assert(io.open(file, "w"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
end

return M
