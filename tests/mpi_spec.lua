-- Runs shared by several processes (docs/distributed.md): `mpirun -np K annlua script.lua`
-- leaves the same bits as one process (spikes, attributes, weights, recorded values, saved
-- files) for K = 2, 3 and 4 processes and a mix with two threads each, the synapses divided
-- among the processes (divide_synapses) or not, and what each then holds; every connector built
-- in parts by each process (tests/mpi/connectors.lua); ann.mpi; a fault on one
-- process ends all of them with its message. Skipped where mpirun or the MPI plugin is missing.
local support = dofile("tests/support.lua")

local MPIRUN = "mpirun --oversubscribe --allow-run-as-root"

local function have_mpi()
  return os.execute("command -v mpirun >/dev/null 2>&1") and io.open("build/libannlua_mpi.so", "rb") ~= nil
end

-- Runs a shell command; returns its output (stdout and stderr) and whether it succeeded.
local function run(cmd)
  local f = assert(io.popen(cmd .. " 2>&1"))
  local out = f:read("a")
  local ok = f:close()
  return out, ok == true
end

-- The lines of the scripts' hashes: a name, a hash of 8 hex digits, maybe more hex fields
-- (annlua-made lines only: Open MPI may add its own).
local function hashes(out)
  local lines = {}
  for line in out:gmatch("[^\n]+") do
    if line:match("^%a[%w_]* +%x%x%x%x%x%x%x%x[ %x]*$") then lines[#lines + 1] = line end
  end
  return table.concat(lines, "\n")
end

describe("#annlua processes (mpirun)", function()
  if not have_mpi() then
    pending("mpirun or build/libannlua_mpi.so is missing")
    return
  end

  it("six networks (axonal spikes among them) leave the same bits on 2, 3 and 4 (x 2 threads) "
    .. "processes as on one, synapses divided or not", function()
    local dir = support.tmp("-mpi")
    assert.truthy(os.execute("mkdir -p " .. dir .. "/one"))
    local one, ok = run(("MPI_TEST_DIR=%s/one timeout 300 ./annlua tests/mpi/networks.lua"):format(dir))
    assert.is_true(ok, one)
    local want = hashes(one)
    assert.equal(6, select(2, want:gsub("\n", "")) + 1, one)
    -- processes, threads, divide_synapses (MPI_DIVIDE)
    for _, case in ipairs({{2, 1, 0}, {3, 1, 0}, {4, 2, 0}, {1, 1, 1}, {2, 2, 1}, {3, 1, 1}, {4, 1, 1}}) do
      local k, threads, divide = case[1], case[2], case[3]
      local sub = ("%s/k%d-%d"):format(dir, k, divide)
      assert.truthy(os.execute("mkdir -p " .. sub))
      local out, fine = run(("timeout 300 %s -np %d -x MPI_TEST_DIR=%s -x ANNLUA_NUM_THREADS=%d "
        .. "-x MPI_DIVIDE=%d ./annlua tests/mpi/networks.lua"):format(MPIRUN, k, sub, threads, divide))
      assert.is_true(fine, out)
      assert.equal(want, hashes(out), ("%d processes of %d threads, divided %d:\n%s"):format(k, threads,
        divide, out))
    end
    os.execute("rm -rf " .. dir)
  end)

  it("divided projections read, written, saved, loaded, recorded, reset and undivided between runs "
    .. "give one process's values", function()
    local dir = support.tmp("-mpi-host")
    assert.truthy(os.execute("mkdir -p " .. dir))
    local one, ok = run(("MPI_TEST_DIR=%s timeout 300 ./annlua tests/mpi/divided_host.lua"):format(dir))
    assert.is_true(ok, one)
    local want = hashes(one)
    assert.equal(10, select(2, want:gsub("\n", "")) + 1, one)
    for _, k in ipairs({2, 3}) do
      local out, fine = run(("timeout 300 %s -np %d -x MPI_TEST_DIR=%s ./annlua tests/mpi/divided_host.lua")
        :format(MPIRUN, k, dir))
      assert.is_true(fine, out)
      assert.equal(want, hashes(out), ("%d processes:\n%s"):format(k, out))
    end
    os.execute("rm -rf " .. dir)
  end)

  it("under LuaJIT, divided, the six networks and every connector give one process's bits", function()
    if not os.execute("command -v luajit >/dev/null 2>&1") then return pending("luajit is missing") end
    local env = "-x LUA_PATH='lua/?.lua;lua/?/init.lua;;' -x MPI_DIVIDE=1"
    for _, script in ipairs({"tests/mpi/networks.lua", "tests/mpi/connectors.lua"}) do
      local one, ok = run("timeout 300 ./annlua " .. script)
      assert.is_true(ok, one)
      local out, fine = run(("timeout 300 %s -np 2 %s luajit %s"):format(MPIRUN, env, script))
      assert.is_true(fine, out)
      assert.equal(hashes(one), hashes(out), script .. ":\n" .. out)
    end
  end)

  it("dividing the synapses, each process holds those of the neurons it updates", function()
    local N, INPUTS = 4000, 64
    -- bytes of the projection's storage for n post neurons of the 4 000 (64 inputs each): per
    -- synapse its weight, its trace x and the time of its last event (8 each) and its post rank
    -- (4), plus, when the whole is held, the post-major view the host's write of x at compile
    -- built (a pre rank, 4, and a place, 8); per dendrite its post rank (4) and its end (8, one
    -- more); per neuron of either population its dendrite (4) and the end of its row (8, one more)
    local function bytes(n, view)
      return (28 + (view and 12 or 0)) * INPUTS * n + 8 * (n + 1) + 4 * n + 4 * N + 8 * (N + 1)
    end
    for _, k in ipairs({2, 3}) do
      local out, ok = run(("timeout 120 %s -np %d ./annlua tests/mpi/divided.lua"):format(MPIRUN, k))
      assert.is_true(ok, out)
      -- a process of one thread updates a block of ceil(N / k) rounded up to 256 neurons
      local block = math.ceil(math.ceil(N / k) / 256) * 256
      for r = 0, k - 1 do
        local n = math.max(0, math.min(N, (r + 1) * block) - r * block)
        local line = ("rank %d of %d: whole %d part %d synapses %d weights %d"):format(r, k,
          bytes(N, true), bytes(n, false), N * INPUTS, N * INPUTS)
        assert.truthy(out:find(line, 1, true), line .. "\n" .. out)
        -- reading gathers the whole (with the host's view); saving gives each its part back
        line = ("rank %d of %d: read %d saved %d"):format(r, k, bytes(N, true), bytes(n, false))
        assert.truthy(out:find(line, 1, true), line .. "\n" .. out)
      end
    end
  end)

  it("each connector built in parts by 2 and 3 processes, divided or not, gives the "
    .. "connectivity and run of one", function()
    local one, ok = run("timeout 300 ./annlua tests/mpi/connectors.lua")
    assert.is_true(ok, one)
    local want = hashes(one)
    assert.equal(11, select(2, want:gsub("\n", "")) + 1, one)
    -- processes, threads, divide_synapses (MPI_DIVIDE)
    for _, case in ipairs({{2, 2, 0}, {3, 1, 0}, {2, 1, 1}, {3, 2, 1}}) do
      local out, fine = run(("timeout 300 %s -np %d -x ANNLUA_NUM_THREADS=%d -x MPI_DIVIDE=%d "
        .. "./annlua tests/mpi/connectors.lua"):format(MPIRUN, case[1], case[2], case[3]))
      assert.is_true(fine, out)
      assert.equal(want, hashes(out), ("%d processes of %d threads, divided %d:\n%s"):format(case[1],
        case[2], case[3], out))
    end
  end)

  it("ann.mpi gives each process its rank and prints once; one process is one run", function()
    for _, k in ipairs({1, 3}) do
      local out, ok = run(("timeout 120 %s -np %d ./annlua tests/mpi/ranks.lua"):format(MPIRUN, k))
      assert.is_true(ok, out)
      for r = 0, k - 1 do assert.truthy(out:find(("rank %d of %d"):format(r, k), 1, true), out) end
      local _, printed = out:gsub("done\t", "")
      assert.equal(1, printed, out)
    end
  end)

  it("a fault on one process ends every process with its message", function()
    local t0 = os.time()
    local out, ok = run(("FAIL_RANK=1 timeout 120 %s -np 3 -x FAIL_RANK ./annlua tests/mpi/ranks.lua")
      :format(MPIRUN))
    assert.is_false(ok, out)
    assert.truthy(out:find("annlua (process 1 of 3): tests/mpi/ranks.lua:10: a fault on this process", 1, true), out)
    assert.is_nil(out:find("done\t", 1, true), out)
    assert.is_true(os.time() - t0 < 100, "the processes were not stopped (timeout)")
  end)

  it("started by mpirun without the plugin, annlua stops with a message", function()
    local out, ok = run(("timeout 120 %s -np 2 -x ANNLUA_MPI_PLUGIN=/nonexistent/libannlua_mpi.so "
      .. "./annlua tests/mpi/ranks.lua"):format(MPIRUN))
    assert.is_false(ok, out)
    assert.truthy(out:find("annlua: started by mpirun, but the MPI transport cannot be loaded", 1, true), out)
    assert.is_nil(out:find("done\t", 1, true), out)
  end)
end)

-- In this process (under Lua 5.4 and LuaJIT): one process has nothing to divide.
describe("divide_synapses on one process", function()
  local ann = require("annarchy")
  local state_hash = dofile("tools/state_hash.lua")

  local function run_coba(divide)
    local coba = dofile("examples/coba.lua")
    local net, _, m = coba.build("COBA", 99, 800, 0.02)
    net:config{divide_synapses = divide}
    net:compile{silent = true}
    net:simulate(10.0)
    local H = state_hash.hasher()
    H.str(state_hash.network(net))
    state_hash.feed_value(H, m:get("spike"))
    return H.value(), net
  end

  it("changes no result", function()
    local divided, net = run_coba(true)
    assert.equal(run_coba(false), divided)
    assert.is_true(net._.config.divide_synapses)
  end)

  it("is refused when it is not a boolean", function()
    local net = ann.Network{}
    assert.has_error(function() net:config{divide_synapses = 1} end,
      "annarchy: Network:config: 'divide_synapses' must be a boolean, got 1")
  end)
end)
