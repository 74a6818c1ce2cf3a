--- The kernel assembler of projections: the C functions of one projection, from its plan
-- (projection_build.plan). The runtime (src/projection.c) calls, per projection k:
--
--   annk_proj<k>_psp(pj, pre, post, c, ib, ie)   rate-coded / continuous psp into the post sums
--   annk_proj<k>_spike(pj, pre, post, c, spk, n, ib, ie)      pre events of the listed spikes
--   annk_proj<k>_axon(pj, pre, post, c, spk, n, ib, ie)       pre_axon_spike events of the
--                                                            listed axonal spikes
--   annk_proj<k>_spike_seg(pj, pre, post, c, seg, n, ib, ie)  pre events of the listed
--                                         segments of pre rows (per-synapse delays, annk_seg)
--   annk_proj<k>_update_global(pj, pre, post, c)  global synaptic equations, if any
--   annk_proj<k>_update(pj, pre, post, c, ib, ie) semiglobal and local synaptic equations
--   annk_proj<k>_post(pj, pre, post, c, ib, ie)   post events of post->spiked
--   annk_proj<k>_serial                       (a constant) bit 1: the transmission kernels,
--                                             bit 2: the update and post kernels must run on
--                                             one thread over every post neuron
--   annk_proj<k>_creating(pj, pre, post, c, d, mark)   marks pre ranks to connect to dendrite d
--   annk_proj<k>_pruning(pj, pre, post, c, mark)       marks synapses (storage order) to remove
--
-- The ranged kernels touch only the synapses whose post rank i is in [ib, ie) (printed _ib,
-- _ie), so that threads given disjoint blocks of post neurons never write the same element.
-- Loop variables every reference is printed with: `e` the storage index of a synapse, `d` its
-- dendrite, `i` its post rank, `j` its pre rank. Values never appear in the source: delays,
-- periods and flags are read from the annk_proj structure.
local cgen = require("annarchy.codegen.cgen")
local kernels = require("annarchy.codegen.population")
local decoding = require("annarchy.codegen.decoding")
local shared = require("annarchy.codegen.shared_weights")

local M = {}

-- The kernels of special projections, by the kind their declaration (proj._.special.kernel)
-- names: function(P, declaration) -> C text.
local SPECIAL_KERNELS = {
  decoding = function(P, k) return decoding.kernels(P, k.window_steps) end,
  convolution = shared.convolution,
  pooling = shared.pooling,
  copy = shared.copy,
  transpose = shared.transpose,
}


local LOC_VAR = {["local"] = "e", semiglobal = "d", global = "0"}

--- The resolver of one kernel. `where` is "psp", "event" (pre/post spike), "update" or
-- "structural"; delayed pre values are read in psp and update of rate-coded projections.
local function resolver(P, where)
  local L, pre, post = P.L, P.pre_plan.L, P.post_plan.L
  local delayed = P.delay_kind ~= "none" and P.rate_delays and (where == "psp" or where == "update")
  return function(ref)
    local k = ref.kind
    if k == "attr" then
      local a = L.by_name[ref.name]
      assert(a, "no synaptic attribute " .. tostring(ref.name))
      return ("sa%d[%s]"):format(a.index, LOC_VAR[a.locality])
    elseif k == "pre" or k == "presum" then
      if k == "presum" and where == "psp" then P.reads_presum = true end
      local a = k == "pre" and pre.by_name[ref.name] or pre.sums[ref.target]
      if not a then return "0.0" end
      local idx = a.is_local and "j" or "0"
      -- processes exchange at every step the pre attributes the kernels read
      if a.is_local then P.pre_read[a.index] = true end
      if delayed and k == "pre" then
        local slot = P.delay_kind == "uniform" and "_hslot" or
          "((pre->hist_pos + annk_delay(pj, e) - 1) % pre->hist_len)"
        return ("((%s *)pre->hist[%d][%s])[%s]"):format(a.ctype, a.index, slot, idx)
      end
      return ("pa%d[%s]"):format(a.index, idx)
    elseif k == "post" or k == "postsum" then
      local a = k == "post" and post.by_name[ref.name] or post.sums[ref.target]
      if not a then return "0.0" end
      return ("qa%d[%s]"):format(a.index, a.is_local and "i" or "0")
    elseif k == "g_target" then
      local a = P.target_attr[ref.target or P.targets[1]]
      return ("qa%d[i]"):format(a.index)
    elseif k == "gop" then
      local g = P.gop_index[ref.name]
      return ("%s->gop[%d]"):format(g.side, g.index)
    elseif k == "rand" then
      return "_" .. ref.name
    elseif k == "const" then
      return ("_cst[%d]"):format(P.const_index[ref.name])
    elseif k == "t" then
      return "_t"
    elseif k == "dt" then
      if ref.raw then return "c->dt" end
      -- in the type of the attributes: float32 equations compute in float
      return ("((%s)_dt)"):format(cgen.ctype(P.dtype))
    elseif k == "t_pre" then
      return "((double)pre->last_spike[j] * c->dt)"
    elseif k == "t_post" then
      return "((double)post->last_spike[i] * c->dt)"
    elseif k == "func" then
      return nil
    end
    error("annarchy: internal error: a synapse kernel cannot resolve '" .. tostring(k) .. "'")
  end
