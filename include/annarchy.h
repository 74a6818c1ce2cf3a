/* annarchy.h — the public C API of the annlua simulator core, and the whole of it.
 *
 * Everything the Lua binding, the annlua host, a LuaJIT FFI binding, an embedding program or
 * a C test calls is declared here; the headers under src/ are private to the core, and the
 * shared library exports nothing else. The header is also valid input for LuaJIT's ffi.cdef
 * once its preprocessor lines are removed: no macro a caller needs (constants are enums or
 * static consts), no inline code, no include beyond <stddef.h> and <stdint.h>.
 *
 * Conventions
 *  - Indices, ranks and ids are 0-based.
 *  - Errors: a function that can fail takes an `ann_status *st` as its last argument (NULL is
 *    accepted) and returns 0 on success, non-zero on failure (functions returning an id or a
 *    count return a negative number, functions returning a pointer NULL). The message of a
 *    failure is in st->msg and, whatever st was, in ann_last_error() of the calling thread.
 *    Messages name the object and the fault, without a program prefix: the caller adds its
 *    context. Bad input never half-builds an object.
 *  - The core prints nothing: diagnostics go to the log callback (ann_set_log), silent by
 *    default. It installs no signal handler: a host that wants Ctrl-C to stop a simulation
 *    calls ann_network_interrupt() from its own handler.
 *  - Ownership: objects come in create/free pairs (ann_network_new / ann_network_free, ...).
 *    A network owns everything created on it (populations, projections, monitors, projection
 *    recorders); ann_network_free frees them all, after which their handles are invalid.
 *    Pointers returned by accessors (monitor data, projection rows) belong to their object
 *    and stay valid until the next call that changes it. */
#ifndef ANNARCHY_H
#define ANNARCHY_H

#include <stddef.h>
#include <stdint.h>

/* Inside the library everything is hidden unless declared here. */
#if defined(__GNUC__) && defined(ANN_BUILDING_LIBRARY)
#pragma GCC visibility push(default)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status, errors, log ----------------------------------------------------------------- */

/* A status: code 0 means success; msg holds a human-readable message otherwise. */
typedef struct ann_status {
    int  code;
    char msg[2048];
} ann_status;

const char *ann_version(void);

/* The message of the last failure reported by the core on the calling thread ("" if none).
 * Valid until the next failing call on this thread. */
const char *ann_last_error(void);

/* The log callback: receives one message at a time (no trailing newline, no prefix). NULL
 * silences the core (the default). The callback is global to the process. */
typedef void (*ann_log_fn)(void *user, const char *msg);
void ann_set_log(ann_log_fn fn, void *user);

/* ---- kernel compilation and the on-disk cache ------------------------------------------- */

typedef struct ann_module ann_module;   /* a loaded kernel library */

/* Which compiler builds kernels: "cc" (system compiler, optimised; the default) or "tcc". */
typedef struct ann_jit_options {
    const char *compiler;     /* "cc", "tcc" or NULL (= "cc") */
    const char *flags;        /* extra flags, or NULL */
    const char *directory;    /* cache directory, or NULL for the default */
    const char *label;        /* what is compiled, for messages ("network 1") */
    int32_t     verbose;      /* log compile/cache decisions through the log callback */
    int32_t     rebuild;      /* compile even when the cache has the library */
} ann_jit_options;

/* The C text every generated kernel source starts with: the kernel ABI (the headers of src/kernel). */
extern const char ann_kernel_header[];

/* Compiles `source` (or finds it in the cache), loads it and returns the module in *out, to
 * release with ann_module_release once no network uses it. */
int   ann_jit_load(const char *source, const ann_jit_options *opt, ann_module **out,
                   ann_status *st);
void *ann_module_symbol(const ann_module *m, const char *name);
const char *ann_module_path(const ann_module *m);
/* 1 when the last ann_jit_load call found the library in the cache. */
int32_t ann_module_from_cache(const ann_module *m);
void  ann_module_release(ann_module *m);

/* The cache: its directory (ANNLUA_CACHE, else $XDG_CACHE_HOME/annlua, else ~/.cache/annlua),
 * its number of entries and total size, and emptying it. Each returns 0, or non-zero when the
 * directory cannot be named or read. */
int ann_cache_dir(char *dir, size_t dirlen);
int ann_cache_info(char *dir, size_t dirlen, long *entries, long long *bytes);
int ann_cache_clear(long *removed);

/* An in-process compiler (libtcc inside the annlua executable): builds a shared object from
 * C source at output_path. Returns 0 on success, else writes a message to err. */
typedef int (*ann_inproc_compiler)(const char *source, const char *output_path, char *err,
                                   size_t errlen);
void ann_jit_set_inproc_tcc(ann_inproc_compiler fn, const char *identity);

/* ==== arrays ==== */

/* Dense row-major arrays of doubles: the storage behind ann.Array, usable without Lua.
 *
 * An ann_array describes `size` contiguous doubles at `data`, shaped by shape[0..ndim-1]
 * (1 <= ndim <= ANN_ARRAY_MAXDIM, dimensions >= 0). It does not say who owns `data`: the
 * Lua binding keeps the storage inside its userdata, ann_array_new() puts it in the same
 * malloc block as the descriptor. A row of an N-D array is contiguous, so every view used
 * here (rows, reshapes) is again an ann_array. Indices in this API are 0-based.
 */

enum { ANN_ARRAY_MAXDIM = 8 };

typedef struct ann_array {
    double *data;
    int64_t size;
    int ndim;
    int64_t shape[ANN_ARRAY_MAXDIM];
} ann_array;

typedef enum ann_array_op {
    ANN_OP_ADD = 0, ANN_OP_SUB, ANN_OP_MUL, ANN_OP_DIV, ANN_OP_POW
} ann_array_op;

/* Checks a shape (at most 2^48 elements) and computes its element count (size may be NULL).
 * 0, or non-zero with the message in st. */
int ann_array_shape_check(int ndim, const int64_t *shape, int64_t *size, ann_status *st);

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

/* ==== random streams and distributions ==== */

/* Host-side random streams and distribution descriptors, on the counter-based generator of
 * src/kernel/10_rng.h (the same functions the generated kernels call).
 *
 * A stream (seed, stream id) is a sequence of positions 0, 1, 2, ...; position `pos` is the
 * kernel draw (seed, stream, elem = pos mod 2^32, step = pos / 2^32, k = ANNK_K_HOST), so a
 * value depends only on (seed, stream, position), never on what was drawn before, on the
 * number of threads or on how the positions are split between calls. Every value of a
 * distribution takes exactly one position, whatever the number of uniforms it needs.
 *
 * Stream ids: the runtime numbers its own streams from 0; ANN_RNG_STREAM_OBJECT is the stream
 * of stand-alone distribution objects (`ann.Normal(0, 1, {seed = 1}):get_values(...)`).
 */

static const uint32_t ANN_RNG_STREAM_OBJECT = 0xffffffffu;

typedef struct ann_rng {
    uint64_t seed;
    uint32_t stream;
    uint64_t pos;        /* the next position to draw */
    /* cache of the generator's stage 1 for step `cached_step` (valid if has_pre) */
    uint64_t cached_step;
    uint32_t pre[4];
    int has_pre;
} ann_rng;

void ann_rng_init(ann_rng *r, uint64_t seed, uint32_t stream);
void ann_rng_seek(ann_rng *r, uint64_t pos);

/* Each of these consumes one position. */
double ann_rng_uniform(ann_rng *r);                           /* [0, 1), 53 bits */
uint64_t ann_rng_below(ann_rng *r, uint64_t n);               /* [0, n), unbiased; n > 0 */
double ann_rng_uniform_ab(ann_rng *r, double a, double b);    /* [a, b) */
double ann_rng_discrete_uniform(ann_rng *r, double a, double b); /* integers in [a, b] */
double ann_rng_normal(ann_rng *r, double mu, double sigma);
double ann_rng_lognormal(ann_rng *r, double mu, double sigma);
double ann_rng_exponential(ann_rng *r, double lambda);        /* rate: mean 1/lambda */
double ann_rng_gamma(ann_rng *r, double alpha, double beta);  /* shape, scale */
double ann_rng_binomial(ann_rng *r, double n, double p);
/* count integers in [0, n), n > 0, at consecutive positions (one each): position p takes its
 * 64-bit word w (the word of a uniform draw) and gives floor(w n / 2^64), drawing the next
 * words of the position while the low 64 bits of w n are below 2^64 mod n (Lemire's
 * multiply-shift with rejection: exactly uniform). Computes the block two positions share once. */
