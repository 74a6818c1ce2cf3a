/* Kernel compilation and the on-disk cache.
 *
 * A kernel library is keyed by the SHA-256 of its source, the compiler's identity, the flags
 * and, with -march=native, the CPU it resolves to. An entry is three files in the cache
 * directory: KEY.c (the source, for inspection), KEY.so and KEY.sum (size and SHA-256 of the
 * library). The .sum is renamed into place last, so an entry without it is incomplete; a
 * library whose bytes do not match its .sum is rebuilt, never loaded. Writes go to temporary
 * files renamed into place, so processes compiling the same kernels at once all succeed. */
#include "annarchy.h"
#include "sha256.h"
#include "status.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct ann_module {
    void   *handle;
    int32_t from_cache;
    char    path[PATH_MAX];
};

/* The in-process compiler registered by the annlua host (libtcc cannot be linked into a
 * shared library, so only the executable has one). Set once at start-up. */
static ann_inproc_compiler inproc_tcc;
static char inproc_identity[128];

void ann_jit_set_inproc_tcc(ann_inproc_compiler fn, const char *identity)
{
    inproc_tcc = fn;
    snprintf(inproc_identity, sizeof inproc_identity, "%s", identity ? identity : "libtcc");
}

const char *ann_version(void) { return ANN_VERSION; }

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return -1;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
    return 0;
}

int ann_cache_dir(char *dir, size_t dirlen)
{
    const char *env = getenv("ANNLUA_CACHE");
    int n;
    if (env && *env) {
        n = snprintf(dir, dirlen, "%s", env);
    } else if ((env = getenv("XDG_CACHE_HOME")) && *env) {
        n = snprintf(dir, dirlen, "%s/annlua", env);
    } else if ((env = getenv("HOME")) && *env) {
        n = snprintf(dir, dirlen, "%s/.cache/annlua", env);
    } else {
        n = snprintf(dir, dirlen, "/tmp/annlua-cache-%ld", (long)getuid());
    }
    return (n < 0 || (size_t)n >= dirlen) ? -1 : 0;
}

/* Calls fn on every cache entry file (KEY.so, KEY.c, KEY.sum, temporaries, failed sources). */
static int for_each_cache_file(const char *dir, void (*fn)(const char *path, void *ud), void *ud)
{
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(e->d_name);
        int ours = (len > 3 && (strcmp(e->d_name + len - 3, ".so") == 0 ||
                                strcmp(e->d_name + len - 2, ".c") == 0 ||
                                strcmp(e->d_name + len - 4, ".sum") == 0 ||
                                strcmp(e->d_name + len - 4, ".log") == 0));
        if (!ours) continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path) continue;
        fn(path, ud);
    }
    closedir(d);
    return 0;
}

typedef struct { long entries; long long bytes; } cache_tally;

static void tally_file(const char *path, void *ud)
{
    cache_tally *t = ud;
    struct stat st;
    if (stat(path, &st) != 0) return;
    t->bytes += st.st_size;
    size_t len = strlen(path);
    if (len > 4 && strcmp(path + len - 4, ".sum") == 0) t->entries++;
}

int ann_cache_info(char *dir, size_t dirlen, long *entries, long long *bytes)
{
    if (ann_cache_dir(dir, dirlen) != 0) return -1;
    cache_tally t = {0, 0};
    if (for_each_cache_file(dir, tally_file, &t) != 0) return -1;
    if (entries) *entries = t.entries;
    if (bytes) *bytes = t.bytes;
    return 0;
}

static void remove_file(const char *path, void *ud)
{
    long *removed = ud;
    size_t len = strlen(path);
    if (unlink(path) == 0 && len > 4 && strcmp(path + len - 4, ".sum") == 0) (*removed)++;
}

int ann_cache_clear(long *removed)
{
    char dir[PATH_MAX];
    long n = 0;
    if (ann_cache_dir(dir, sizeof dir) != 0) return -1;
    if (for_each_cache_file(dir, remove_file, &n) != 0) return -1;
    if (removed) *removed = n;
    return 0;
}

