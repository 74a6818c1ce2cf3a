#include "schedule.h"
#include "status.h"

int ann_schedule_init(ann_schedule *s, int32_t period, int32_t offset, int64_t step,
                      ann_status *st)
{
    if (period < 1) period = 1;
    if (offset < 0 || offset >= period)
        return ann_fail(st, "Monitor: value of period_offset must be smaller than period.");
    s->period = period;
    s->offset = offset;
    s->phase_ref = step;
    s->recording = 1;
    return 0;
}

void ann_schedule_set(ann_schedule *s, int32_t period, int32_t offset, int64_t step)
{
    s->period = period < 1 ? 1 : period;
    s->offset = offset;
    s->phase_ref = step;
}

int ann_schedule_due(const ann_schedule *s, int64_t step)
{
    int64_t phase = (step - s->phase_ref) % s->period;
    if (phase < 0) phase += s->period;
    return phase == s->offset;
}
