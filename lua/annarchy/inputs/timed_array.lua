--- TimedArray (reference-library §3.2): a rate-coded population whose r replays the rows of
-- an array (time first) on a schedule.
--   ann.TimedArray{rates = rows, geometry = g, schedule = 0.0, period = -1.0, name = "in"}
-- schedule: a number s (row k at k*s ms; 0 means every step) or a list of times (ms);
-- period (ms): the sequence restarts every period. r is 0 until the first row applies.
local args = require("annarchy.args")
local runtime = require("annarchy.runtime")
local model = require("annarchy.model")
local population = require("annarchy.population")
local common = require("annarchy.inputs.common")
local replay = require("annarchy.inputs.replay")

local fail = common.fail
local M = {}

local KIND = "TimedArray"

local function neuron()
  return model.Neuron{equations = "r = r", name = "Timed Array",
                      description = "Replays rows of rates on a schedule."}
end

local function check_schedule(spec, nrows)
  if spec == nil then return end
  if common.is_number(spec) then return end
  local list = common.number_list(spec)
  if not list then fail("%s: schedule must be a number of ms or a list of times in ms", KIND) end
  common.check_times(list, KIND)
  if nrows and #list > 1 and #list > nrows then
    fail("%s: the schedule has %d times but the rates only %d rows", KIND, #list, nrows)
  end
end

--- ann.TimedArray(rates, geometry, schedule, period, name) or by name.
function M.new(...)
  local a = args.parse(KIND, {"rates", "geometry", "schedule", "period", "name"}, select("#", ...), ...)
  if a.rates == nil and a.geometry == nil then
    fail("%s: either rates or geometry must be given", KIND)
  end
  local geometry = a.geometry ~= nil and population.geometry(a.geometry, KIND) or nil
  local rows, rest
  if a.rates ~= nil then rows, rest = common.time_rows(a.rates, geometry, KIND) end
  geometry = geometry or rest
  if a.period ~= nil and not common.is_number(a.period) then
    fail("%s: period must be a number of ms", KIND)
  end
  check_schedule(a.schedule, rows and rows.shape[1])
  local schedule = a.schedule
  if schedule == nil then schedule = 0.0 end
  local period = a.period or -1.0
  if a.name ~= nil and type(a.name) ~= "string" then fail("%s: name must be a string", KIND) end

  return common.special(KIND, function(_, net)
    local initial = {sched_spec = schedule, period = period}
    if rows then
      initial.data, initial.nrows, initial.shape = rows:flatten(), rows.shape[1], rows.shape
    else
      initial.data, initial.nrows = runtime.zeros(0), 0
    end
    -- the schedule in steps needs dt: check it before the population exists
    if rows then
      common.schedule_steps(schedule, initial.nrows, net.dt, KIND, {one_is_scalar = true})
    end
    local pop = net:create(geometry, neuron(), {name = a.name})
    return replay.attach(pop, {
      kind = KIND, target = "r", one_is_scalar = true, exact_length = false,
      convert = function(p, rates)
        local arr = common.time_rows(rates, p._.geometry, ("%s %q"):format(KIND, p._.name))
        return arr:flatten(), arr.shape[1], arr.shape
      end,
    }, initial)
  end)
end

return M
