--- The reference's command-line flags of a script (`annlua model.lua --clean -j 4`): read from
-- the script's arguments when annarchy is loaded, they set the defaults of every network.
-- Arguments that are not such flags are left to the script.
local util = require("annarchy.util")

local fail = util.fail
local M = {}

--- The defaults the flags set: {clean = bool, config = {key = value}}.
M.current = {clean = false, config = {}}

-- flags of the reference that have no meaning in annlua, and why
local IGNORED = {
  ["--report"] = "write the report with ann.report(net, filename)",
  ["--trace"] = "annlua generates no tracing code",
  ["-d"] = "annlua has no debug build of the kernels",
  ["--debug"] = "annlua has no debug build of the kernels",
  ["--profile"] = "annlua has no profiler: time a run with net:simulate(ms, {measure_time = true})",
  ["--profile-out"] = "annlua has no profiler",
  ["--auto-tuning"] = "annlua chooses the storage of projections itself",
}
local TAKES_VALUE = {["--trace"] = true, ["--profile-out"] = true}

--- Reads the flags among a script's arguments (a list of strings); returns the defaults and
-- the notes to print for flags that have no effect.
function M.parse(args)
  local out, notes = {clean = false, config = {}}, {}
  local i = 1
  local function value(flag)
    local v = args[i + 1]
    if v == nil then fail("the flag %s needs a value", flag) end
    i = i + 1
    return v
  end
  while i <= #args do
    local a = args[i]
    local flag, inline = a:match("^(%-%-[%w-]+)=(.*)$")
    flag = flag or a
    if flag == "-c" or flag == "--clean" then
      out.clean = true
    elseif flag == "-v" or flag == "--verbose" then
      out.config.verbose = true
    elseif flag == "--prec" then
      local p = inline or value(flag)
      if p ~= "float" and p ~= "double" then fail("--prec takes float or double, got %s", util.show(p)) end
      out.config.dtype = p == "float" and "float32" or "float64"
    elseif flag == "-j" or flag == "--num-threads" or a:match("^%-j%d+$") then
      local n = tonumber(a:match("^%-j(%d+)$") or inline or value(flag))
      if not util.is_integer(n) or n < 1 then fail("%s takes a positive number of threads", flag) end
      out.config.num_threads = n
    elseif flag == "--visible-cores" then
      local cores = {}
      for c in (inline or value(flag)):gmatch("[^,]+") do
        local n = tonumber(c)
        if not util.is_integer(n) or n < 0 then fail("--visible-cores takes core numbers such as 0,1,2") end
        cores[#cores + 1] = n
      end
      out.config.visible_cores = cores
    elseif flag == "--gpu" then
      fail("the flag --gpu asks for the CUDA back end, which annlua does not have")
    elseif IGNORED[flag] then
      if TAKES_VALUE[flag] and not inline then value(flag) end
      notes[#notes + 1] = ("the flag %s is ignored: %s"):format(flag, IGNORED[flag])
    end
    i = i + 1
  end
  return out, notes
end

--- Reads the flags of the running script: `arg` of a script run as `annlua file.lua ...`
-- (not of a tool such as busted, whose own flags would be mistaken for these).
function M.read(arg)
  if type(arg) ~= "table" or type(arg[0]) ~= "string" or not arg[0]:match("%.lua$") then return end
  local args = {}
  for i = 1, #arg do args[i] = tostring(arg[i]) end
  local notes
  M.current, notes = M.parse(args)
  for _, note in ipairs(notes) do io.stderr:write("annlua: note: ", note, "\n") end
end

return M