void ann_rng_fill_below(ann_rng *r, int32_t n, int32_t *out, int64_t count);

/* A seed from the operating system's entropy (getrandom, /dev/urandom, else clock and pid);
 * processes started by mpirun all get the draw of rank 0 (a collective). */
uint64_t ann_seed_from_entropy(void);

/* ---- distribution descriptors ------------------------------------------------------------ */

typedef enum ann_dist_kind {
    ANN_DIST_UNIFORM = 0,      /* p1 = min, p2 = max: [min, max) */
    ANN_DIST_DISCRETE_UNIFORM, /* p1 = min, p2 = max: integers in [min, max] */
    ANN_DIST_NORMAL,           /* p1 = mu, p2 = sigma */
    ANN_DIST_LOGNORMAL,        /* p1 = mu, p2 = sigma of the underlying normal */
    ANN_DIST_EXPONENTIAL,      /* p1 = lambda, a rate (mean 1/lambda); p2 unused */
    ANN_DIST_GAMMA,            /* p1 = alpha (shape), p2 = beta (scale) */
    ANN_DIST_BINOMIAL,         /* p1 = n, p2 = p */
    ANN_DIST_NKINDS
} ann_dist_kind;

typedef struct ann_dist {
    int kind;                  /* an ann_dist_kind */
    double p1, p2;
    double min, max;           /* clipping bounds, used when has_min / has_max */
    int has_min, has_max;
} ann_dist;

/* "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma", "Binomial". */
const char *ann_dist_kind_name(int kind);            /* NULL for an unknown kind */
int ann_dist_kind_from_name(const char *name);       /* -1 for an unknown name */

/* 0 if the parameters are valid; otherwise non-zero and ANNarchy's message in st. */
int ann_dist_check(const ann_dist *d, ann_status *st);

/* One value of d (one position of r), clipped to [min, max] where given. d must be valid. */
double ann_dist_sample(const ann_dist *d, ann_rng *r);

/* n values at the next n positions of r: out[i] is position (r->pos before the call) + i. */
void ann_dist_fill(const ann_dist *d, ann_rng *r, double *out, int64_t n);

/* n values of d at elements e0 .. e0 + n - 1 (e0 + n <= 2^32) of the generator's stage-1
 * prefix pre (annk_rng_prefix of any (seed, stream, step, k), src/kernel/10_rng.h): the
 * values ann_dist_fill gives on a stream whose prefix is pre. */
void ann_dist_fill_prefix(const ann_dist *d, const uint32_t pre[4], uint32_t e0, double *out,
                          int64_t n);

/* ==== networks, populations, monitors ==== */

/* The network runtime: populations, projections and monitors of one network, their state,
 * and the simulation step, run entirely in C. */

typedef struct ann_network ann_network;
typedef struct ann_monitor ann_monitor;
/* The kernel-visible state (src/kernel/00_abi.h, the contract of generated code). */
typedef struct annk_pop annk_pop;
typedef struct annk_proj annk_proj;

/* Global operations computed after the neuron update (min, max, mean, L1 and L2 norms). */
enum { ANN_GOP_MIN = 0, ANN_GOP_MAX, ANN_GOP_MEAN, ANN_GOP_NORM1, ANN_GOP_NORM2 };

/* Stop-condition combination for ann_network_run. */
enum { ANN_UNTIL_NONE = 0, ANN_UNTIL_AND, ANN_UNTIL_OR };

/* Element types of attributes (the same numbers as the kernel ABI's ANNK_F64, ...). */
enum { ANN_TYPE_F64 = 0, ANN_TYPE_F32 = 1, ANN_TYPE_I32 = 2, ANN_TYPE_BOOL = 3 };

/* How an attribute is stored. */
typedef struct ann_attr_spec {
    int32_t type;    /* ANN_TYPE_F64, ANN_TYPE_F32, ANN_TYPE_I32, ANN_TYPE_BOOL */
    int32_t local;   /* 1: one element per neuron; 0: one per population */
} ann_attr_spec;

/* A network of time step dt (ms) and seed; NULL when memory is short (see ann_last_error). */
ann_network *ann_network_new(double dt, uint64_t seed);
void         ann_network_free(ann_network *net);

double   ann_network_dt(const ann_network *net);
uint64_t ann_network_seed(const ann_network *net);
void     ann_network_set_seed(ann_network *net, uint64_t seed);
int64_t  ann_network_step_count(const ann_network *net);
void     ann_network_set_step_count(ann_network *net, int64_t step);

/* Constants readable by kernels (ctx->cst[k]). Returns the index, or -1 when memory is
 * short (see ann_last_error). */
int      ann_network_add_constant(ann_network *net, double value);
void     ann_network_set_constant(ann_network *net, int k, double value);

/* ---- populations ---- */
int ann_network_add_population(ann_network *net, int32_t size, int32_t nattr,
                               const ann_attr_spec *attrs, int32_t spiking, ann_status *st);
int32_t    ann_network_population_count(const ann_network *net);
/* The state the kernels see, for code that includes the kernel ABI (src/kernel/00_abi.h);
 * the accessors below cover what other callers need. */
annk_pop  *ann_network_population(ann_network *net, int id);
int32_t    ann_population_size(const ann_network *net, int pop);
int32_t    ann_population_attr_count(const ann_network *net, int pop);
/* A disabled population is not updated and its neurons neither spike nor receive input
 * (1: enabled, the default). */
int32_t    ann_population_enabled(const ann_network *net, int pop);
void       ann_population_set_enabled(ann_network *net, int pop, int32_t on);
int32_t    ann_population_attr_type(const ann_network *net, int pop, int attr);
int32_t    ann_population_attr_local(const ann_network *net, int pop, int attr);
/* Attribute k of a rate population is a weighted sum, zeroed at the start of every step. */
int        ann_population_mark_sum(ann_network *net, int pop, int attr, ann_status *st);
/* A global operation over a local attribute, stored in gop[index]; returns the index. */
int        ann_population_add_gop(ann_network *net, int pop, int op, int attr, ann_status *st);
int        ann_population_enable_refractory(ann_network *net, int pop, ann_status *st);
/* Windowed firing rate written into attribute r_attr (0 disables). */
int        ann_population_set_rate_window(ann_network *net, int pop, int32_t window_steps,
                                          int r_attr, ann_status *st);
/* Result `index` of the global operations (ann_population_add_gop): computed after the
 * neuron update, read by the next step. */
double     ann_population_gop(const ann_network *net, int pop, int index);
/* The ranks (ascending) that spiked in the last step of a spiking population; *n of them. */
const int32_t *ann_population_spiked(const ann_network *net, int pop, int32_t *n);
/* The refractory period of neuron `rank` in steps, once ann_population_enable_refractory
 * was called (0 before). */
int32_t    ann_population_refractory(const ann_network *net, int pop, int32_t rank);
void       ann_population_set_refractory(ann_network *net, int pop, int32_t rank, int32_t steps);
/* Clears spikes, last spike steps, refractory counters, delayed values and rate windows. */
void       ann_population_clear(ann_network *net, int pop);

/* Extension buffer k of a special population (copied; k < 64). Kernels read p->ext[k]. */
int ann_population_set_ext(ann_network *net, int pop, int k, const double *data, int64_t n,
                           ann_status *st);
/* The number of extension buffers (1 + the largest k set), and buffer k (*n values; NULL and
 * 0 when it was never set). */
int32_t       ann_population_ext_count(const ann_network *net, int pop);
const double *ann_population_ext(const ann_network *net, int pop, int k, int64_t *n);

/* Element access with conversion: element i of attribute k (i = 0 for globals). */
double ann_population_get(const ann_network *net, int pop, int attr, int64_t i);
void   ann_population_set(ann_network *net, int pop, int attr, int64_t i, double v);

/* ---- kernels ---- */
/* Looks up the kernels of every object in the module (annk_pop<id>_update, ...). The module
 * stays owned by the caller and must outlive the network's use of it. */
int ann_network_bind(ann_network *net, const ann_module *m, ann_status *st);
/* 1 when bound */
int ann_network_is_bound(const ann_network *net);