/* Finds an executable in PATH; writes its resolved path. */
static int find_program(const char *name, char *out, size_t outlen)
{
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char cand[PATH_MAX];
        if (len > 0 && (size_t)snprintf(cand, sizeof cand, "%.*s/%s", (int)len, p, name) < sizeof cand
            && access(cand, X_OK) == 0) {
            if (!realpath(cand, out)) snprintf(out, outlen, "%s", cand);
            return 0;
        }
        if (!colon) break;
        p = colon + 1;
    }
    return -1;
}

/* "path:size:mtime" of a compiler binary: changes whenever the compiler is upgraded. */
static void program_identity(const char *path, char *out, size_t outlen)
{
    struct stat st;
    if (stat(path, &st) == 0)
        snprintf(out, outlen, "%s:%lld:%lld", path, (long long)st.st_size, (long long)st.st_mtime);
    else
        snprintf(out, outlen, "%s", path);
}

/* What -march=native resolves to is a property of the CPU: hash its model name and flags. */
static void cpu_identity(ann_sha256 *h)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return;
    char line[8192];
    int got_model = 0, got_flags = 0;
    while (fgets(line, sizeof line, f) && !(got_model && got_flags)) {
        if (!got_model && strncmp(line, "model name", 10) == 0) {
            ann_sha256_update(h, line, strlen(line));
            got_model = 1;
        } else if (!got_flags && strncmp(line, "flags", 5) == 0) {
            ann_sha256_update(h, line, strlen(line));
            got_flags = 1;
        }
    }
    fclose(f);
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) { fclose(f); return -1; }
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) { free(buf); fclose(f); return -1; }
            buf = nb; cap *= 2;
        }
    }
    fclose(f);
    buf[n] = 0;
    *data = buf; *len = n;
    return 0;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    return ok ? 0 : -1;
}

/* The .sum of a library's bytes: "<size> <sha256 hex>\n". */
static void data_sum(const char *data, size_t len, char *out, size_t outlen)
{
    ann_sha256 h; uint8_t dg[32]; char hex[65];
    ann_sha256_init(&h);
    ann_sha256_update(&h, data, len);
    ann_sha256_final(&h, dg);
    ann_sha256_hex(dg, hex);
    snprintf(out, outlen, "%zu %s\n", len, hex);
}

static int file_sum(const char *path, char *out, size_t outlen)
{
    char *data; size_t len;
    if (read_file(path, &data, &len) != 0) return -1;
    data_sum(data, len, out, outlen);
    free(data);
    return 0;
}

static int entry_valid(const char *so_path, const char *sum_path)
{
    char *stored; size_t len;
    if (read_file(sum_path, &stored, &len) != 0) return 0;
    char actual[128];
    int ok = file_sum(so_path, actual, sizeof actual) == 0 && strcmp(stored, actual) == 0;
    free(stored);
    return ok;
}

