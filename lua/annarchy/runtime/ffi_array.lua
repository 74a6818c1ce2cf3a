--- LuaJIT only: ann.Array as FFI cdata, with the Lua-visible behaviour of the Lua 5.4 C
-- module's Array userdata (src/lua/larray.c, larray_nested.c): 1-based indexing (a row of an
-- N-D array is a view), the fields shape, size and ndim, the methods, arithmetic, #, tostring.
-- An Array is an `annlj_array`: the core's ann_array descriptor followed by its own doubles,
-- or, for a view, by none (its data points into the Array it came from, kept alive here).
local core = require("annarchy.runtime.ffi_core")

return core.once("annarchy.runtime.ffi_array", function()
  local ffi, C = core.ffi, core.C
  local MAXDIM = 8

  ffi.cdef([[typedef struct annlj_array { ann_array a_; double d_[?]; } annlj_array;]])

  local M = {}
  local methods = {}     -- the methods (the front end adds its own: runtime.array_methods)
  M.methods = methods

  local parents = setmetatable({}, {__mode = "k"})   -- view -> the Array owning its storage
  local st = ffi.new("ann_status")
  local shape_buf = ffi.new("int64_t[?]", MAXDIM)
  local text = ffi.new("char[256]")

  local function fail(fmt, ...) error(fmt:format(...), 0) end

  local function is_array(v) return type(v) == "cdata" and ffi.istype("annlj_array", v) end
  M.is_array = is_array

  local function shape_str(a)
    C.ann_array_format_shape(a.a_, text, 256)
    return ffi.string(text)
  end

  local function check_shape(ndim, shape)
    for d = 1, ndim do shape_buf[d - 1] = shape[d] end
    local n = ffi.new("int64_t[1]")
    if C.ann_array_shape_check(ndim, shape_buf, n, st) ~= 0 then fail("ann.Array: %s", ffi.string(st.msg)) end
    return tonumber(n[0])
  end

  --- A new zeroed Array of that shape (a list of dimensions).
  local function new(shape)
    local n = check_shape(#shape, shape)
    local x = ffi.new("annlj_array", n)
    C.ann_array_wrap(x.a_, x.d_, #shape, shape_buf)
    return x
  end
  M.new = new

  -- A view on `data` (inside the storage of Array `of`) with that shape.
  local function view(of, data, ndim, shape_ptr)
    local x = ffi.new("annlj_array", 0)
    C.ann_array_wrap(x.a_, data, ndim, shape_ptr)
    parents[x] = parents[of] or of
    return x
  end

  local function shape_of(a)
    local s = {}
    for d = 0, a.a_.ndim - 1 do s[d + 1] = tonumber(a.a_.shape[d]) end
    return s
  end

  --- A new 1-D Array holding n doubles copied from the pointer p.
  function M.from_pointer(p, n)
    local x = new({n})
    if n > 0 then ffi.copy(x.d_, p, n * 8) end
    return x
  end

  -- Shapes given by users: a non-negative integer or a list of them (-1 allowed for reshape).
  local function read_shape(v, allow_neg1)
    local function dim(x)
      if type(x) ~= "number" or x ~= math.floor(x) or x < (allow_neg1 and -1 or 0) then
        error("bad argument (a shape (a non-negative integer or a list of them) expected)", 0)
      end
      return x
    end
    if type(v) == "number" then return {dim(v)} end
    if type(v) ~= "table" then dim(nil) end
    if #v < 1 or #v > MAXDIM then error(("bad argument (a shape has 1 to %d dimensions)"):format(MAXDIM), 0) end
    local s = {}
    for i = 1, #v do s[i] = dim(v[i]) end
    return s
  end

  -- ---- from nested tables ----------------------------------------------------------------------

  local function path_str(path, depth)
    if depth == 0 then return "the value" end
    local parts = {}
    for d = 1, depth do parts[d] = tostring(path[d]) end
    return "element [" .. table.concat(parts, ", ") .. "]"
  end

  local function typename(v) return is_array(v) and "ann.Array" or type(v) end

  --- A new Array from a (nested) table or Array; a number gives shape {1} when allow_number.
  function M.from_nested(v, fname, allow_number)
    if type(v) == "number" and allow_number then
      local x = new({1}); x.d_[0] = v; return x
    end
    if type(v) ~= "table" and not is_array(v) then
      fail("%s: expected a table or an Array, got %s", fname, typename(v))
    end
    local shape = {}
    local probe = v
    while true do          -- the shape, from the first element at each depth
      if is_array(probe) then
        if #shape + probe.a_.ndim > MAXDIM then fail("%s: more than %d dimensions", fname, MAXDIM) end
        for d = 0, probe.a_.ndim - 1 do shape[#shape + 1] = tonumber(probe.a_.shape[d]) end
        break
      end
      if type(probe) ~= "table" then break end
      if #shape >= MAXDIM then fail("%s: more than %d dimensions", fname, MAXDIM) end
      shape[#shape + 1] = #probe
      if #probe == 0 then break end
      probe = probe[1]
    end
    local x = new(shape)
    local ndim, pos, path = #shape, 0, {}
    local function fill(t, depth)
      if depth == ndim then
        if type(t) == "table" then
          fail("%s: ragged nesting: %s is %s, expected a number", fname, path_str(path, depth), type(t))
        end
        if type(t) ~= "number" then fail("%s: %s is %s, expected a number", fname, path_str(path, depth), typename(t)) end
        x.d_[pos] = t; pos = pos + 1
        return
      end
      if is_array(t) then
        local ok = t.a_.ndim == ndim - depth
        for d = 0, t.a_.ndim - 1 do ok = ok and tonumber(t.a_.shape[d]) == shape[depth + d + 1] end
        if not ok then
          fail("%s: ragged nesting: %s is an Array of shape (%s), not of the shape of its siblings", fname,
            path_str(path, depth), shape_str(t))
        end
        local n = tonumber(t.a_.size)
        if n > 0 then ffi.copy(x.d_ + pos, t.a_.data, n * 8) end
        pos = pos + n
        return
      end
      if type(t) ~= "table" then
        fail("%s: ragged nesting: %s is %s where a list of %d values was expected", fname, path_str(path, depth),
          typename(t), shape[depth + 1])
      end
      local n = #t
      if n ~= shape[depth + 1] then
        fail("%s: ragged nesting: %s has %d values where %d were expected", fname, path_str(path, depth), n,
          shape[depth + 1])
      end
      local count = 0
      for _ in pairs(t) do count = count + 1 end
      if count ~= n then fail("%s: %s is not a list (it has keys other than 1..%d)", fname, path_str(path, depth), n) end
      for i = 1, n do
        path[depth + 1] = i
        fill(t[i], depth + 1)
      end
    end
    fill(v, 0)
    return x
  end

  --- The value as an Array: the same Array, or a new one (a number gives shape {1}).
  function M.from_value(v, what)
    if is_array(v) then return v end
    return M.from_nested(v, what, true)
  end

  -- ---- indexing --------------------------------------------------------------------------------

  local function check_index(a, i)
    if i ~= math.floor(i) then fail("ann.Array: index %s is not an integer", tostring(i)) end
    local n = tonumber(a.a_.shape[0])
    if i < 1 or i > n then
      if a.a_.ndim == 1 then fail("ann.Array: index %d is out of range (size %d)", i, n) end
      fail("ann.Array: index %d is out of range (first dimension %d, shape %s)", i, n, shape_str(a))
    end
    return i - 1
  end

  local function item(a, i)
    if a.a_.ndim == 1 then return a.a_.data[i] end
    local rs = tonumber(C.ann_array_row_size(a.a_))
    return view(a, a.a_.data + i * rs, a.a_.ndim - 1, a.a_.shape + 1)
  end

  local mt = {}

  function mt.__index(a, k)
    if type(k) == "number" then
      -- one past the end reads nil, so that ipairs stops there
      if k == tonumber(a.a_.shape[0]) + 1 then return nil end
      return item(a, check_index(a, k))
    end
    if type(k) == "string" then
      if k == "shape" then return shape_of(a) end
      if k == "size" then return tonumber(a.a_.size) end
      if k == "ndim" then return a.a_.ndim end
      local m = methods[k]
      if m ~= nil then return m end
      fail("ann.Array has no field '%s'", k)
    end
    fail("ann.Array: cannot index with %s (an integer index or a field name expected)", typename(k))
  end

  function mt.__newindex(a, k, v)
    if type(k) == "number" then
      local i = check_index(a, k)
      if a.a_.ndim == 1 then
        if type(v) ~= "number" then
          fail("ann.Array: cannot assign %s to element %d (a number expected)", typename(v), i + 1)
        end
        a.a_.data[i] = v
        return
      end
      local row = item(a, i)
      if type(v) == "number" then C.ann_array_fill(row.a_, v); return end
      if type(v) ~= "table" and not is_array(v) then
        fail("ann.Array: cannot assign %s to row %d (a number, a table or an Array expected)", typename(v), i + 1)
      end
      local src = M.from_value(v, "ann.Array")
      if C.ann_array_same_shape(src.a_, row.a_) == 0 then
        fail("ann.Array: cannot assign a value of shape (%s) to row %d of shape (%s)", shape_str(src), i + 1,
          shape_str(row))
      end
      local n = tonumber(row.a_.size)
      if n > 0 then ffi.copy(row.a_.data, src.a_.data, n * 8) end
      return
    end
    if type(k) == "string" then
      if k == "shape" or k == "size" or k == "ndim" then fail("ann.Array: the field '%s' is read-only", k) end
      fail("ann.Array has no field '%s'", k)
    end
    fail("ann.Array: cannot index with %s", typename(k))
  end

  function mt.__len(a) return tonumber(a.a_.shape[0]) end

  function mt.__tostring(a)
    C.ann_array_format_summary(a.a_, text, 256)
    return ffi.string(text)
  end

  local op_names = {[0] = "+", "-", "*", "/", "^"}
  local function arith(op)
    return function(x, y)
      local a, b = is_array(x) and x, is_array(y) and y
      local r
      if a and b then
        if C.ann_array_same_shape(a.a_, b.a_) == 0 then
          fail("ann.Array: shapes (%s) and (%s) do not match for '%s'", shape_str(a), shape_str(b), op_names[op])
        end
        r = new(shape_of(a))
        C.ann_array_op_vv(op, r.d_, a.a_.data, b.a_.data, a.a_.size)
      elseif a and type(y) == "number" then
        r = new(shape_of(a))
        C.ann_array_op_vs(op, r.d_, a.a_.data, y, a.a_.size)
      elseif b and type(x) == "number" then
        r = new(shape_of(b))
        C.ann_array_op_sv(op, r.d_, x, b.a_.data, b.a_.size)
      else
        fail("ann.Array: cannot apply '%s' to %s and %s (numbers and Arrays of the same shape only)", op_names[op],
          typename(x), typename(y))
      end
      return r
    end
  end
  mt.__add, mt.__sub, mt.__mul, mt.__div, mt.__pow = arith(0), arith(1), arith(2), arith(3), arith(4)

  function mt.__unm(a)
    local r = new(shape_of(a))
    for i = 0, tonumber(a.a_.size) - 1 do r.d_[i] = -a.a_.data[i] end
    return r
  end

  -- __pairs and __ipairs (Debian's LuaJIT 2.1 honours them): the first dimension in order
  local function first_dimension(a)
    return function(_, i)
      if i >= tonumber(a.a_.shape[0]) then return nil end
      return i + 1, item(a, i)
    end, a, 0
  end
  mt.__pairs = first_dimension
  mt.__ipairs = first_dimension

  ffi.metatype("annlj_array", mt)

  -- ---- methods ---------------------------------------------------------------------------------

  -- A function that reads an Array's data while it allocates reads it through the Array, never
  -- through a pointer kept in a local: compiled code may let the collector free an Array that
  -- no live variable holds.
  function methods.totable(a)
    local ndim = a.a_.ndim
    local shape = shape_of(a)
    local pos = 0
    local function nest(depth)
      local t = {}
      if depth == ndim then
        for i = 1, shape[depth] do t[i] = a.a_.data[pos]; pos = pos + 1 end
      else
        for i = 1, shape[depth] do t[i] = nest(depth + 1) end
      end
      return t
    end
    return nest(1)
  end

  function methods.copy(a)
    local r = new(shape_of(a))
    local n = tonumber(a.a_.size)
    if n > 0 then ffi.copy(r.d_, a.a_.data, n * 8) end
    return r
  end

  function methods.fill(a, v)
    if type(v) ~= "number" then error("bad argument #1 to 'fill' (number expected, got " .. typename(v) .. ")", 0) end
    C.ann_array_fill(a.a_, v)
    return a
  end

  function methods.reshape(a, s)
    if s == nil then error("bad argument #1 to 'reshape' (a shape expected)", 0) end
    local shape = read_shape(s, true)
    local known, infer = 1, nil
    for d, n in ipairs(shape) do
      if n == -1 then
        if infer then fail("ann.Array: reshape: only one dimension can be -1") end
        infer = d
      else
        known = known * n
      end
    end
    local size = tonumber(a.a_.size)
    if infer then
      if known == 0 or size % known ~= 0 then
        fail("ann.Array: cannot reshape an array of size %d (shape %s) with a -1 dimension", size, shape_str(a))
      end
      shape[infer] = size / known
    end
    local n = check_shape(#shape, shape)
    if n ~= size then
      local tmp = ffi.new("ann_array")
      C.ann_array_wrap(tmp, nil, #shape, shape_buf)
      C.ann_array_format_shape(tmp, text, 256)
      local wanted = ffi.string(text)
      fail("ann.Array: cannot reshape an array of size %d (shape %s) into shape (%s) of size %d", size,
        shape_str(a), wanted, n)
    end
    return view(a, a.a_.data, #shape, shape_buf)
  end

  function methods.flatten(a)
    local n = tonumber(a.a_.size)
    local x = new({n})
    if n > 0 then ffi.copy(x.d_, a.a_.data, n * 8) end
    return x
  end
  function methods.sum(a) return C.ann_array_sum(a.a_) end
  function methods.mean(a) return C.ann_array_mean(a.a_) end
  function methods.std(a) return C.ann_array_std(a.a_) end

  local function nonempty(a, what)
    if a.a_.size == 0 then fail("ann.Array: %s() of an empty array", what) end
    return a.a_
  end
  function methods.min(a) return C.ann_array_min(nonempty(a, "min")) end
  function methods.max(a) return C.ann_array_max(nonempty(a, "max")) end
  function methods.argmax(a) return tonumber(C.ann_array_argmax(nonempty(a, "argmax"))) + 1 end

  -- ---- constructors ----------------------------------------------------------------------------

  --- ann.array(t): an Array from a (nested) table or Array.
  function M.array(...)
    local n, v = select("#", ...), ...
    if n == 0 then error("bad argument #1 to 'array' (value expected)", 0) end
    if n > 1 then error("bad argument #2 to 'array' (ann.array takes one table)", 0) end
    if type(v) == "table" and getmetatable(v) ~= nil then
      error("bad argument #1 to 'array' (a plain table or an Array expected)", 0)
    end
    return M.from_nested(v, "ann.array", false)
  end

  function M.zeros(s) return new(read_shape(s)) end

  function M.ones(s)
    local x = new(read_shape(s))
    C.ann_array_fill(x.a_, 1.0)
    return x
  end

  function M.linspace(a, b, s)
    if type(a) ~= "number" or type(b) ~= "number" then error("bad argument to 'linspace' (number expected)", 0) end
    local x = new(read_shape(s))
    C.ann_array_linspace(x.d_, a, b, x.a_.size)
    return x
  end

  local allclose_options = {rtol = true, atol = true, equal_nan = true}

  --- allclose(a, b[, {rtol = 1e-7, atol = 0, equal_nan = true}]) -> true | false, message
  function M.allclose(x, y, opts)
    local rtol, atol, equal_nan = 1e-7, 0.0, true
    if opts ~= nil then
      if type(opts) ~= "table" then error("bad argument #3 to 'allclose' (table expected)", 0) end
      for k in pairs(opts) do
        if not allclose_options[k] then fail("ann.allclose: unknown option '%s' (rtol, atol, equal_nan)", tostring(k)) end
      end
      for _, k in ipairs({"rtol", "atol"}) do
        if opts[k] ~= nil and type(opts[k]) ~= "number" then
          fail("ann.allclose: option '%s' should be a number, got %s", k, typename(opts[k]))
        end
      end
      rtol, atol = opts.rtol or rtol, opts.atol or atol
      if opts.equal_nan ~= nil then equal_nan = opts.equal_nan and true or false end
    end
    local sa, sb = type(x) == "number", type(y) == "number"
    local a, b = M.from_value(x, "ann.allclose"), M.from_value(y, "ann.allclose")
    if sa and not sb then
      a = new(shape_of(b))
      C.ann_array_fill(a.a_, x)
    end
    if not sa and not sb and C.ann_array_same_shape(a.a_, b.a_) == 0 then
      return false, ("shapes (%s) and (%s) differ"):format(shape_str(a), shape_str(b))
    end
    local first = ffi.new("int64_t[1]")
    local bad = tonumber(C.ann_array_allclose(a.a_.data, b.a_.data, sb and 0 or 1, a.a_.size, rtol, atol,
      equal_nan and 1 or 0, first))
    if bad == 0 then return true end
    -- numbers as Lua 5.4's lua_pushfstring prints them: %.14g, with ".0" on integral values
    local function num(z)
      local t = ("%.14g"):format(z)
      return t:match("^%-?%d+$") and t .. ".0" or t
    end
    local f = tonumber(first[0])
    local vx, vy = a.a_.data[f], b.a_.data[sb and 0 or f]
    C.ann_array_format_index(a.a_, f, text, 256)
    return false, ("not equal to tolerance rtol=%s, atol=%s: %d of %d elements differ; first at %s: %s vs %s "
      .. "(|diff| = %s, allowed %s)"):format(num(rtol), num(atol), bad, tonumber(a.a_.size), ffi.string(text), num(vx),
      num(vy), num(math.abs(vx - vy)), num(atol + rtol * math.abs(vy)))
  end

  return M
end)