/* Runs nsteps steps. With until != NONE, stops after the first step at which the stop
 * conditions of the listed populations hold (all of them for AND, one for OR). Writes the
 * number of steps done. A request from ann_network_interrupt stops it at the next step
 * boundary: it returns non-zero with the message "interrupted" (the network stays valid).
 * A monitor or a projection recorder whose buffer cannot grow (out of memory) stops it after
 * that step: it returns non-zero with a message naming the monitor (ann_monitor_set_name)
 * and the step whose records are missing; the network stays valid and can run again. */
int ann_network_run(ann_network *net, int64_t nsteps, int until, const int32_t *pops,
                    int32_t npops, int64_t *done, ann_status *st);
/* ---- threads ---- */
/* The number of processors online (at least 1). */
int32_t ann_cpu_count(void);
/* Runs the network's steps on n threads (1 <= n <= 1024; 1 when never set), the caller's and
 * n - 1 workers the network owns. Every result is the same bits whatever n: work is split
 * by neuron in the blocks of ann_partition, every sum keeps its order and random draws are
 * keyed by element. Not during a run. */
int     ann_network_set_threads(ann_network *net, int32_t n, ann_status *st);
int32_t ann_network_threads(const ann_network *net);
/* The block [*begin, *end) of the neurons of a population of `size` that thread t of
 * nthreads works on: blocks of ceil(size / nthreads) rounded up to a multiple of 256, in
 * thread order (the last ones may be empty). Synapses go with their post-synaptic neuron. */
void    ann_partition(int32_t size, int32_t t, int32_t nthreads, int32_t *begin, int32_t *end);

/* ---- processes (docs/distributed.md) ---- */
/* Under an MPI launcher (mpirun), the processes of the run share every network: each updates
 * its contiguous blocks of every population (ann_partition over processes x threads) and the
 * whole state is on every process after each ann_network_run. Without a launcher: rank 0 of
 * 1. MPI is loaded at run time (libannlua_mpi.so) on the first call of these functions or
 * the first run. */
int32_t ann_mpi_rank(void);
int32_t ann_mpi_size(void);
/* Ends every process of the run with the exit code (exit(code) alone). */
void    ann_mpi_abort(int code);
/* On several processes, whether each projection keeps its synapses only on the process of
 * their post-synaptic neurons (on: memory divided by the processes; off, the default: every
 * process holds every synapse). Reading or writing a divided projection from the host
 * (ann_projection_read, _row, _pre_ranks, the counts of synapses and dendrites...) is then a
 * collective call: every process must make it, in the same order. Projections that a kernel
 * reads whole (Copy, Transpose, their originals, DecodingProjection, structural plasticity,
 * recorded by a projection recorder) keep every synapse. Takes effect at the next run. */
void    ann_network_set_divide_synapses(ann_network *net, int32_t on);
int32_t ann_network_divide_synapses(const ann_network *net);
/* A divided projection the host's reads gathered whole goes back to this process's part now,
 * rather than at the next run (to read or save the projections one after the other without
 * holding all of them whole); nothing otherwise, nor for a projection the next run keeps
 * whole. Local, not a collective. */
int     ann_projection_release(ann_network *net, int id, ann_status *st);

/* Asks a running ann_network_run to stop at the next step boundary. Async-signal-safe: meant
 * for the host's SIGINT handler. A request made while no run is under way is forgotten when
 * the next run starts. */
void ann_network_interrupt(ann_network *net);

/* ---- monitors ---- */
/* Records attribute `attr` of population `pop` (ranks NULL = all, else nranks 0-based ranks)
 * every `period` steps from the step at which recording starts, at phase `period_offset`.
 * spike 1 records spike steps instead, spike 2 the steps of axonal spikes (a model with
 * axon_spike; nothing otherwise). in_phase_b != 0: recorded right after transmission
 * (sums and conductances). The monitor belongs to the network: ann_network_free frees it,
 * ann_monitor_free(net, m) frees it earlier (never both). NULL on error. Variables are added
 * with ann_monitor_add_variable, which returns the variable's index (0, 1, ...) or -1. */
ann_monitor *ann_monitor_new(ann_network *net, int pop, const int32_t *ranks, int32_t nranks,
                             int32_t period, int32_t period_offset, ann_status *st);
void  ann_monitor_free(ann_network *net, ann_monitor *m);
int   ann_monitor_add_variable(ann_monitor *m, int attr, int32_t spike, int32_t in_phase_b,
                               ann_status *st);
void  ann_monitor_set_recording(ann_monitor *m, int32_t on);
/* Re-anchors the period phase at the current step. */
void  ann_monitor_restart_phase(ann_monitor *m);
void  ann_monitor_set_period(ann_monitor *m, int32_t period, int32_t period_offset);
/* Recorded data of variable v: nrec records of width values each. */
const double *ann_monitor_data(const ann_monitor *m, int v, int64_t *nrec, int64_t *width);
/* Spike data of variable v: n pairs (rank, step). */
const int64_t *ann_monitor_spikes(const ann_monitor *m, int v, int64_t *n);
/* Empties the buffers of variable v (all variables when v < 0). */
void  ann_monitor_clear(ann_monitor *m, int v);
/* Bytes a monitor will need for nsteps more steps. */
int64_t ann_monitor_bytes_needed(const ann_monitor *m, int64_t nsteps);
int64_t ann_monitor_bytes(const ann_monitor *m);
/* The name a failure of the monitor reports (copied). Unnamed, it is named after the
 * population it records. */
int   ann_monitor_set_name(ann_monitor *m, const char *name, ann_status *st);

/* ==== embedding: checked handles, names and per-frame access ==== */

/* What a host program (a game, a robot controller) calls every frame: step the network, find
 * a population and an attribute by name, reach its values in place, read the spikes of the
 * last step and the time.
 *
 * Checked handles. Every function of this section first checks that `net` is a live network
 * (created by ann_network_new and not yet freed) without touching its memory: a NULL pointer,
 * a pointer that never was a network or a freed network is refused with the message
 * "not a live network (NULL, freed, or never created)". (A freed network's address that a
 * newer network reuses names that newer network.) The functions of the other sections trust
 * their handle.
 *
 * Errors. A failure returns non-zero (-1 for an id, NULL for a pointer, NaN for a time), fills
 * st (NULL accepted) and the calling thread's ann_last_error(), and, when net is live, the
 * network's own message: ann_network_error(net).
 *
 * Names. The Lua front end names every population, projection and attribute of a network it
 * compiles; a C program that builds a network itself may name them with the set_names
 * functions (unnamed objects are simply not found by name).
 *
 * Threads. Networks are independent: each may be used from its own thread, concurrently with
 * the others (the only shared state these functions read is the set of live networks, which
 * only ann_network_new and ann_network_free write, without locks). One network must be used by
 * one thread at a time. Process-wide settings are not per network: the log callback
 * (ann_set_log) and the in-process compiler (ann_jit_set_inproc_tcc).
 *
 * Pointers. ann_population_data returns the storage the kernels themselves read and write:
 * writing an input population's attribute before a step is seen by that step, reading a motor
 * population's attribute after it sees its result, without a copy. The pointer stays valid
 * until the next structural change of the network (adding a population or a projection to it)
 * or its free. (The front end changes no structure after compiling.) */

/* 0 when net is a live network, else non-zero with the message above. */
int ann_network_check(const ann_network *net, ann_status *st);

/* The message of the last failed call of this section on net ("" if none; for a handle that
 * is not a live network, the message above). Valid until the next call on net. */
const char *ann_network_error(const ann_network *net);

/* Runs n >= 0 steps (n = 0 does nothing). Refused before the network is compiled (no kernels
 * bound). */
int ann_network_step(ann_network *net, int64_t n, ann_status *st);
/* Runs ceil(ms / dt) steps (to 1e-9 of a step, as the front end's simulate(ms)); ms finite and
 * >= 0. */
int ann_network_simulate(ann_network *net, double ms, ann_status *st);
/* The current time in ms (steps done times dt), NaN for a handle that is not live. */
double ann_network_time(const ann_network *net, ann_status *st);

/* Names: the population's (or projection's) name and its attributes' names, nattr of them
 * (attr_names NULL: only the name; else nattr must be its attribute count). Copied. */
int ann_population_set_names(ann_network *net, int pop, const char *name,
                             const char *const *attr_names, int32_t nattr, ann_status *st);
int ann_projection_set_names(ann_network *net, int id, const char *name,
                             const char *const *attr_names, int32_t nattr, ann_status *st);
/* The id of the population named `name`, or -1 (no such population; a projection of that
 * name is named as such). */
