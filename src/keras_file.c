/* A Keras model file read in a child process (include/annarchy.h, "Keras model files"): the
 * child opens the file with libhdf5 (src/hdf5_reader.c), reads everything the ANN-to-SNN
 * converter asks about into one flat description and sends it through the pipe of
 * src/child.c; the parent decodes it and answers the lookups from memory. A crash, an endless
 * loop or memory exhaustion inside libhdf5 on a malformed file ends only the child, under a
 * time limit and a memory limit, and becomes an error naming the file.
 *
 * The description is a sequence of records, numbers in the machine's own byte order (the same
 * program writes and reads it), a string being a uint32 length and its bytes:
 *   'O' path                                     the object exists
 *   'A' object name 1 uint64 count, string       a string attribute: count strings, each
 *                                                ended by a NUL, as one string
 *   'A' object name 0 message                    the attribute cannot be read, and why
 *   'D' path 1 int32 rank, int64 dims[rank], uint64 count, double values[count]
 *   'D' path 0 message                           the dataset cannot be read, and why
 * Exit code 0: the description; 1: a message (the file cannot be opened). */
#include "annarchy.h"
#include "status.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* The time limit: a floor, and more per MB of the file. The memory limit: what the process
 * already maps, plus a floor and a multiple of the file's size. */
#define FLOOR_SECONDS   10.0
#define SECONDS_PER_MB  2.0
#define FLOOR_BYTES     ((size_t)1 << 30)
#define BYTES_PER_BYTE  8

/* ---- the child: reading the file into a description --------------------------------------- */

typedef struct buffer {
    char  *bytes;
    size_t len, cap;
    int    failed;   /* out of memory */
} buffer;

static void put(buffer *b, const void *p, size_t n)
{
    if (b->failed) return;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->len < n) {
            if (cap > SIZE_MAX / 2) {
                b->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *nb = realloc(b->bytes, cap);
        if (!nb) {
            b->failed = 1;
            return;
        }
        b->bytes = nb;
        b->cap = cap;
    }
    memcpy(b->bytes + b->len, p, n);
    b->len += n;
}

static void put_tag(buffer *b, char tag) { put(b, &tag, 1); }

static void put_string(buffer *b, const char *s, size_t n)
{
    uint32_t l = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    put(b, &l, sizeof l);
    put(b, s, l);
}

static void put_text(buffer *b, const char *s) { put_string(b, s, strlen(s)); }

static void put_failure(buffer *b, const ann_status *st)
{
    put_tag(b, 0);
    put_text(b, st->msg);
}

/* Records the string attribute `name` of `object`; returns its strings (the caller frees them)
 * or NULL when it cannot be read. */
static char *describe_attribute(ann_h5file *f, buffer *b, const char *object, const char *name,
                                size_t *count)
{
    ann_status st = {0};
    char *block = NULL;
    put_tag(b, 'A');
    put_text(b, object);
    put_text(b, name);
    if (ann_h5_string_attribute(f, object, name, &block, count, &st) != 0) {
        put_failure(b, &st);
        return NULL;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < *count; i++) bytes += strlen(block + bytes) + 1;
    uint64_t n = *count;
    put_tag(b, 1);
    put(b, &n, sizeof n);
    put_string(b, block, bytes);
    return block;
}

static void describe_dataset(ann_h5file *f, buffer *b, const char *file, const char *path)
{
    ann_status st = {0};
    int32_t rank = 0;
    int64_t dims[8];
    put_tag(b, 'D');
    put_text(b, path);
    if (ann_h5_dataset_shape(f, path, &rank, dims, &st) != 0) {
        put_failure(b, &st);
        return;
    }
    uint64_t count = 1;
    for (int32_t i = 0; i < rank; i++) {
        if (dims[i] != 0 && count > SIZE_MAX / sizeof(double) / (uint64_t)dims[i]) {
            ann_fail(&st, "%s: the dataset '%s' has too many elements", file, path);
            put_failure(b, &st);
            return;
        }
        count *= (uint64_t)dims[i];
    }
    double *values = malloc(count ? (size_t)count * sizeof *values : 1);
    if (!values) {
        ann_fail(&st, "%s: out of memory for the %llu values of the dataset '%s'", file,
                 (unsigned long long)count, path);
        put_failure(b, &st);
        return;
    }
    if (ann_h5_dataset_read(f, path, values, (size_t)count, &st) != 0) {
        put_failure(b, &st);
    } else {
        put_tag(b, 1);
        put(b, &rank, sizeof rank);
        put(b, dims, (size_t)rank * sizeof *dims);
        put(b, &count, sizeof count);
        put(b, values, (size_t)count * sizeof *values);
    }
    free(values);
}

