--- Comma-separated values for numpy.loadtxt(file, delimiter=","): one row per line, an
-- optional first line "# name,name,..." (a comment for loadtxt), numbers written exactly (the
-- shortest text that reads back as the same double; nan, inf and -inf as numpy writes them).
local json = require("annarchy.io.json")
local util = require("annarchy.util")

local fail = util.fail
local M = {}

--- The text of a number: reads back (in numpy or in Lua) as exactly x.
function M.number(x)
  if x ~= x then return "nan" end
  if x == math.huge then return "inf" end
  if x == -math.huge then return "-inf" end
  if x == 0 and 1 / x < 0 then return "-0.0" end
  return json.number_text(x)
end

--- The text of a CSV file: rows a list of lists of numbers, names (optional) the columns'.
function M.format(rows, names)
  local lines = {}
  if names then lines[1] = "# " .. table.concat(names, ",") end
  for _, row in ipairs(rows) do
    local cells = {}
    for i = 1, #row do cells[i] = M.number(row[i]) end
    lines[#lines + 1] = table.concat(cells, ",")
  end
  lines[#lines + 1] = ""
  return table.concat(lines, "\n")
end

--- The rows of an Array of one dimension (one value per row) or two.
function M.rows_of(a, what)
  if a.ndim > 2 then
    fail("%s: a CSV file holds arrays of one or two dimensions, this one has %d (use .npy)", what, a.ndim)
  end
  local t = a:totable()
  if a.ndim == 2 then return t end
  for i = 1, #t do t[i] = {t[i]} end
  return t
end

--- Writes a CSV file (through a temporary file renamed into place).
function M.write(filename, rows, names, what)
  util.write_file(filename, {M.format(rows, names)}, what)
end

return M
