-- LuaJIT script: include/annarchy.h followed by include/annlua.h, without their preprocessor
-- lines, is valid input for ffi.cdef; the core's embedding functions work through it, with a
-- population's values as an FFI array written in place; libannlua defines every function
-- annlua.h declares. (libannlua embeds Lua 5.4, whose C API has the same names as LuaJIT's:
-- it is resolved here, not called. A LuaJIT program uses the front end over its FFI runtime.)
-- Usage: luajit tests/c/annlua_ffi.lua include/annarchy.h include/annlua.h \
--          build/libannarchy.so build/libannlua.so
local ffi = require("ffi")

local cdef_file = dofile(arg[0]:gsub("[^/]*$", "") .. "cdef.lua")

cdef_file(arg[1])
local host_functions = cdef_file(arg[2], "annlua_")
local C = ffi.load(arg[3])

local st = ffi.new("ann_status")
local net = C.ann_network_new(1.0, 1)
local specs = ffi.new("ann_attr_spec[2]", {{C.ANN_TYPE_F64, 1}, {C.ANN_TYPE_F64, 0}})
assert(C.ann_network_add_population(net, 3, 2, specs, 0, st) == 0)
local names = ffi.new("const char *[2]", {"r", "tau"})
assert(C.ann_population_set_names(net, 0, "pop", names, 2, st) == 0, ffi.string(st.msg))
local pop = C.ann_network_find_population(net, "pop", st)
local k = C.ann_population_find_attr(net, pop, "r", st)
local n = ffi.new("int32_t[1]")
local r = ffi.cast("double *", C.ann_population_data(net, pop, k, nil, n, st))
assert(r ~= nil and n[0] == 3, ffi.string(st.msg))
r[2] = 5.5                                                 -- written in place
assert(C.ann_population_get(net, 0, 0, 2) == 5.5)
assert(C.ann_population_data(net, pop, 1, nil, nil, st) == nil)
assert(ffi.string(st.msg):match("attribute 'tau' of population 'pop' is global"), ffi.string(st.msg))
assert(C.ann_network_step(net, 1, st) ~= 0)
assert(ffi.string(C.ann_network_error(net)):match("not compiled"), ffi.string(C.ann_network_error(net)))
C.ann_network_free(net)
assert(C.ann_network_check(net, st) ~= 0)
assert(ffi.string(st.msg) == "not a live network (NULL, freed, or never created)")

local H = ffi.load(arg[4])
assert(#host_functions == 7, "annlua.h declares " .. #host_functions .. " functions")
for _, name in ipairs(host_functions) do assert(H[name] ~= nil, name) end
print("ok")