/* The group of one layer: its weight_names (else <layer>/kernel:0 and <layer>/bias:0, as the
 * converter assumes then), and each of these weights that exists. */
static void describe_layer(ann_h5file *f, buffer *b, const char *file, const char *layer)
{
    size_t glen = strlen("model_weights/") + strlen(layer) + 1;
    char *group = malloc(glen);
    if (!group) {
        b->failed = 1;
        return;
    }
    snprintf(group, glen, "model_weights/%s", layer);
    put_tag(b, 'O');
    put_text(b, group);
    size_t count = 0;
    char *names = describe_attribute(f, b, group, "weight_names", &count);
    char *fallback = NULL;
    if (!names) {
        size_t l = strlen(layer);
        fallback = malloc(2 * l + sizeof "/kernel:0" + sizeof "/bias:0");
        if (fallback) {
            sprintf(fallback, "%s/kernel:0", layer);
            sprintf(fallback + l + sizeof "/kernel:0", "%s/bias:0", layer);
            count = 2;
        } else {
            b->failed = 1;
            count = 0;
        }
    }
    const char *n = names ? names : fallback;
    for (size_t i = 0; i < count; i++, n += strlen(n) + 1) {
        size_t plen = glen + 1 + strlen(n);
        char *path = malloc(plen);
        if (!path) {
            b->failed = 1;
            break;
        }
        snprintf(path, plen, "%s/%s", group, n);
        if (ann_h5_exists(f, path)) {
            put_tag(b, 'O');
            put_text(b, path);
            describe_dataset(f, b, file, path);
        }
        free(path);
    }
    free(names);
    free(fallback);
    free(group);
}

/* The root's model_config, then every member of model_weights as a layer. */
static void describe(ann_h5file *f, buffer *b, const char *file)
{
    size_t count = 0;
    free(describe_attribute(f, b, "/", "model_config", &count));
    if (!ann_h5_exists(f, "model_weights")) return;
    ann_status st = {0};
    char *layers = NULL;
    if (ann_h5_members(f, "model_weights", &layers, &count, &st) != 0) return;
    const char *l = layers;
    for (size_t i = 0; i < count; i++, l += strlen(l) + 1) describe_layer(f, b, file, l);
    free(layers);
}

/* Lowers the child's address-space limit to what it maps now plus `more` bytes (Linux: the
 * mapped size is in /proc/self/statm; elsewhere no limit is set). */
static void limit_memory(size_t more)
{
    FILE *statm = fopen("/proc/self/statm", "r");
    unsigned long long pages = 0;
    if (!statm) return;
    int got = fscanf(statm, "%llu", &pages);
    fclose(statm);
    if (got != 1) return;
    struct rlimit r;
    if (getrlimit(RLIMIT_AS, &r) != 0) return;
    long page = sysconf(_SC_PAGESIZE);
    rlim_t want = (rlim_t)pages * (rlim_t)(page > 0 ? page : 4096) + more;
    if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur <= want) return;
    r.rlim_cur = want;
    setrlimit(RLIMIT_AS, &r);
}

static void run_child(const char *path, size_t memory)
{
    ann_status st = {0};
    ann_h5file *f = NULL;
    limit_memory(memory);
    if (ann_h5_open(path, &f, &st) != 0) ann_child_exit(st.msg, strlen(st.msg), 1, &st);
    buffer b = {0};
    describe(f, &b, path);
    ann_h5_close(f);
    if (b.failed) {
        const char *msg = "out of memory describing the file";
        ann_child_exit(msg, strlen(msg), 1, &st);
    }
    ann_child_exit(b.bytes ? b.bytes : "", b.len, 0, &st);
}

