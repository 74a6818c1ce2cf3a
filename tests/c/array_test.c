/* The core of ann.Array (src/array.c), without Lua. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "annarchy.h"

#include "check.h"

static void test_shapes(void)
{
    int64_t s1[] = {3, 5}, s0[] = {0, 4}, bad[] = {3, -1}, huge[] = {1 << 20, 1 << 20, 1 << 20};
    int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, n = -1;
    ann_status st;
    CHECK(ann_array_shape_check(2, s1, &n, &st) == 0 && n == 15, "3x5: %lld",
          (long long)n);
    CHECK(ann_array_shape_check(2, s0, &n, &st) == 0 && n == 0, "0x4");
    CHECK(ann_array_shape_check(2, bad, &n, &st) != 0 && strstr(st.msg, "negative"),
          "negative dimension: %s", st.msg);
    CHECK(ann_array_shape_check(3, huge, &n, &st) != 0 && strstr(st.msg, "2^48"),
          "huge: %s", st.msg);
    CHECK(ann_array_shape_check(9, nine, &n, &st) != 0, "9 dimensions");
    CHECK(ann_array_shape_check(0, nine, &n, &st) != 0, "0 dimensions");
    CHECK(ann_array_shape_check(8, nine, &n, NULL) == 0 && n == 1, "8 dimensions");
}

static void test_new_rows_format(void)
{
    int64_t shape[] = {3, 5};
    ann_array *a = ann_array_new(2, shape), row;
    char buf[128];
    int64_t i;
    CHECK(a && a->size == 15 && a->ndim == 2 && a->shape[1] == 5, "new 3x5");
    if (!a)
        return;
    for (i = 0; i < a->size; i++)
        CHECK(a->data[i] == 0.0, "not zeroed at %lld", (long long)i);
    for (i = 0; i < a->size; i++)
        a->data[i] = (double)i;
    CHECK(ann_array_row_size(a) == 5, "row size");
    ann_array_row(a, 2, &row);
    CHECK(row.ndim == 1 && row.size == 5 && row.data == a->data + 10 && row.data[0] == 10,
          "row 2 is a view");
    ann_array_format_shape(a, buf, sizeof buf);
    CHECK(strcmp(buf, "3x5") == 0, "shape string %s", buf);
    ann_array_format_summary(a, buf, sizeof buf);
    CHECK(strcmp(buf, "Array(3x5) [0, 1, 2, ..., 14]") == 0, "summary %s", buf);
    ann_array_format_summary(&row, buf, sizeof buf);
    CHECK(strcmp(buf, "Array(5) [10, 11, 12, 13, 14]") == 0, "summary %s", buf);
    CHECK(ann_array_format_summary(a, buf, 8) == strlen("Array(3x5) [0, 1, 2, ..., 14]") &&
              strcmp(buf, "Array(3") == 0,
          "truncated summary '%s'", buf);
    ann_array_format_index(a, 7, buf, sizeof buf);
    CHECK(strcmp(buf, "[2, 3]") == 0, "index string %s", buf);
    a->data[0] = -0.0;
    a->data[1] = 0.125;
    a->data[2] = 1e20;
    ann_array_format_summary(a, buf, sizeof buf);
    CHECK(strcmp(buf, "Array(3x5) [0, 0.125, 1e+20, ..., 14]") == 0, "summary %s", buf);
    ann_array_free(a);
}

static void test_reductions(void)
{
    double d[] = {3, -1, 4, 1, -5, 9, 2, 6};
    double e[] = {1, NAN, 3};
    int64_t s8 = 8, s3 = 3, s0 = 0;
    ann_array a, n, z;
    ann_array_wrap(&a, d, 1, &s8);
    ann_array_wrap(&n, e, 1, &s3);
    ann_array_wrap(&z, NULL, 1, &s0);
    CHECK(ann_array_sum(&a) == 19, "sum");
    CHECK(ann_array_mean(&a) == 19.0 / 8, "mean");
    CHECK(ann_array_min(&a) == -5 && ann_array_max(&a) == 9, "min/max");
    CHECK(ann_array_argmax(&a) == 5, "argmax %lld", (long long)ann_array_argmax(&a));
    {
        double m = 19.0 / 8, v = 0;
        int i;
        for (i = 0; i < 8; i++)
            v += (d[i] - m) * (d[i] - m);
        CHECK(fabs(ann_array_std(&a) - sqrt(v / 8)) < 1e-15, "std (ddof 0)");
    }
    CHECK(isnan(ann_array_min(&n)) && isnan(ann_array_max(&n)) && ann_array_argmax(&n) == 1,
          "NaN propagates");
    CHECK(ann_array_sum(&z) == 0 && isnan(ann_array_mean(&z)) && isnan(ann_array_std(&z)) &&
              ann_array_argmax(&z) == -1,
          "empty array reductions");
    {
        /* compensated sum: 1e16 + 1 - 1e16 */
        double c[] = {1e16, 1, -1e16};
        ann_array ca;
        ann_array_wrap(&ca, c, 1, &s3);
        CHECK(ann_array_sum(&ca) == 1, "compensated sum %g", ann_array_sum(&ca));
    }
    {
        /* a constant array: the mean is within rounding, the std at rounding level */
        double c[] = {0.1, 0.1, 0.1};
        ann_array ca;
        ann_array_wrap(&ca, c, 1, &s3);
        CHECK(ann_array_std(&ca) < 1e-16 && fabs(ann_array_mean(&ca) - 0.1) < 1e-16,
              "constant array");
    }
    {
        double t[] = {1, 7, 7};
        ann_array ta;
        ann_array_wrap(&ta, t, 1, &s3);
        CHECK(ann_array_argmax(&ta) == 1, "argmax takes the first maximum");
    }
}

