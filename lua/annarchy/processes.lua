--- Work spread over child processes: map(fn, number, processes, what) calls fn(k, forked) for
-- k = 1 .. number, each call in a forked child process, at most `processes` of them at once,
-- and returns the results in the order of k, as if the calls had run one after the other
-- here. A child sends its result back through io/value_codec (numbers to the bit, strings,
-- tables, Arrays); its prints appear on this process's stdout. An error in a call, or a
-- child ended by a signal, is an error naming the call (`what` k); the children still running
-- are then killed. With one process, or where no process can be started, the calls run here,
-- one after the other (forked = false).
local runtime = require("annarchy.runtime")
local util = require("annarchy.util")
local value_codec = require("annarchy.io.value_codec")

local fail = util.fail

local M = {}

-- The message of a failed call, named by the call (without a second "annarchy: " prefix).
local function failed(what, k, message)
  fail("%s %d failed: %s", what, k, (tostring(message):gsub("^annarchy: ", "")))
end

-- Calls fn(k, false) here; an error names the call like a child's would.
local function run_here(fn, k, what)
  local ok, result = pcall(fn, k, false)
  if not ok then failed(what, k, result) end
  return result
end

local function kill_all(running)
  for _, entry in ipairs(running) do runtime.child_kill(entry.child) end
end

-- The result a child sent, or the error it reported (the other children are killed first).
local function collect(entry, running, what)
  local bytes, code, signal = runtime.child_result(entry.child)
  runtime.child_kill(entry.child)
  if code == 0 then return value_codec.decode(bytes) end
  kill_all(running)
  if signal then fail("%s %d: its process was ended by signal %d", what, entry.k, signal) end
  if code == 1 and #bytes > 0 then failed(what, entry.k, bytes) end
  fail("%s %d: its process exited with status %d", what, entry.k, code)
end

--- The results of fn(1, forked) .. fn(number, forked) (see the top of this file).
function M.map(fn, number, processes, what)
  local results = {}
  if processes <= 1 or number <= 1 then
    for k = 1, number do results[k] = run_here(fn, k, what) end
    return results
  end
  -- what is unreachable is finalised here, once, not in every child
  collectgarbage("collect")
  local running, next_k = {}, 1
  while next_k <= number or #running > 0 do
    while #running < processes and next_k <= number do
      local k = next_k
      next_k = next_k + 1
      local child = runtime.spawn(function()
        return value_codec.encode(fn(k, true), "its result")
      end)
      if child then
        running[#running + 1] = {child = child, k = k}
      else                                                -- no process could be started
        local ok, result = pcall(run_here, fn, k, what)
        if not ok then
          kill_all(running)
          error(result, 0)
        end
        results[k] = result
      end
    end
    if #running > 0 then
      local list = {}
      for i, entry in ipairs(running) do list[i] = entry.child end
      local entry = table.remove(running, runtime.wait_any(list))
      results[entry.k] = collect(entry, running, what)
    end
  end
  return results
end

return M
