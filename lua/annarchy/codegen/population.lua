--- The kernel assembler: turns the analysed models of a network's populations (and, later,
-- projections) into one C source, and decides the runtime layout of their attributes.
--
-- The source starts with the kernel ABI header (src/kernel/*.h, embedded in the core) and
-- the equation prelude, then one set of functions per object:
--   annk_pop<id>_global(annk_pop *p, const annk_ctx *c)   global equations (and an input's
--                                                         prologue), once per step, if any
--   annk_pop<id>_update(p, c, ib, ie)                     local equations of neurons [ib, ie)
--   annk_pop<id>_spike(p, c, ib, ie)                      spike test, reset, refractoriness of
--                                                         [ib, ie); writes the firing ranks at
--                                                         p->spiked + ib and returns their count
--                                                         (and, for a model with axon_spike,
--                                                         its axonal spikes at p->axonal + ib)
--   annk_pop<id>_axonal                                   (a constant) present when it does
--   annk_pop<id>_stop(annk_pop *p, const annk_ctx *c)     the stop condition, if any
-- The runtime calls the ranged kernels over blocks of neurons, one per thread (docs/threads.md).
-- Values never appear in the source (DESIGN rule 1): attributes, constants and the seed are
-- read from the structures of src/kernel/00_abi.h.
local cgen = require("annarchy.codegen.cgen")
local inputs = require("annarchy.codegen.inputs")

local M = {}

local TYPE_CODE = {f64 = 0, f32 = 1, int = 2, bool = 3}

--- The C type and runtime type code of an attribute type under a dtype.
function M.attr_type(t, dtype)
  if t == "int" then return "int32_t", TYPE_CODE.int end
  if t == "bool" then return "uint8_t", TYPE_CODE.bool end
  if dtype == "float32" then return "float", TYPE_CODE.f32 end
  return "double", TYPE_CODE.f64
end

--- Decides the attribute layout of a population: the model's attributes in declaration
-- order, then one weighted-sum array per target (rate-coded) or one conductance per extra
-- target (spiking), then nothing else (random draws live in registers).
-- @param A the analysed neuron
-- @param targets every target of the projections reaching the population
-- @param dtype "float64" or "float32"
function M.population_layout(A, targets, dtype)
  local L = {attrs = {}, by_name = {}, sums = {}, sum_list = {}, dtype = dtype}
  local function add(name, t, is_local, role)
    local ctype, code = M.attr_type(t, dtype)
    local a = {name = name, type = t, ctype = ctype, code = code, is_local = is_local,
               role = role, index = #L.attrs}
    L.attrs[#L.attrs + 1] = a
    L.by_name[name] = a
    return a
  end
  for _, a in ipairs(A.attributes) do
    add(a.name, a.type, a.locality ~= "global", a.role)
  end
  local all = {}
  for _, t in ipairs(A.targets or {}) do all[#all + 1] = t end
  for _, t in ipairs(targets or {}) do all[#all + 1] = t end
  for _, t in ipairs(all) do
    if A.kind == "rate" then
      if not L.sums[t] then
        L.sums[t] = add("_sum_" .. t, "float", true, "sum")
        L.sum_list[#L.sum_list + 1] = L.sums[t]
      end
    elseif not L.by_name["g_" .. t] then
      add("g_" .. t, "float", true, "variable")
    end
  end
  return L
end

local function num(x)
  local s = ("%.17g"):format(x)
  if not s:find("[%.eEn]") then s = s .. ".0" end
  return s
end
M.num = num

--- The C call drawing one value of a random variable of an equation.
local RAND_FN = {
  Uniform = "annk_uniform_ab", DiscreteUniform = "annk_discrete_uniform", Normal = "annk_normal",
  LogNormal = "annk_lognormal", Exponential = "annk_exponential", Gamma = "annk_gamma",
  Binomial = "annk_binomial",
}

--- The C declaration drawing random variable rv (the k-th of its model) for one element:
-- `const double _<name> = annk_<dist>(args..., seed, stream, elem, step, k);`.
function M.rand_draw(rv, k, opts, stream, elem)
  local args = {}
  for i, a in ipairs(rv.args) do args[i] = cgen.expression(a, opts) end
  args[#args + 1] = "c->seed"
  args[#args + 1] = stream
  args[#args + 1] = "(uint32_t)(" .. elem .. ")"
  args[#args + 1] = "(uint64_t)c->step"
  args[#args + 1] = tostring(k)
  return ("const double _%s = %s(%s);"):format(rv.name, RAND_FN[rv.dist], table.concat(args, ", "))
end

local function rand_decl(rv, k, elem, opts)
  return M.rand_draw(rv, k, opts, "p->stream", elem)
end

-- Distributions drawn in a population's loop from a buffer filled a chunk of neurons at a
-- time (annk_fill_*, vectorised): the buffer's kind and the transform of one value.
local BUFFERED = {
  Uniform = {"u01", "annk_uniform_ab_of"}, DiscreteUniform = {"u01", "annk_discrete_uniform_of"},
  Exponential = {"u01", "annk_exponential_of"}, Normal = {"std_normal", "annk_normal_of"},
  LogNormal = {"std_normal", "annk_lognormal_of"},
}

--- The C statements of the buffered draw of random variable rv (the k-th of its model) in a
-- population's loop over neurons chunked by ANNK_CHUNK: {pre = before the loop, fill = at the
-- start of each chunk [_i0, _i1), draw = the declaration inside the loop}; nil when the
-- distribution is not buffered.
function M.rand_buffered(rv, k, opts)
  local b = BUFFERED[rv.dist]
  if not b then return nil end
  local args = {}
  for i, a in ipairs(rv.args) do args[i] = cgen.expression(a, opts) end
  args[#args + 1] = ("_rbuf_%s[i - _i0]"):format(rv.name)
  return {
    pre = ("uint32_t _rpre_%s[4]; annk_rng_prefix(c->seed, p->stream, (uint64_t)c->step, %d, _rpre_%s);")
      :format(rv.name, k, rv.name),
    fill = ("double _rbuf_%s[ANNK_CHUNK]; annk_fill_%s(_rpre_%s, (uint32_t)_i0, _i1 - _i0, _rbuf_%s);")
      :format(rv.name, b[1], rv.name, rv.name),
    draw = ("const double _%s = %s(%s);"):format(rv.name, b[2], table.concat(args, ", ")),
  }
end

--- The C statements of a binomial draw whose n and p are the same for every neuron of a
-- population's loop (cgen.invariant under opts.hoist), in the shape of M.rand_buffered: pre
-- = the generator's prefix and annk_binomial_table_setup (the probabilities of the inversion,
-- or the constants of the rejection method, once per step), fill = the draws of a chunk
-- (annk_fill_binomial), draw = the declaration inside the loop; nil otherwise. The same bits
-- as annk_binomial.
function M.rand_prepared(rv, k, opts)
  if rv.dist ~= "Binomial" or not opts.hoist then return nil end
  local args = {}
  for i, a in ipairs(rv.args) do
    if not cgen.invariant(a, opts.hoist.invariant) then return nil end
    args[i] = cgen.expression(a, opts)
  end
  local name = rv.name
  return {
    pre = ("uint32_t _rpre_%s[4]; annk_rng_prefix(c->seed, p->stream, (uint64_t)c->step, %d, _rpre_%s);"
      .. " annk_binom_table _rbin_%s; annk_binomial_table_setup(%s, &_rbin_%s);")
      :format(name, k, name, name, table.concat(args, ", "), name),
    fill = ("double _rbuf_%s[ANNK_CHUNK]; annk_fill_binomial(&_rbin_%s, _rpre_%s, (uint32_t)_i0, _i1 - _i0, _rbuf_%s);")
      :format(name, name, name, name),
    draw = ("const double _%s = _rbuf_%s[i - _i0];"):format(name, name),
  }
end

--- The resolver of a population's kernels: how each reference prints in C.
-- hoisted: inside the loop over neurons, global attributes are read-only and read from
-- constants loaded before the loop (g<k>), so that the compiler can vectorise the loop.
local function pop_resolver(L, ctx, hoisted)
  return function(ref)
    local k = ref.kind
    if k == "attr" then
      local a = L.by_name[ref.name]
      assert(a, "no attribute " .. tostring(ref.name))
      if a.is_local then return ("a%d[i]"):format(a.index) end
      return (hoisted and "g%d" or "a%d[0]"):format(a.index)
    elseif k == "sum" then
      local a = L.sums[ref.target]
      return a and ("a%d[i]"):format(a.index) or "0.0"
    elseif k == "sum_all" then
      if #L.sum_list == 0 then return "0.0" end
      local parts = {}
      for i, a in ipairs(L.sum_list) do parts[i] = ("a%d[i]"):format(a.index) end
      return "(" .. table.concat(parts, " + ") .. ")"
    elseif k == "gop" then
      return ("p->gop[%d]"):format(ctx.gop_index[ref.name])
    elseif k == "rand" then
      return "_" .. ref.name
    elseif k == "const" then
      return ("_cst[%d]"):format(ctx.const_index[ref.name])
    elseif k == "t" then
      return "_t"
    elseif k == "dt" then
      -- in the type of the attributes: float32 equations compute in float (the time of a
      -- step and of the last spike stay double)
      return ("((%s)_dt)"):format(cgen.ctype(ctx.dtype))
    elseif k == "t_last" then
      return "((double)p->last_spike[i] * _dt)"
    elseif k == "func" then
      return nil   -- the function's own C name
    end
    error("annarchy: internal error: a neuron kernel cannot resolve '" .. tostring(k) .. "'")
  end
end

--- Which references are the same for every neuron of a population's loop over neurons
-- (cgen.invariant): global attributes (read-only there), constants, t, dt, global operations.
local function pop_invariant(L)
  return function(ref)
    local k = ref.kind
    if k == "attr" then
      local a = L.by_name[ref.name]
      return a ~= nil and not a.is_local
    end
    return k == "const" or k == "t" or k == "dt" or k == "gop"
  end
end

local function pointer_decls(L)
  local out = {}
  for _, a in ipairs(L.attrs) do
    out[#out + 1] = ("    %s *restrict a%d = (%s *)p->attr[%d];"):format(a.ctype, a.index, a.ctype, a.index)
  end
  return table.concat(out, "\n")
end

--- Indents every non-empty line of C code.
function M.indent(code, pad)
  if code == nil or code == "" then return "" end
  return (code:gsub("([^\n]*)\n?", function(line)
    if line == "" then return "" end
    return pad .. line .. "\n"
  end))
end
local indent = M.indent

--- The C functions of one population.
-- @param id the population's 0-based id
-- @param A the analysed neuron
-- @param L its layout
-- @param ctx {gop_index = name -> index, const_index = name -> index, dtype, refractory = bool,
--             stop = analysed stop condition or nil, custom = special population hooks or nil}
-- An input population (such as TimedArray) declares its kernel in ctx.custom.kernel; the
-- hooks of codegen/inputs.lua give a prologue at the start of the update kernel (after the
-- declarations; p->ext[k] holds its host-written buffers, c->step the step) and may replace
-- the model's spike condition.
function M.population(id, A, L, ctx)
  local R = pop_resolver(L, ctx)
  local opts = {R = R, dtype = ctx.dtype, masked = false}
  local mopts = {R = pop_resolver(L, ctx, true), dtype = ctx.dtype, masked = ctx.refractory,
                 hoist = cgen.hoist_table(pop_invariant(L))}
  local decls = pointer_decls(L)
  local head = ("    const int32_t n = p->size;\n    const double _t = c->t, _dt = c->dt;\n"
    .. "    const double *_cst = c->cst; (void)_cst;\n%s\n"
    .. "    (void)n; (void)_t; (void)_dt;\n"):format(decls)
  local out = {}
  local function emit(s) out[#out + 1] = s end

  -- update: random draws, globals, then locals with the refractory mask; local draws of the
  -- uniform-based and normal distributions and binomials with population-wide n and p come from
  -- buffers filled a chunk at a time
  local grand, lrand, rpre, rfill = {}, {}, {}, {}
  for k, rv in ipairs(A.randoms or {}) do
    if rv.locality == "global" then
      grand[#grand + 1] = "    " .. rand_decl(rv, k, "n", opts)
    else
      local b = M.rand_buffered(rv, k, mopts) or M.rand_prepared(rv, k, mopts)
      if b then
        rpre[#rpre + 1] = "    " .. b.pre .. "\n"
        rfill[#rfill + 1] = "        " .. b.fill .. "\n"
        lrand[#lrand + 1] = b.draw
      else
        lrand[#lrand + 1] = rand_decl(rv, k, "i", mopts)
      end
    end
  end
  local custom = ctx.custom and ctx.custom.kernel and inputs.hooks(ctx.custom.kernel) or {}
  local gbody = cgen.update(A, "global", opts)
  if custom.prologue or #grand > 0 or gbody:find("%S") then
    emit(("void annk_pop%d_global(annk_pop *p, const annk_ctx *c)\n{\n"):format(id))
    emit(head)
    if custom.prologue then emit(indent(custom.prologue(L), "    ")) end
    emit("    {\n        const int32_t i = 0; (void)i;\n")
    emit(table.concat(grand, "\n"))
    emit("\n")
    emit(indent(gbody, "        "))
    emit("    }\n}\n\n")
  end
  emit(("void annk_pop%d_update(annk_pop *p, const annk_ctx *c, int32_t _ib, int32_t _ie)\n{\n"):format(id))
  emit(head)
  emit("    (void)_ib; (void)_ie;\n")
  local body = cgen.update(A, "local", mopts)
  if body and body:find("%S") or #lrand > 0 then
    for _, a in ipairs(L.attrs) do
      if not a.is_local then
        emit(("    const %s g%d = a%d[0]; (void)g%d;\n"):format(a.ctype, a.index, a.index, a.index))
      end
    end
    emit(cgen.hoisted(mopts.hoist, "    "))
    if ctx.refractory then emit("    const int32_t *restrict _refr = p->refr_left;\n") end
    local pad = "    "
    if #rfill > 0 then
      emit(table.concat(rpre))
      emit("    for (int32_t _i0 = _ib; _i0 < _ie; _i0 += ANNK_CHUNK) {\n")
      emit("        const int32_t _i1 = _ie - _i0 < ANNK_CHUNK ? _ie : _i0 + ANNK_CHUNK;\n")
      emit(table.concat(rfill))
      emit("        for (int32_t i = _i0; i < _i1; i++) {\n")
      pad = "        "
    else
      emit("    for (int32_t i = _ib; i < _ie; i++) {\n")
    end
    if ctx.refractory then
      emit(pad .. "    const int _act = _refr[i] == 0; (void)_act;\n")
    end
    emit(indent(table.concat(lrand, "\n"), pad .. "    "))
    emit(indent(body, pad .. "    "))
    emit(pad .. "}\n")
    if #rfill > 0 then emit("    }\n") end
  end
  emit("}\n\n")

  if A.kind == "spike" then
    emit(("int32_t annk_pop%d_spike(annk_pop *p, const annk_ctx *c, int32_t _ib, int32_t _ie)\n{\n"):format(id))
    emit(head)
    emit("    int32_t ns = 0;\n    int32_t *restrict _spk = p->spiked + _ib;\n")
    if ctx.refractory then emit("    int32_t *restrict _refr = p->refr_left;\n") end
    local hopts = {R = mopts.R, dtype = ctx.dtype, masked = false,
                   hoist = cgen.hoist_table(pop_invariant(L))}
    local cond = custom.spike_expr and custom.spike_expr(L) or cgen.spike(A, hopts)
    -- axonal spikes: where the axon_spike condition holds and the spike condition does not
    local axon = A.axon_spike and not custom.spike_expr and
      ("!%s & %s"):format(cond, cgen.axon_spike(A, hopts))
    if axon then
      if ctx.refractory then axon = "(_refr[i] == 0) & " .. axon end
      emit("    int32_t nax = 0;\n    int32_t *restrict _ax = p->axonal + _ib;\n")
    end
    for _, a in ipairs(L.attrs) do
      if not a.is_local then
        emit(("    const %s g%d = a%d[0]; (void)g%d;\n"):format(a.ctype, a.index, a.index, a.index))
      end
    end
    emit(cgen.hoisted(hopts.hoist, "    "))
    local fires = ctx.refractory and ("(_refr[i] == 0) & (%s)"):format(cond) or cond
    local pad
    if custom.spike_expr then
      -- A special population's condition may have effects (it advances an input's cursor):
      -- evaluated once per neuron. Two passes: a branch-free one decides which neurons fire
      -- and counts refractoriness down; a second visits the firing ones, 8 flags at a time.
      emit("    uint8_t *restrict _fire = p->scratch;\n")
      emit("    for (int32_t i = _ib; i < _ie; i++) {\n")
      if ctx.refractory then
        emit("        const int32_t _r = _refr[i];\n        _refr[i] = _r - (_r > 0);\n")
        emit(("        _fire[i] = (uint8_t)((_r == 0) & (%s));\n"):format(cond))
      else
        emit(("        _fire[i] = (uint8_t)(%s);\n"):format(cond))
      end
      emit("    }\n")
      emit("    for (int32_t i0 = _ib; i0 < _ie; i0 += 8) {\n")
      emit("        if (i0 + 8 <= _ie) { uint64_t _w; memcpy(&_w, _fire + i0, 8); if (!_w) continue; }\n")
      emit("        const int32_t i1 = i0 + 8 < _ie ? i0 + 8 : _ie;\n")
      emit("        for (int32_t i = i0; i < i1; i++) {\n")
      emit("            if (!_fire[i]) continue;\n")
      pad = "            "
    else
      -- Blocks of 64 neurons: a branch-free (vectorised) test of the block; only a block with
      -- a firing neuron is visited one neuron at a time to list them; then the block's
      -- refractoriness is counted down. Every condition is evaluated before any reset, as
      -- the resets run afterwards over the list, in rank order.
      emit("    for (int32_t _i0 = _ib; _i0 < _ie; _i0 += 64) {\n")
      emit("        const int32_t _i1 = _ie - _i0 < 64 ? _ie : _i0 + 64;\n")
      emit("        int _any = 0;\n")
      emit(("        for (int32_t i = _i0; i < _i1; i++) _any |= %s;\n"):format(fires))
      emit("        if (_any) {\n")
      emit(("            for (int32_t i = _i0; i < _i1; i++) if (%s) _spk[ns++] = i;\n"):format(fires))
      emit("        }\n")
      if axon then
        emit(("        for (int32_t i = _i0; i < _i1; i++) if (%s) _ax[nax++] = i;\n"):format(axon))
      end
      if ctx.refractory then
        emit("        for (int32_t i = _i0; i < _i1; i++) { const int32_t _r = _refr[i]; _refr[i] = _r - (_r > 0); }\n")
      end
      emit("    }\n")
      emit("    for (int32_t _k = 0; _k < ns; _k++) {\n")
      emit("        {\n")
      emit("            const int32_t i = _spk[_k];\n")
      pad = "            "
    end
    emit(indent(cgen.reset(A, opts), pad))
    if custom.spike_expr then emit(pad .. "_spk[ns++] = i;\n") end
    emit(pad .. "p->last_spike[i] = c->step;\n")
    if ctx.refractory then
      if type(A.refractory) == "table" then
        -- a parameter or variable holding the period in ms, read at spike time
        emit(("%s_refr[i] = (int32_t)floor(%s / _dt + 1e-9);\n"):format(pad,
          R{kind = "attr", name = A.refractory.name}))
      else
        emit(pad .. "_refr[i] = p->refr_steps[i];\n")
      end
    end
    emit("        }\n    }\n")
    if axon then
      -- the axonal resets, after the somatic ones; the list ends with -1 when shorter than
      -- the block (the runtime joins the blocks)
      emit("    for (int32_t _k = 0; _k < nax; _k++) {\n        const int32_t i = _ax[_k];\n")
      emit(indent(cgen.axon_reset(A, opts), "        "))
      emit("    }\n    if (nax < _ie - _ib) _ax[nax] = -1;\n")
    end
    emit("    return ns;\n}\n\n")
    if axon then emit(("const int32_t annk_pop%d_axonal = 1;\n\n"):format(id)) end
  end

  if ctx.stop then
    emit(("int annk_pop%d_stop(annk_pop *p, const annk_ctx *c)\n{\n"):format(id))
    emit(head)
    if ctx.stop.spiked then
      emit(ctx.stop.mode == "all" and "    return p->nspiked == n;\n" or "    return p->nspiked > 0;\n")
    else
      local cond = cgen.condition(ctx.stop, opts)
      emit("    for (int32_t i = 0; i < n; i++) {\n")
      if ctx.stop.mode == "all" then
        emit(("        if (!(%s)) return 0;\n    }\n    return 1;\n"):format(cond))
      else
        emit(("        if (%s) return 1;\n    }\n    return 0;\n"):format(cond))
      end
    end
    emit("}\n\n")
  end
  return table.concat(out)
end

--- The whole kernel source of a network.
-- @param header the ABI header text (runtime.kernel_header())
-- @param parts list of {id, A, L, ctx} for populations
-- @param dtype "float64" or "float32"
-- @param extra the projections' kernels (C text), or nil
function M.source(header, pops, dtype, extra)
  local out = {header, "\n", cgen.prelude(dtype), "\n"}
  local seen = {}
  for _, p in ipairs(pops) do
    local kernel = p.ctx.custom and p.ctx.custom.kernel
    local helpers = kernel and inputs.hooks(kernel).functions
    if helpers and not seen[helpers] then
      seen[helpers] = true
      out[#out + 1] = helpers
    end
  end
  for _, p in ipairs(pops) do
    -- the functions a stop condition calls (the model's own are emitted below)
    if p.ctx.stop and p.ctx.stop.functions and #p.ctx.stop.functions > 0 then
      local fns = cgen.functions({functions = p.ctx.stop.functions}, {R = pop_resolver(p.L, p.ctx), dtype = dtype})
      out[#out + 1] = fns
    end
    local fns = cgen.functions(p.A, {R = pop_resolver(p.L, p.ctx), dtype = dtype})
    if fns and fns ~= "" and not seen[fns] then
      seen[fns] = true
      out[#out + 1] = fns
      out[#out + 1] = "\n"
    end
  end
  for _, p in ipairs(pops) do
    out[#out + 1] = M.population(p.id, p.A, p.L, p.ctx)
  end
  out[#out + 1] = extra
  return table.concat(out)
end

return M
