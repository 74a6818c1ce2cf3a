-- LuaJIT script: include/annarchy.h without its preprocessor lines is valid input for
-- ffi.cdef, and the shared library called through it works.
-- Usage: luajit tests/c/header_ffi.lua include/annarchy.h build/libannarchy.so
local ffi = require("ffi")

local header_path, lib_path = arg[1], arg[2]
dofile(arg[0]:gsub("[^/]*$", "") .. "cdef.lua")(header_path)

local C = ffi.load(lib_path)
assert(ffi.string(C.ann_version()):match("^%d+%.%d+%.%d+$"), "ann_version")
assert(ffi.sizeof("ann_array") == 8 + 8 + 8 + 8 * 8, "ann_array layout")
assert(C.ANN_ARRAY_MAXDIM == 8 and C.ANN_RNG_STREAM_OBJECT == 0xffffffff, "constants")

-- errors: a status and the thread's last message
local st = ffi.new("ann_status")
local shape = ffi.new("int64_t[2]", {3, -1})
assert(C.ann_array_shape_check(2, shape, nil, st) ~= 0, "a negative dimension is refused")
assert(ffi.string(st.msg) == "dimension 2 of the shape is negative (-1)", ffi.string(st.msg))
assert(ffi.string(C.ann_last_error()) == ffi.string(st.msg), "ann_last_error")

-- a network, owned by the caller, with its objects owned by the network
local net = C.ann_network_new(0.5, 42)
assert(C.ann_network_dt(net) == 0.5 and C.ann_network_seed(net) == 42, "network")
local spec = ffi.new("ann_attr_spec[1]", {{0, 1}})
assert(C.ann_network_add_population(net, 4, 1, spec, 0, st) == 0, "population")
local mon = C.ann_monitor_new(net, 0, nil, 0, 1, 0, st)
assert(mon ~= nil, "monitor")
local done = ffi.new("int64_t[1]")
assert(C.ann_network_run(net, 1, 0, nil, 0, done, st) ~= 0, "running an unbound network fails")
assert(ffi.string(st.msg) == "the network is not compiled yet", ffi.string(st.msg))
C.ann_network_free(net)
print("ok")