/* ---- the parent: the decoded description -------------------------------------------------- */

typedef struct entry {
    char     kind;       /* 'O', 'A' or 'D' */
    char    *object;     /* the object (attribute) or the path (object, dataset) */
    char    *name;       /* the attribute's name */
    char    *message;    /* why it cannot be read, or NULL */
    char    *strings;    /* an attribute's strings */
    size_t   count;      /* the number of strings or values */
    int32_t  rank;
    int64_t  dims[8];
    double  *values;
} entry;

struct ann_keras_file {
    char   *path;
    entry  *entries;
    size_t  n;
};

void ann_keras_free(ann_keras_file *k)
{
    if (!k) return;
    for (size_t i = 0; i < k->n; i++) {
        entry *e = &k->entries[i];
        free(e->object);
        free(e->name);
        free(e->message);
        free(e->strings);
        free(e->values);
    }
    free(k->entries);
    free(k->path);
    free(k);
}

typedef struct reader {
    const char *p, *end;
} reader;

static int take(reader *r, void *out, size_t n)
{
    if ((size_t)(r->end - r->p) < n) return 1;
    memcpy(out, r->p, n);
    r->p += n;
    return 0;
}

/* A string of the description as a NUL-terminated copy (NULL when damaged or out of memory);
 * *n receives its length. */
static char *take_string(reader *r, size_t *n)
{
    uint32_t l;
    if (take(r, &l, sizeof l) || (size_t)(r->end - r->p) < l) return NULL;
    char *s = malloc((size_t)l + 1);
    if (!s) return NULL;
    memcpy(s, r->p, l);
    s[l] = '\0';
    r->p += l;
    if (n) *n = l;
    return s;
}

/* Whether the attribute's count strings fill exactly its n bytes. */
static int strings_fit(const char *s, size_t n, size_t count)
{
    size_t off = 0;
    for (size_t i = 0; i < count; i++) {
        if (off >= n) return 0;
        off += strlen(s + off) + 1;
    }
    return off == n;
}

static int decode_entry(reader *r, entry *e)
{
    char ok;
    if (take(r, &e->kind, 1)) return 1;
    if (e->kind != 'O' && e->kind != 'A' && e->kind != 'D') return 1;
    if (!(e->object = take_string(r, NULL))) return 1;
    if (e->kind == 'O') return 0;
    if (e->kind == 'A' && !(e->name = take_string(r, NULL))) return 1;
    if (take(r, &ok, 1)) return 1;
    if (!ok) return (e->message = take_string(r, NULL)) == NULL;
    if (e->kind == 'A') {
        uint64_t count;
        size_t n;
        if (take(r, &count, sizeof count) || !(e->strings = take_string(r, &n))) return 1;
        e->count = (size_t)count;
        return !strings_fit(e->strings, n, e->count);
    }
    uint64_t count, want = 1;
    if (take(r, &e->rank, sizeof e->rank) || e->rank < 0 || e->rank > 8) return 1;
    if (take(r, e->dims, (size_t)e->rank * sizeof *e->dims)) return 1;
    if (take(r, &count, sizeof count)) return 1;
    for (int32_t i = 0; i < e->rank; i++) want *= (uint64_t)e->dims[i];
    if (count != want || count > (uint64_t)(r->end - r->p) / sizeof(double)) return 1;
    e->count = (size_t)count;
    if (!(e->values = malloc(e->count ? e->count * sizeof(double) : 1))) return 1;
    return take(r, e->values, e->count * sizeof(double));
}

static int decode(ann_keras_file *k, const char *bytes, size_t len)
{
    reader r = {bytes, bytes + len};
    size_t cap = 0;
    while (r.p < r.end) {
        if (k->n == cap) {
            cap = cap ? cap * 2 : 16;
            entry *e = realloc(k->entries, cap * sizeof *e);
            if (!e) return 1;
            k->entries = e;
        }
        entry *e = &k->entries[k->n++];
        memset(e, 0, sizeof *e);
        if (decode_entry(&r, e)) return 1;
    }
    return 0;
}

