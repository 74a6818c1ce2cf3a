-- tools/modgraph.lua: the module graph of the front end (lua/annarchy), every `require` counted,
-- the ones inside functions ("lazy") too. Prints one line per module with the modules it
-- requires, then the cycles and the modules outside runtime/ that require the C module
-- annarchy.core (runtime/ is the one seam to the core); exits non-zero when there is one.
--
--   lua5.4 tools/modgraph.lua [ROOT]        (ROOT defaults to lua, the folder above annarchy/)
--   lua5.4 tools/modgraph.lua --dot [ROOT]  (the graph in Graphviz's dot language)
local root, dot = "lua", false
for i = 1, #arg do
  if arg[i] == "--dot" then dot = true else root = arg[i] end
end

-- The Lua files under a folder, found with find(1): the tool runs on any plain Lua.
local function lua_files(dir)
  local files = {}
  local p = assert(io.popen("find '" .. dir .. "' -name '*.lua' | sort"))
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  return files
end

-- "lua/annarchy/io/state.lua" -> "annarchy.io.state"; ".../init.lua" names its folder.
local function module_name(path)
  local rel = path:sub(#root + 2):gsub("%.lua$", ""):gsub("/init$", "")
  return (rel:gsub("/", "."))
end

-- Every require of a literal module name, whatever the quoting or the parentheses, comments
-- left out.
local function requires(path)
  local f = assert(io.open(path, "r"))
  local text = f:read("a")
  f:close()
  text = text:gsub("%-%-%[(=*)%[.-%]%1%]", ""):gsub("%-%-[^\n]*", "")
  local found, seen = {}, {}
  for name in text:gmatch("require%s*%(?%s*[\"']([%w_%.]+)[\"']") do
    if not seen[name] then
      seen[name] = true
      found[#found + 1] = name
    end
  end
  return found
end

local graph, names = {}, {}
for _, path in ipairs(lua_files(root .. "/annarchy")) do
  local name = module_name(path)
  names[#names + 1] = name
  graph[name] = {}
  for _, dep in ipairs(requires(path)) do
    if dep:match("^annarchy") then graph[name][#graph[name] + 1] = dep end
  end
end
table.sort(names)

-- Depth-first search; a grey module met again closes a cycle.
local WHITE, GREY, BLACK = 0, 1, 2
local colour, stack, cycles = {}, {}, {}
local function visit(name)
  colour[name] = GREY
  stack[#stack + 1] = name
  for _, dep in ipairs(graph[name] or {}) do
    if graph[dep] then
      if (colour[dep] or WHITE) == GREY then
        local cycle, on = {}, false
        for _, m in ipairs(stack) do
          if m == dep then on = true end
          if on then cycle[#cycle + 1] = m end
        end
        cycle[#cycle + 1] = dep
        cycles[#cycles + 1] = table.concat(cycle, " -> ")
      elseif (colour[dep] or WHITE) == WHITE then
        visit(dep)
      end
    end
  end
  stack[#stack] = nil
  colour[name] = BLACK
end
for _, name in ipairs(names) do
  if (colour[name] or WHITE) == WHITE then visit(name) end
end

if dot then
  print("digraph annarchy {")
  for _, name in ipairs(names) do
    for _, dep in ipairs(graph[name]) do print(string.format('  "%s" -> "%s";', name, dep)) end
  end
  print("}")
else
  for _, name in ipairs(names) do print(name .. ": " .. table.concat(graph[name], " ")) end
end
local seam = {}
for _, name in ipairs(names) do
  if not name:match("^annarchy%.runtime") then
    for _, dep in ipairs(graph[name]) do
      if dep == "annarchy.core" then seam[#seam + 1] = name end
    end
  end
end
for _, c in ipairs(cycles) do io.stderr:write("cycle: ", c, "\n") end
for _, m in ipairs(seam) do io.stderr:write("seam: ", m, " requires annarchy.core (only runtime/ may)\n") end
if #cycles > 0 or #seam > 0 then
  io.stderr:write(#cycles, " import cycle(s), ", #seam, " module(s) past the runtime seam in ", root, "/annarchy\n")
  os.exit(1)
end
