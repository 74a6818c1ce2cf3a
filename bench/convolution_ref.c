/* The computation of bench/convolution.lua written directly in C: a bank of F filters of
 * KxK over an HxW image (zero padding, centre K/2), every step: the post sums are zeroed,
 * the convolution adds into them, the post rates take the sums (r = sum(exc)).
 * Two versions of the loop: "plain" tests every index against the border; "split" runs the
 * filter without tests where it lies inside the image (the usual hand optimisation).
 * Usage: convolution_ref H W F K steps plain|split [dump] -> prints "seconds_per_step" and,
 * with "dump", every rate (one per line) after the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 7) return 2;
    const int H = atoi(argv[1]), W = atoi(argv[2]), F = atoi(argv[3]), K = atoi(argv[4]);
    const int steps = atoi(argv[5]);
    const int off = K % 2 ? K / 2 : K / 2 - 1;
    const int split = argc > 6 && strcmp(argv[6], "split") == 0;
    double *in = malloc(sizeof(double) * (size_t)H * W);
    double *w = malloc(sizeof(double) * (size_t)F * K * K);
    double *sum = malloc(sizeof(double) * (size_t)H * W * F);
    double *r = malloc(sizeof(double) * (size_t)H * W * F);
    /* the same values as bench/convolution.lua */
    for (int i = 0; i < H * W; i++) in[i] = (double)((i * 37) % 101) / 100.0;
    for (int i = 0; i < F * K * K; i++) w[i] = (double)((i * 13) % 17) / 8.0 - 1.0;
    double t0 = now();
    for (int s = 0; s < steps; s++) {
        memset(sum, 0, sizeof(double) * (size_t)H * W * F);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                const int inside = y - off >= 0 && y - off + K <= H && x - off >= 0 && x - off + K <= W;
                for (int f = 0; f < F; f++) {
                    const double *wf = w + (size_t)f * K * K;
                    double acc = 0.0;
                    if (split && inside) {
                        for (int a = 0; a < K; a++) {
                            const double *row = in + (size_t)(y + a - off) * W + (x - off);
                            for (int b = 0; b < K; b++) acc += wf[a * K + b] * row[b];
                        }
                        sum[((size_t)y * W + x) * F + f] += acc;
                        continue;
                    }
                    for (int a = 0; a < K; a++) {
                        const int yy = y + a - off;
                        if (yy < 0 || yy >= H) continue;
                        for (int b = 0; b < K; b++) {
                            const int xx = x + b - off;
                            if (xx < 0 || xx >= W) continue;
                            acc += wf[a * K + b] * in[yy * W + xx];
                        }
                    }
                    sum[((size_t)y * W + x) * F + f] += acc;
                }
            }
        }
        memcpy(r, sum, sizeof(double) * (size_t)H * W * F);
    }
    double t1 = now();
    printf("%.9g\n", (t1 - t0) / steps);
    if (argc > 7 && strcmp(argv[7], "dump") == 0)
        for (int i = 0; i < H * W * F; i++) printf("%.17g\n", r[i]);
    free(in); free(w); free(sum); free(r);
    return 0;
}
