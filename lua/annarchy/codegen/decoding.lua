--- The kernels of a DecodingProjection (annarchy.extensions.special_projections): spiking ->
-- rate decoding over a sliding window of W steps, a state the equation language cannot
-- express. The window lives in hidden semiglobal attributes named here: W slots of weighted
-- spike counts, their running sum and the current slot.
local M = {}

M.SLOT_PREFIX = "_window_"
M.RUN = "_window_sum"
M.POS = "_window_pos"
local SLOT_PREFIX, RUN, POS = M.SLOT_PREFIX, M.RUN, M.POS

local function ptr(ctype, where, index)
  return ("(%s *)%s->attr[%d]"):format(ctype, where, index)
end

--- The kernels of a DecodingProjection with a window of W steps (P its plan). The runtime
-- calls spike() with the spikes of the previous step, then psp(), in every step where the
-- projection transmits: spike() adds c = (weighted spike counts per dendrite) to the current slot and to
-- the running sum; psp() adds the rate to sum(target), moves to the next slot and removes
-- the oldest vector from the running sum (recomputed exactly from the slots once per cycle,
-- so rounding errors do not accumulate).
function M.kernels(P, W)
  local L, id = P.L, P.id
  local w = L.by_name.w
  local run, pos = L.by_name[RUN], L.by_name[POS]
  local slot0 = L.by_name[SLOT_PREFIX .. "1"].index
  local ft = run.ctype
  local we = w.locality == "local" and "e" or "0"
  local out = {}
  local function add(fmt, ...) out[#out + 1] = fmt:format(...) end
  add("/* DecodingProjection %q: window of %d steps */\n", P.proj._.name, W)
  -- psp() moves the window's position, shared by all dendrites: the runtime calls both
  -- kernels on one thread over every post neuron (annk_proj<id>_serial)
  add("const int32_t annk_proj%d_serial = 1;\n", id)
  add("void annk_proj%d_spike(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c, "
    .. "const int32_t *spk, int32_t nspk, int32_t _ib, int32_t _ie)\n{\n", id)
  add("    (void)pre; (void)post; (void)c; (void)_ib; (void)_ie;\n")
  add("    const %s *restrict w = (const %s *)pj->attr[%d];\n", w.ctype, w.ctype, w.index)
  add("    int32_t pos = ((const int32_t *)pj->attr[%d])[0];\n", pos.index)
  add("    if (pos < 0 || pos >= %d) pos = 0;\n", W)
  add("    %s *restrict slot = (%s *)pj->attr[%d + pos];\n", ft, ft, slot0)
  add("    %s *restrict run = %s;\n", ft, ptr(ft, "pj", run.index))
  add("    for (int32_t s = 0; s < nspk; s++) {\n")
  add("        const int32_t j = spk[s];\n")
  add("        for (int64_t e = pj->pre_row[j]; e < pj->pre_row[j + 1]; e++) {\n")
  add("            const int32_t d = pj->dend_of_rank[pj->syn_post[e]];\n")
  add("            slot[d] += (%s)w[%s];\n", ft, we)
  add("            run[d] += (%s)w[%s];\n", ft, we)
  add("        }\n    }\n}\n\n")
  add("void annk_proj%d_psp(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c, "
    .. "int32_t _ib, int32_t _ie)\n{\n", id)
  add("    (void)pre; (void)_ib; (void)_ie;\n")
  add("    %s *restrict run = %s;\n", ft, ptr(ft, "pj", run.index))
  add("    int32_t *restrict posp = (int32_t *)pj->attr[%d];\n", pos.index)
  local sums = {}
  for k, t in ipairs(P.targets) do
    local a = P.target_attr[t]
    add("    %s *restrict q%d = %s;\n", a.ctype, k, ptr(a.ctype, "post", a.index))
    sums[#sums + 1] = ("q%d[i] += (%s)v;"):format(k, a.ctype)
  end
  add("    const double scale = 1000.0 / (c->dt * %d.0);\n", W)
  add("    for (int32_t d = 0; d < pj->ndend; d++) {\n")
  add("        const int64_t n = pj->row[d + 1] - pj->row[d];\n")
  add("        if (n == 0) continue;\n")
  add("        const int32_t i = pj->post_rank[d];\n")
  add("        const double v = (double)run[d] * scale / (double)n;\n")
  add("        %s\n", table.concat(sums, " "))
  add("    }\n")
  add("    int32_t pos = posp[0] + 1;\n")
  add("    if (pos < 0 || pos >= %d) pos = 0;\n", W)
  add("    posp[0] = pos;\n")
  add("    %s *restrict old = (%s *)pj->attr[%d + pos];\n", ft, ft, slot0)
  add("    if (pos == 0) {\n")
  add("        for (int32_t d = 0; d < pj->ndend; d++) {\n")
  add("            double s = 0.0;\n")
  add("            for (int32_t m = 1; m < %d; m++) s += (double)((const %s *)pj->attr[%d + m])[d];\n",
    W, ft, slot0)
  add("            run[d] = (%s)s;\n", ft)
  add("            old[d] = 0;\n")
  add("        }\n")
  add("    } else {\n")
  add("        for (int32_t d = 0; d < pj->ndend; d++) { run[d] -= old[d]; old[d] = 0; }\n")
  add("    }\n}\n\n")
  return table.concat(out)
end

return M
