--- The kernels of shared-weight projections (annarchy.extensions: Convolution, Pooling, Copy,
-- Transpose): loops over a filter, a pooling region or another projection's synapses, instead
-- of the generated loops over the projection's own synapses (these projections have none).
--
-- Structure is in the source: the filter's shape, the pooling extent, the operation, the
-- padding mode, the number of dimensions. Values are data, in the projection's extension
-- buffers (pj->ext[k], written by the host through runtime.proj_set_ext) named here:
--
--   convolution  weights   the filters, transposed: element k (row-major) of filter f at
--                          k * F + f (F = 1 for a single filter)
--                centres   per post rank: the pre coordinates (0-based) of the centre, then
--                          the filter index for a bank
--                geometry  the pre geometry, then the padding value
--   pooling      centres   per post rank: the pre coordinates of the region's first corner
--                geometry  the pre geometry
--   transpose    rows      per post rank q: the range of its entries in the two lists below
--   (rate-coded) syn       storage index of the forward synapse of each entry
--                rank      the forward post rank of it
--
-- A Copy and a Transpose read the synapses of another projection through pj->link.
-- Every sum adds its terms in one fixed order (the filter's row-major order, the synapses'
-- storage order), so cc and tcc compute the same values.
local cgen = require("annarchy.codegen.cgen")

local M = {}

M.SLOTS = {weights = 0, centres = 1, geometry = 2, rows = 0, syn = 1, rank = 2}
local S = M.SLOTS

local BIG = "1.7976931348623157e308"   -- the largest finite double

-- Each of these projections has one kernel, called over a range [_ib, _ie) of post ranks.
-- A Convolution and a Pooling compute each post neuron from the pre population alone, so their
-- kernels split by range and run on every thread. A Copy and a Transpose walk another
-- projection's dendrites (a Transpose writes into its pre side): they run on one thread over
-- every post neuron (annk_proj<id>_serial = 1).
local function signature(id, name, extra, by_range)
  return ("const int32_t annk_proj%d_serial = %d;\n"
    .. "void annk_proj%d_%s(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c%s, "
    .. "int32_t _ib, int32_t _ie)\n{\n%s"):format(id, by_range and 0 or 1, id, name, extra or "",
    by_range and "" or "    (void)_ib; (void)_ie;\n")
end

-- Pointers to the pre attributes (pa<k>, or their delayed slot) and the post targets (q<k>).
local function declarations(P, add)
  for _, a in ipairs(P.pre_plan.L.attrs) do
    add("    const %s *restrict pa%d = (const %s *)pre->attr[%d]; (void)pa%d;\n", a.ctype, a.index, a.ctype,
      a.index, a.index)
  end
  if P.delay_kind == "uniform" then
    add("    const int32_t _hslot = pre->hist_len > 0 ? (pre->hist_pos + pj->uniform_delay - 1) %% pre->hist_len : 0;\n")
    add("    (void)_hslot;\n")
  end
  local targets = {}
  for k, t in ipairs(P.targets) do
    local a = P.target_attr[t]
    add("    %s *restrict q%d = (%s *)post->attr[%d];\n", a.ctype, k, a.ctype, a.index)
    targets[k] = a
  end
  add("    const double _t = c->t, _dt = c->dt; const double *_cst = c->cst; (void)_t; (void)_dt; (void)_cst;\n")
  return targets
end

local function add_to_targets(targets, add, indent, index)
  for k, a in ipairs(targets) do
    add("%sq%d[%s] += (%s)_s;\n", indent, k, index, a.ctype)
  end
end

--- The resolver of a psp: `w` is printed as `wname`, pre values as element `j` of the pre
-- attributes (through the delay slot `slot` when given), or all as `pad` when given.
local function resolver(P, who, wname, slot, pad)
  local pre = P.pre_plan.L
  return function(ref)
    local k = ref.kind
    if k == "attr" then
      if ref.name == "w" and wname then return wname end
      error(("annarchy: %s: the psp may use w and pre-synaptic variables only, not '%s'"):format(
        who, tostring(ref.name)), 0)
    elseif k == "pre" or k == "presum" then
      local a = k == "pre" and pre.by_name[ref.name] or pre.sums[ref.target]
      if not a then return "0.0" end
      if pad then return pad end
      local idx = a.is_local and "j" or "0"
      if slot and k == "pre" then
        return ("((const %s *)pre->hist[%d][%s])[%s]"):format(a.ctype, a.index, slot, idx)
      end
      return ("pa%d[%s]"):format(a.index, idx)
    elseif k == "const" then
      return ("_cst[%d]"):format(P.const_index[ref.name])
    elseif k == "t" then
      return "_t"
    elseif k == "dt" then
      return "_dt"
    elseif k == "func" then
      return nil
    end
    error(("annarchy: %s: the psp cannot use '%s' here"):format(who, tostring(k)), 0)
  end
