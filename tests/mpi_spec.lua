-- Runs shared by several processes (docs/distributed.md): `mpirun -np K annlua script.lua`
-- leaves the same bits as one process (spikes, attributes, weights, recorded values, saved
-- files) for K = 2, 3 and 4 processes and a mix with two threads each; every connector built
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

  it("six networks (axonal spikes among them) leave the same bits on 2, 3 and 4 (x 2 threads) processes as on one", function()
    local dir = support.tmp("-mpi")
    assert.truthy(os.execute("mkdir -p " .. dir .. "/one"))
    local one, ok = run(("MPI_TEST_DIR=%s/one timeout 300 ./annlua tests/mpi/networks.lua"):format(dir))
    assert.is_true(ok, one)
    local want = hashes(one)
    assert.equal(6, select(2, want:gsub("\n", "")) + 1, one)
    for _, case in ipairs({{2, 1}, {3, 1}, {4, 2}}) do
      local k, threads = case[1], case[2]
      local sub = ("%s/k%d"):format(dir, k)
      assert.truthy(os.execute("mkdir -p " .. sub))
      local out, fine = run(("timeout 300 %s -np %d -x MPI_TEST_DIR=%s -x ANNLUA_NUM_THREADS=%d "
        .. "./annlua tests/mpi/networks.lua"):format(MPIRUN, k, sub, threads))
      assert.is_true(fine, out)
      assert.equal(want, hashes(out), ("%d processes of %d threads:\n%s"):format(k, threads, out))
    end
    os.execute("rm -rf " .. dir)
  end)

  it("each connector built in parts by 2 and 3 processes gives the connectivity and run of one", function()
    local one, ok = run("timeout 300 ./annlua tests/mpi/connectors.lua")
    assert.is_true(ok, one)
    local want = hashes(one)
    assert.equal(11, select(2, want:gsub("\n", "")) + 1, one)
    for _, case in ipairs({{2, 2}, {3, 1}}) do
      local out, fine = run(("timeout 300 %s -np %d -x ANNLUA_NUM_THREADS=%d ./annlua tests/mpi/connectors.lua")
        :format(MPIRUN, case[1], case[2]))
      assert.is_true(fine, out)
      assert.equal(want, hashes(out), ("%d processes of %d threads:\n%s"):format(case[1], case[2], out))
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