/* Runs argv with stderr and stdout sent to log_path; returns the exit status or -1. */
static int run_program(char *const argv[], const char *log_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Splits a flag string on blanks into argv entries (no quoting: flags are simple words). */
static int split_flags(char *flags, char **argv, int max)
{
    int n = 0;
    for (char *tok = strtok(flags, " \t\n"); tok && n < max; tok = strtok(NULL, " \t\n"))
        argv[n++] = tok;
    return n;
}

typedef struct {
    const char *name;            /* "cc" or "tcc" */
    char program[PATH_MAX];      /* the compiler command, empty for in-process libtcc */
    char identity[PATH_MAX + 64];
    char flags[512];
} compiler_choice;

static int choose_compiler(const ann_jit_options *opt, compiler_choice *c, ann_status *st)
{
    const char *want = opt && opt->compiler ? opt->compiler : "cc";
    const char *extra = opt && opt->flags ? opt->flags : "";
    memset(c, 0, sizeof *c);
    if (strcmp(want, "cc") == 0 || strcmp(want, "gcc") == 0 || strcmp(want, "default") == 0) {
        if (find_program(strcmp(want, "gcc") == 0 ? "gcc" : "cc", c->program, sizeof c->program) == 0) {
            c->name = "cc";
            program_identity(c->program, c->identity, sizeof c->identity);
            snprintf(c->flags, sizeof c->flags,
                     "-O3 -march=native -ffp-contract=off -fno-math-errno -fno-trapping-math -fPIC -shared %s", extra);
            return 0;
        }
        ann_log("no system C compiler found; compiling kernels with tcc");
        want = "tcc";
    }
    if (strcmp(want, "tcc") != 0) {
        return ann_fail(st, "unknown compiler '%s' (expected \"cc\" or \"tcc\")", want);
    }
    c->name = "tcc";
    snprintf(c->flags, sizeof c->flags, "-shared %s", extra);
    if (inproc_tcc) {
        snprintf(c->identity, sizeof c->identity, "%s", inproc_identity);
        return 0;
    }
    if (find_program("tcc", c->program, sizeof c->program) != 0)
        return ann_fail(st, "the tcc compiler is not installed (Debian package tcc)");
    program_identity(c->program, c->identity, sizeof c->identity);
    return 0;
}

static void cache_key(const char *source, const compiler_choice *c, char key[65])
{
    ann_sha256 h; uint8_t dg[32];
    ann_sha256_init(&h);
    ann_sha256_update(&h, source, strlen(source) + 1);
    ann_sha256_update(&h, c->identity, strlen(c->identity) + 1);
    ann_sha256_update(&h, c->flags, strlen(c->flags) + 1);
    if (strstr(c->flags, "-march=native")) cpu_identity(&h);
    ann_sha256_final(&h, dg);
    ann_sha256_hex(dg, key);
}

/* Keeps the first lines of a compiler log in the status message. */
static void append_log(ann_status *st, const char *log_path)
{
    char *log, head[sizeof st->msg];
    size_t len, n = 0;
    if (read_file(log_path, &log, &len) != 0) return;
    for (int lines = 0; n < len && lines < 20; n++)
        if (log[n] == '\n') lines++;
    snprintf(head, sizeof head, "%s", st ? st->msg : ann_last_error());
    ann_fail(st, "%s%.*s", head, (int)n, log);
    free(log);
}

static int compile_to(const char *source, const compiler_choice *c, const char *dir,
                      const char *key, const char *label, const char *tmp_so, ann_status *st)
{
    char src_path[PATH_MAX], log_path[PATH_MAX];
    snprintf(src_path, sizeof src_path, "%s.c", tmp_so);
    snprintf(log_path, sizeof log_path, "%s.log", tmp_so);
    if (write_file(src_path, source, strlen(source)) != 0)
        return ann_fail(st, "cannot write %s: %s", src_path, strerror(errno));

    int failed;
    if (!c->program[0]) {
        char err[1500] = "";
        failed = inproc_tcc(source, tmp_so, err, sizeof err) != 0;
        if (failed) write_file(log_path, err, strlen(err));
    } else {
        char flags[sizeof c->flags], program[PATH_MAX], output[PATH_MAX];
        char opt_o[] = "-o", opt_lm[] = "-lm";
        snprintf(flags, sizeof flags, "%s", c->flags);
        snprintf(program, sizeof program, "%s", c->program);
        snprintf(output, sizeof output, "%s", tmp_so);
        char *argv[64];
        int n = 0;
        argv[n++] = program;
        n += split_flags(flags, argv + n, 50);
        argv[n++] = opt_o;
        argv[n++] = output;
        argv[n++] = src_path;
        argv[n++] = opt_lm;
        argv[n] = NULL;
        failed = run_program(argv, log_path) != 0;
    }
    if (failed) {
        char kept[PATH_MAX];
        snprintf(kept, sizeof kept, "%s/failed-%s.c", dir, key);
        write_file(kept, source, strlen(source));
        unlink(src_path);
        char *log; size_t len;
        int memory_full = 0;
        if (read_file(log_path, &log, &len) == 0) {
            memory_full = strstr(log, "memory full") != NULL;
            free(log);
        }
        if (memory_full)   /* a limit of tcc on very large code, not a fault of the code */
            ann_fail(st, "compiling %s with %s failed: the code is larger than tcc can "
                     "hold (memory full); compile it with cc (compile{compiler = \"cc\"}). The "
                     "source is kept at %s:\n", label, c->name, kept);
        else
            ann_fail(st, "compiling %s with %s failed (a bug in the generated code; "
                     "the source is kept at %s):\n", label, c->name, kept);
        append_log(st, log_path);
        unlink(log_path);
        unlink(tmp_so);
        return 1;
    }
    unlink(log_path);
    return 0;
}

/* Copies a compiled library and its source into the cache under the entry's names, through
 * temporaries renamed into place: no reader ever sees a partial entry. */
static int publish(const char *dir, const char *key, const char *lib, const char *source,
                   const char *so_path, const char *sum_path, int *gone, ann_status *st)
{
    char *data; size_t len;
    if (read_file(lib, &data, &len) != 0)
        return ann_fail(st, "cannot read the compiled library %s: %s", lib, strerror(errno));
    char sum[128], tmp_so[PATH_MAX], tmp_sum[PATH_MAX], tmp_src[PATH_MAX], src_path[PATH_MAX];
    data_sum(data, len, sum, sizeof sum);
    struct timespec ts;   /* pid and clock: distinct temporaries within and across processes */
    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(tmp_so, sizeof tmp_so, "%s/tmp-%ld-%ld%09ld-%.16s.so", dir, (long)getpid(),
             (long)ts.tv_sec, (long)ts.tv_nsec, key);
    snprintf(tmp_sum, sizeof tmp_sum, "%s.sum", tmp_so);
    snprintf(tmp_src, sizeof tmp_src, "%s.c", tmp_so);
    snprintf(src_path, sizeof src_path, "%s/%s.c", dir, key);
    int rc = mkdir_p(dir) != 0 || write_file(tmp_so, data, len) != 0
             || write_file(tmp_sum, sum, strlen(sum)) != 0
             || write_file(tmp_src, source, strlen(source)) != 0 || rename(tmp_src, src_path) != 0
             || rename(tmp_so, so_path) != 0 || rename(tmp_sum, sum_path) != 0;
    int err = errno;
    free(data);
    if (rc) {
        unlink(tmp_so); unlink(tmp_sum); unlink(tmp_src);
        *gone = err == ENOENT;
        return ann_fail(st, "cannot write the cache entry %s: %s", so_path, strerror(err));
    }
    return 0;
}

/* Compiles into a private directory (another process may empty the cache meanwhile), copies
 * the library into the cache (again when the cache directory vanished under the copy), and
 * loads it: from the cache, or from the private copy when the entry is already gone. */
static int compile_and_load(const char *source, const compiler_choice *c, const char *dir,
                            const char *key, const char *label, const char *so_path,
                            const char *sum_path, void **handle, ann_status *st)
{
    char work[PATH_MAX], lib[PATH_MAX];
    const char *tmpdir = getenv("TMPDIR");
    snprintf(work, sizeof work, "%s/annlua-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    if (!mkdtemp(work))
        return ann_fail(st, "cannot create a temporary directory to compile %s: %s", label,
                        strerror(errno));
    snprintf(lib, sizeof lib, "%s/%.16s.so", work, key);
    int rc = compile_to(source, c, dir, key, label, lib, st);
    for (int attempt = 1; rc == 0; attempt++) {
        int gone = 0, published = publish(dir, key, lib, source, so_path, sum_path, &gone, st);
        if (published == 0) break;
        if (!gone || attempt == 8) rc = published;
    }
    if (rc == 0) {
        *handle = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
        if (!*handle && access(so_path, F_OK) != 0) *handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (!*handle) rc = ann_fail(st, "cannot load %s: %s", so_path, dlerror());
    }
    unlink(lib);
    rmdir(work);
    return rc;
}

static int jit_load_once(const char *source, const ann_jit_options *opt, ann_module **out,
                         int *vanished, ann_status *st)
{
    const char *label = opt && opt->label ? opt->label : "kernels";
    int verbose = (opt && opt->verbose) || (getenv("ANNLUA_VERBOSE") && *getenv("ANNLUA_VERBOSE")
                                             && strcmp(getenv("ANNLUA_VERBOSE"), "0") != 0);
    compiler_choice c;
    if (choose_compiler(opt, &c, st) != 0) return 1;

    char dir[PATH_MAX];
    if (opt && opt->directory && *opt->directory)
        snprintf(dir, sizeof dir, "%s", opt->directory);
    else if (ann_cache_dir(dir, sizeof dir) != 0)
        return ann_fail(st, "the cache directory path is too long");
    if (mkdir_p(dir) != 0 || access(dir, W_OK) != 0) {
        int err = errno;
        char fallback[PATH_MAX];
        snprintf(fallback, sizeof fallback, "/tmp/annlua-cache-%ld", (long)getuid());
        /* the default cache (not a directory the caller chose) falls back to a private one */
        if ((opt && opt->directory && *opt->directory) || strcmp(dir, fallback) == 0
            || mkdir_p(fallback) != 0 || access(fallback, W_OK) != 0)
            return ann_fail(st, "cannot write in the cache directory %s: %s", dir, strerror(err));
        ann_log("note: the cache directory %s cannot be written (%s); using %s", dir,
                strerror(err), fallback);
        snprintf(dir, sizeof dir, "%s", fallback);
    }

    char key[65], so_path[PATH_MAX], sum_path[PATH_MAX];
    cache_key(source, &c, key);
    snprintf(so_path, sizeof so_path, "%s/%s.so", dir, key);
    snprintf(sum_path, sizeof sum_path, "%s/%s.sum", dir, key);

    ann_module *m = calloc(1, sizeof *m);
    if (!m) return ann_fail(st, "out of memory");
    snprintf(m->path, sizeof m->path, "%s", so_path);

    if (!(opt && opt->rebuild) && entry_valid(so_path, sum_path)) {
        m->from_cache = 1;
        if (verbose) ann_log("cache hit for %s (%s, %s)", label, c.name, so_path);
        m->handle = dlopen(so_path, RTLD_NOW | RTLD_LOCAL);
        if (!m->handle) {
            *vanished = access(so_path, F_OK) != 0;   /* removed since: compile it */
            free(m);
            return ann_fail(st, "cannot load %s: %s", so_path, dlerror());
        }
    } else {
        if (access(so_path, F_OK) == 0 && verbose)
            ann_log("cache entry %s is incomplete or corrupt: rebuilding", key);
        double t0 = now_seconds();
        int rc = compile_and_load(source, &c, dir, key, label, so_path, sum_path, &m->handle, st);
        if (rc != 0) {
            free(m);
            return rc;
        }
        if (verbose)
            ann_log("compiled %s with %s in %.3f s (%s)", label, c.name,
                    now_seconds() - t0, so_path);
    }
    *out = m;
    return 0;
}

void *ann_module_symbol(const ann_module *m, const char *name) { return dlsym(m->handle, name); }
const char *ann_module_path(const ann_module *m) { return m->path; }
int32_t ann_module_from_cache(const ann_module *m) { return m->from_cache; }

void ann_module_release(ann_module *m)
{
    if (!m) return;
    if (m->handle) dlclose(m->handle);
    free(m);
}

/* A cache entry found valid may be removed before it is loaded (annlua --cache-clear in
 * another process): the load then starts again, and compiles. */
int ann_jit_load(const char *source, const ann_jit_options *opt, ann_module **out,
                 ann_status *st)
{
    for (int attempt = 1;; attempt++) {
        int vanished = 0;
        int rc = jit_load_once(source, opt, out, &vanished, st);
        if (rc == 0 || !vanished || attempt == 3) return rc;
    }
}