int ann_network_find_population(ann_network *net, const char *name, ann_status *st);
/* The index of attribute `name` of population pop, or -1. */
int ann_population_find_attr(ann_network *net, int pop, const char *name, ann_status *st);
/* The population's name, or NULL when it has none (or pop is not one of net's). */
const char *ann_population_name(const ann_network *net, int pop);

/* The values of local attribute attr of population pop, 0-based by rank: *n elements of
 * *type (ANN_TYPE_F64 double, ANN_TYPE_F32 float under float32, ANN_TYPE_I32 int32_t,
 * ANN_TYPE_BOOL a byte 0/1); type and n may be NULL. Valid as said above. A global attribute
 * (one value per population) is refused: ann_population_get / ann_population_set reach it. */
void *ann_population_data(ann_network *net, int pop, int attr, int32_t *type, int32_t *n,
                          ann_status *st);

/* The ranks (ascending) of population pop that spiked in the last step: *ranks gets *n of
 * them, owned by the network and valid until the next step. Refused for a rate-coded
 * population. */
int ann_population_spikes(ann_network *net, int pop, const int32_t **ranks, int32_t *n,
                          ann_status *st);

/* ==== connectivity ==== */

/* Connectivity builders: the connector methods of a projection, producing
 * its synapses in post-major CSR form, with a weight and a delay (in steps) per synapse.
 *
 * Layout (docs/internals-connectivity.md): dendrites in ascending post rank, each holding
 * its synapses in ascending pre rank. Ranks are 0-based ranks of the underlying populations,
 * also when pre or post is a view: a builder takes the candidate ranks (the view's ranks, or
 * 0..N-1 for a whole population) in any order, without repetitions.
 *
 * Randomness: the ann_rng the caller passes names the stream (its seed and stream id; its
 * position is neither read nor moved). Every draw is keyed by the post-synaptic row it
 * belongs to, so rows can be built in any order, on any thread, or only some of them (the
 * `rows` of ann_syn_values), with the same result. "Step s" below is the generator's stage-1
 * prefix annk_rng_prefix(seed, stream, s, ANNK_K_ROWS) (src/kernel/10_rng.h), position i of
 * a step its element i as in ann_dist_fill_prefix:
 *   step 4 r      the structure of the row of post rank r: its 32-bit words in order (word
 *                 4 b + h is word h of block (elem b, sub 0)), each index below n drawn from
 *                 one word x as floor(x n / 2^32), taking the next word while x n mod 2^32 is
 *                 below 2^32 mod n (exactly uniform); a count (fixed_probability) from
 *                 annk_draw_binomial at elem 0xffffffff;
 *   step 4 r + 1  the weights of row r: position i is the weight of its i-th synapse;
 *   step 4 r + 2  the delays of row r: position i is the delay of its i-th synapse;
 *   step 4 r + 3  the structure drawn by pre rank r (fixed_number_post), words as step 4 r;
 *   step 2^33     the split of fixed_total_number among the rows: node t of the split tree
 *                 (root 1, children 2t and 2t + 1) draws at elem t.
 * A distinct subset of k among m candidates, ascending: with k == m all of them, no draw;
 * with k^2 <= m, k independent indices below m, sorted, redrawn from the next words while two
 * are equal; otherwise Floyd's sampling: for j = m - k .. m - 1, t = an index below j + 1,
 * taken unless already taken, else j. Nothing else is drawn, so a seed determines the whole
 * projection. rng may be NULL for a call that draws nothing (an error otherwise).
 *
 * Errors: every builder returns 0, or non-zero with the message in st; on return, *out is
 * either a complete structure or all-NULL (nothing half-built, nothing leaked), so
 * ann_csr_free(out) is always safe afterwards. *out is overwritten on entry: free a previous
 * structure first.
 */

/* ---- the structure ------------------------------------------------------------------------ */

typedef struct ann_csr {
    int32_t  ndend;         /* dendrites (post neurons with >= 1 synapse) */
    int64_t  nsyn;
    int32_t *post_rank;     /* [ndend], ascending */
    int64_t *row;           /* [ndend + 1]: dendrite d holds synapses row[d] .. row[d+1]-1 */
    int32_t *pre_rank;      /* [nsyn], ascending inside each dendrite (non-decreasing with multapses) */
    double  *w;             /* [nsyn], or NULL when the weight is one shared constant */
    int32_t *delay;         /* [nsyn] steps, or NULL when delays are uniform */
    double   shared_w;      /* the weight of every synapse when w is NULL (else 0) */
    int32_t  uniform_delay; /* the delay of every synapse, steps, when delay is NULL (else 0) */
    int32_t  max_delay;     /* uniform_delay, or the largest per-synapse delay (0 if none) */
    /* part: this process's rows only, those of the post ranks [part_lo, part_hi) (drawn with
     * ann_rows.divide_size on several processes); max_delay is then that of the whole */
    int32_t  part, part_lo, part_hi;
} ann_csr;

/* Frees the arrays and zeroes *c; c may be NULL. post_rank, row and pre_rank of a built
 * structure are never NULL, even when it has no synapse. */
void ann_csr_free(ann_csr *c);

/* ---- weights and delays ------------------------------------------------------------------- */

enum { ANN_VALUE_CONST = 0, ANN_VALUE_DIST = 1 };

/* A constant, or a distribution drawn once per synapse. */
typedef struct ann_value {
    int32_t  kind;          /* ANN_VALUE_CONST or ANN_VALUE_DIST */
    double   constant;
    ann_dist dist;
} ann_value;

ann_value ann_value_const(double x);
ann_value ann_value_dist(const ann_dist *d);

/* The values every synapse receives.
 *
 * Delays are in ms and become round(d/dt) steps (nearest, half away from zero). A constant
 * delay gives delay == NULL and uniform_delay = round(d/dt), 0 included: 0 and 1 step mean
 * the same thing (no delay buffer) and the caller treats them alike. A
 * distribution of delays is drawn with its lower clipping bound raised to dt (and, for
 * Uniform and DiscreteUniform, its min raised to dt when dt is below max); it must be
 * bounded above (a max, or the natural bound of Uniform, DiscreteUniform and Binomial), else
 * ANNarchy's error. Negative or non-finite constants are errors.
 *
 * shared_weight: with a constant weight, keep w NULL and report the constant in shared_w
 * (a single weight for the whole projection); otherwise w holds one value per synapse. */
/* Which rows a builder makes, and on how many threads. Rows are the post candidates in
 * ascending rank, numbered from 0; [begin, end) of them are built (begin = end = 0: all), each
 * exactly as in the whole projection. Honoured by all_to_all, fixed_probability,
 * fixed_number_pre, fixed_total_number, gaussian and dog; the others refuse a partial range.
 * With all rows, on several processes (docs/distributed.md), each of those builders draws
 * only its process's share of the rows (the r-th of K equal shares, in order) and gathers
 * the shares of the others: a collective, every process calls it, and every process gets the
 * whole, identical to one process's (fixed_number_post the same, drawing the whole structure
 * but only the weights and delays of its share). threads: the threads drawing the rows (<= 1: the
 * caller's alone); the result does not depend on it. */
typedef struct ann_rows {
    int32_t begin, end;
    int32_t threads;
    /* divide_size: the post population's size, to keep the synapses divided (the network's
     * divide_synapses): on several processes, with all rows, each of the builders above then
     * draws the rows of the post neurons this process updates (its blocks for `threads`
     * threads on every process) and keeps them: the result is this process's part only. 0:
     * every process gets the whole. */
    int32_t divide_size;
} ann_rows;

typedef struct ann_syn_values {
    ann_value weights;      /* ignored by gaussian and dog, whose weights are computed */
    ann_value delays;       /* ms */
    double    dt;           /* ms per step, > 0 */
    int32_t   shared_weight;
    ann_rows  rows;         /* zero: every row, one thread */
} ann_syn_values;

/* ---- connectors --------------------------------------------------------------------------- */

/* Common arguments: the candidate ranks `pre_ranks[npre]` and `post_ranks[npost]` (ranks of
 * the underlying populations, each in [0, pop_size), no repetition, any order);
 * `same_population`: pre and post are the same population object for the self-connection
 * rule (for all_to_all ANNarchy tests the underlying populations, for the others the
 * objects passed: the caller decides); `allow_self`: when 0 and same_population, a post
 * neuron never receives a synapse from the pre neuron of the same rank. */