end

local function psp_of(P, who, wname, slot, pad)
  return cgen.psp(P.A, {R = resolver(P, who, wname, slot, pad), dtype = P.dtype, masked = false})
end

local function delay_slot(P)
  return P.delay_kind == "uniform" and "_hslot" or nil
end

-- One term of a reduction into the accumulator `acc` (default _s).
local function reduce(op, psp, acc)
  acc = acc or "_s"
  if op == "max" then return ("{ const double _v = %s; if (_v > %s) %s = _v; }"):format(psp, acc, acc) end
  if op == "min" then return ("{ const double _v = %s; if (_v < %s) %s = _v; }"):format(psp, acc, acc) end
  return ("%s += %s;"):format(acc, psp)
end

local function product(list, from, to)
  local n = 1
  for d = from or 1, to or #list do n = n * list[d] end
  return n
end

-- Opens the loops _k<d> = 0 .. bounds[d + 1] - 1 for d = from .. to; returns the indent inside.
local function open_loops(add, ind, bounds, from, to)
  for d = from, to do
    add("%sfor (int32_t _k%d = 0; _k%d < %d; _k%d++) {\n", ind, d, d, bounds[d + 1], d)
    ind = ind .. "    "
  end
  return ind
end

-- Closes `count` loops opened at the indent `ind` is inside of.
local function close_loops(add, ind, count)
  for _ = 1, count do
    ind = ind:sub(5)
    add("%s}\n", ind)
  end
end

-- Pre geometry and row-major strides (_g<d>, _s<d>) from the geometry buffer.
local function geometry(add, dp)
  add("    const double *restrict _geo = pj->ext[%d];\n", S.geometry)
  for d = 0, dp - 1 do add("    const int64_t _g%d = (int64_t)_geo[%d];\n", d, d) end
  add("    const int64_t _st%d = 1;\n", dp - 1)
  for d = dp - 2, 0, -1 do add("    const int64_t _st%d = _st%d * _g%d;\n", d, d + 1, d + 1) end
  for d = 0, dp - 1 do add("    (void)_g%d; (void)_st%d;\n", d, d) end
end

