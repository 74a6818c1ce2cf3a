-- Reading event files back through tests/reference/tfevents_check.py (python3-protobuf with the
-- descriptor protoc-c makes of src/proto/tensorboard.proto), shared by the Logger specs.
local json = require("annarchy.io.json")

local M = {}

M.PY = "/usr/bin/python3 tests/reference/tfevents_check.py"

--- Runs a shell command: true when it succeeded, and its output (stdout and stderr).
function M.run(cmd)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("a")
  local ok = p:close()
  return ok == true, out
end

--- The names in a directory.
function M.ls(dir)
  local p = io.popen("ls -1 '" .. dir .. "'")
  local names = {}
  for line in p:lines() do names[#names + 1] = line end
  p:close()
  return names
end

--- A new temporary directory holding the descriptor set of the messages: its path and the
-- descriptor's.
function M.setup()
  local tmp = os.tmpname()
  os.remove(tmp)
  os.execute("mkdir -p " .. tmp)
  local desc = tmp .. "/tensorboard.desc"
  assert(os.execute(("protoc-c --proto_path=src/proto --descriptor_set_out=%s src/proto/tensorboard.proto")
    :format(desc)))
  return tmp, desc
end

--- The events of the one event file in dir (asserting there is one), and its path.
function M.events_in(desc, dir)
  local files = {}
  for _, name in ipairs(M.ls(dir)) do
    if name:find("^events%.out%.tfevents%.") then files[#files + 1] = dir .. "/" .. name end
  end
  assert(#files == 1, ("%d event files in %s"):format(#files, dir))
  local ok, out = M.run(("%s decode %s '%s'"):format(M.PY, desc, files[1]))
  assert(ok, out)
  return json.decode(out)[1], files[1]
end

--- The summary values of the events, in order, each with the step and wall time of its event.
function M.values(events)
  local out = {}
  for _, e in ipairs(events) do
    if e.values then
      for _, v in ipairs(e.values) do v.step = e.step; v.wall_time = e.wall_time; out[#out + 1] = v end
    end
  end
  return out
end

return M
