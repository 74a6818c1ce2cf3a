--- The gnuplot process behind ann.plot: the data file, the terminal for an output file and the
-- run of a script (docs/plotting.md). gnuplot (Debian package gnuplot-nox) draws everything
-- with its cairo terminals; this module only writes text.
local M = {}

local function fail(fmt, ...)
  error("annarchy: " .. fmt:format(...), 0)
end

local function shell_quote(s)
  return "'" .. s:gsub("'", [['\'']]) .. "'"
end

--- The path of the gnuplot executable on the PATH, or an error naming the package.
function M.program(fname)
  local p = io.popen("command -v gnuplot 2>/dev/null")
  local path = p and p:read("l")
  if p then p:close() end
  if not path or path == "" then
    fail("%s: gnuplot was not found on the PATH; install the Debian package gnuplot-nox " ..
      "(apt-get install gnuplot-nox)", fname)
  end
  return path
end

--- A number as gnuplot reads it back exactly ("NaN" for NaN, "Inf"/"-Inf").
local function number(x)
  if x ~= x then return "NaN" end
  if x == math.huge then return "Inf" end
  if x == -math.huge then return "-Inf" end
  if x == math.floor(x) and math.abs(x) < 2^53 then return ("%d"):format(x) end
  return ("%.17g"):format(x)
end

--- Writes the data file: a list of blocks, each a list of rows (lists of numbers); the row
-- `false` writes an empty line (a scan break of a heat map). Blocks are separated by two empty
-- lines, so that the script reads block i (from 0) with `index i`.
function M.write_data(path, blocks)
  local f, err = io.open(path, "w")
  if not f then fail("ann.plot: cannot write the data file %s: %s", path, err) end
  for b, rows in ipairs(blocks) do
    if b > 1 then f:write("\n\n") end
    for _, row in ipairs(rows) do
      if row then
        local cells = {}
        for i = 1, #row do cells[i] = number(row[i]) end
        f:write(table.concat(cells, " "), "\n")
      else
        f:write("\n")
      end
    end
  end
  f:close()
end

--- A string in gnuplot's double quotes.
function M.quote(s)
  return '"' .. tostring(s):gsub('[\\"]', "\\%0"):gsub("\n", "\\n") .. '"'
end

local FORMATS = {png = true, pdf = true, svg = true}

--- The `set terminal` and `set output` lines for a file: PNG (pngcairo, size in pixels),
-- PDF (pdfcairo, 100 pixels per inch) or SVG, chosen by the file's extension (PNG without one).
function M.terminal(fname, file, size)
  local ext = file:match("^.*/") and file:match("^.*/[^/]*%.(%w+)$") or file:match("%.(%w+)$")
  ext = ext and ext:lower() or "png"
  if not FORMATS[ext] then
    fail("%s: the file %s must end in .png, .pdf or .svg (or have no extension: PNG)", fname, M.quote(file))
  end
  local w, h = size[1], size[2]
  local term
  if ext == "png" then
    term = ("set terminal pngcairo noenhanced size %d,%d font \"sans,10\""):format(w, h)
  elseif ext == "pdf" then
    term = ("set terminal pdfcairo noenhanced size %gin,%gin font \"sans,10\""):format(w / 100, h / 100)
  else
    term = ("set terminal svg noenhanced size %d,%d fixed font \"sans,10\""):format(w, h)
  end
  return term .. "\nset output " .. M.quote(file) .. "\n"
end

--- Runs a gnuplot script (text); an error carries gnuplot's message.
function M.run(fname, script)
  local program = M.program(fname)
  local sfile, efile = os.tmpname(), os.tmpname()
  local f = assert(io.open(sfile, "w"))
  f:write(script)
  f:close()
  local ok = os.execute(shell_quote(program) .. " " .. shell_quote(sfile) .. " 2>" .. shell_quote(efile))
  local e = io.open(efile, "r")
  local msg = e and e:read("a") or ""
  if e then e:close() end
  os.remove(sfile)
  os.remove(efile)
  -- os.execute: true (Lua 5.4) or 0 (LuaJIT) when the command succeeded
  if ok ~= true and ok ~= 0 then fail("%s: gnuplot failed: %s", fname, (msg:gsub("%s+$", ""))) end
end

return M
