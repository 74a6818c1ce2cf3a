-- luacheck configuration: the front end runs on Lua 5.4 and must parse under LuaJIT.
std = "lua54"
max_line_length = 130
codes = true
files["tests"] = { std = "+busted" }
files["tests/fuzz"] = { std = "lua54" }
exclude_files = { "build" }
