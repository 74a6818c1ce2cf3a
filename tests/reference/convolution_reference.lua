-- An independent plain-Lua computation of Convolution and Pooling outputs, written directly
-- from the definitions (reference-library section 6 and the project's decisions on its
-- quirks: one padding value per out-of-range element, max/min of a Convolution starting at
-- 0, mean over one filter's size), with none of annlua's code: nested tables in, a flat
-- row-major list out. Used by tests/convolution_spec.lua next to hand-computed values.
local M = {}

local function flatten(t, out)
  out = out or {}
  if type(t) == "number" then out[#out + 1] = t return out end
  for _, v in ipairs(t) do flatten(v, out) end
  return out
end
M.flatten = flatten

local function shape_of(t)
  local s = {}
  while type(t) == "table" do s[#s + 1] = #t; t = t[1] end
  return s
end
M.shape_of = shape_of

local function prod(s) local n = 1 for _, v in ipairs(s) do n = n * v end return n end

-- all index tuples (0-based) of a shape, row-major
local function tuples(s)
  local out = {{}}
  for d = 1, #s do
    local nxt = {}
    for _, p in ipairs(out) do
      for i = 0, s[d] - 1 do
        local c = {table.unpack(p)}
        c[#c + 1] = i
        nxt[#nxt + 1] = c
      end
    end
    out = nxt
  end
  return out
end

local function rank(g, c)
  local r = 0
  for d = 1, #g do r = r * g[d] + c[d] end
  return r
end

local function off(k) if k % 2 == 1 then return math.floor((k - 1) / 2) end return math.floor(k / 2) - 1 end

--- Convolution of `pre` (nested table, its shape is the geometry) with `w` (one filter, or a
-- bank when opts.bank) into a post population of geometry `post_g`. opts: keep_last,
-- padding (number or "border"), op ("sum", "mean", "max", "min"), centres (list of 0-based
-- centres per post neuron, the filter index excluded), psp(w, x) (default w * x).
function M.convolution(pre, w, post_g, opts)
  opts = opts or {}
  local pg, x = shape_of(pre), flatten(pre)
  local ws, wv = shape_of(w), flatten(w)
  local F = opts.bank and ws[1] or 1
  local K = {}
  for d = opts.bank and 2 or 1, #ws do K[#K + 1] = ws[d] end
  local ksize = prod(K)
  local psp = opts.psp or function(a, b) return a * b end
  local op = opts.op or "sum"
  local pad = opts.padding or 0.0
  local dp = #pg
  -- centres
  local centres = opts.centres
  if not centres then
    local sdq = opts.bank and #post_g - 1 or #post_g
    local lists = {}
    for d = 1, dp do
      local l = {}
      if d <= sdq then
        local s = math.floor(pg[d] / post_g[d])
        for i = 0, post_g[d] - 1 do l[#l + 1] = math.floor((s - 1) / 2) + s * i end
      elseif opts.keep_last then
        for i = 0, pg[d] - 1 do l[#l + 1] = i end
      else
        l[1] = off(K[d])
      end
      lists[d] = l
    end
    centres = {{}}
    for d = 1, dp do
      local nxt = {}
      for _, p in ipairs(centres) do
        for _, v in ipairs(lists[d]) do
          local c = {table.unpack(p)}
          c[#c + 1] = v
          nxt[#nxt + 1] = c
        end
      end
      centres = nxt
    end
  end
  local out = {}
  for _, C in ipairs(centres) do
    for f = 0, F - 1 do
      local s = 0.0
      for _, k in ipairs(tuples(K)) do
        local wk = wv[f * ksize + rank(K, k) + 1]
        local idx, inside = {}, true
        for d = 1, #K do
          local i = C[d] + k[d] - off(K[d])
          if i < 0 or i >= pg[d] then
            inside = false
            if pad == "border" then i = math.max(0, math.min(pg[d] - 1, i)) end
          end
          idx[d] = i
        end
        if #K < dp then idx[dp] = C[dp] end
        local v
        if inside or pad == "border" then v = psp(wk, x[rank(pg, idx) + 1])
        elseif op == "sum" or op == "mean" then v = psp(wk, pad) end
        if v then
          if op == "max" then s = math.max(s, v)
          elseif op == "min" then s = math.min(s, v)
          else s = s + v end
        end
      end
      if op == "mean" then s = s / ksize end
      out[#out + 1] = s
    end
  end
  return out
end

--- Pooling of `pre` into a post population of geometry `post_g` with extent `e` (one per pre
-- dimension) and op ("max", "min", "mean", "sum").
function M.pooling(pre, post_g, e, op)
  local pg, x = shape_of(pre), flatten(pre)
  local out = {}
  for _, c in ipairs(tuples(post_g)) do
    local s = op == "max" and -math.huge or op == "min" and math.huge or 0.0
    for _, k in ipairs(tuples(e)) do
      local idx, inside = {}, true
      for d = 1, #pg do
        idx[d] = (d <= #post_g and c[d] * e[d] or 0) + k[d]
        if idx[d] >= pg[d] then inside = false end
      end
      if inside then
        local v = x[rank(pg, idx) + 1]
        if op == "max" then s = math.max(s, v) elseif op == "min" then s = math.min(s, v) else s = s + v end
      end
    end
    if op == "mean" then s = s / prod(e) end
    out[#out + 1] = s
  end
  return out
end

return M
