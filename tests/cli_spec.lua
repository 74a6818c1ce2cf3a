-- The annlua command line: lua5.4's options, arg table, LUA_INIT and exit statuses, the REPL
-- fed through a pipe, the built-in front end and the cache options.
-- Run from the repository root: busted --lua=./annlua tests/cli_spec.lua
-- (ANNLUA=/path/to/annlua tests another executable).

local ANNLUA = os.getenv("ANNLUA") or "./annlua"

local function quote(s)
  return "'" .. tostring(s):gsub("'", [['\'']]) .. "'"
end

local function slurp(path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

local tmpfiles = {}
local function tmpname()
  local name = os.tmpname()
  tmpfiles[#tmpfiles + 1] = name
  return name
end

local function annlua_absolute()
  if ANNLUA:sub(1, 1) == "/" then return ANNLUA end
  local p = assert(io.popen("pwd"))
  local cwd = p:read("l")
  p:close()
  return cwd .. "/" .. ANNLUA:gsub("^%./", "")
end

--- Runs annlua with a shell-syntax argument string; returns stdout, stderr, exit code.
-- opts.stdin feeds standard input, opts.env is a prefix such as "LUA_INIT='x=1'", opts.cd a
-- directory to run in.
local function run(args, opts)
  opts = opts or {}
  local errfile = tmpname()
  local exe = opts.cd and quote(annlua_absolute()) or ANNLUA
  local cmd = exe .. " " .. args .. " 2>" .. errfile
  if opts.env then cmd = opts.env .. " " .. cmd end
  if opts.stdin then
    local infile = tmpname()
    write(infile, opts.stdin)
    cmd = cmd .. " <" .. infile
  else
    cmd = cmd .. " </dev/null"
  end
  if opts.cd then cmd = "cd " .. quote(opts.cd) .. " && " .. cmd end
  local p = assert(io.popen(cmd, "r"))
  local out = p:read("a")
  local _, _, code = p:close()
  return out, slurp(errfile), code
end

local function script(text)
  local name = tmpname()
  write(name, text)
  return name
end

teardown(function()
  for _, name in ipairs(tmpfiles) do os.remove(name) end
end)

describe("annlua command line", function()
  it("runs -e statements in order", function()
    local out, err, code = run([[-e 'x = 20' -e 'print(x + 1)' -e"print('joined')"]])
    assert.are.equal("21\njoined\n", out)
    assert.are.equal("", err)
    assert.are.equal(0, code)
  end)

  it("prints the version banner with -v", function()
    local out, _, code = run("-v")
    assert.matches("^annlua %S+ %(Lua 5%.4", out)
    assert.are.equal(0, code)
  end)

  it("prints its version with --version", function()
    local out, _, code = run("--version")
    assert.matches("^annlua %S+ %(Lua 5%.4%.%d+%)\n$", out)
    assert.are.equal(0, code)
  end)

  it("lists every option with --help", function()
    local out, err, code = run("--help")
    assert.are.equal(0, code)
    assert.are.equal("", err)
    assert.matches("usage: annlua %[options%] %[script %[args%]%]", out)
    for _, opt in ipairs({"-e stat", "-i", "-l mod", "-l g=mod", "-v", "-E", "-W", "--",
                          "--cache", "--cache-clear", "--version", "--help"}) do
      assert.truthy(out:find("\n  " .. opt .. " ", 1, true), opt)
    end
    assert.truthy(out:find("\n  -  ", 1, true), "-")
  end)

  it("builds the arg table as lua5.4 does", function()
    local s = script([[
      print(arg[-4], arg[-3], arg[-2], arg[-1], arg[0], arg[1], arg[2], arg[3], #arg)
      print(select("#", ...), ...)
    ]])
    local out, err, code = run("-e 'x=1' -W " .. s .. " one 'two words'")
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.are.equal(ANNLUA .. "\t-e\tx=1\t-W\t" .. s .. "\tone\ttwo words\tnil\t2\n"
                     .. "2\tone\ttwo words\n", out)
  end)

  it("puts every argument in arg when there is no script", function()
    local out = run([[-e 'print(arg[0] ~= nil, arg[1], arg[2], arg[-1])']])
    assert.are.equal("true\t-e\tprint(arg[0] ~= nil, arg[1], arg[2], arg[-1])\tnil\n", out)
  end)

  it("runs the script from stdin with '-'", function()
    local out, _, code = run("- a b", {stdin = "print(arg[0], ...)"})
    assert.are.equal("-\ta\tb\n", out)
    assert.are.equal(0, code)
  end)

  it("runs stdin as a chunk when it is not a terminal and there is no script", function()
    local out, _, code = run("", {stdin = "print('from stdin', ...)"})
    assert.are.equal("from stdin\n", out)
    assert.are.equal(0, code)
  end)

  it("stops handling options at '--'", function()
    local s = script("print(arg[-1], arg[0], ...)")
    local out, _, code = run("-- " .. s .. " -e x")
    assert.are.equal("--\t" .. s .. "\t-e\tx\n", out)
    assert.are.equal(0, code)
  end)

  it("requires modules with -l mod and -l g=mod", function()
    local dir = tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. quote(dir)))
    write(dir .. "/clitestmod.lua", "return { answer = 42 }")
    local out, err, code = run(
      [[-l clitestmod -l s=string -e 'print(clitestmod.answer, s.rep("ab", 2))']],
      {env = "LUA_PATH=" .. quote(dir .. "/?.lua;;")})
    os.remove(dir .. "/clitestmod.lua")
    os.remove(dir)
    assert.are.equal("", err)
    assert.are.equal("42\tabab\n", out)
    assert.are.equal(0, code)
  end)

  it("fails with exit 1 when -l cannot find the module", function()
    local _, err, code = run("-l no_such_module_here")
    assert.are.equal(1, code)
    assert.matches("^annlua: module 'no_such_module_here' not found", err)
  end)

  it("rejects an unknown option with the usage and exit 1", function()
    local out, err, code = run("-x")
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("^annlua: unrecognized option '%-x'\nusage: annlua", err)
  end)

  it("rejects an unknown long option", function()
    local _, err, code = run("--frobnicate")
    assert.are.equal(1, code)
    assert.matches("^annlua: unrecognized option '%-%-frobnicate'\n", err)
  end)

  it("says that -e needs an argument", function()
    local _, err, code = run("-e")
    assert.are.equal(1, code)
    assert.matches("^annlua: '%-e' needs argument\nusage:", err)
  end)

  it("fails with exit 1 when the script does not exist", function()
    local _, err, code = run("/nonexistent/dir/script.lua")
    assert.are.equal(1, code)
    assert.matches("^annlua: cannot open /nonexistent/dir/script.lua", err)
  end)

  it("reports an error in the script with a traceback and exit 1", function()
    local s = script("local function f() error('boom') end\nf()\n")
    local out, err, code = run(s)
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.truthy(err:find("annlua: " .. s .. ":1: boom\nstack traceback:\n", 1, true), err)
    assert.truthy(err:find("in main chunk", 1, true), err)
  end)

  it("describes error objects that are not strings", function()
    local _, err, code = run([[-e 'error({})']])
    assert.are.equal(1, code)
    assert.matches("^annlua: %(error object is a table value%)", err)
    _, err = run([[-e 'error(setmetatable({}, {__tostring = function() return "custom" end}))']])
    assert.are.equal("annlua: custom\n", err)
  end)

  it("exits with the status given to os.exit", function()
    local _, _, code = run([[-e 'os.exit(3)']])
    assert.are.equal(3, code)
    _, _, code = run([[-e 'os.exit(false)']])
    assert.are.equal(1, code)
    _, _, code = run([[-e 'os.exit(true, true)']])
    assert.are.equal(0, code)
  end)

  it("turns warnings on with -W", function()
    local _, err = run([[-W -e 'warn("careful")']])
    assert.are.equal("Lua warning: careful\n", err)
    _, err = run([[-e 'warn("careful")']])
    assert.are.equal("", err)
  end)
end)

describe("annlua environment", function()
  it("runs LUA_INIT before the options", function()
    local out, _, code = run([[-e 'print(x)']], {env = "LUA_INIT='x = 42'"})
    assert.are.equal("42\n", out)
    assert.are.equal(0, code)
  end)

  it("prefers LUA_INIT_5_4 to LUA_INIT", function()
    local out = run([[-e 'print(x)']], {env = "LUA_INIT='x = 1' LUA_INIT_5_4='x = 54'"})
    assert.are.equal("54\n", out)
  end)

  it("runs the file named by LUA_INIT=@file", function()
    local s = script("y = 'from file'")
    local out = run([[-e 'print(y)']], {env = "LUA_INIT=@" .. quote(s)})
    assert.are.equal("from file\n", out)
  end)

  it("fails with exit 1 when LUA_INIT fails", function()
    local out, err, code = run([[-e 'print(1)']], {env = "LUA_INIT='error(\"bad init\")'"})
    assert.are.equal(1, code)
    assert.are.equal("", out)
    assert.matches("^annlua: LUA_INIT:1: bad init", err)
  end)

  it("ignores LUA_INIT, LUA_PATH and LUA_CPATH with -E", function()
    local out, _, code = run(
      [[-E -e 'print(x, package.path:find("/nowhere", 1, true), package.cpath:find("/nowhere", 1, true))']],
      {env = "LUA_INIT='x = 42' LUA_PATH='/nowhere/?.lua' LUA_CPATH='/nowhere/?.so'"})
    assert.are.equal("nil\tnil\tnil\n", out)
    assert.are.equal(0, code)
  end)

  it("keeps LUA_PATH after the front end's directory without -E", function()
    local out = run([[-e 'print((package.path:find("/nowhere/?.lua", 1, true)) ~= nil)']],
                    {env = "LUA_PATH='/nowhere/?.lua'"})
    assert.are.equal("true\n", out)
  end)
end)

describe("annlua front end", function()
  it("puts the front end first in package.path and keeps Debian's paths", function()
    local out = run([[-e 'print(package.path)' -e 'print(package.cpath)']], {cd = "/"})
    local path, cpath = out:match("^([^\n]*)\n([^\n]*)\n$")
    assert.truthy(path, out)
    assert.matches("^/[^;]*/%?%.lua;/[^;]*/%?/init%.lua;", path)
    assert.truthy(path:find("/usr/share/lua/5.4/?.lua", 1, true), path)
    assert.truthy(cpath:find("lua/5.4/?.so", 1, true), cpath)
  end)

  it("finds require('annarchy') from any directory without LUA_PATH", function()
    if not io.open("lua/annarchy/init.lua") then
      pending("lua/annarchy/init.lua is not written yet")
      return
    end
    local out, err, code = run(
      [[-e 'print(package.searchpath("annarchy", package.path))']], {cd = "/"})
    assert.are.equal("", err)
    assert.are.equal(0, code)
    assert.matches("/annarchy/init%.lua\n$", out)
  end)

  it("finds the source tree's front end next to the executable", function()
    if os.getenv("ANNLUA") then
      pending("ANNLUA names an executable that may be installed elsewhere")
      return
    end
    if not io.open("lua/annarchy/init.lua") then
      pending("lua/annarchy/init.lua is not written yet")
      return
    end
    local exe = annlua_absolute()
    local dir = exe:match("^(.*)/[^/]*$")
    local p = assert(io.popen("cd / && " .. quote(exe)
      .. [[ -e 'print(package.searchpath("annarchy", package.path))' 2>&1]]))
    local out = p:read("a")
    p:close()
    assert.are.equal(dir .. "/lua/annarchy/init.lua\n", out)
  end)

  it("has the core built in as package.preload['annarchy.core']", function()
    local out = run([[-e 'print(type(package.preload["annarchy.core"]))']])
    assert.are.equal("function\n", out)
    local g = io.popen("grep -l 'luaopen_annarchy_core *(lua_State' src/lua/*.c 2>/dev/null")
    local binding = g:read("a")
    g:close()
    if binding == "" then
      pending("the binding (luaopen_annarchy_core) is not built yet")
      return
    end
    local res, err, code = run([[-e 'print(type(require("annarchy.core")))']], {cd = "/"})
    assert.are.equal("", err)
    assert.are.equal("table\n", res)
    assert.are.equal(0, code)
  end)
end)

describe("annlua REPL", function()
  it("prints the value of an expression read through a pipe with -i", function()
    local out, _, code = run("-i", {stdin = "return 1+1\n"})
    assert.are.equal("2\n", out)
    assert.are.equal(0, code)
  end)

  it("evaluates bare expressions, multi-line statements and '=expr'", function()
    local input = table.concat({
      "1 + 2, 'x'",
      "for i = 1, 2 do",
      "  print('line', i)",
      "end",
      "t = {",
      "  a = 5 }",
      "t.a",
      "=t.a * 2",
      "nil",
      "", "",
    }, "\n")
    local out, _, code = run("-i", {stdin = input})
    assert.are.equal("3\tx\nline\t1\nline\t2\n5\n10\nnil\n", out)
    assert.are.equal(0, code)
  end)

  it("reports errors and goes on", function()
    local out, err, code = run("-i", {stdin = "error('oops')\nprint('after')\nx = = 1\n2\n"})
    assert.are.equal("after\n2\n", out)
    assert.truthy(err:find("stdin:1: oops\nstack traceback:", 1, true), err)
    assert.truthy(err:find("stdin:1: unexpected symbol near '='", 1, true), err)
    assert.are.equal(0, code)
  end)

  it("reports an unfinished statement at the end of input", function()
    local _, err = run("-i", {stdin = "if true then\n"})
    assert.truthy(err:find("stdin:1: 'end' expected near <eof>", 1, true), err)
  end)

  it("runs the script first, then reads the REPL with the script's globals", function()
    local s = script("greeting = 'hello'")
    local out, _, code = run("-i " .. s, {stdin = "greeting\n"})
    assert.are.equal("hello\n", out)
    assert.are.equal(0, code)
  end)

  it("preloads the global ann, or warns on one line", function()
    local out, err = run("-i", {stdin = "type(ann)\n", cd = "/"})
    if out == "table\n" then
      assert.are.equal("", err)
    else
      assert.are.equal("nil\n", out)
      assert.matches("^annlua: warning: [^\n]*annarchy[^\n]*\n$", err)
    end
  end)

  it("honours os.exit inside the REPL", function()
    local out, _, code = run("-i", {stdin = "print('a')\nos.exit(7)\nprint('b')\n"})
    assert.are.equal("a\n", out)
    assert.are.equal(7, code)
  end)
end)

describe("annlua kernel cache options", function()
  local dir
  before_each(function()
    dir = tmpname()
    os.remove(dir)
    assert(os.execute("mkdir -p " .. quote(dir)))
  end)
  after_each(function()
    os.execute("rm -rf " .. quote(dir))
  end)

  it("--cache shows the directory, the entries and the size", function()
    local out, err, code = run("--cache", {env = "ANNLUA_CACHE=" .. quote(dir)})
    assert.are.equal(0, code, err)
    assert.matches("^kernel cache: [^\n]+\n", out)
    assert.truthy(out:find(dir, 1, true), out)
    assert.matches("\nentries: 0\n", out)
    assert.matches("\nsize: [^\n]+\n$", out)
  end)

  it("--cache-clear empties the cache", function()
    local out, err, code = run("--cache-clear", {env = "ANNLUA_CACHE=" .. quote(dir)})
    assert.are.equal(0, code, err)
    assert.matches("^removed %d+ entr[yies]+ from ", out)
    out = run("--cache", {env = "ANNLUA_CACHE=" .. quote(dir)})
    assert.matches("\nentries: 0\n", out)
  end)
end)
