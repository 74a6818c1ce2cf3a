/* Dense row-major arrays of doubles: the storage behind ann.Array, usable without Lua.
 *
 * An ann_array describes `size` contiguous doubles at `data`, shaped by shape[0..ndim-1]
 * (1 <= ndim <= ANN_ARRAY_MAXDIM, dimensions >= 0). It does not say who owns `data`: the
 * Lua binding keeps the storage inside its userdata, ann_array_new() puts it in the same
 * malloc block as the descriptor. A row of an N-D array is contiguous, so every view used
 * here (rows, reshapes) is again an ann_array. Indices in this API are 0-based.
 */
#ifndef ANN_ARRAY_H
#define ANN_ARRAY_H

#include <stddef.h>
#include <stdint.h>

#define ANN_ARRAY_MAXDIM 8
/* The largest element count accepted (2^48 doubles = 2 PiB: a guard against overflow). */
#define ANN_ARRAY_MAXSIZE ((int64_t)1 << 48)

typedef struct ann_array {
    double *data;
    int64_t size;
    int ndim;
    int64_t shape[ANN_ARRAY_MAXDIM];
} ann_array;

typedef enum ann_array_op {
    ANN_OP_ADD = 0, ANN_OP_SUB, ANN_OP_MUL, ANN_OP_DIV, ANN_OP_POW
} ann_array_op;

/* Checks a shape and computes its element count; -1 with a message if invalid. */
int ann_array_shape_check(int ndim, const int64_t *shape, int64_t *size, char *err,
                          size_t errlen);

/* Describes existing storage (no copy, no ownership). The shape must be valid. */
void ann_array_wrap(ann_array *a, double *data, int ndim, const int64_t *shape);

/* A zeroed array, descriptor and data in one malloc block: free it with ann_array_free().
 * NULL if the shape is invalid or memory is short. */
ann_array *ann_array_new(int ndim, const int64_t *shape);
void ann_array_free(ann_array *a);

int ann_array_same_shape(const ann_array *a, const ann_array *b);
/* Elements in one row: size / shape[0] (the product of shape[1..]). */
int64_t ann_array_row_size(const ann_array *a);
/* Row i (0 <= i < shape[0]) of an array of ndim >= 2, as a view into a. */
void ann_array_row(const ann_array *a, int64_t i, ann_array *row);

/* "3x5" (shape) and "Array(3x5) [0, 1, 2, ..., 14]" (summary); return strlen of the result,
 * truncated to the buffer like snprintf. */
size_t ann_array_format_shape(const ann_array *a, char *buf, size_t n);
size_t ann_array_format_summary(const ann_array *a, char *buf, size_t n);
/* The 0-based multi-index of flat index k, written "[i, j]" with 1-based numbers. */
size_t ann_array_format_index(const ann_array *a, int64_t k, char *buf, size_t n);

void ann_array_fill(ann_array *a, double v);
void ann_array_linspace(double *out, double a, double b, int64_t n);

/* Reductions. sum of nothing is 0, mean and std of nothing NaN; min, max and argmax of an
 * empty array are NaN and -1. A NaN anywhere makes min/max NaN and argmax its first index
 * (numpy's rules). std is the population standard deviation (ddof 0). */
double ann_array_sum(const ann_array *a);
double ann_array_mean(const ann_array *a);
double ann_array_min(const ann_array *a);
double ann_array_max(const ann_array *a);
double ann_array_std(const ann_array *a);
int64_t ann_array_argmax(const ann_array *a);

/* out[i] = a[i] op b[i]; out[i] = a[i] op s; out[i] = s op a[i]. out may alias a or b. */
void ann_array_op_vv(ann_array_op op, double *out, const double *a, const double *b, int64_t n);
void ann_array_op_vs(ann_array_op op, double *out, const double *a, double s, int64_t n);
void ann_array_op_sv(ann_array_op op, double *out, double s, const double *a, int64_t n);

/* numpy.testing.assert_allclose's rule, element by element: |a - b| <= atol + rtol |b|
 * (NaNs equal each other when equal_nan; infinities must match exactly). Returns the number
 * of mismatches; *first gets the flat index of the first one (-1 if none). b_step 0 compares
 * every a[i] with b[0] (a scalar). */
int64_t ann_array_allclose(const double *a, const double *b, int64_t b_step, int64_t n,
                           double rtol, double atol, int equal_nan, int64_t *first);

#endif /* ANN_ARRAY_H */