/* Why the child ended without a description. */
static int child_failed(const char *path, ann_child *c, ann_status *st)
{
    int sig = ann_child_signal(c);
    if (sig == SIGKILL)
        return ann_fail(st, "'%s' could not be read: the reading process was killed (signal %d; "
                        "it may have run out of memory)", path, sig);
    if (sig)
        return ann_fail(st, "'%s' could not be read: libhdf5 crashed (signal %d, %s) on this file",
                        path, sig, strsignal(sig));
    size_t n = 0;
    const char *bytes = ann_child_bytes(c, &n);
    if (ann_child_exit_code(c) == 1 && n > 0)
        return ann_fail(st, "%.*s", (int)(n < 1900 ? n : 1900), bytes);
    return ann_fail(st, "'%s' could not be read: the reading process ended with exit code %d",
                    path, ann_child_exit_code(c));
}

int ann_keras_read(const char *path, double seconds, ann_keras_file **out, ann_status *st)
{
    *out = NULL;
    struct stat sb;
    double mb = stat(path, &sb) == 0 ? (double)sb.st_size / (1 << 20) : 0;
    size_t memory = FLOOR_BYTES + (size_t)(mb * (1 << 20)) * BYTES_PER_BYTE;
    if (!(seconds > 0)) seconds = FLOOR_SECONDS + SECONDS_PER_MB * mb;   /* also NaN */
    ann_keras_file *k = calloc(1, sizeof *k);
    if (!k || !(k->path = strdup(path))) {
        free(k);
        return ann_fail(st, "out of memory");
    }
    ann_child *c = NULL;
    int r = ann_child_fork(&c, st);
    if (r == 0) run_child(path, memory);
    if (r < 0) {
        ann_keras_free(k);
        char why[sizeof st->msg];
        snprintf(why, sizeof why, "%s", st->msg);
        return ann_fail(st, "'%s' could not be read: %s", path, why);
    }
    int ended = ann_child_wait(c, seconds, st);
    int rc = 0;
    if (ended == 0)
        rc = ann_fail(st, "'%s' could not be read: libhdf5 did not finish within %.1f s",
                      path, seconds);
    else if (ended < 0)
        rc = 1;
    else if (ann_child_signal(c) || ann_child_exit_code(c) != 0)
        rc = child_failed(path, c, st);
    else {
        size_t n = 0;
        const char *bytes = ann_child_bytes(c, &n);
        if (decode(k, bytes, n))
            rc = ann_fail(st, "'%s' could not be read: the reading process's description is "
                          "damaged (or out of memory)", path);
    }
    ann_child_free(c);
    if (rc) {
        ann_keras_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

/* ---- lookups ------------------------------------------------------------------------------ */

static const entry *find(const ann_keras_file *k, char kind, const char *object,
                         const char *name)
{
    for (size_t i = 0; i < k->n; i++) {
        const entry *e = &k->entries[i];
        if (e->kind == kind && strcmp(e->object, object) == 0 &&
            (!name || strcmp(e->name, name) == 0))
            return e;
    }
    return NULL;
}

int ann_keras_exists(const ann_keras_file *k, const char *object)
{
    return strcmp(object, "/") == 0 || find(k, 'O', object, NULL) != NULL;
}

int ann_keras_string_attribute(const ann_keras_file *k, const char *object, const char *name,
                               const char **strings, size_t *count, ann_status *st)
{
    const entry *e = find(k, 'A', object, name);
    if (!e)
        return ann_fail(st, "%s: the attribute '%s' of '%s' is not part of a Keras model's "
                        "description", k->path, name, object);
    if (e->message) return ann_fail(st, "%s", e->message);
    *strings = e->strings;
    *count = e->count;
    return 0;
}

int ann_keras_dataset(const ann_keras_file *k, const char *path, int32_t *rank,
                      const int64_t **dims, const double **values, size_t *count,
                      ann_status *st)
{
    const entry *e = find(k, 'D', path, NULL);
    if (!e)
        return ann_fail(st, "%s: no dataset '%s'", k->path, path);
    if (e->message) return ann_fail(st, "%s", e->message);
    *rank = e->rank;
    *dims = e->dims;
    *values = e->values;
    *count = e->count;
    return 0;
}
