/* When a monitor or a projection recorder records: every `period` steps, at phase `offset`,
 * counted from the step `phase_ref` at which recording (re)started, while `recording` is on. */
#ifndef ANN_SCHEDULE_H
#define ANN_SCHEDULE_H

#include "annarchy.h"

typedef struct ann_schedule {
    int32_t period, offset;
    int64_t phase_ref;
    int32_t recording;
} ann_schedule;

/* Recording from `step` on; a period below 1 counts as 1. Non-zero, with the reference's
 * message, when offset is not in [0, period). */
int  ann_schedule_init(ann_schedule *s, int32_t period, int32_t offset, int64_t step,
                       ann_status *st);
/* A new period and phase, counted from `step`. */
void ann_schedule_set(ann_schedule *s, int32_t period, int32_t offset, int64_t step);
/* 1 when `step` falls on the phase (whether recording is on or not). */
int  ann_schedule_due(const ann_schedule *s, int64_t step);

#endif
