/* bench/embed/overhead.c: the host overhead of one step call from C, beyond the kernels' own
 * work, for the 10-neuron network of bench/embed/model.lua (loaded through libannlua).
 *
 * A call of ann_network_step(net, 1) costs the kernels' work for one step plus the call's
 * overhead (the handle check, the compile check, entering and leaving the run); the kernels'
 * work alone is one ann_network_step(net, N) divided by N, where the overhead is paid once.
 * Each figure is the best of several rounds (the machine is shared). Prints one line per call:
 *   <what> <us per call> <us of kernels per step> <overhead us> */
#include <annlua.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum { CALLS = 200000, ROUNDS = 7 };

static int fail(const char *msg)
{
    fprintf(stderr, "overhead: %s\n", msg);
    return 1;
}

int main(int argc, char **argv)
{
    const char *model = argc > 1 ? argv[1] : "bench/embed/model.lua";
    ann_status st;
    annlua_host *h = annlua_open(NULL, &st);
    if (!h || annlua_run_file(h, model, 0, NULL, &st)) return fail(st.msg);
    ann_network *net = annlua_network(h, "net", &st);
    if (!net) return fail(st.msg);

    double best_step = 1e9, best_sim = 1e9, best_kernels = 1e9;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now();
        for (int i = 0; i < CALLS; i++)
            if (ann_network_step(net, 1, &st)) return fail(st.msg);
        double t1 = now();
        for (int i = 0; i < CALLS; i++)
            if (ann_network_simulate(net, 0.1, &st)) return fail(st.msg);
        double t2 = now();
        if (ann_network_step(net, CALLS, &st)) return fail(st.msg);
        double t3 = now();
        if ((t1 - t0) / CALLS < best_step) best_step = (t1 - t0) / CALLS;
        if ((t2 - t1) / CALLS < best_sim) best_sim = (t2 - t1) / CALLS;
        if ((t3 - t2) / CALLS < best_kernels) best_kernels = (t3 - t2) / CALLS;
    }
    printf("ann_network_step(net, 1) %.4f %.4f %.4f\n", best_step * 1e6, best_kernels * 1e6,
           (best_step - best_kernels) * 1e6);
    printf("ann_network_simulate(net, dt) %.4f %.4f %.4f\n", best_sim * 1e6, best_kernels * 1e6,
           (best_sim - best_kernels) * 1e6);
    annlua_close(h);
    return 0;
}
