/* Dense row-major arrays of doubles: shapes, reductions, elementwise operations. */
#include "annarchy.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The largest element count accepted (2^48 doubles = 2 PiB: a guard against overflow). */
#define ANN_ARRAY_MAXSIZE ((int64_t)1 << 48)

int ann_array_shape_check(int ndim, const int64_t *shape, int64_t *size, ann_status *st)
{
    int64_t n = 1;
    int d;
    if (ndim < 1 || ndim > ANN_ARRAY_MAXDIM)
        return ann_fail(st, "an array has 1 to %d dimensions, not %d", ANN_ARRAY_MAXDIM, ndim);
    for (d = 0; d < ndim; d++) {
        if (shape[d] < 0)
            return ann_fail(st, "dimension %d of the shape is negative (%lld)", d + 1,
                            (long long)shape[d]);
        if (shape[d] > 0 && n > ANN_ARRAY_MAXSIZE / shape[d])
            return ann_fail(st, "the shape has more than 2^48 elements");
        n *= shape[d];
    }
    if (size)
        *size = n;
    return 0;
}

void ann_array_wrap(ann_array *a, double *data, int ndim, const int64_t *shape)
{
    int d;
    memset(a, 0, sizeof *a);
    a->data = data;
    a->ndim = ndim;
    a->size = 1;
    for (d = 0; d < ndim; d++) {
        a->shape[d] = shape[d];
        a->size *= shape[d];
    }
}

/* The data starts at this offset of an ann_array_new() block (a multiple of 16). */
#define HEADER_SIZE ((sizeof(ann_array) + 15) & ~(size_t)15)

ann_array *ann_array_new(int ndim, const int64_t *shape)
{
    int64_t n;
    ann_array *a;
    if (ann_array_shape_check(ndim, shape, &n, NULL) != 0)
        return NULL;
    if ((uint64_t)n > (SIZE_MAX - HEADER_SIZE) / sizeof(double))
        return NULL;
    a = calloc(1, HEADER_SIZE + (size_t)n * sizeof(double));
    if (!a)
        return NULL;
    ann_array_wrap(a, (double *)(void *)((char *)a + HEADER_SIZE), ndim, shape);
    return a;
}

void ann_array_free(ann_array *a)
{
    free(a);
}

