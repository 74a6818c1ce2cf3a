-- For the LuaJIT scripts of tests/c: feeds a C header to ffi.cdef without its preprocessor lines
-- and its C++ `extern "C"` block, and returns the names of the functions it declares whose
-- names start with `prefix` (in declaration lines, not comments).
local ffi = require("ffi")

return function(path, prefix)
  local f = assert(io.open(path, "r"))
  local lines, skip, names = {}, false, {}
  for line in f:lines() do
    if line:match("^#ifdef __cplusplus") then
      skip = true
    elseif line:match("^#") then
      if skip and line:match("^#endif") then skip = false end
    elseif not skip then
      lines[#lines + 1] = line
      local name = prefix and line:match("^%a[%w_ %*]-[%s%*](" .. prefix .. "[%w_]*)%(")
      if name then names[#names + 1] = name end
    end
  end
  f:close()
  ffi.cdef(table.concat(lines, "\n"))
  return names
end
