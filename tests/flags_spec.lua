-- The reference's command-line flags of a script: they set the defaults of every network.
local flags = require("annarchy.flags")

describe("script flags", function()
  it("are read among the script's own arguments", function()
    local d, notes = flags.parse{"--clean", "input.dat", "--prec", "float", "-j", "4", "--visible-cores=0,2",
                                 "-v", "--profile", "--trace", "both", "--mine"}
    assert.is_true(d.clean)
    assert.same({dtype = "float32", num_threads = 4, visible_cores = {0, 2}, verbose = true}, d.config)
    assert.equal(2, #notes)
    assert.truthy(notes[1]:find("--profile is ignored", 1, true))
    assert.same({dtype = "float64", num_threads = 2}, flags.parse{"--prec=double", "-j2"}.config)
    assert.same({clean = false, config = {}}, (flags.parse{"data.txt", "-x"}))
  end)

  it("refuses --gpu and bad values with the reason", function()
    assert.has_error(function() flags.parse{"--gpu"} end,
      "annarchy: the flag --gpu asks for the CUDA back end, which annlua does not have")
    assert.has_error(function() flags.parse{"--prec", "half"} end, 'annarchy: --prec takes float or double, got "half"')
    assert.has_error(function() flags.parse{"-j", "0"} end, "annarchy: -j takes a positive number of threads")
    assert.has_error(function() flags.parse{"--prec"} end, "annarchy: the flag --prec needs a value")
  end)

  it("set the configuration of the networks of a script run by annlua", function()
    local base = os.tmpname()
    local name = base .. ".lua"
    local f = assert(io.open(name, "w"))
    f:write('local ann = require("annarchy"); local net = ann.Network{}; '
      .. 'io.write(net._.config.dtype, " ", net._.config.num_threads)')
    f:close()
    local p = assert(io.popen("./annlua " .. name .. " --prec float -j 3 2>/dev/null"))
    local out = p:read("a")
    p:close()
    os.remove(name)
    os.remove(base)
    assert.equal("float32 3", out)
  end)
end)
