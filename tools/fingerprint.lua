-- tools/fingerprint.lua: one line per benchmark model of bench/peers/models.lua (and two small
-- delayed/plastic networks), each the hash of everything the run leaves: the recorded
-- spikes, every attribute of every population and every projection, after a short simulation
-- with a fixed seed. A refactor, or a change of thread or process count, must not change a line.
--
--   ./annlua tools/fingerprint.lua [--out FILE]      (compare two runs with diff)
local ann = require("annarchy")
local models = dofile("bench/peers/models.lua")

local out = nil
for i = 1, #arg do if arg[i] == "--out" then out = arg[i + 1] end end

-- A polynomial hash (mod 2^32) over the bytes of the "%.17g" text of each value: exact in
-- doubles, so the same under Lua 5.4 and LuaJIT.
local function hasher()
  local h = 2166136261
  local function feed(s)
    for k = 1, #s do
      h = (h * 31 + s:byte(k)) % 4294967296
    end
  end
  return {
    num = function(x) feed(string.format("%.17g;", x)) end,
    str = function(s) feed(s .. ";") end,
    value = function() return string.format("%08x", h) end,
  }
end

local function feed_value(H, v)
  if type(v) == "number" or type(v) == "boolean" then
    H.num(type(v) == "boolean" and (v and 1 or 0) or v)
  elseif type(v) == "table" or type(v) == "userdata" or type(v) == "cdata" then   -- cdata: an Array under LuaJIT
    local list = v.totable and v:totable() or v
    for _, x in ipairs(list) do feed_value(H, x) end
  end
end

local function fingerprint(net, spikes)
  local H = hasher()
  for _, pop in ipairs(net:get_populations()) do
    H.str(pop.name)
    for _, a in ipairs(pop.attributes) do H.str(a); feed_value(H, pop[a]) end
  end
  for _, proj in ipairs(net:get_projections{suppress_error = true} or {}) do
    for _, a in ipairs(proj.attributes) do H.str(a); feed_value(H, proj:get(a)) end
  end
  if spikes then
    local ranks = {}
    for r in pairs(spikes) do ranks[#ranks + 1] = r end
    table.sort(ranks)
    for _, r in ipairs(ranks) do H.num(r); feed_value(H, spikes[r]) end
  end
  return H.value()
end

local cases = {
  {"coba", function() return models.lif("COBA", 4000, 0.02, 1234, 200) end, 200},
  {"cuba", function() return models.lif("CUBA", 4000, 0.02, 1234, 200) end, 200},
  {"izhikevich", function() return models.izhikevich(1234, 200) end, 200},
  {"rate", function() return models.rate(1234) end, 200},
  {"stdp", function() return models.stdp(1234, 500) end, 500},
}

local lines = {}
for _, c in ipairs(cases) do
  local net, figure = c[2]()
  net:compile()
  net:simulate(c[3])
  local _, spikes = figure()
  lines[#lines + 1] = string.format("%-12s %s", c[1], fingerprint(net, spikes))
  print(lines[#lines])
end
if out then
  local f = assert(io.open(out, "w"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
end
