/* Reading and writing attribute elements of any storage type as doubles (host side). */
#ifndef ANN_ELEM_H
#define ANN_ELEM_H

#include "kernel/00_abi.h"

#include <stddef.h>
#include <stdint.h>

static inline size_t ann_type_size(int32_t type)
{
    switch (type) {
    case ANNK_F64: return sizeof(double);
    case ANNK_F32: return sizeof(float);
    case ANNK_I32: return sizeof(int32_t);
    default:       return sizeof(uint8_t);
    }
}

static inline double ann_load_elem(const void *p, int32_t type, int64_t i)
{
    switch (type) {
    case ANNK_F64: return ((const double *)p)[i];
    case ANNK_F32: return ((const float *)p)[i];
    case ANNK_I32: return ((const int32_t *)p)[i];
    default:       return ((const uint8_t *)p)[i];
    }
}

static inline void ann_store_elem(void *p, int32_t type, int64_t i, double v)
{
    switch (type) {
    case ANNK_F64: ((double *)p)[i] = v; break;
    case ANNK_F32: ((float *)p)[i] = (float)v; break;
    case ANNK_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    default:       ((uint8_t *)p)[i] = v != 0; break;
    }
}

#endif