end

--- Which references are the same for every synapse of one kernel's loops (cgen.invariant):
-- the projection's global attributes that no event statement assigns (global equations run
-- before the hoisted reciprocals are computed), constants, t, dt, global operations.
local function invariant(P)
  local A = P.A
  local assigned = {}
  local ps = A.pre_spike or {}
  for _, list in ipairs({ps.gtarget or {}, ps.other or {}, A.post_spike or {}, A.pre_axon_spike or {}}) do
    for _, ev in ipairs(list) do
      if ev.attribute then assigned[ev.attribute.name] = true end
    end
  end
  return function(ref)
    local k = ref.kind
    if k == "attr" then
      local a = P.L.by_name[ref.name]
      return a ~= nil and a.locality == "global" and not assigned[ref.name]
    end
    return k == "const" or k == "t" or k == "dt" or k == "gop"
  end
end

local function decls(P)
  local out = {}
  for _, a in ipairs(P.L.attrs) do
    out[#out + 1] = ("    %s *restrict sa%d = (%s *)pj->attr[%d];"):format(a.ctype, a.index, a.ctype, a.index)
  end
  for _, a in ipairs(P.pre_plan.L.attrs) do
    out[#out + 1] = ("    %s *restrict pa%d = (%s *)pre->attr[%d];"):format(a.ctype, a.index, a.ctype, a.index)
  end
  if P.post_plan ~= P.pre_plan then
    for _, a in ipairs(P.post_plan.L.attrs) do
      out[#out + 1] = ("    %s *restrict qa%d = (%s *)post->attr[%d];"):format(a.ctype, a.index, a.ctype, a.index)
    end
  else
    for _, a in ipairs(P.post_plan.L.attrs) do
      out[#out + 1] = ("    %s *qa%d = (%s *)post->attr[%d];"):format(a.ctype, a.index, a.ctype, a.index)
    end
  end
  out[#out + 1] = "    const double _t = c->t; double _dt = c->dt;"
  out[#out + 1] = "    const double *_cst = c->cst; (void)_cst;"
  out[#out + 1] = "    (void)_t; (void)_dt; (void)pre; (void)post; (void)pj;"
  local uses = {}
  for _, a in ipairs(P.L.attrs) do uses[#uses + 1] = ("(void)sa%d;"):format(a.index) end
  for _, a in ipairs(P.pre_plan.L.attrs) do uses[#uses + 1] = ("(void)pa%d;"):format(a.index) end
  for _, a in ipairs(P.post_plan.L.attrs) do uses[#uses + 1] = ("(void)qa%d;"):format(a.index) end
  out[#out + 1] = "    " .. table.concat(uses, " ")
  if P.delay_kind == "uniform" and P.rate_delays then
    out[#out + 1] = "    const int32_t _hslot = pre->hist_len > 0 ? (pre->hist_pos + pj->uniform_delay - 1) % pre->hist_len : 0;"
    out[#out + 1] = "    (void)_hslot;"
  end
  return table.concat(out, "\n") .. "\n"
end

local indent = kernels.indent

local function rand_decls(P, locality, elem, opts, where)
  local out = {}
  for k, rv in ipairs(P.A.randoms or {}) do
    if rv.locality == locality and (rv.where or "equations") == where then
      local stream = where == "equations" and "pj->stream" or "(pj->stream + 0x20000000u)"
      out[#out + 1] = kernels.rand_draw(rv, k, opts, stream, elem)
    end
  end
  return table.concat(out, "\n") .. (#out > 0 and "\n" or "")
end

local RANGE = ", int32_t _ib, int32_t _ie"

local function signature(id, name, extra)
  return ("void annk_proj%d_%s(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c%s)\n{\n"):format(
    id, name, extra or "")
end

-- The loop over the dendrites of post ranks [_ib, _ie), with d and i defined.
local DEND_LOOP = "    int32_t _d0, _d1; annk_dend_range(pj, _ib, _ie, &_d0, &_d1);\n"
  .. "    for (int32_t d = _d0; d < _d1; d++) {\n"
  .. "        const int32_t i = pj->post_rank[d]; (void)i;\n"
  .. "        if (i < _ib || i >= _ie) continue;\n"

-- The loop over every synapse in storage order, with e, d, i, j defined; `ranged`: only
-- those whose post rank is in [_ib, _ie).
local function synapse_loop(P, body, ranged)
  local out = {}
  if P.pre_major then
    out[#out + 1] = "    for (int32_t j = 0; j < pj->npre; j++) {\n"
    if ranged then
      out[#out + 1] = "        int64_t _e0, _e1; annk_row_range(pj, j, _ib, _ie, &_e0, &_e1);\n"
      out[#out + 1] = "        for (int64_t e = _e0; e < _e1; e++) {\n"
      out[#out + 1] = "            const int32_t i = pj->syn_post[e]; if (i < _ib || i >= _ie) continue;\n"
    else
      out[#out + 1] = "        for (int64_t e = pj->pre_row[j]; e < pj->pre_row[j + 1]; e++) {\n"
      out[#out + 1] = "            const int32_t i = pj->syn_post[e];\n"
    end
    out[#out + 1] = "            const int32_t d = pj->dend_of_rank[i];\n"
    out[#out + 1] = "            (void)i; (void)d;\n"
    out[#out + 1] = indent(body, "            ")
    out[#out + 1] = "        }\n    }\n"
  else
    if ranged then
      out[#out + 1] = DEND_LOOP
    else
      out[#out + 1] = "    for (int32_t d = 0; d < pj->ndend; d++) {\n"
      out[#out + 1] = "        const int32_t i = pj->post_rank[d]; (void)i;\n"
    end
    out[#out + 1] = "        for (int64_t e = pj->row[d]; e < pj->row[d + 1]; e++) {\n"
    out[#out + 1] = "            const int32_t j = pj->pre_rank[e]; (void)j;\n"
    out[#out + 1] = indent(body, "            ")
    out[#out + 1] = "        }\n    }\n"
  end
  return table.concat(out)
end

-- The weighted sum of one dendrite (post-major synapses e0 .. e1 - 1) into `_s`, with eight
-- accumulators: synapse e adds to _s<(e - e0) mod 8>, each in increasing e, and
-- _s = ((_s0 + _s1) + (_s2 + _s3)) + ((_s4 + _s5) + (_s6 + _s7)). Blocks of eight synapses
-- whose pre ranks are consecutive (all-to-all rows) are summed by a loop reading pre values
-- at consecutive addresses, which gcc vectorises (one vector lane per accumulator, so no
-- reordering); other blocks read the pre rank of each synapse. Both give the same sums in the
-- same order, so the result depends on neither the path nor the compiler.
local function psp_sum_loop(psp)
  local out = {}
  local function add(s) out[#out + 1] = s end
  add("    const int32_t *restrict _pr = pj->pre_rank;\n")
  add(DEND_LOOP)
  add("        const int64_t e0 = pj->row[d], e1 = pj->row[d + 1];\n")
  add("        if (e1 == e0) continue;\n")
  add("        double _s0 = 0.0, _s1 = 0.0, _s2 = 0.0, _s3 = 0.0, _s4 = 0.0, _s5 = 0.0, _s6 = 0.0, _s7 = 0.0;\n")
  add("        int64_t _e = e0;\n")
  add("        while (_e + 8 <= e1) {\n")
  add("            const int64_t _j = _pr[_e];\n")
  add("            int64_t _n = 8;\n")
  add("            if (_pr[_e + 7] - _j == 7) {\n")
  -- the run's length in whole blocks, found by bisection so that the dense path reads a few
  -- pre ranks per run, not one per block (a row of 10^3 synapses: 4 KB less to read)
  add("                int64_t _lo = 1, _hi = (e1 - _e) / 8;\n")
  add("                if (_pr[_e + 8 * _hi - 1] - _j == 8 * _hi - 1) _lo = _hi;\n")
  add("                while (_hi - _lo > 1) {\n")
  add("                    const int64_t _m = (_lo + _hi) / 2;\n")
  add("                    if (_pr[_e + 8 * _m - 1] - _j == 8 * _m - 1) _lo = _m; else _hi = _m;\n")
  add("                }\n")
  add("                _n = 8 * _lo;\n")
  add("                for (int64_t _k = 0; _k < _n; _k += 8) {\n")
  for k = 0, 7 do
    add(("                    { const int64_t e = _e + _k + %d, j = _j + _k + %d; (void)e; (void)j; _s%d += %s; }\n")
      :format(k, k, k, psp))
  end
  add("                }\n")
  add("            } else {\n")
  for k = 0, 7 do
    add(("                { const int64_t e = _e + %d; const int32_t j = _pr[e]; (void)e; (void)j; _s%d += %s; }\n")
      :format(k, k, psp))
  end
  add("            }\n")
  add("            _e += _n;\n")
  add("        }\n")
  for k = 0, 6 do
    add(("        if (_e + %d < e1) { const int64_t e = _e + %d; const int32_t j = _pr[e]; (void)e; (void)j; _s%d += %s; }\n")
      :format(k, k, k, psp))
  end
  add("        double _s = ((_s0 + _s1) + (_s2 + _s3)) + ((_s4 + _s5) + (_s6 + _s7));\n")
  return table.concat(out)
end

local function psp_kernel(P, id, opts)
  local A = P.A
  local psp = cgen.psp(A, opts)
  if not psp then return "" end
  local out = {signature(id, "psp", RANGE), decls(P), cgen.hoisted(opts.hoist, "    ")}
  local targets = {}
  for _, t in ipairs(P.targets) do targets[#targets + 1] = P.target_attr[t] end
  if P.pre_major then
    -- continuous transmission of a spiking projection with events: scatter (sum only)
    local adds = {}
    for _, a in ipairs(targets) do adds[#adds + 1] = ("qa%d[i] += _v;"):format(a.index) end
    out[#out + 1] = synapse_loop(P, ("const double _v = %s;\n%s\n"):format(psp, table.concat(adds, " ")), true)
  elseif (A.operation or "sum") == "sum" or A.operation == "mean" then
    out[#out + 1] = psp_sum_loop(psp)
    if A.operation == "mean" then out[#out + 1] = "        _s /= (double)(e1 - e0);\n" end
    for _, a in ipairs(targets) do
      out[#out + 1] = ("        qa%d[i] += (%s)_s;\n"):format(a.index, a.ctype)
    end
    out[#out + 1] = "    }\n"
  else
    local op = A.operation
    local init = op == "max" and "-INFINITY" or op == "min" and "INFINITY" or "0.0"
    out[#out + 1] = DEND_LOOP
    out[#out + 1] = "        const int64_t e0 = pj->row[d], e1 = pj->row[d + 1];\n"
    out[#out + 1] = "        if (e1 == e0) continue;\n"
    out[#out + 1] = ("        double _s = %s;\n"):format(init)
    out[#out + 1] = "        for (int64_t e = e0; e < e1; e++) {\n"
    out[#out + 1] = "            const int32_t j = pj->pre_rank[e]; (void)j;\n"
    out[#out + 1] = ("            const double _v = %s;\n"):format(psp)
    if op == "max" then out[#out + 1] = "            if (_v > _s) _s = _v;\n"
    elseif op == "min" then out[#out + 1] = "            if (_v < _s) _s = _v;\n"
    else out[#out + 1] = "            _s += _v;\n" end
    out[#out + 1] = "        }\n"
    if op == "mean" then out[#out + 1] = "        _s /= (double)(e1 - e0);\n" end
    for _, a in ipairs(targets) do
      out[#out + 1] = ("        qa%d[i] += (%s)_s;\n"):format(a.index, a.ctype)
    end
    out[#out + 1] = "    }\n"
  end
  out[#out + 1] = "}\n\n"
  return table.concat(out)
end

-- One pre-synaptic event of synapse e (pre j, post i, dendrite d): its statements are
-- statements(A, opts), cgen.pre_spike or cgen.pre_axon_spike.
local function event_body(P, opts, statements)
  local A = P.A
  local out = {}
  local ed = cgen.event_driven(A, opts, "(c->step - 1)")
  if ed ~= "" then out[#out + 1] = ed end
  local ps = statements(A, opts)
  out[#out + 1] = ps.gtarget
  if ps.other and ps.other:find("%S") then
    local ok = P.both_spiking and "pre->last_spike[j] != post->last_spike[i]" or "1"
    out[#out + 1] = "{\nconst int _unless_post_ok = " .. ok .. "; (void)_unless_post_ok;\n" ..
      ps.other .. "}\n"
  end
  return table.concat(out)
end

-- The delivery kernels walk a list of rows (spikes) or segments of rows (spikes in flight);
-- the next ones lie far apart in a large projection. How many places ahead in the list they
-- fetch a row's bounds (rows only), the synapses' storage, and the post-synaptic values of
-- POST_SYNAPSES synapses (the storage must have arrived to read their post ranks).
local BOUNDS_AHEAD = 8
local STORAGE_AHEAD = 4
local POST_VALUES_AHEAD = 2
local POST_SYNAPSES = 8

-- C statements fetching early the post-synaptic values that event text reads at post rank i
-- (attributes qa<k>[i], the last spike), for the post rank in C variable `rank`.
local function post_prefetches(text, rank)
  local out, seen = {}, {}
  for k in text:gmatch("qa(%d+)%[i%]") do
    if not seen[k] then
      seen[k] = true
      out[#out + 1] = ("ANNK_PREFETCH(qa%s + %s);"):format(k, rank)
    end
  end
  if text:find("post->last_spike[i]", 1, true) then
    out[#out + 1] = ("ANNK_PREFETCH(post->last_spike + %s);"):format(rank)
  end
  return table.concat(out, " ")
end

-- The end of a delivery kernel: the synapses [_e0, _e1) that the C statement `range` picks,
-- those of post ranks in [_ib, _ie) with i and d defined, each running the event body.
local function event_loop(range, body)
  return "        " .. range .. "\n"
    .. "        for (int64_t e = _e0; e < _e1; e++) {\n"
    .. "            const int32_t i = pj->syn_post[e]; if (i < _ib || i >= _ie) continue;\n"
    .. "            const int32_t d = pj->dend_of_rank[i];\n"
    .. "            (void)i; (void)d;\n"
    .. indent(body, "            ")
    .. "        }\n    }\n}\n\n"
end

-- A C expression: where the thread's part [_ib, _ie) of the synapses [_r0, _r1) of a row or a
-- segment (ascending post ranks) starts, were their post ranks spread evenly.
local PART_START = "(_ib > 0 ? _r0 + (int64_t)((double)(_r1 - _r0) * _ib / pj->npost) : _r0)"

-- C statements that fetch early, when `cond` holds, the synapses [_r0, _r1) that `decl`
-- declares, where the thread's part of them should start: their storage, or (post_fetch, the
-- statements of post_prefetches) the post-synaptic values of the first POST_SYNAPSES of them,
-- only those of the thread's neurons (fetching another thread's would pull its cache lines).
local function storage_prefetch(P, cond, decl)
  local out = {("        if (%s) { %s const int64_t _p = %s;"):format(cond, decl, PART_START),
               " ANNK_PREFETCH(pj->syn_post + _p);"}
  for _, a in ipairs(P.L.attrs) do
    if a.locality == "local" then out[#out + 1] = (" ANNK_PREFETCH(sa%d + _p);"):format(a.index) end
  end
  out[#out + 1] = " }\n"
  return table.concat(out)
end

local function post_value_prefetch(post_fetch, cond, decl)
  if post_fetch == "" then return "" end
  return ("        if (%s) {\n            %s\n"):format(cond, decl)
    .. ("            const int64_t _q0 = %s;\n"):format(PART_START)
    .. ("            const int64_t _q1 = _r1 < _q0 + %d ? _r1 : _q0 + %d;\n"):format(POST_SYNAPSES, POST_SYNAPSES)
    .. "            for (int64_t _q = _q0; _q < _q1; _q++) { const int32_t _pi = pj->syn_post[_q];"
    .. " if (_pi >= _ib && _pi < _ie) { " .. post_fetch .. " } }\n        }\n"
end

-- The prefetches of a kernel over the listed spikes spk[0 .. nspk-1] (loop variable s).
local function row_prefetches(P, body)
  local function row(k)
    return ("const int32_t _pj = spk[s + %d]; const int64_t _r0 = pj->pre_row[_pj], _r1 = pj->pre_row[_pj + 1];")
      :format(k)
  end
  return ("        if (s + %d < nspk) ANNK_PREFETCH(pj->pre_row + spk[s + %d]);\n"):format(BOUNDS_AHEAD, BOUNDS_AHEAD)
    .. storage_prefetch(P, ("s + %d < nspk"):format(STORAGE_AHEAD), row(STORAGE_AHEAD))
    .. post_value_prefetch(post_prefetches(body, "_pi"), ("s + %d < nspk"):format(POST_VALUES_AHEAD), row(POST_VALUES_AHEAD))
end

-- The prefetches of a kernel over the segments seg[0 .. nseg-1] (loop variable s).
local function segment_prefetches(P, body)
  local function segment(k)
    return ("const int64_t _r0 = seg[s + %d].e0, _r1 = seg[s + %d].e1;"):format(k, k)
  end
  return storage_prefetch(P, ("s + %d < nseg"):format(STORAGE_AHEAD), segment(STORAGE_AHEAD))
    .. post_value_prefetch(post_prefetches(body, "_pi"), ("s + %d < nseg"):format(POST_VALUES_AHEAD), segment(POST_VALUES_AHEAD))
end

-- The kernel `name` running the events of `body` for the listed pre ranks spk[0 .. nspk-1].
local function listed_events_kernel(P, id, name, body, rcp)
  local out = {signature(id, name, ", const int32_t *spk, int32_t nspk" .. RANGE), decls(P), rcp}
  out[#out + 1] = "    const int _plastic = pj->plasticity; (void)_plastic;\n"
  out[#out + 1] = "    for (int32_t s = 0; s < nspk; s++) {\n"
  out[#out + 1] = row_prefetches(P, body)
  out[#out + 1] = "        const int32_t j = spk[s];\n"
  out[#out + 1] = event_loop("int64_t _e0, _e1; annk_row_range(pj, j, _ib, _ie, &_e0, &_e1);", body)
  return table.concat(out)
end

local function spike_kernels(P, id, opts)
  -- the bodies first: printing them fills the table of hoisted reciprocals
  local axon_body = P.axon_events and event_body(P, opts, cgen.pre_axon_spike)
  local body = P.spike_events and event_body(P, opts, cgen.pre_spike)
  local rcp = cgen.hoisted(opts.hoist, "    ") .. indent(cgen.decay_tables(P.A, opts), "    ")
  local out = {}
  if axon_body then out[#out + 1] = listed_events_kernel(P, id, "axon", axon_body, rcp) end
  if not body then return table.concat(out) end
  out[#out + 1] = listed_events_kernel(P, id, "spike", body, rcp)
  if P.delay_kind == "variable" then
    out[#out + 1] = signature(id, "spike_seg", ", const annk_seg *seg, int64_t nseg" .. RANGE)
    out[#out + 1] = decls(P)
    out[#out + 1] = rcp
    out[#out + 1] = "    const int _plastic = pj->plasticity; (void)_plastic;\n"
    out[#out + 1] = "    for (int64_t s = 0; s < nseg; s++) {\n"
    out[#out + 1] = segment_prefetches(P, body)
    out[#out + 1] = "        const int32_t j = seg[s].j;\n"
    out[#out + 1] = event_loop("int64_t _e0, _e1; annk_seg_range(pj, &seg[s], _ib, _ie, &_e0, &_e1);", body)
  end
  return table.concat(out)
end

local function update_kernel(P, id, opts)
  local A = P.A
  local hoist = opts.hoist
  opts.hoist = nil   -- the global equations run once: nothing to hoist there
  local g = cgen.update(A, "global", opts)
  opts.hoist = hoist
  local s = cgen.update(A, "semiglobal", opts)
  local l = cgen.update(A, "local", opts)
  local sdraws = rand_decls(P, "semiglobal", "d", opts, "equations")
  local ldraws = rand_decls(P, "local", "e", opts, "equations")
  if not (g:find("%S") or s:find("%S") or l:find("%S")) then return "" end
  local out = {}
  local head = decls(P) .. "    _dt = c->dt * (double)pj->update_period;\n"
    .. "    const int _plastic = pj->plasticity; (void)_plastic;\n"
  if g:find("%S") then
    out[#out + 1] = signature(id, "update_global") .. head
    out[#out + 1] = "    {\n"
    out[#out + 1] = indent(rand_decls(P, "global", "0", opts, "equations"), "        ")
    out[#out + 1] = indent(g, "        ")
    out[#out + 1] = "    }\n}\n\n"
  end
  out[#out + 1] = signature(id, "update", RANGE) .. head
  out[#out + 1] = cgen.hoisted(hoist, "    ")
  if s:find("%S") then
    out[#out + 1] = DEND_LOOP
    out[#out + 1] = indent(sdraws, "        ")
    out[#out + 1] = indent(s, "        ")
    out[#out + 1] = "    }\n"
  end
  if l:find("%S") then
    -- in a block of its own: the semiglobal loop above declares the same range variables
    out[#out + 1] = "    {\n" .. synapse_loop(P, ldraws .. l, true) .. "    }\n"
  end
  out[#out + 1] = "}\n\n"
  return table.concat(out)
end

-- How many synapses ahead the post-spike kernel of a pre-major projection fetches the
-- attributes of a synapse (scattered: the index post_syn maps a dendrite's synapses to their
-- storage places), and how many of the next spiking neuron's synapses it fetches before its
-- own.
local POST_AHEAD = 8

-- The local attributes that kernel text reads or writes at synapse e.
local function touched_at_e(P, text)
  local list = {}
  for _, a in ipairs(P.L.attrs) do
    if a.locality == "local" and text:find("sa" .. a.index .. "[e]", 1, true) then list[#list + 1] = a end
  end
  return list
end

-- C statements fetching early the attributes `attrs` of the synapse whose storage index is C
-- expression `e`.
local function prefetches(attrs, e)
  local out = {}
  for _, a in ipairs(attrs) do out[#out + 1] = ("ANNK_PREFETCH(sa%d + %s);"):format(a.index, e) end
  return table.concat(out, " ")
end

local function post_kernel(P, id, opts)
  local A = P.A
  if not P.post_events then return "" end
  local body = cgen.post_spike(A, opts)
  local ed = cgen.event_driven(A, opts, "c->step")
  local out = {signature(id, "post", RANGE), decls(P), cgen.hoisted(opts.hoist, "    "),
               indent(cgen.decay_tables(A, opts), "    ")}
  local fetch = P.pre_major and touched_at_e(P, ed .. body) or {}
  out[#out + 1] = "    const int _plastic = pj->plasticity; (void)_plastic;\n"
  out[#out + 1] = "    for (int32_t s = 0; s < post->nspiked; s++) {\n"
  out[#out + 1] = "        const int32_t i = post->spiked[s];\n"
  out[#out + 1] = "        if (i < _ib || i >= _ie) continue;\n"
  out[#out + 1] = "        const int32_t d = pj->dend_of_rank[i];\n"
  out[#out + 1] = "        if (d < 0) continue;\n"
  out[#out + 1] = "        const int64_t _k0 = pj->row[d], _k1 = pj->row[d + 1];\n"
  if #fetch > 0 then
    out[#out + 1] = "        annk_post_fetch_ahead(pj, post, s, _ib, _ie);\n"
    out[#out + 1] = "        if (s + 1 < post->nspiked) {\n"
    out[#out + 1] = "            const int32_t _in = post->spiked[s + 1];\n"
    out[#out + 1] = "            const int32_t _dn = _in >= _ib && _in < _ie ? pj->dend_of_rank[_in] : -1;\n"
    out[#out + 1] = "            if (_dn >= 0) {\n"
    out[#out + 1] = "                const int64_t _n0 = pj->row[_dn], _nr = pj->row[_dn + 1];\n"
    out[#out + 1] = ("                const int64_t _n1 = _nr < _n0 + %d ? _nr : _n0 + %d;\n"):format(POST_AHEAD, POST_AHEAD)
    out[#out + 1] = "                for (int64_t _q = _n0; _q < _n1; _q++) { const int64_t _p = pj->post_syn[_q]; "
      .. prefetches(fetch, "_p") .. " }\n"
    out[#out + 1] = "            }\n        }\n"
  end
  out[#out + 1] = "        for (int64_t k = _k0; k < _k1; k++) {\n"
  if P.pre_major then
    if #fetch > 0 then
      out[#out + 1] = ("            if (k + %d < _k1) { const int64_t _p = pj->post_syn[k + %d]; %s }\n")
        :format(POST_AHEAD, POST_AHEAD, prefetches(fetch, "_p"))
    end
    out[#out + 1] = "            const int64_t e = pj->post_syn[k]; const int32_t j = pj->pre_rank[k];\n"
  else
    out[#out + 1] = "            const int64_t e = k; const int32_t j = pj->pre_rank[k];\n"
  end
  out[#out + 1] = "            (void)e; (void)j;\n"
  out[#out + 1] = indent(ed, "            ")
  out[#out + 1] = indent("{\nconst int _unless_post_ok = 1; (void)_unless_post_ok;\n" .. body .. "}\n", "            ")
  out[#out + 1] = "        }\n    }\n}\n\n"
  return table.concat(out)
end

local function structural_kernels(P, id, opts)
  local A = P.A
  local out = {}
  if A.creating then
    local cond = cgen.condition(A.creating.expr, opts)
    out[#out + 1] = signature(id, "creating", ", int32_t d, uint8_t *mark")
    out[#out + 1] = decls(P)
    out[#out + 1] = "    const int32_t i = pj->post_rank[d]; (void)i;\n"
    out[#out + 1] = "    for (int32_t j = 0; j < pj->npre; j++) {\n"
    out[#out + 1] = "        if (mark[j]) continue;\n"
    out[#out + 1] = "        const int64_t e = 0; (void)e;\n"
    out[#out + 1] = indent(rand_decls(P, "local", "j", opts, "creating"), "        ")
    out[#out + 1] = ("        if (%s && annk_uniform(c->seed, pj->stream + 0x30000000u, (uint32_t)j, "
      .. "(uint64_t)c->step, (uint32_t)d) < %s) mark[j] = 1;\n"):format(
      cond, cgen.literal(A.creating.proba or 1.0, "float64"))
    out[#out + 1] = "    }\n}\n\n"
  end
  if A.pruning then
    local cond = cgen.condition(A.pruning.expr, opts)
    out[#out + 1] = signature(id, "pruning", ", uint8_t *mark")
    out[#out + 1] = decls(P)
    out[#out + 1] = synapse_loop(P, rand_decls(P, "local", "e", opts, "pruning") ..
      ("if (%s && annk_uniform(c->seed, pj->stream + 0x38000000u, (uint32_t)e, (uint64_t)c->step, "
        .. "0u) < %s) mark[e] = 1;\n"):format(
        cond, cgen.literal(A.pruning.proba or 1.0, "float64")))
    out[#out + 1] = "}\n\n"
  end
  return table.concat(out)
end

--- The C functions of one projection.
-- @param P its plan (projection_build.plan)
function M.projection(P)
  -- a special projection (annarchy.extensions) declares kernels written here instead
  local special = P.proj._.special
  if special and special.kernel then
    local write = SPECIAL_KERNELS[special.kernel.kind]
    if not write then error("codegen.projection: unknown special kernel " .. tostring(special.kernel.kind)) end
    return write(P, special.kernel)
  end
  local id = P.id
  local function opts(where)
    return {R = resolver(P, where), dtype = P.dtype, masked = false,
            hoist = where ~= "structural" and cgen.hoist_table(invariant(P)) or nil}
  end
  local spikes = spike_kernels(P, id, opts("event"))
  local transmit = psp_kernel(P, id, opts("psp")) .. spikes
  P.transmit_local = P.spike_events and not P.axon_events and not M.reads_pre_neurons(spikes)
  local learn = update_kernel(P, id, opts("update")) .. post_kernel(P, id, opts("event"))
  local serial = (P.reads_presum or M.writes_shared(transmit)) and 1 or 0
  if M.writes_shared(learn) then serial = serial + 2 end
  return table.concat({
    transmit, learn, structural_kernels(P, id, opts("structural")),
    ("const int32_t annk_proj%d_serial = %d;\n\n"):format(id, serial),
  })
end

--- Whether kernel text writes what no block of post neurons owns: a pre-synaptic attribute
-- (pa<k>[...]), a global synaptic attribute (sa<k>[0]) or a global post attribute (qa<k>[0]);
-- such kernels run on one thread.
function M.writes_shared(text)
  for _, pat in ipairs({"pa%d+%b[]%s*[-+*/]?=[^=]", "sa%d+%[0%]%s*[-+*/]?=[^=]", "qa%d+%[0%]%s*[-+*/]?=[^=]"}) do
    if text:find(pat) then return true end
  end
  return false
end

--- Whether kernel text reads a pre-synaptic neuron's state beyond its spike list: an attribute
-- (pa<k>[...]), its last spike time or a delayed value. Threads may transmit spikes through
-- kernels that do not while other threads update the pre neurons.
function M.reads_pre_neurons(text)
  return text:find("pa%d+%s*%[") ~= nil or text:find("pre%->last_spike") ~= nil
    or text:find("pre%->hist") ~= nil
end

--- The user functions of the synapse models (each guarded, so repeats are harmless).
function M.functions(plans)
  local out, seen = {}, {}
  for _, P in ipairs(plans) do
    local f = cgen.functions(P.A, {R = resolver(P, "update"), dtype = P.dtype})
    if f and f ~= "" and not seen[f] then
      seen[f] = true
      out[#out + 1] = f
    end
  end
  return table.concat(out, "\n")
end

M.attr_type = kernels.attr_type

--- The runtime's code of each locality (the ABI of src/kernel/: annk_proj attributes).
M.LOCALITY_CODE = {global = 0, ["local"] = 1, semiglobal = 2}

--- Decides the layout of a projection's attributes: the model's attributes in declaration
-- order (w global when the projection stores one shared weight), then _last_event when the
-- synapse has event-driven variables.
function M.projection_layout(A, shared_weight, dtype)
  local L = {attrs = {}, by_name = {}}
  local function add(name, t, locality, init, ctype_override)
    local ctype, code = M.attr_type(t, dtype)
    if ctype_override then ctype, code = ctype_override, 0 end
    local a = {name = name, type = t, ctype = ctype, code = code, locality = locality,
               index = #L.attrs, init = init}
    L.attrs[#L.attrs + 1] = a
    L.by_name[name] = a
    return a
  end
  for _, a in ipairs(A.attributes) do
    local loc = a.locality
    if a.name == "w" and shared_weight then loc = "global" end
    add(a.name, a.type, loc, a.init)
  end
  if A.event_driven and #A.event_driven > 0 then
    add("_last_event", "float", "local", -10000, "double")
  end
  return L
end

return M
