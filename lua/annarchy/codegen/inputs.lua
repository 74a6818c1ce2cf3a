--- The kernel code of input populations. An input declares what its kernel needs in
-- `pop._.custom.kernel` ({kind = "schedule", targets = ...} or {kind = "spike_source"}); the
-- population assembler asks this module for the helper functions, the update prologue and
-- the spike test. The extension buffers (p->ext[k], written by the host) are named here, once:
-- the inputs push their data into the slots of `M.slots`.
local M = {}

--- The extension buffers of each kind of input.
-- schedule (TimedArray, TimedPoissonPopulation, HomogeneousCorrelatedSpikeTrains):
--   data   the rows, one after the other
--   sched  the step of each row
--   state  {t, block}: steps since the last reset, the next row
--   period {period in steps, -1 for none}
-- spike_source (SpikeSourceArray):
--   steps   the spike steps of every neuron, one after the other
--   offsets (n + 1) offsets of each neuron's steps in `steps`
--   cursor  each neuron's next spike (an index in `steps`)
--   clock   {step to run next, step being run}
M.slots = {
  schedule = {data = 0, sched = 1, state = 2, period = 3},
  spike_source = {steps = 0, offsets = 1, cursor = 2, clock = 3},
}
local S, F = M.slots.schedule, M.slots.spike_source

--- The buffers the kernels advance, by kind: saved with a network's state (io/dynamic_state.lua);
-- the others hold what the script gave.
M.state_slots = {schedule = {"state"}, spike_source = {"cursor", "clock"}}

-- One step of the reference's schedule state machine: returns the row that applies at this
-- step, or -1.
local SCHED_C = ([[
/* schedule machine of TimedArray, TimedPoissonPopulation and HomogeneousCorrelatedSpikeTrains */
static inline int64_t annk_input_sched_next(annk_pop *p)
{
    const double *sched = p->ext[%d];
    const int64_t ns = p->ext_len[%d];
    double *st = p->ext[%d];
    const int64_t period = (int64_t)p->ext[%d][0];
    int64_t t = (int64_t)st[0], block = (int64_t)st[1], row = -1;
    if (block < ns && t == (int64_t)sched[block]) {
        row = block;
        if (++block == ns) block = 0;
    }
    if (period > -1 && t == period - 1) {
        block = 0;
        t = -1;
    }
    st[0] = (double)(t + 1);
    st[1] = (double)block;
    return row;
}
]]):format(S.sched, S.sched, S.state, S.period)

--- At a scheduled step, copies the row of the data buffer into the listed attributes.
-- targets: list of {name = attribute} (a local attribute receives a whole row of n values)
-- or {name = attribute, width = values per row, offset = column} (a global attribute
-- receives one value of the row).
local function sched_prologue(L, targets)
  local out = {"{", "    const int64_t _row = annk_input_sched_next(p);", "    if (_row >= 0) {"}
  for _, tg in ipairs(targets) do
    local a = L.by_name[tg.name]
    if tg.offset then
      out[#out + 1] = ("        if ((_row + 1) * %d <= p->ext_len[%d]) a%d[0] = (%s)p->ext[%d][_row * %d + %d];")
        :format(tg.width, S.data, a.index, a.ctype, S.data, tg.width, tg.offset)
    else
      out[#out + 1] = ("        const double *_src = p->ext[%d] + _row * (int64_t)n;"):format(S.data)
      out[#out + 1] = ("        const int _ok = (_row + 1) * (int64_t)n <= p->ext_len[%d];"):format(S.data)
      out[#out + 1] = ("        for (int32_t i = 0; i < n; i++) a%d[i] = _ok ? (%s)_src[i] : (%s)0;")
        :format(a.index, a.ctype, a.ctype)
    end
  end
  out[#out + 1] = "    }"
  out[#out + 1] = "}"
  return table.concat(out, "\n") .. "\n"
end

-- Does neuron i spike at the current step of the population's clock?
local FIRE_C = ([[
/* SpikeSourceArray: does neuron i spike at the current step of the population's clock? */
static inline int annk_input_ssa_fire(annk_pop *p, int32_t i)
{
    const double *steps = p->ext[%d], *off = p->ext[%d];
    double *cur = p->ext[%d];
    const double now = p->ext[%d][1];
    int64_t k = (int64_t)cur[i];
    const int64_t end = (int64_t)off[i + 1];
    while (k < end && steps[k] < now) k++;
    const int fire = k < end && steps[k] == now;
    cur[i] = (double)(k + fire);
    return fire;
}
]]):format(F.steps, F.offsets, F.cursor, F.clock)

-- The clock advances once per step, before the spike test.
local CLOCK_C = ("{\n    double *_clk = p->ext[%d];\n    _clk[1] = _clk[0];\n    _clk[0] += 1.0;\n}\n")
  :format(F.clock)

--- The kernel pieces of an input's declaration: {functions = C text shared by the inputs of
-- that kind, prologue = function(L) -> C statements at the start of the update kernel,
-- spike_expr = function(L) -> C expression replacing the spike condition, or nil}.
function M.hooks(kernel)
  if kernel.kind == "schedule" then
    return {functions = SCHED_C, prologue = function(L) return sched_prologue(L, kernel.targets) end}
  elseif kernel.kind == "spike_source" then
    return {functions = FIRE_C, prologue = function() return CLOCK_C end,
            spike_expr = function() return "annk_input_ssa_fire(p, i)" end}
  end
  error("codegen.inputs: unknown input kind " .. tostring(kernel.kind))
end

return M