static void test_ops_fill_linspace(void)
{
    double a[] = {1, 2, 3}, b[] = {4, 5, 6}, out[3], l[5];
    int64_t s3 = 3;
    ann_array arr;
    ann_array_op_vv(ANN_OP_ADD, out, a, b, 3);
    CHECK(out[0] == 5 && out[2] == 9, "add");
    ann_array_op_vv(ANN_OP_DIV, out, a, b, 3);
    CHECK(out[1] == 0.4, "div");
    ann_array_op_vs(ANN_OP_SUB, out, a, 1, 3);
    CHECK(out[0] == 0 && out[2] == 2, "sub scalar");
    ann_array_op_sv(ANN_OP_SUB, out, 1, a, 3);
    CHECK(out[0] == 0 && out[2] == -2, "scalar sub");
    ann_array_op_sv(ANN_OP_DIV, out, 6, a, 3);
    CHECK(out[0] == 6 && out[2] == 2, "scalar div");
    ann_array_op_vs(ANN_OP_POW, out, a, 2, 3);
    CHECK(out[2] == 9, "pow");
    ann_array_op_vv(ANN_OP_MUL, a, a, b, 3); /* in place */
    CHECK(a[0] == 4 && a[2] == 18, "mul in place");
    ann_array_wrap(&arr, out, 1, &s3);
    ann_array_fill(&arr, 2.5);
    CHECK(out[0] == 2.5 && out[2] == 2.5, "fill");
    ann_array_linspace(l, 0, 1, 5);
    CHECK(l[0] == 0 && l[1] == 0.25 && l[4] == 1, "linspace");
    ann_array_linspace(l, 3, 7, 1);
    CHECK(l[0] == 3, "linspace of one point");
}

static void test_allclose(void)
{
    double a[] = {1, 2, 3, NAN, INFINITY}, b[] = {1, 2.0000001, 3.1, NAN, INFINITY};
    int64_t first = 0;
    CHECK(ann_array_allclose(a, b, 1, 5, 1e-7, 0, 1, &first) == 1 && first == 2,
          "one mismatch at 2 (got first %lld)", (long long)first);
    CHECK(ann_array_allclose(a, b, 1, 5, 0.1, 0, 1, &first) == 0 && first == -1, "rtol 0.1");
    CHECK(ann_array_allclose(a, b, 1, 5, 0, 0.2, 1, &first) == 0, "atol 0.2");
    CHECK(ann_array_allclose(a, b, 1, 5, 0.1, 0, 0, &first) == 1 && first == 3,
          "NaN differs without equal_nan");
    {
        double x[] = {INFINITY}, y[] = {-INFINITY}, s[] = {2};
        double v[] = {2, 2.1, 1.9};
        CHECK(ann_array_allclose(x, y, 1, 1, 1, 1e300, 1, &first) == 1, "inf vs -inf");
        CHECK(ann_array_allclose(v, s, 0, 3, 0, 0.1000001, 1, &first) == 0, "scalar b");
        CHECK(ann_array_allclose(v, s, 0, 3, 0, 0.05, 1, &first) == 2 && first == 1,
              "scalar b mismatches");
    }
    {
        /* the rule is |a - b| <= atol + rtol |b|: relative to b, not symmetric */
        double x[] = {1.0}, y[] = {2.0};
        CHECK(ann_array_allclose(x, y, 1, 1, 0.5, 0, 1, &first) == 0, "rtol relative to b");
        CHECK(ann_array_allclose(y, x, 1, 1, 0.5, 0, 1, &first) == 1, "and not to a");
    }
}

int main(void)
{
    test_shapes();
    test_new_rows_format();
    test_reductions();
    test_ops_fill_linspace();
    test_allclose();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