/* Every post gets every pre. No connectivity draw. */
int ann_connect_all_to_all(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           int32_t same_population, int32_t allow_self,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* post_ranks[k] <- pre_ranks[k] for k < min(npre, npost), pairing by position in the lists
 * as given (ANNarchy's warning on different sizes is the caller's). No connectivity
 * draw. */
int ann_connect_one_to_one(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* Each (post, pre) candidate pair independently with probability p (p <= 0: none, p >= 1:
 * all, NaN: error); empty dendrites are skipped.
 * Draws, per row: its count k ~ Binomial(m, p) over its m candidates (without the own rank
 * when forbidden), then a distinct subset of k of them (see "Randomness"). No draw when
 * p <= 0 or p >= 1. */
int ann_connect_fixed_probability(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, double p, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* For each post, `number` distinct pre ranks, uniformly among the candidates (without the
 * own rank when forbidden: the distribution of ANNarchy's redraw).
 * Draws, per row: a distinct subset of `number` among its m candidates (m = npre, or
 * npre - 1 without the own rank; see "Randomness"). */
int ann_connect_fixed_number_pre(ann_csr *out,
                                 const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                 const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                                 int32_t same_population, int32_t number, int32_t allow_self,
                                 const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* For each pre, `number` distinct posts (all candidates when number >= their count m; m =
 * npost, or npost - 1 without the own rank); error if number > npost. Dendrites are built
 * from the pre ranks that chose each post; empty dendrites are skipped.
 * Draws, per pre (step 4 r + 3 for pre rank r): a distinct subset of min(number, m) among
 * its m candidate posts; weights and delays per post row as every builder. */
int ann_connect_fixed_number_post(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, int32_t number, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* annlua extension (PyNN's FixedTotalNumberConnector, NEST's fixed_total_number): exactly
 * `number` synapses among the candidate pairs (without the self pairs when forbidden).
 * allow_multapses: each synapse is an independent uniform draw of a pair, so a pair may hold
 * several synapses (stored as separate synapses, adjacent in their dendrite); otherwise the
 * synapses are a uniform set of `number` distinct pairs (an error when number exceeds the
 * candidate pairs). Errors: number < 0; number > 0 without any candidate pair.
 * Draws: the split of the total among the rows, a binary tree over the post candidates in
 * ascending rank: node t of rows [lo, hi) (root 1 of all the rows) with n synapses gives its
 * left half [lo, mid), mid = lo + (hi - lo) / 2, n_left ~ Binomial(n, M_left / M) with
 * multapses, Hypergeometric(M, M_left, n) without (M the candidate pairs of [lo, hi),
 * M_left those of the left half; inversion from the mode, uniform of attempt a from block
 * (elem t, sub a), 53 bits of its first two words); then each row j its n_j indices among its
 * m_j candidates: with multapses n_j independent indices, sorted, without a distinct subset
 * (see "Randomness"). A row of the split depends only on the nodes above it, so a range of
 * rows draws only those. No draw when number == 0. */
int ann_connect_fixed_total_number(ann_csr *out,
                                   const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                   const int32_t *post_ranks, int32_t npost,
                                   int32_t post_pop_size,
                                   int32_t same_population, int64_t number, int32_t allow_self,
                                   int32_t allow_multapses,
                                   const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* Whole populations with geometries (row-major ranks: rank = x*B + y for (A, B)); both must
 * have the same number of dimensions. Normalised coordinate c / (dim - 1) per dimension (0
 * when dim == 1), d2 the squared distance:
 *   gaussian  w = amp exp(-d2 / (2 sigma^2)), kept iff w > limit * amp;
 *   dog       w = amp_pos exp(-d2 / (2 sigma_pos^2)) - amp_neg exp(-d2 / (2 sigma_neg^2)),
 *             kept iff |w| > limit * |amp_pos - amp_neg|.
 * w is always per synapse (v->weights and v->shared_weight are ignored). No connectivity
 * draw (only delays, if they are a distribution). */
int ann_connect_gaussian(ann_csr *out,
                         const int32_t *pre_geom, int pre_ndim,
                         const int32_t *post_geom, int post_ndim,
                         int32_t same_population, double amp, double sigma, double limit,
                         int32_t allow_self,
                         const ann_syn_values *v, ann_rng *rng, ann_status *st);

int ann_connect_dog(ann_csr *out,
                    const int32_t *pre_geom, int pre_ndim,
                    const int32_t *post_geom, int post_ndim,
                    int32_t same_population, double amp_pos, double sigma_pos,
                    double amp_neg, double sigma_neg, double limit, int32_t allow_self,
                    const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* A user's lists (LILConnectivity, from_matrix, from_sparse, from_function): list i gives
 * post rank list_post[i] and the synapses list_row[i] .. list_row[i+1]-1 of the flat arrays
 * pre[], w[] and delay_ms[] (list_row[0] may be > 0; ranks of the underlying populations).
 * w == NULL: weights from v->weights (shared_weight honoured); delay_ms == NULL: delays from
 * v->delays; a given delay_ms is rounded per synapse, and collapses to a uniform delay when
 * all synapses have the same number of steps. Dendrites are sorted by post rank (lists of the
 * same post rank merged), synapses by pre rank; empty lists are ignored; the same (post, pre)
 * twice is an error. v is always needed (dt). Draws: only weights (when w == NULL) and delays
 * (when delay_ms == NULL), as above. */
int ann_connect_from_lists(ann_csr *out, int32_t nlists,
                           const int32_t *list_post, const int64_t *list_row,
                           const int32_t *pre, const double *w, const double *delay_ms,
                           int32_t pre_pop_size, int32_t post_pop_size,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* ---- pre-major view (spike propagation) --------------------------------------------------- */

/* Synapses in pre-major order: pre neuron r has entries pre_row[r] .. pre_row[r+1]-1, in
 * ascending dendrite (hence post rank) order; entry e is synapse perm[e] of the post-major
 * structure, in dendrite syn_dend[e]. perm is int64 (a projection may exceed 2^31 synapses);
 * it serves to permute weights and delays once and may then be freed. */
typedef struct ann_csr_pre {
    int32_t  npre;          /* pre_pop_size */
    int64_t  nsyn;
    int64_t *pre_row;       /* [npre + 1] */
    int32_t *syn_dend;      /* [nsyn] */
    int64_t *perm;          /* [nsyn] */
} ann_csr_pre;

/* O(nsyn + pre_pop_size), a counting sort. Same error contract as the builders. */
int ann_csr_transpose_to_pre_major(const ann_csr *c, int32_t pre_pop_size, ann_csr_pre *out,
                                   ann_status *st);
void ann_csr_pre_free(ann_csr_pre *p);

/* dst[e] = src[perm[e]] for the nsyn entries (src in post-major order). */
void ann_csr_pre_gather_f64(const ann_csr_pre *p, const double *src, double *dst);
void ann_csr_pre_gather_i32(const ann_csr_pre *p, const int32_t *src, int32_t *dst);

/* ==== projections ==== */

/* Projections in the runtime: connectivity in the layout of their access pattern, synaptic
 * attributes, delays, the projection phases of the step, structural plasticity, and the
 * recording of synaptic attributes.
 *
 * Layouts (each laid out for its access pattern):
 *   post-major (rate-coded, gather): dendrite d holds synapses row[d] .. row[d+1]-1, in
 *     ascending pre rank pre_rank[]; the storage index of a synapse is its post-major index.
 *   pre-major (spiking with events, scatter): pre neuron j owns synapses pre_row[j] ..
 *     pre_row[j+1]-1 in ascending post rank, syn_post[] gives their post rank. The "post
 *     index" (row, pre_rank in post-major order and post_syn[k], the storage index of
 *     post-major synapse k) is kept when post events need it, and otherwise built lazily for
 *     the host (reads, writes, recording) and dropped when the structure changes.
 * The host API below always speaks post-major order: dendrites in ascending post rank,
 * synapses in ascending pre rank. Ranks and indices are 0-based. */

enum { ANN_LOC_GLOBAL = 0, ANN_LOC_LOCAL = 1, ANN_LOC_SEMIGLOBAL = 2 };
enum { ANN_DELAY_NONE = 0, ANN_DELAY_UNIFORM = 1, ANN_DELAY_VARIABLE = 2 };

typedef struct ann_proj_attr {
    int32_t type;        /* ANN_TYPE_F64, ANN_TYPE_F32, ANN_TYPE_I32, ANN_TYPE_BOOL */
    int32_t locality;    /* ANN_LOC_* */
    double  init;        /* value of a synapse created later (structural plasticity) */
} ann_proj_attr;

typedef struct ann_proj_desc {
    int32_t pre, post;           /* population ids */
    int32_t pre_major;           /* layout */
    int32_t post_index;          /* pre-major: keep the post index (post events) */
    int32_t delay_kind;          /* ANN_DELAY_*: decided by the front end (structure) */
    int32_t spike_events;        /* delivers pre-synaptic spikes (uniform delays read the
                                    pre population's spike history) */
    int32_t nattr;
    const ann_proj_attr *attrs;
    int32_t w_attr;              /* the weight's attribute, -1 if none */
    int32_t last_event_attr;     /* _last_event (event-driven variables), -1 if none */
    const int32_t *delayed;      /* pre attributes read through the delay buffers (rate) */
    int32_t ndelayed;
    const int32_t *pre_read;     /* local pre attributes the kernels read (exchanged between
                                    processes at every step) */
    int32_t npre_read;
    int32_t plastic;             /* the kernels write synaptic attributes during a run */
    int32_t threads;             /* threads laying out the connectivity (<= 1: the caller's
                                    alone); the result does not depend on it */
    int32_t transmit_local;      /* 1: the spike kernel reads of the pre-synaptic neurons only
                                    their spike list (no attribute, no spike time), so that
                                    threads may transmit while others update their neurons;
                                    0 (safe for any kernel): a barrier between the two */
} ann_proj_desc;

/* Adds a projection with the connectivity c, whose arrays it takes over (c is left empty).
 * Returns the id (0, 1, ...) or a negative number with the message in st. */
int ann_network_add_projection(ann_network *net, const ann_proj_desc *d, ann_csr *c,
                               ann_status *st);
/* Replaces the connectivity (reset with new draws): attributes are zeroed, delays taken from
 * c. The delay kind and the maximal delay may not grow beyond the buffers. */
int ann_projection_set_connectivity(ann_network *net, int id, ann_csr *c, ann_status *st);

int32_t    ann_network_projection_count(const ann_network *net);
/* The state the kernels see (src/kernel/00_abi.h), as ann_network_population. */
annk_proj *ann_network_projection(ann_network *net, int id);
int32_t    ann_projection_attr_type(const ann_network *net, int id, int attr);
int32_t    ann_projection_attr_locality(const ann_network *net, int id, int attr);
int32_t    ann_projection_delay_kind(const ann_network *net, int id);
/* Dendrites (post neurons with at least one synapse), their post ranks (ascending) and the
 * number of synapses. */
/* The pre- and post-synaptic population ids, and the number of synaptic attributes. */
int32_t    ann_projection_pre(const ann_network *net, int id);
int32_t    ann_projection_post(const ann_network *net, int id);
int32_t    ann_projection_attr_count(const ann_network *net, int id);
int32_t    ann_projection_dendrite_count(ann_network *net, int id);
const int32_t *ann_projection_post_ranks(ann_network *net, int id);
int64_t    ann_projection_synapse_count(ann_network *net, int id);

/* The post-major view: row[ndend + 1] and pre_rank[nsyn] (NULL when out of memory). */
const int64_t *ann_projection_row(ann_network *net, int id);
const int32_t *ann_projection_pre_ranks(ann_network *net, int id);
/* Dendrite of a post rank, -1 when none; post-major index of synapse (dendrite, pre rank),
 * the first of them for a multapse, -1 when none. */
int32_t ann_projection_dendrite_of(ann_network *net, int id, int32_t post_rank);
int64_t ann_projection_synapse_index(ann_network *net, int id, int32_t dend, int32_t pre_rank);

/* Values of attribute attr: local -> the synapses of dendrites [d0, d1) in post-major order;
 * semiglobal -> one per dendrite of [d0, d1); global -> one value. Returns the count. */
int64_t ann_projection_count_values(ann_network *net, int id, int attr, int32_t d0, int32_t d1);
int ann_projection_read(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                        double *out, ann_status *st);
/* Writes the same range from `in` (n values), or the single value in[0] to all when n == 1. */
int ann_projection_write(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                         const double *in, int64_t n, ann_status *st);
/* One element: post-major synapse k (local), dendrite k (semiglobal), 0 (global). */
double ann_projection_get1(ann_network *net, int id, int attr, int64_t k);

void   ann_projection_set1(ann_network *net, int id, int attr, int64_t k, double v);
/* Extension buffer k (< 64) of a shared-weight projection (copied); kernels read pj->ext[k].
 * ann_projection_link makes pj->link of projection id point to projection other (-1: none). */
int ann_projection_set_ext(ann_network *net, int id, int k, const double *data, int64_t n,
                           ann_status *st);
void ann_projection_link(ann_network *net, int id, int other);

/* Delays in steps. Uniform: one value >= 1. Variable: per synapse in post-major order (out
 * must hold nsyn values). Setting grows the buffers when needed. */
int32_t ann_projection_uniform_delay(ann_network *net, int id);
int ann_projection_delays(ann_network *net, int id, int32_t *out, ann_status *st);
int ann_projection_set_uniform_delay(ann_network *net, int id, int32_t steps, ann_status *st);
int ann_projection_set_delays(ann_network *net, int id, const int32_t *steps, ann_status *st);

/* Flags and the learning schedule (period >= 1 steps, offset: an absolute step). */
void ann_projection_set_flags(ann_network *net, int id, int32_t transmission, int32_t update,
                              int32_t plasticity);
/* Whether the pre-synaptic population's axonal spikes reach the synapses (on by default;
 * only projections whose kernels define annk_proj<k>_axon receive them). */
void ann_projection_set_axon_transmission(ann_network *net, int id, int32_t on);
void ann_projection_set_schedule(ann_network *net, int id, int32_t period, int64_t offset);

/* Structural plasticity from the host: synapses from the pre ranks pre[0..n-1] (any order)
 * into dendrite dend, with weights w (NULL: the attribute's init) and delays (steps, NULL:
 * the uniform delay, or 1). Errors before changing anything if one exists (create) or is
 * missing (prune). */
int ann_projection_create_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                   const int32_t *pre, const double *w, const int32_t *delay,
                                   ann_status *st);
int ann_projection_prune_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                  const int32_t *pre, ann_status *st);
/* Model-driven creating / pruning: on (period in steps, counted from the current step) or
 * off (period 0). The creating weight and delay (steps) of new synapses. */
void ann_projection_set_creating(ann_network *net, int id, int32_t period, double w,
                                 int32_t delay);
void ann_projection_set_pruning(ann_network *net, int id, int32_t period);

/* Fills every delay buffer with the current values (rate) or no spike, and empties the
 * spike rings: after initial values are transferred, and at reset. pop < 0: all. */
void ann_projections_init_history(ann_network *net, int pop);

/* ---- the dynamic state (network_state.c) ----
 * What determines a network's future besides attributes and connectivity, so that a saved
 * network continues exactly: named buffers of doubles (steps, ranks and counts held exactly).
 * A population has, where they apply: "spiked" (the ranks that spiked in the last step),
 * "last_spike" (steps), "refractory_left" (steps), "rate_window" (per neuron: the count, then
 * the window's spike steps, oldest first), "global_operations" (their last results),
 * "delayed_values" (per delayed attribute, per age from the newest, the values) and
 * "delayed_spikes" (per age: the count, then the ranks). A projection with per-synapse
 * spike delays has "spikes_in_flight" (per age from the next delivered: the count, then
 * (synapse storage index, pre rank) pairs). Buffer k of an object: its name (NULL when
 * k is out of range), its length (-1 when out of range), its values (out holds length
 * values). Setting checks the buffer against the object's structure first (check_only:
 * nothing more); non-zero with the fault in st, and nothing changed. */
int32_t     ann_population_state_count(const ann_network *net, int pop);
const char *ann_population_state_name(const ann_network *net, int pop, int k);
int64_t     ann_population_state_length(ann_network *net, int pop, int k);
void        ann_population_state_get(ann_network *net, int pop, int k, double *out);
int         ann_population_state_set(ann_network *net, int pop, int k, const double *in,
                                     int64_t n, int32_t check_only, ann_status *st);
int32_t     ann_projection_state_count(const ann_network *net, int id);
const char *ann_projection_state_name(const ann_network *net, int id, int k);
int64_t     ann_projection_state_length(ann_network *net, int id, int k);
void        ann_projection_state_get(ann_network *net, int id, int k, double *out);
int         ann_projection_state_set(ann_network *net, int id, int k, const double *in,
                                     int64_t n, int32_t check_only, ann_status *st);

/* ---- recording synaptic attributes (at the end of the step's projection phases) ---------- */

typedef struct ann_proj_recorder ann_proj_recorder;

/* Records attribute attr of projection id for the dendrites dends[0..ndends-1] (NULL: all),
 * every period steps at phase period_offset, counted from the current step. The recorder
 * belongs to the network like a monitor (freed by ann_network_free, or earlier by
 * ann_proj_recorder_free, never both). NULL on error. */
ann_proj_recorder *ann_proj_recorder_new(ann_network *net, int id, int attr,
                                         const int32_t *dends, int32_t ndends, int32_t period,
                                         int32_t period_offset, ann_status *st);
void ann_proj_recorder_free(ann_network *net, ann_proj_recorder *r);
void ann_proj_recorder_set_recording(ann_proj_recorder *r, int32_t on);
void ann_proj_recorder_set_period(ann_proj_recorder *r, int32_t period, int32_t offset);
/* All records back to back; widths[i] the number of values of record i. */
const double  *ann_proj_recorder_data(const ann_proj_recorder *r, int64_t *nrec,
                                      const int64_t **widths);
void    ann_proj_recorder_clear(ann_proj_recorder *r);
int64_t ann_proj_recorder_bytes(const ann_proj_recorder *r);
/* The name a failure of the recorder reports (copied), as ann_monitor_set_name. Unnamed, it
 * is named after the projection and the attribute it records. */
int     ann_proj_recorder_set_name(ann_proj_recorder *r, const char *name, ann_status *st);

/* Bytes used by projection id (connectivity, attributes, delays, rings). */
int64_t ann_projection_bytes(ann_network *net, int id);

/* ==== images ==== */

/* Still images for ImagePopulation: PNG through libpng, JPEG through
 * libjpeg, decoded to 8-bit grey or RGB, resized and converted the way Pillow does it, and
 * handed out as doubles in [0, 1].
 *
 * Pixels are 8-bit and row-major (y, x, channel) until the last step, because that is where
 * Pillow rounds: its bicubic resampling rounds to 8 bits after each of its two passes and its
 * "L" conversion is an integer formula, so computing in doubles would not give its values.
 * Errors are ann_status values; nothing is written to an output buffer on failure.
 */

/* An 8-bit image. pixels holds height * width * channels bytes (channels 1: grey, 3: RGB)
 * from malloc, owned by the image: ann_image_free() releases it. */
typedef struct ann_image {
    int width, height, channels;
    /* The source is one Pillow resizes with nearest neighbour whatever the filter asked
     * (palette and 1-bit images: modes "P" and "1"). Set by ann_image_load. */
    int nearest;
    unsigned char *pixels;
} ann_image;

/* The largest width or height accepted, and the largest pixel count (guards against
 * corrupt headers asking for gigabytes). */
enum { ANN_IMAGE_MAXDIM = 65535, ANN_IMAGE_MAXPIXELS = 268435456 /* 2^28 */ };

/* Allocates an image of that size (pixels uninitialised). */
int ann_image_alloc(ann_image *img, int width, int height, int channels, ann_status *st);
void ann_image_free(ann_image *img);

/* Reads a PNG or a JPEG file, recognised by its signature (not its name). Grey files
 * (PNG grey, grey + alpha, 1/2/4/8/16-bit; JPEG with one component) give 1 channel, the
 * others 3 (RGB): palettes are expanded, alpha is dropped, 16-bit samples keep their high
 * byte, gamma and colour profiles are ignored (as Pillow does). CMYK JPEGs are refused. */
int ann_image_load(const char *path, ann_image *out, ann_status *st);

/* Pillow's Image.resize with its default filter: bicubic (a = -0.5) with the support widened
 * by the scale when shrinking, two 8-bit passes (horizontal first), or nearest neighbour when
 * in->nearest. out gets a new image of width x height with in's channels. */
int ann_image_resize_pil(const ann_image *in, int width, int height, ann_image *out,
                         ann_status *st);

/* OpenCV's cv::resize with INTER_LINEAR: pixel centres at (x + 0.5) * scale - 0.5, borders
 * clamped, rounded to 8 bits (computed in double precision: at most one level away from
 * OpenCV's 11-bit fixed point). */
int ann_image_resize_bilinear(const ann_image *in, int width, int height, ann_image *out,
                              ann_status *st);

/* Colour conversions into a new image. Grey as Pillow's convert("L"): ITU-R 601 in 16-bit
 * fixed point, (19595 R + 38470 G + 7471 B + 0x8000) >> 16. Grey as OpenCV's COLOR_BGR2GRAY:
 * (4899 R + 9617 G + 1868 B + 0x2000) >> 14. RGB from grey repeats the value. A source that
 * already has the asked channels is copied. */
int ann_image_to_grey_pil(const ann_image *in, ann_image *out, ann_status *st);
int ann_image_to_grey_cv(const ann_image *in, ann_image *out, ann_status *st);
int ann_image_to_rgb(const ann_image *in, ann_image *out, ann_status *st);

/* out[i] = pixels[i] / 255 for the height * width * channels values. */
void ann_image_to_unit(const ann_image *img, double *out);

/* The population shape an image or a video frame is written into: the geometry
 * (height, width) or (height, width, 1) is grey, (height, width, 3) colour; anything else is
 * an error naming `what`. */
int ann_image_geometry(int ndim, const long long *geometry, int *height, int *width,
                       int *channels, const char *what, ann_status *st);

/* ImagePopulation.set_image: load `path`, resize it to width x height when its size differs
 * (*resized tells whether it did; *src_width, *src_height give the file's size), convert to
 * grey after resizing when channels is 1 (to RGB when 3), and write the height * width *
 * channels values / 255 into out. out is untouched on error. */
int ann_image_for_population(const char *path, int height, int width, int channels,
                             double *out, int *resized, int *src_width, int *src_height,
                             ann_status *st);

/* ==== video ==== */

/* Video frames for VideoPopulation, through FFmpeg: a camera device
 * (Linux V4L2, /dev/videoN, through libavdevice) or any file or URL libavformat can open.
 * FFmpeg is loaded at run time (dlopen) by the first open, not linked (see video.c).
 * ANNarchy uses OpenCV's VideoCapture; the frame pipeline here follows it: decode, convert
 * to 8-bit RGB at the source size (libswscale, bicubic as OpenCV's FFmpeg back end), resize
 * with OpenCV's bilinear rule, convert to grey with OpenCV's formula when the population is
 * 2-D, divide by 255. Errors are ann_status values.
 */

typedef struct ann_video ann_video;

/* Opens a video source. device != 0: a V4L2 capture device path such as "/dev/video0",
 * asked (not forced) for width x height when those are > 0; device == 0: a file or URL whose
 * format libavformat recognises. *out gets a handle to close with ann_video_close. */
int ann_video_open(const char *url, int device, int width, int height, ann_video **out,
                   ann_status *st);

/* Closes the source and frees the handle; NULL is accepted. */
void ann_video_close(ann_video *v);

/* The source's frame size as the decoder reports it. */
void ann_video_size(const ann_video *v, int *width, int *height);

/* Frames delivered so far by ann_video_read / ann_video_grab. */
long ann_video_frames(const ann_video *v);

/* Decodes the next frame into frame (8-bit RGB at the source size, pixels owned by the
 * handle and valid until the next call or ann_video_close). *got is 0 and frame untouched at
 * the end of the stream. */
int ann_video_read(ann_video *v, ann_image *frame, int *got, ann_status *st);

/* VideoPopulation.grab_image: the next frame resized to width x height (OpenCV bilinear),
 * grey (OpenCV's BGR2GRAY) when channels is 1, and the height * width * channels values / 255
 * written to out in (y, x, c) order, RGB. *got is 0 and out untouched at the end of the
 * stream. */
int ann_video_grab(ann_video *v, int height, int width, int channels, double *out, int *got,
                   ann_status *st);

/* ==== extensions: TensorBoard event files and Keras HDF5 files ============================ */

/* ---- TensorBoard event files (src/tfevents.c) ---------------------------------------------
 * A writer owns one file events.out.tfevents.<seconds>.<host>.<pid>.<n> in a directory it
 * creates when missing. The file is a sequence of records: the data length (uint64, little
 * endian), the masked CRC-32C of those 8 bytes (uint32 LE), the data, the masked CRC-32C of the
 * data; each record's data is one protobuf Event. The first record is the file version event
 * ("brain.Event:2"). Records are buffered and flushed every 10 events, every 10 seconds, on
 * ann_tfwriter_flush and on ann_tfwriter_close. Steps are the Event's step; wall times are the
 * seconds since the epoch at the call. */
typedef struct ann_tfwriter ann_tfwriter;

uint32_t ann_crc32c(const void *data, size_t n);
/* TensorBoard's mask: ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32). */
uint32_t ann_crc32c_masked(const void *data, size_t n);

int  ann_tfwriter_open(const char *directory, ann_tfwriter **out, ann_status *st);
const char *ann_tfwriter_path(const ann_tfwriter *w);
/* A Summary with one simple_value. */
int  ann_tfwriter_scalar(ann_tfwriter *w, const char *tag, double value, int64_t step,
                         ann_status *st);
/* A Summary with one HistogramProto of the n values (n >= 1, finite), binned like
 * TensorBoard's default: edges -1e20 < ... < -1e-12, 0, 1e-12 < ... (factor 1.1) < 1e20,
 * counted as numpy.histogram does, trimmed to the buckets from the one before the first
 * non-empty bucket to the last non-empty one. */
int  ann_tfwriter_histogram(ann_tfwriter *w, const char *tag, const double *values, size_t n,
                            int64_t step, ann_status *st);
/* A Summary with one Image: rgb holds height * width * 3 bytes, row-major, encoded as PNG. */
int  ann_tfwriter_image(ann_tfwriter *w, const char *tag, int32_t height, int32_t width,
                        const unsigned char *rgb, int64_t step, ann_status *st);
/* The same from a PNG or JPEG file, alpha dropped, grey expanded to RGB. */
int  ann_tfwriter_image_file(ann_tfwriter *w, const char *tag, const char *path, int64_t step,
                             ann_status *st);
/* One hyper-parameter value: kind 0 number, 1 string, 2 boolean (number != 0). */
typedef struct ann_hparam {
    const char *name;
    int32_t     kind;
    double      number;
    const char *string;
} ann_hparam;
/* The three summaries of TensorBoard's hparams plugin: _hparams_/experiment (the parameters'
 * names and types, the metrics' tags), _hparams_/session_start_info (the values) and
 * _hparams_/session_end_info (status success). */
int  ann_tfwriter_hparams(ann_tfwriter *w, const ann_hparam *params, size_t nparams,
                          const char *const *metrics, size_t nmetrics, ann_status *st);
int  ann_tfwriter_flush(ann_tfwriter *w, ann_status *st);
/* Flushes and closes; returns the status of the last write. */
int  ann_tfwriter_close(ann_tfwriter *w, ann_status *st);

/* ---- HDF5 files, read-only (src/hdf5_reader.c) ----------------------------------------------
 * Enough of HDF5 to read a Keras model file: string attributes, group members and numeric
 * datasets. Object paths are HDF5 paths ("/" is the file, "model_weights/dense/dense/kernel:0").
 * These call libhdf5 in this process, and libhdf5 may crash, hang or exhaust the memory on a
 * malformed file: read files you do not trust with ann_keras_read (below). */
typedef struct ann_h5file ann_h5file;

int  ann_h5_open(const char *path, ann_h5file **out, ann_status *st);
void ann_h5_close(ann_h5file *f);
/* 1 when the object (group or dataset) exists, else 0. */
int  ann_h5_exists(ann_h5file *f, const char *object);
/* The string attribute `name` of `object`: a scalar string or an array of strings (fixed or
 * variable length). *out receives the *count strings one after another, each ended by a NUL,
 * in one malloc'd block the caller frees. */
int  ann_h5_string_attribute(ann_h5file *f, const char *object, const char *name, char **out,
                             size_t *count, ann_status *st);
/* The names of the members of a group (links, in name order), in the form of
 * ann_h5_string_attribute's result. */
int  ann_h5_members(ann_h5file *f, const char *group, char **out, size_t *count, ann_status *st);
/* A numeric dataset's rank (at most 8) and dimensions. */
int  ann_h5_dataset_shape(ann_h5file *f, const char *path, int32_t *rank, int64_t *dims,
                          ann_status *st);
/* Reads the whole dataset, converted to double, row-major; count must be its element count. */
int  ann_h5_dataset_read(ann_h5file *f, const char *path, double *out, size_t count,
                         ann_status *st);

/* ---- Keras model files, read in a child process (src/keras_file.c) -------------------------
 * What the ANN-to-SNN converter reads of a Keras HDF5 file: the root's string attribute
 * model_config and, for every member <layer> of the group model_weights, the group
 * "model_weights/<layer>", its string attribute weight_names and each weight it names
 * ("<layer>/kernel:0" and "<layer>/bias:0" when it has none) that exists, as a numeric
 * dataset. ann_keras_read forks a child process (see "child processes") that reads these with
 * the functions above and sends them back; libhdf5 never runs in the calling process. The
 * child gets `seconds` (<= 0: 10 s plus 2 s per MB of the file) and may map 1 GB plus 8 times
 * the file's size more than the caller (Linux); a child that crashes, runs out of time (it is
 * killed) or is killed makes ann_keras_read fail with a message naming the file. The lookups
 * answer from memory with the messages the ann_h5_* functions gave in the child. */
typedef struct ann_keras_file ann_keras_file;

int  ann_keras_read(const char *path, double seconds, ann_keras_file **out, ann_status *st);
void ann_keras_free(ann_keras_file *k);
/* 1 when the object was seen ("/", a layer's group, a weight that exists), else 0. */
int  ann_keras_exists(const ann_keras_file *k, const char *object);
/* A string attribute that was read: *count strings one after another, each ended by a NUL, in
 * *strings (owned by k). */
int  ann_keras_string_attribute(const ann_keras_file *k, const char *object, const char *name,
                                const char **strings, size_t *count, ann_status *st);
/* A numeric dataset that was read: its rank (at most 8), dimensions and *count values
 * (row-major, converted to double), all owned by k. */
int  ann_keras_dataset(const ann_keras_file *k, const char *path, int32_t *rank,
                       const int64_t **dims, const double **values, size_t *count,
                       ann_status *st);

/* ==== child processes ==== */

/* A forked copy of this process that does part of the work and sends one byte string back to
 * its parent (net:parallel_run runs each copy of a network in one). The child starts as an
 * exact copy of the parent with only the calling thread; a network's thread pool inherited
 * from the parent starts new threads there when the child runs it. POSIX only. */
typedef struct ann_child ann_child;

/* Forks the process, after flushing every stdio stream (so that nothing the parent buffered is
 * written twice). Returns 1 in the parent, with *out the child's handle; 0 in the child, which
 * ends with ann_child_exit; -1 when no process can be started (st tells why). */
int  ann_child_fork(ann_child **out, ann_status *st);
/* In a child: flushes every stdio stream, sends the n bytes to the parent and ends the
 * process with _exit(code) (no atexit handler runs). Returns (-1) only in a process that is
 * not a child of ann_child_fork. */
int  ann_child_exit(const void *bytes, size_t n, int code, ann_status *st);
/* In the parent: reads what the n children send until one of them has ended (its pipe closed,
 * its process reaped) and returns that child's index in the list; -1 on failure, or when none
 * of them is still running. NULL entries are skipped. */
int  ann_child_wait_any(ann_child *const *children, int n, ann_status *st);
/* In the parent: like ann_child_wait_any for the one child c, giving up after `seconds`:
 * returns 1 when it ended, 0 when it still runs at the deadline (kill it with ann_child_free),
 * -1 on failure. */
int  ann_child_wait(ann_child *c, double seconds, ann_status *st);
/* Whether the child has not been seen ending yet. */
int  ann_child_running(const ann_child *c);
/* An ended child: the bytes it sent (owned by the handle), its exit code (-1 when a signal
 * ended it) and that signal (0 when it exited). */
const char *ann_child_bytes(const ann_child *c, size_t *n);
int  ann_child_exit_code(const ann_child *c);
int  ann_child_signal(const ann_child *c);
/* Kills the child if it still runs (SIGKILL) and reaps it, both only in the process that forked
 * it, and frees the handle; c may be NULL. */
void ann_child_free(ann_child *c);

#ifdef __cplusplus
}
#endif

#if defined(__GNUC__) && defined(ANN_BUILDING_LIBRARY)
#pragma GCC visibility pop
#endif

#endif
