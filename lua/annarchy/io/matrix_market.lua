--- Matrix Market files (.mtx, the NIST exchange format of sparse matrices): the coordinate
-- form, with real, integer or pattern values, general or symmetric.
local util = require("annarchy.util")

local fail = util.fail
local M = {}

--- Reads a coordinate Matrix Market file: {rows, cols, i = {...}, j = {...}, v = {...}} with
-- 1-based row and column indices, one entry per stored value (a symmetric matrix gives its
-- mirrored entries too; a pattern matrix gives the value 1).
function M.read(filename, what)
  local f, err = io.open(filename, "r")
  if not f then fail("%s: cannot open %s", what, tostring(err)) end
  local header = f:read("l")
  local function bad(fmt, ...)
    f:close()
    fail("%s: %s is not a Matrix Market file of a sparse matrix: " .. fmt, what, filename, ...)
  end
  local object, format, field, symmetry = (header or ""):lower():match(
    "^%%%%matrixmarket%s+(%S+)%s+(%S+)%s+(%S+)%s+(%S+)")
  if not object then bad("the first line must be '%%MatrixMarket matrix coordinate <field> <symmetry>'") end
  if object ~= "matrix" or format ~= "coordinate" then
    bad("'%s %s' (only 'matrix coordinate' is read)", object, format)
  end
  if field ~= "real" and field ~= "integer" and field ~= "pattern" then
    bad("values of type '%s' (real, integer or pattern are read)", field)
  end
  if symmetry ~= "general" and symmetry ~= "symmetric" then
    bad("'%s' matrices are not read (general or symmetric)", symmetry)
  end
  local line = f:read("l")
  while line and (line:match("^%%") or line:match("^%s*$")) do line = f:read("l") end
  local rows, cols, nnz = (line or ""):match("^%s*(%d+)%s+(%d+)%s+(%d+)%s*$")
  if not rows then bad("the size line 'rows columns entries' is missing") end
  rows, cols, nnz = tonumber(rows), tonumber(cols), tonumber(nnz)
  local out = {rows = rows, cols = cols, i = {}, j = {}, v = {}}
  local function add(i, j, v)
    local n = #out.i + 1
    out.i[n], out.j[n], out.v[n] = i, j, v
  end
  for k = 1, nnz do
    line = f:read("l")
    while line and line:match("^%s*$") do line = f:read("l") end
    if not line then bad("%d entries announced, %d found", nnz, k - 1) end
    local i, j, rest = line:match("^%s*(%d+)%s+(%d+)%s*(.-)%s*$")
    local v = field == "pattern" and 1.0 or tonumber(rest)
    if not i or v == nil then bad("entry %d ('%s') is not 'row column%s'", k, line, field == "pattern" and "" or " value") end
    i, j = tonumber(i), tonumber(j)
    if i < 1 or i > rows or j < 1 or j > cols then
      bad("entry %d (%d, %d) is outside the %dx%d matrix", k, i, j, rows, cols)
    end
    add(i, j, v)
    if symmetry == "symmetric" and i ~= j then add(j, i, v) end
  end
  f:close()
  return out
end

return M
