-- tools/modgraph.lua: the module graph of the front end finds cycles (requires inside
-- functions included) and modules outside runtime/ that require the C module.

local function tree(files)
  local root = os.tmpname()
  os.remove(root)
  assert(os.execute("mkdir -p '" .. root .. "/lua/annarchy/runtime'"))
  for name, text in pairs(files) do
    local f = assert(io.open(root .. "/lua/annarchy/" .. name, "w"))
    f:write(text)
    f:close()
  end
  return root
end

local function run(root)
  local p = assert(io.popen("./annlua tools/modgraph.lua '" .. root .. "/lua' 2>&1; echo rc=$?"))
  local out = p:read("a")
  p:close()
  os.execute("rm -rf '" .. root .. "'")
  return out, tonumber(out:match("rc=(%d+)"))
end

describe("tools/modgraph.lua", function()
  it("passes the front end as it is", function()
    local p = assert(io.popen("./annlua tools/modgraph.lua lua 2>&1; echo rc=$?"))
    local out = p:read("a")
    p:close()
    assert.matches("rc=0", out)
    assert.matches("annarchy.runtime.cmodule: annarchy.core", out, 1, true)
  end)

  it("finds a cycle held by a require inside a function", function()
    local out, rc = run(tree{
      ["a.lua"] = 'local b = require("annarchy.b")\nreturn {b = b}\n',
      ["b.lua"] = 'return {f = function() return require "annarchy.a" end}\n',
      ["c.lua"] = '-- require("annarchy.c") in a comment does not count\nreturn {}\n',
    })
    assert.equal(1, rc)
    assert.matches("cycle: annarchy.a -> annarchy.b -> annarchy.a", out, 1, true)
    assert.matches("1 import cycle(s)", out, 1, true)
  end)

  it("finds a module past the runtime seam", function()
    local out, rc = run(tree{
      ["runtime/init.lua"] = 'return require("annarchy.core")\n',
      ["objects.lua"] = "local core = require('annarchy.core')\nreturn core\n",
    })
    assert.equal(1, rc)
    assert.matches("seam: annarchy.objects requires annarchy.core", out, 1, true)
    assert.not_matches("seam: annarchy.runtime", out, 1, true)
  end)
end)
