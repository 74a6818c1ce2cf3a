-- luacheck configuration: the front end runs on Lua 5.4 and must parse under LuaJIT.
std = "lua54"
max_line_length = 130
codes = true
files["tests"] = { std = "+busted" }
files["tests/fuzz"] = { std = "lua54" }
exclude_files = { "build" }
-- the LÖVE example: LÖVE's global `love` (callbacks are set on it); LuaJIT-only scripts: `jit`
files["examples/embed/love"] = { globals = { "love" } }
files["bench/embed_luajit.lua"] = { read_globals = { "jit" } }