int ann_array_same_shape(const ann_array *a, const ann_array *b)
{
    int d;
    if (a->ndim != b->ndim)
        return 0;
    for (d = 0; d < a->ndim; d++)
        if (a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

int64_t ann_array_row_size(const ann_array *a)
{
    int64_t n = 1;
    int d;
    for (d = 1; d < a->ndim; d++)
        n *= a->shape[d];
    return n;
}

void ann_array_row(const ann_array *a, int64_t i, ann_array *row)
{
    int64_t rs = ann_array_row_size(a);
    ann_array_wrap(row, a->data + i * rs, a->ndim - 1, a->shape + 1);
}

/* ---- formatting -------------------------------------------------------------------------- */

/* Appends like snprintf at *len, keeping the total length even when truncated. */
static void append(char *buf, size_t n, size_t *len, const char *s)
{
    size_t l = strlen(s);
    if (*len < n) {
        size_t room = n - *len - 1;
        size_t c = l < room ? l : room;
        memcpy(buf + *len, s, c);
        buf[*len + c] = '\0';
    }
    *len += l;
}

size_t ann_array_format_shape(const ann_array *a, char *buf, size_t n)
{
    size_t len = 0;
    char tmp[32];
    int d;
    if (n)
        buf[0] = '\0';
    for (d = 0; d < a->ndim; d++) {
        snprintf(tmp, sizeof tmp, d ? "x%lld" : "%lld", (long long)a->shape[d]);
        append(buf, n, &len, tmp);
    }
    return len;
}

static void format_number(char *tmp, size_t n, double v)
{
    if (v == 0.0)
        v = 0.0; /* -0 prints as 0 */
    snprintf(tmp, n, "%.6g", v);
}

size_t ann_array_format_summary(const ann_array *a, char *buf, size_t n)
{
    size_t len;
    char tmp[40];
    int64_t i, shown = a->size <= 6 ? a->size : 3;
    if (n)
        buf[0] = '\0';
    len = 0;
    append(buf, n, &len, "Array(");
    len += ann_array_format_shape(a, len < n ? buf + len : NULL, len < n ? n - len : 0);
    append(buf, n, &len, ") [");
    for (i = 0; i < shown; i++) {
        format_number(tmp, sizeof tmp, a->data[i]);
        if (i)
            append(buf, n, &len, ", ");
        append(buf, n, &len, tmp);
    }
    if (shown < a->size) {
        format_number(tmp, sizeof tmp, a->data[a->size - 1]);
        append(buf, n, &len, ", ..., ");
        append(buf, n, &len, tmp);
    }
    append(buf, n, &len, "]");
    return len;
}

size_t ann_array_format_index(const ann_array *a, int64_t k, char *buf, size_t n)
{
    int64_t idx[ANN_ARRAY_MAXDIM];
    size_t len = 0;
    char tmp[32];
    int d;
    for (d = a->ndim - 1; d >= 0; d--) {
        int64_t s = a->shape[d] > 0 ? a->shape[d] : 1;
        idx[d] = k % s;
        k /= s;
    }
    if (n)
        buf[0] = '\0';
    append(buf, n, &len, "[");
    for (d = 0; d < a->ndim; d++) {
        snprintf(tmp, sizeof tmp, d ? ", %lld" : "%lld", (long long)idx[d] + 1);
        append(buf, n, &len, tmp);
    }
    append(buf, n, &len, "]");
    return len;
}

/* ---- filling ----------------------------------------------------------------------------- */

void ann_array_fill(ann_array *a, double v)
{
    int64_t i;
    for (i = 0; i < a->size; i++)
        a->data[i] = v;
}

void ann_array_linspace(double *out, double a, double b, int64_t n)
{
    int64_t i;
    double step;
    if (n <= 0)
        return;
    if (n == 1) {
        out[0] = a;
        return;
    }
    step = (b - a) / (double)(n - 1);
    for (i = 0; i < n; i++)
        out[i] = a + (double)i * step;
    out[n - 1] = b;
}

/* ---- reductions -------------------------------------------------------------------------- */

/* Neumaier's compensated sum: the rounding error does not grow with the number of terms. */
static double compensated_sum(const double *x, int64_t n)
{
    double s = 0.0, c = 0.0;
    int64_t i;
    for (i = 0; i < n; i++) {
        double t = s + x[i];
        if (fabs(s) >= fabs(x[i]))
            c += (s - t) + x[i];
        else
            c += (x[i] - t) + s;
        s = t;
    }
    return s + c;
}

double ann_array_sum(const ann_array *a)
{
    return compensated_sum(a->data, a->size);
}

double ann_array_mean(const ann_array *a)
{
    if (a->size == 0)
        return NAN;
    return compensated_sum(a->data, a->size) / (double)a->size;
}

double ann_array_min(const ann_array *a)
{
    double m;
    int64_t i;
    if (a->size == 0)
        return NAN;
    m = a->data[0];
    for (i = 0; i < a->size; i++) {
        if (isnan(a->data[i]))
            return a->data[i];
        if (a->data[i] < m)
            m = a->data[i];
    }
    return m;
}

double ann_array_max(const ann_array *a)
{
    double m;
    int64_t i;
    if (a->size == 0)
        return NAN;
    m = a->data[0];
    for (i = 0; i < a->size; i++) {
        if (isnan(a->data[i]))
            return a->data[i];
        if (a->data[i] > m)
            m = a->data[i];
    }
    return m;
}

double ann_array_std(const ann_array *a)
{
    double mean, s = 0.0, c = 0.0;
    int64_t i;
    if (a->size == 0)
        return NAN;
    mean = ann_array_mean(a);
    for (i = 0; i < a->size; i++) {
        double d = a->data[i] - mean;
        s += d * d;
        c += d;
    }
    /* the second term corrects the rounding error of the mean (two-pass, corrected) */
    return sqrt((s - c * c / (double)a->size) / (double)a->size);
}

int64_t ann_array_argmax(const ann_array *a)
{
    int64_t i, best = 0;
    if (a->size == 0)
        return -1;
    for (i = 0; i < a->size; i++) {
        if (isnan(a->data[i]))
            return i;
        if (a->data[i] > a->data[best])
            best = i;
    }
    return best;
}

/* ---- elementwise ------------------------------------------------------------------------- */

static double apply(ann_array_op op, double x, double y)
{
    switch (op) {
    case ANN_OP_ADD: return x + y;
    case ANN_OP_SUB: return x - y;
    case ANN_OP_MUL: return x * y;
    case ANN_OP_DIV: return x / y;
    case ANN_OP_POW: return pow(x, y);
    }
    return NAN;
}

void ann_array_op_vv(ann_array_op op, double *out, const double *a, const double *b, int64_t n)
{
    int64_t i;
    switch (op) {
    case ANN_OP_ADD: for (i = 0; i < n; i++) out[i] = a[i] + b[i]; break;
    case ANN_OP_SUB: for (i = 0; i < n; i++) out[i] = a[i] - b[i]; break;
    case ANN_OP_MUL: for (i = 0; i < n; i++) out[i] = a[i] * b[i]; break;
    case ANN_OP_DIV: for (i = 0; i < n; i++) out[i] = a[i] / b[i]; break;
    default: for (i = 0; i < n; i++) out[i] = apply(op, a[i], b[i]); break;
    }
}

void ann_array_op_vs(ann_array_op op, double *out, const double *a, double s, int64_t n)
{
    int64_t i;
    switch (op) {
    case ANN_OP_ADD: for (i = 0; i < n; i++) out[i] = a[i] + s; break;
    case ANN_OP_SUB: for (i = 0; i < n; i++) out[i] = a[i] - s; break;
    case ANN_OP_MUL: for (i = 0; i < n; i++) out[i] = a[i] * s; break;
    case ANN_OP_DIV: for (i = 0; i < n; i++) out[i] = a[i] / s; break;
    default: for (i = 0; i < n; i++) out[i] = apply(op, a[i], s); break;
    }
}

void ann_array_op_sv(ann_array_op op, double *out, double s, const double *a, int64_t n)
{
    int64_t i;
    for (i = 0; i < n; i++)
        out[i] = apply(op, s, a[i]);
}

/* ---- comparison -------------------------------------------------------------------------- */

int64_t ann_array_allclose(const double *a, const double *b, int64_t b_step, int64_t n,
                           double rtol, double atol, int equal_nan, int64_t *first)
{
    int64_t i, bad = 0;
    if (first)
        *first = -1;
    for (i = 0; i < n; i++) {
        double x = a[i], y = b[i * b_step];
        int ok;
        if (isnan(x) || isnan(y))
            ok = equal_nan && isnan(x) && isnan(y);
        else if (isinf(x) || isinf(y))
            ok = x == y;
        else
            ok = fabs(x - y) <= atol + rtol * fabs(y);
        if (!ok) {
            if (bad == 0 && first)
                *first = i;
            bad++;
        }
    }
    return bad;
}