--- A Convolution (declaration D: dp, kshape, bank, keep_last, padding = "value" | "border",
-- operation). Post neuron i with centre C and filter f receives OP over the filter indices
-- k of psp(w[f][k], pre[C + k - offset]); offset(K) = K//2 (odd K) or K/2 - 1 (even K).
-- Out-of-range elements: the padding value (sum, mean), the nearest border element
-- ("border"), skipped (max, min). The accumulator starts at 0 for every operation.
--
-- The F filters of a bank share each centre (post ranks i0 .. i0 + F - 1), so the kernel
-- visits each centre once and keeps F sums: the filters are stored transposed (element k of
-- filter f at k * F + f), and the loop over f, innermost, reads consecutive weights and
-- vectorises, while each sum still adds its terms in the filter's row-major order. A single
-- filter is a bank of one.
function M.convolution(P, D)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  local who = ("Convolution %q"):format(P.proj._.name)
  local K, n, dp, op = D.kshape, #D.kshape, D.dp, D.operation
  local F = D.bank or 1
  local ksize = product(K)
  local stride = dp + (D.bank and 1 or 0)
  local slot = delay_slot(P)
  local psp = psp_of(P, who, "_wk[f]", slot)
  local psp_pad = psp_of(P, who, "_wk[f]", slot, "_pad")
  local last = D.keep_last and ("_st%d"):format(n - 1) or "1"
  local function lanes(ind, body)
    add("%sfor (int32_t f = 0; f < %d; f++) %s\n", ind, F, body)
  end
  add("/* Convolution %q: filter %s%s, %s, %s */\n", P.proj._.name, table.concat(K, "x"),
    D.bank and (" x " .. F .. " filters") or "", op, D.padding)
  add(signature(P.id, "psp", nil, true))
  add("    const double *restrict _w = pj->ext[%d];\n", S.weights)
  add("    const double *restrict _cen = pj->ext[%d];\n", S.centres)
  geometry(add, dp)
  add("    const double _pad = _geo[%d]; (void)_pad;\n", dp)
  local targets = declarations(P, add)
  -- the groups of F filters that meet the range; a group cut by the range's ends is computed
  -- whole and written only within the range (a range writes only its own post neurons)
  add("    for (int32_t i0 = _ib / %d * %d; i0 < _ie && i0 + %d <= post->size; i0 += %d) {\n",
    F, F, F, F)
  add("        const double *restrict _ci = _cen + (int64_t)i0 * %d;\n", stride)
  for d = 0, n - 1 do
    local k = K[d + 1]
    local off = k % 2 == 1 and (k - 1) / 2 or k / 2 - 1
    add("        const int64_t _o%d = (int64_t)_ci[%d] - %d;\n", d, d, off)
  end
  add("        const int64_t _xl = %s;\n", D.keep_last and ("(int64_t)_ci[%d]"):format(dp - 1) or "0")
  add("        double _s[%d];\n", F)
  lanes("        ", "_s[f] = 0.0;")
  -- interior: every element of the filter is inside the pre population
  local inside = {}
  for d = 0, n - 1 do inside[#inside + 1] = ("_o%d >= 0 && _o%d + %d <= _g%d"):format(d, d, K[d + 1], d) end
  add("        if (%s) {\n", table.concat(inside, " && "))
  local ind = open_loops(add, "            ", K, 0, n - 2)
  local base, wrow = {"_xl"}, "0"
  for d = 0, n - 2 do
    base[#base + 1] = ("(_o%d + _k%d) * _st%d"):format(d, d, d)
    wrow = ("(%s) * %d + _k%d"):format(wrow, K[d + 1], d)
  end
  base[#base + 1] = ("_o%d * _st%d"):format(n - 1, n - 1)
  add("%sconst int64_t _b = %s;\n", ind, table.concat(base, " + "))
  add("%sconst double *restrict _wr = _w + (int64_t)((%s) * %d) * %d;\n", ind, wrow, K[n], F)
  add("%sfor (int32_t _k = 0; _k < %d; _k++) {\n", ind, K[n])
  add("%s    const int64_t j = _b + (int64_t)_k * %s; const double *restrict _wk = _wr + _k * %d;\n", ind, last, F)
  lanes(ind .. "    ", reduce(op, psp, "_s[f]"))
  add("%s}\n", ind)
  close_loops(add, ind, n - 1)
  add("        } else {\n")
  -- border: each index checked
  ind = "            "
  local widx, inn, jx = "0", {}, {"_xl"}
  for d = 0, n - 1 do
    ind = open_loops(add, ind, K, d, d)
    add("%sconst int64_t _r%d = _o%d + _k%d; const int _in%d = _r%d >= 0 && _r%d < _g%d;\n", ind, d, d, d, d,
      d, d, d)
    add("%sconst int64_t _x%d = _r%d < 0 ? 0 : (_r%d >= _g%d ? _g%d - 1 : _r%d); (void)_x%d; (void)_in%d;\n", ind,
      d, d, d, d, d, d, d, d)
    widx = d == 0 and "_k0" or ("(%s) * %d + _k%d"):format(widx, K[d + 1], d)
    inn[#inn + 1] = "_in" .. d
    jx[#jx + 1] = ("_x%d * _st%d"):format(d, d)
  end
  add("%sconst double *restrict _wk = _w + (int64_t)(%s) * %d; const int _in = %s; const int64_t j = %s;\n", ind,
    widx, F, table.concat(inn, " && "), table.concat(jx, " + "))
  add("%s(void)j;\n", ind)
  if op == "max" or op == "min" then
    add("%sif (_in) {\n", ind)
    lanes(ind .. "    ", reduce(op, psp, "_s[f]"))
    add("%s}\n", ind)
  elseif D.padding == "border" then
    lanes(ind, reduce(op, psp, "_s[f]"))
  else
    add("%sif (_in) {\n", ind)
    lanes(ind .. "    ", reduce(op, psp, "_s[f]"))
    add("%s} else {\n", ind)
    lanes(ind .. "    ", reduce(op, psp_pad, "_s[f]"))
    add("%s}\n", ind)
  end
  close_loops(add, ind, n)
  add("        }\n")
  add("        for (int32_t f = 0; f < %d; f++) {\n", F)
  add("            const int32_t i = i0 + f;\n")
  add("            if (i < _ib || i >= _ie) continue;\n")
  add("            double _out = _s[f];\n")
  if op == "mean" then add("            _out = _out / %d.0;\n", ksize) end
  for k, a in ipairs(targets) do add("            q%d[i] += (%s)_out;\n", k, a.ctype) end
  add("        }\n")
  add("    }\n}\n\n")
  return table.concat(out)
end

--- A Pooling (declaration D: dp, extent, operation): post neuron i reduces psp over the
-- region of `extent` elements per pre dimension from its corner (out-of-range elements are
-- skipped). max starts from the lowest finite double, min from the largest, sum and mean
-- from 0; mean divides by the product of the extents.
function M.pooling(P, D)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  local who = ("Pooling %q"):format(P.proj._.name)
  local E, dp, op = D.extent, D.dp, D.operation
  local psp = psp_of(P, who, nil, delay_slot(P))
  add("/* Pooling %q: extent %s, %s */\n", P.proj._.name, table.concat(E, "x"), op)
  add(signature(P.id, "psp", nil, true))
  add("    const double *restrict _cen = pj->ext[%d];\n", S.centres)
  geometry(add, dp)
  local targets = declarations(P, add)
  local init = op == "max" and "-" .. BIG or op == "min" and BIG or "0.0"
  add("    for (int32_t i = _ib; i < _ie; i++) {\n")
  add("        const double *restrict _ci = _cen + (int64_t)i * %d;\n", dp)
  for d = 0, dp - 1 do add("        const int64_t _o%d = (int64_t)_ci[%d];\n", d, d) end
  add("        double _s = %s;\n", init)
  local inside = {}
  for d = 0, dp - 1 do inside[#inside + 1] = ("_o%d + %d <= _g%d"):format(d, E[d + 1], d) end
  -- interior: the region is inside the pre population
  add("        if (%s) {\n", table.concat(inside, " && "))
  local ind = open_loops(add, "            ", E, 0, dp - 2)
  local base = {}
  for d = 0, dp - 2 do base[#base + 1] = ("(_o%d + _k%d) * _st%d"):format(d, d, d) end
  base[#base + 1] = ("_o%d"):format(dp - 1)
  add("%sconst int64_t _b = %s;\n", ind, table.concat(base, " + "))
  add("%sfor (int32_t _k = 0; _k < %d; _k++) {\n", ind, E[dp])
  add("%s    const int64_t j = _b + _k;\n", ind)
  add("%s    %s\n", ind, reduce(op, psp))
  add("%s}\n", ind)
  close_loops(add, ind, dp - 1)
  add("        } else {\n")
  ind = "            "
  local jx = {}
  for d = 0, dp - 1 do
    add("%sfor (int64_t _x%d = _o%d; _x%d < _o%d + %d && _x%d < _g%d; _x%d++) {\n", ind, d, d, d, d, E[d + 1], d, d, d)
    ind = ind .. "    "
    jx[#jx + 1] = ("_x%d * _st%d"):format(d, d)
  end
  add("%sconst int64_t j = %s;\n", ind, table.concat(jx, " + "))
  add("%s%s\n", ind, reduce(op, psp))
  close_loops(add, ind, dp)
  add("        }\n")
  if op == "mean" then add("        _s = _s / %d.0;\n", product(E)) end
  add_to_targets(targets, add, "        ", "i")
  add("    }\n}\n\n")
  return table.concat(out)
end

--- A Copy (declaration D: operation, w = {index, ctype, locality} of the original's weight,
-- delays = "none" | "uniform" | "variable" of the original): every dendrite of the original
-- (pj->link), with its weights and this projection's pre values, reduced in storage order.
function M.copy(P, D)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  local who = ("Copy %q"):format(P.proj._.name)
  local slot = D.delays == "variable" and "((pre->hist_pos + annk_delay(L, e) - 1) % pre->hist_len)" or delay_slot(P)
  local wv = ("_lw[%s]"):format(D.w.locality == "local" and "e" or "0")
  local psp = psp_of(P, who, wv, slot)
  local op = D.operation
  add("/* Copy %q: %s */\n", P.proj._.name, op)
  add(signature(P.id, "psp"))
  add("    const annk_proj *restrict L = pj->link;\n")
  add("    if (!L) return;\n")
  add("    const %s *restrict _lw = (const %s *)L->attr[%d];\n", D.w.ctype, D.w.ctype, D.w.index)
  local targets = declarations(P, add)
  add("    for (int32_t d = 0; d < L->ndend; d++) {\n")
  add("        const int32_t i = L->post_rank[d];\n")
  add("        const int64_t e0 = L->row[d], e1 = L->row[d + 1];\n")
  add("        if (e1 == e0) continue;\n")
  if op == "max" or op == "min" then
    add("        double _s;\n")
    add("        { const int64_t e = e0; const int32_t j = L->pre_rank[e]; (void)j; _s = %s; }\n", psp)
    add("        for (int64_t e = e0 + 1; e < e1; e++) {\n")
  else
    add("        double _s = 0.0;\n")
    add("        for (int64_t e = e0; e < e1; e++) {\n")
  end
  add("            const int32_t j = L->pre_rank[e]; (void)j;\n")
  add("            %s\n", reduce(op, psp))
  add("        }\n")
  if op == "mean" then add("        _s = _s / (double)(e1 - e0);\n") end
  add_to_targets(targets, add, "        ", "i")
  add("    }\n}\n\n")
  return table.concat(out)
end

--- A Transpose (declaration D: w of the forward projection, spiking = bool). Rate-coded:
-- sum(target)[q] += sum over the forward synapses from q of w * r of their post neuron, in
-- the order of the forward storage (the host's index in the buffers rows, syn, rank).
-- Spiking: each spike of a forward post neuron adds the weight of each synapse of its
-- forward dendrite to g_target of the synapse's pre neuron (the forward projection's
-- post-major view, pj->link->row and pre_rank, with post_syn mapping it to the storage).
function M.transpose(P, D)
  local out = {}
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  add("/* Transpose %q */\n", P.proj._.name)
  if D.spiking then
    add(signature(P.id, "spike", ", const int32_t *spk, int32_t nspk"))
  else
    add(signature(P.id, "psp"))
  end
  add("    const annk_proj *restrict L = pj->link;\n")
  add("    if (!L) return;\n")
  add("    const %s *restrict _lw = (const %s *)L->attr[%d];\n", D.w.ctype, D.w.ctype, D.w.index)
  local targets = declarations(P, add)
  if D.spiking then
    local we = D.w.locality == "local" and "(L->post_syn ? L->post_syn[m] : m)" or "0"
    add("    if (!L->row) return;   /* no synapse yet: the view is built with the first one */\n")
    add("    for (int32_t s = 0; s < nspk; s++) {\n")
    add("        const int32_t d = L->dend_of_rank[spk[s]];\n")
    add("        if (d < 0) continue;\n")
    add("        for (int64_t m = L->row[d]; m < L->row[d + 1]; m++) {\n")
    add("            const int32_t q = L->pre_rank[m]; const double _s = (double)_lw[%s];\n", we)
    add_to_targets(targets, add, "            ", "q")
    add("        }\n    }\n}\n\n")
    return table.concat(out)
  end
  local we = D.w.locality == "local" and "(int64_t)_syn[m]" or "0"
  add("    const double *restrict _row = pj->ext[%d], *restrict _syn = pj->ext[%d], *restrict _rank = pj->ext[%d];\n",
    S.rows, S.syn, S.rank)
  local r = P.pre_plan.L.by_name.r
  add("    for (int32_t q = 0; q < post->size; q++) {\n")
  add("        double _s = 0.0;\n")
  add("        for (int64_t m = (int64_t)_row[q]; m < (int64_t)_row[q + 1]; m++) {\n")
  add("            _s += (double)_lw[%s] * (double)pa%d[(int32_t)_rank[m]];\n", we, r.index)
  add("        }\n")
  add_to_targets(targets, add, "        ", "q")
  add("    }\n}\n\n")
  return table.concat(out)
end

return M
