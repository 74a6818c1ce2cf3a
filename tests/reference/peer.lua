-- Reading the figures that the peer scripts of tests/reference record (JSON files written by
-- Brian2 or numpy runs), shared by the example specs.
local M = {}

--- The recorded figures of tests/reference/<name>.json: the peer's version, the number of
-- replicas, and field(key) -> the number recorded under that key (the first occurrence).
function M.read(name)
  local path = "tests/reference/" .. name .. ".json"
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  local function field(key)
    local _, stop = text:find('"' .. key .. '": ', 1, true)
    assert(stop, path .. " has no " .. key)
    return tonumber(text:match("^[%d%.eE+-]+", stop + 1))
  end
  return {version = text:match('"brian2_version": "([^"]+)"'),
          replicas = tonumber(text:match('"replicas": (%d+)')), field = field}
end

--- The mean of a list of numbers.
function M.mean(t)
  local s = 0
  for _, v in ipairs(t) do s = s + v end
  return s / #t
end

return M
