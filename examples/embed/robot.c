/* robot.c: a Braitenberg vehicle in a walled arena, steered by a small spiking network.
 *
 * The network comes from a Lua model file (robot_model.lua) run by the embedding library;
 * from then on this program drives it with the core API alone: every frame it writes the two
 * distance sensors' readings into the Poisson rates of the sensor populations (in place),
 * runs 10 ms of network, and reads the motor populations' firing rates (in place) as wheel
 * speeds. It prints the trajectory every --every frames and whether the vehicle ever touched
 * a wall. Same seed, same output.
 *
 *   cc robot.c $(pkg-config --cflags --libs annlua) -lm -o robot
 *   ./robot [--frames 10000] [--every 100] [--seed 1] [--model robot_model.lua]
 */
#include <annlua.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The arena: a square of ARENA m with walls on its four sides. */
#define ARENA 2.0
#define RADIUS 0.1          /* the vehicle's radius (m): it touches a wall closer than this */
#define AXLE 0.2            /* distance between the wheels (m) */
#define SENSOR_ANGLE 0.8    /* the side sensors look 0.8 rad (46 degrees) left and right */
#define SENSOR_RANGE 0.6    /* m: a wall farther than this is not seen */
#define MAX_RATE 300.0      /* Hz of the sensor neurons when a wall touches the sensor */
#define SPEED_PER_HZ 0.003  /* m/s of wheel speed per Hz of motor firing */
#define FRAME_MS 10.0       /* network time per frame */

typedef struct vehicle { double x, y, heading; } vehicle;

/* The distance from (x, y) along direction a to the nearest wall. */
static double ray_to_wall(double x, double y, double a)
{
    double dx = cos(a), dy = sin(a), d = INFINITY;
    if (dx > 1e-12) d = fmin(d, (ARENA - x) / dx);
    if (dx < -1e-12) d = fmin(d, -x / dx);
    if (dy > 1e-12) d = fmin(d, (ARENA - y) / dy);
    if (dy < -1e-12) d = fmin(d, -y / dy);
    return d;
}

/* 1 when the wall is at the sensor looking at `angle` from the heading, 0 beyond its range. */
static double proximity(const vehicle *v, double angle)
{
    double d = ray_to_wall(v->x, v->y, v->heading + angle) - RADIUS;
    return d >= SENSOR_RANGE ? 0.0 : 1.0 - fmax(d, 0.0) / SENSOR_RANGE;
}

static double clearance(const vehicle *v)
{
    return fmin(fmin(v->x, ARENA - v->x), fmin(v->y, ARENA - v->y)) - RADIUS;
}

static double mean(const double *a, int32_t n)
{
    double s = 0.0;
    for (int32_t i = 0; i < n; i++) s += a[i];
    return s / n;
}

/* The population `name` and a pointer to its local double attribute `attr`. */
static double *attribute(ann_network *net, const char *name, const char *attr, int32_t *n,
                         ann_status *st)
{
    int pop = ann_network_find_population(net, name, st);
    if (pop < 0) return NULL;
    int k = ann_population_find_attr(net, pop, attr, st);
    if (k < 0) return NULL;
    int32_t type;
    double *p = ann_population_data(net, pop, k, &type, n, st);
    if (p && type != ANN_TYPE_F64) {
        snprintf(st->msg, sizeof st->msg, "%s.%s is not stored as double", name, attr);
        return NULL;
    }
    return p;
}

int main(int argc, char **argv)
{
    long frames = 10000, every = 100;
    const char *seed = "1", *model = "examples/embed/robot_model.lua";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--frames") == 0) frames = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--every") == 0) every = atol(argv[i + 1]);
        else if (strcmp(argv[i], "--seed") == 0) seed = argv[i + 1];
        else if (strcmp(argv[i], "--model") == 0) model = argv[i + 1];
        else break;
    }
    if (frames < 1 || every < 1 || argc % 2 == 0) {
        fprintf(stderr, "usage: %s [--frames N] [--every K] [--seed S] [--model FILE]\n", argv[0]);
        return 2;
    }

    ann_status st;
    annlua_host *host = annlua_open(NULL, &st);
    if (!host || annlua_run_file(host, model, 1, &seed, &st) != 0) {
        fprintf(stderr, "robot: %s\n", st.msg);
        annlua_close(host);
        return 1;
    }
    ann_network *net = annlua_network(host, "net", &st);
    /* left, front, right: the sensors look at these angles from the heading */
    static const char *const sensor_names[3] = {"sensor_left", "sensor_front", "sensor_right"};
    static const double sensor_angle[3] = {SENSOR_ANGLE, 0.0, -SENSOR_ANGLE};
    int32_t ns[3], nm[2];
    double *sensor[3] = {NULL, NULL, NULL}, *motor[2] = {NULL, NULL};
    int ok = net != NULL;
    for (int s = 0; ok && s < 3; s++)
        ok = (sensor[s] = attribute(net, sensor_names[s], "rates", &ns[s], &st)) != NULL;
    if (ok) motor[0] = attribute(net, "motor_left", "r", &nm[0], &st);
    if (motor[0]) motor[1] = attribute(net, "motor_right", "r", &nm[1], &st);
    if (!motor[1]) {
        fprintf(stderr, "robot: %s\n", st.msg);
        annlua_close(host);
        return 1;
    }

    vehicle v = {1.0, 0.8, 0.3};
    double min_clearance = clearance(&v), dt = FRAME_MS / 1000.0;
    long touches = 0;
    printf("# frame  time_ms      x      y  heading  left_hz right_hz\n");
    for (long f = 0; f < frames; f++) {
        for (int s = 0; s < 3; s++) {
            double rate = MAX_RATE * proximity(&v, sensor_angle[s]);
            for (int32_t i = 0; i < ns[s]; i++) sensor[s][i] = rate;
        }
        if (ann_network_simulate(net, FRAME_MS, &st) != 0) {
            fprintf(stderr, "robot: frame %ld: %s\n", f, st.msg);
            annlua_close(host);
            return 1;
        }
        double left = mean(motor[0], nm[0]), right = mean(motor[1], nm[1]);
        double vl = SPEED_PER_HZ * left, vr = SPEED_PER_HZ * right;
        v.heading += (vr - vl) / AXLE * dt;
        v.x += 0.5 * (vl + vr) * cos(v.heading) * dt;
        v.y += 0.5 * (vl + vr) * sin(v.heading) * dt;
        double c = clearance(&v);
        if (c < min_clearance) min_clearance = c;
        if (c < 0) touches++;
        if (f % every == 0 || f == frames - 1)
            printf("%7ld %8.0f %6.3f %6.3f %8.3f %8.1f %8.1f\n", f, ann_network_time(net, NULL),
                   v.x, v.y, fmod(v.heading, 2 * M_PI), left, right);
    }
    printf("touched a wall: %s (in %ld frames; closest approach %.3f m)\n",
           touches ? "yes" : "no", touches, min_clearance);
    annlua_close(host);
    return 0;
}
