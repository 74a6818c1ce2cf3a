/* TensorBoard event files: records framed with masked CRC-32C, each holding one protobuf Event
 * encoded with protobuf-c from src/proto/tensorboard.proto. See include/annarchy.h. */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "annarchy.h"
#include "status.h"
#include "tensorboard.pb-c.h"

/* ---- CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) ---------------------------------- */

static uint32_t crc_table[256];

static void crc_init(void)
{
    if (crc_table[1]) return;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1u) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t ann_crc32c(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint32_t c = 0xFFFFFFFFu;
    crc_init();
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

uint32_t ann_crc32c_masked(const void *data, size_t n)
{
    uint32_t c = ann_crc32c(data, n);
    return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

/* protobuf-c's string fields are `char *` but are only read when packing. */
static char *str_field(const char *s)
{
    union { const char *c; char *m; } u;
    u.c = s;
    return u.m;
}

/* ---- the writer ----------------------------------------------------------------------------- */

#define FLUSH_EVENTS 10
#define FLUSH_SECONDS 10.0

struct ann_tfwriter {
    FILE  *f;
    char   path[4096];
    int    pending;        /* records written since the last flush */
    double last_flush;     /* wall time of the last flush */
    int    failed;         /* a write failed: the file is incomplete */
};

static double wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* mkdir -p */
static int make_dirs(const char *dir, ann_status *st)
{
    char buf[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof buf) return ann_fail(st, "Logger: invalid log directory '%s'", dir);
    memcpy(buf, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0') continue;
        char c = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return ann_fail(st, "Logger: cannot create the directory '%s': %s", buf, strerror(errno));
        buf[i] = c;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return ann_fail(st, "Logger: '%s' is not a directory", dir);
    return 0;
}

static int write_record(ann_tfwriter *w, const uint8_t *data, size_t n, ann_status *st)
{
    uint8_t len[8];
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)((uint64_t)n >> (8 * i));
    uint32_t c1 = ann_crc32c_masked(len, 8), c2 = ann_crc32c_masked(data, n);
    uint8_t crc1[4], crc2[4];
    for (int i = 0; i < 4; i++) {
        crc1[i] = (uint8_t)(c1 >> (8 * i));
        crc2[i] = (uint8_t)(c2 >> (8 * i));
    }
    if (fwrite(len, 1, 8, w->f) != 8 || fwrite(crc1, 1, 4, w->f) != 4 ||
        (n && fwrite(data, 1, n, w->f) != n) || fwrite(crc2, 1, 4, w->f) != 4) {
        w->failed = 1;
        return ann_fail(st, "Logger: cannot write to '%s': %s", w->path, strerror(errno));
    }
    w->pending++;
    if (w->pending >= FLUSH_EVENTS || wall_time() - w->last_flush >= FLUSH_SECONDS)
        return ann_tfwriter_flush(w, st);
    return 0;
}

static int write_event(ann_tfwriter *w, Tensorboard__Event *ev, ann_status *st)
{
    if (!w->f) return ann_fail(st, "Logger: the logger is closed");
    ev->wall_time = wall_time();
    size_t n = tensorboard__event__get_packed_size(ev);
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf) return ann_fail(st, "Logger: out of memory (%zu bytes)", n);
    tensorboard__event__pack(ev, buf);
    int rc = write_record(w, buf, n, st);
    free(buf);
    return rc;
}

/* An Event holding a Summary with the one value v. */
static int write_value(ann_tfwriter *w, Tensorboard__Summary__Value *v, int64_t step,
                       ann_status *st)
{
    Tensorboard__Summary summary;
    Tensorboard__Event ev;
    tensorboard__summary__init(&summary);
    tensorboard__event__init(&ev);
    summary.n_value = 1;
    summary.value = &v;
    ev.step = step;
    ev.what_case = TENSORBOARD__EVENT__WHAT_SUMMARY;
    ev.summary = &summary;
    return write_event(w, &ev, st);
}

static unsigned file_counter;

int ann_tfwriter_open(const char *directory, ann_tfwriter **out, ann_status *st)
{
    if (make_dirs(directory, st)) return 1;
    ann_tfwriter *w = calloc(1, sizeof *w);
    if (!w) return ann_fail(st, "Logger: out of memory");
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    int n = snprintf(w->path, sizeof w->path, "%s/events.out.tfevents.%010lld.%s.%ld.%u",
                     directory, (long long)time(NULL), host, (long)getpid(), file_counter++);
    if (n < 0 || (size_t)n >= sizeof w->path) {
        free(w);
        return ann_fail(st, "Logger: the directory name '%s' is too long", directory);
    }
    w->f = fopen(w->path, "wb");
    if (!w->f) {
        ann_fail(st, "Logger: cannot create '%s': %s", w->path, strerror(errno));
        free(w);
        return 1;
    }
    w->last_flush = wall_time();
    Tensorboard__Event ev;
    tensorboard__event__init(&ev);
    ev.what_case = TENSORBOARD__EVENT__WHAT_FILE_VERSION;
    ev.file_version = str_field("brain.Event:2");
    if (write_event(w, &ev, st) || ann_tfwriter_flush(w, st)) {
        fclose(w->f);
        free(w);
        return 1;
    }
    *out = w;
    return 0;
}

const char *ann_tfwriter_path(const ann_tfwriter *w) { return w->path; }

int ann_tfwriter_flush(ann_tfwriter *w, ann_status *st)
{
    if (!w->f) return ann_fail(st, "Logger: the logger is closed");
    w->pending = 0;
    w->last_flush = wall_time();
    if (fflush(w->f) != 0) {
        w->failed = 1;
        return ann_fail(st, "Logger: cannot write to '%s': %s", w->path, strerror(errno));
    }
    return 0;
}

int ann_tfwriter_close(ann_tfwriter *w, ann_status *st)
{
    if (!w) return 0;
    int rc = 0;
    if (w->f) {
        rc = ann_tfwriter_flush(w, st);
        if (fclose(w->f) != 0 && !rc)
            rc = ann_fail(st, "Logger: cannot write to '%s': %s", w->path, strerror(errno));
    }
    free(w);
    return rc;
}

/* ---- summaries -------------------------------------------------------------------------------- */

int ann_tfwriter_scalar(ann_tfwriter *w, const char *tag, double value, int64_t step,
                        ann_status *st)
{
    Tensorboard__Summary__Value v;
    tensorboard__summary__value__init(&v);
    v.tag = str_field(tag);
    v.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_SIMPLE_VALUE;
    v.simple_value = (float)value;
    return write_value(w, &v, step, st);
}

/* TensorBoard's default bucket edges: -1e20 < ... < -1e-12, 0, 1e-12, 1.1e-12, ... < 1e20. */
static double *default_edges(size_t *count)
{
    static double *edges;
    static size_t n;
    if (!edges) {
        size_t half = 0;
        for (double v = 1e-12; v < 1e20; v *= 1.1) half++;
        double *e = malloc((2 * half + 1) * sizeof *e);
        if (!e) return NULL;
        double v = 1e-12;
        for (size_t i = 0; i < half; i++, v *= 1.1) {
            e[half + 1 + i] = v;
            e[half - 1 - i] = -v;
        }
        e[half] = 0.0;
        edges = e;
        n = 2 * half + 1;
    }
    *count = n;
    return edges;
}

int ann_tfwriter_histogram(ann_tfwriter *w, const char *tag, const double *values, size_t n,
                           int64_t step, ann_status *st)
{
    if (n == 0) return ann_fail(st, "Logger.add_histogram('%s'): no values", tag);
    size_t ne;
    const double *edges = default_edges(&ne);
    size_t nb = ne - 1;
    double *counts = edges ? calloc(nb, sizeof *counts) : NULL;
    if (!counts) return ann_fail(st, "Logger: out of memory");
    double mn = values[0], mx = values[0], sum = 0, sum2 = 0;
    for (size_t i = 0; i < n; i++) {
        double x = values[i];
        if (!isfinite(x)) {
            free(counts);
            return ann_fail(st, "Logger.add_histogram('%s'): value %zu is not finite", tag, i + 1);
        }
        mn = x < mn ? x : mn;
        mx = x > mx ? x : mx;
        sum += x;
        sum2 += x * x;
        /* numpy.histogram: bins [e_k, e_k+1), the last one closed; outside values dropped */
        if (x < edges[0] || x > edges[nb]) continue;
        size_t lo = 0, hi = nb;     /* the last edge <= x, searched in [lo, hi) */
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (edges[mid] <= x) lo = mid; else hi = mid;
        }
        counts[lo] += 1;
    }
    /* Keep from the bucket before the first non-empty one to the last non-empty one. */
    size_t first = nb, last = 0;
    for (size_t k = 0; k < nb; k++)
        if (counts[k] > 0) {
            if (first == nb) first = k;
            last = k;
        }
    if (first == nb) {
        free(counts);
        return ann_fail(st, "Logger.add_histogram('%s'): every value lies outside +-1e20", tag);
    }
    size_t start = first > 0 ? first - 1 : 0;
    size_t nk = last - start + 1;
    double *bucket = malloc((nk + 1) * sizeof *bucket), *limit = malloc((nk + 1) * sizeof *limit);
    if (!bucket || !limit) {
        free(bucket); free(limit); free(counts);
        return ann_fail(st, "Logger: out of memory");
    }
    size_t m = 0;
    if (first == 0) bucket[m++] = 0;   /* an empty bucket below the first edge */
    for (size_t k = start; k <= last; k++) bucket[m++] = counts[k];
    size_t nl = 0;
    for (size_t k = (first == 0 ? 0 : first); k <= last + 1; k++) limit[nl++] = edges[k];
    Tensorboard__HistogramProto h;
    tensorboard__histogram_proto__init(&h);
    h.min = mn; h.max = mx; h.num = (double)n; h.sum = sum; h.sum_squares = sum2;
    h.n_bucket = m; h.bucket = bucket;
    h.n_bucket_limit = nl; h.bucket_limit = limit;
    Tensorboard__Summary__Value v;
    tensorboard__summary__value__init(&v);
    v.tag = str_field(tag);
    v.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_HISTO;
    v.histo = &h;
    int rc = write_value(w, &v, step, st);
    free(bucket); free(limit); free(counts);
    return rc;
}

/* PNG encoding into memory. */
typedef struct png_buf {
    uint8_t *data;
    size_t   len, cap;
    int      oom;
} png_buf;

static void png_buf_write(png_structp png, png_bytep data, png_size_t n)
{
    png_buf *b = png_get_io_ptr(png);
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t cap = (b->cap ? 2 * b->cap : 4096) + n;
        uint8_t *d = realloc(b->data, cap);
        if (!d) { b->oom = 1; return; }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

static void png_buf_flush(png_structp png) { (void)png; }

static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static int encode_png(int32_t height, int32_t width, const unsigned char *rgb, png_buf *out,
                      ann_status *st)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return ann_fail(st, "Logger: out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return ann_fail(st, "Logger: PNG encoding failed");
    }
    png_set_write_fn(png, out, png_buf_write, png_buf_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int32_t y = 0; y < height; y++) png_write_row(png, rgb + (size_t)y * (size_t)width * 3);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    if (out->oom) return ann_fail(st, "Logger: out of memory");
    return 0;
}

int ann_tfwriter_image(ann_tfwriter *w, const char *tag, int32_t height, int32_t width,
                       const unsigned char *rgb, int64_t step, ann_status *st)
{
    if (height < 1 || width < 1 || height > ANN_IMAGE_MAXDIM || width > ANN_IMAGE_MAXDIM)
        return ann_fail(st, "Logger.add_image('%s'): invalid size %d x %d", tag, (int)height,
                        (int)width);
    png_buf b = {0};
    if (encode_png(height, width, rgb, &b, st)) {
        free(b.data);
        return 1;
    }
    Tensorboard__Summary__Image img;
    tensorboard__summary__image__init(&img);
    img.height = height;
    img.width = width;
    img.colorspace = 3;
    img.encoded_image_string.data = b.data;
    img.encoded_image_string.len = b.len;
    Tensorboard__Summary__Value v;
    tensorboard__summary__value__init(&v);
    v.tag = str_field(tag);
    v.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_IMAGE;
    v.image = &img;
    int rc = write_value(w, &v, step, st);
    free(b.data);
    return rc;
}

int ann_tfwriter_image_file(ann_tfwriter *w, const char *tag, const char *path, int64_t step,
                            ann_status *st)
{
    ann_image img = {0}, rgb = {0};
    if (ann_image_load(path, &img, st)) return 1;
    int rc = ann_image_to_rgb(&img, &rgb, st);
    ann_image_free(&img);
    if (rc) return 1;
    rc = ann_tfwriter_image(w, tag, rgb.height, rgb.width, rgb.pixels, step, st);
    ann_image_free(&rgb);
    return rc;
}

/* ---- hyper-parameters ------------------------------------------------------------------------ */

/* A Summary value tagged `tag` whose metadata carries the hparams plugin data d. */
static int write_hparams_value(ann_tfwriter *w, const char *tag, Tensorboard__HParamsPluginData *d,
                               ann_status *st)
{
    size_t n = tensorboard__hparams_plugin_data__get_packed_size(d);
    uint8_t *content = malloc(n ? n : 1);
    if (!content) return ann_fail(st, "Logger: out of memory");
    tensorboard__hparams_plugin_data__pack(d, content);
    Tensorboard__SummaryMetadata__PluginData plugin;
    Tensorboard__SummaryMetadata meta;
    Tensorboard__Summary__Value v;
    tensorboard__summary_metadata__plugin_data__init(&plugin);
    tensorboard__summary_metadata__init(&meta);
    tensorboard__summary__value__init(&v);
    plugin.plugin_name = str_field("hparams");
    plugin.content.data = content;
    plugin.content.len = n;
    meta.plugin_data = &plugin;
    v.tag = str_field(tag);
    v.metadata = &meta;
    int rc = write_value(w, &v, 0, st);
    free(content);
    return rc;
}

int ann_tfwriter_hparams(ann_tfwriter *w, const ann_hparam *params, size_t nparams,
                         const char *const *metrics, size_t nmetrics, ann_status *st)
{
    size_t np = nparams ? nparams : 1, nm = nmetrics ? nmetrics : 1;
    Tensorboard__HParamInfo *infos = calloc(np, sizeof *infos);
    Tensorboard__HParamInfo **info_p = calloc(np, sizeof *info_p);
    Tensorboard__MetricName *mnames = calloc(nm, sizeof *mnames);
    Tensorboard__MetricInfo *minfos = calloc(nm, sizeof *minfos);
    Tensorboard__MetricInfo **minfo_p = calloc(nm, sizeof *minfo_p);
    Tensorboard__Value *values = calloc(np, sizeof *values);
    Tensorboard__SessionStartInfo__HparamsEntry *entries = calloc(np, sizeof *entries);
    Tensorboard__SessionStartInfo__HparamsEntry **entry_p = calloc(np, sizeof *entry_p);
    int rc = 1;
    if (!infos || !info_p || !mnames || !minfos || !minfo_p || !values || !entries || !entry_p) {
        ann_fail(st, "Logger: out of memory");
        goto done;
    }
    for (size_t i = 0; i < nparams; i++) {
        const ann_hparam *p = &params[i];
        tensorboard__hparam_info__init(&infos[i]);
        tensorboard__value__init(&values[i]);
        tensorboard__session_start_info__hparams_entry__init(&entries[i]);
        infos[i].name = str_field(p->name);
        if (p->kind == 1) {
            infos[i].type = TENSORBOARD__DATA_TYPE__DATA_TYPE_STRING;
            values[i].kind_case = TENSORBOARD__VALUE__KIND_STRING_VALUE;
            values[i].string_value = str_field(p->string);
        } else if (p->kind == 2) {
            infos[i].type = TENSORBOARD__DATA_TYPE__DATA_TYPE_BOOL;
            values[i].kind_case = TENSORBOARD__VALUE__KIND_BOOL_VALUE;
            values[i].bool_value = p->number != 0;
        } else {
            infos[i].type = TENSORBOARD__DATA_TYPE__DATA_TYPE_FLOAT64;
            values[i].kind_case = TENSORBOARD__VALUE__KIND_NUMBER_VALUE;
            values[i].number_value = p->number;
        }
        info_p[i] = &infos[i];
        entries[i].key = str_field(p->name);
        entries[i].value = &values[i];
        entry_p[i] = &entries[i];
    }
    for (size_t i = 0; i < nmetrics; i++) {
        tensorboard__metric_name__init(&mnames[i]);
        tensorboard__metric_info__init(&minfos[i]);
        mnames[i].tag = str_field(metrics[i]);
        minfos[i].name = &mnames[i];
        minfo_p[i] = &minfos[i];
    }
    Tensorboard__Experiment exp;
    Tensorboard__SessionStartInfo ssi;
    Tensorboard__SessionEndInfo sei;
    Tensorboard__HParamsPluginData d;
    tensorboard__experiment__init(&exp);
    tensorboard__session_start_info__init(&ssi);
    tensorboard__session_end_info__init(&sei);
    exp.n_hparam_infos = nparams;
    exp.hparam_infos = info_p;
    exp.n_metric_infos = nmetrics;
    exp.metric_infos = minfo_p;
    ssi.n_hparams = nparams;
    ssi.hparams = entry_p;
    sei.status = TENSORBOARD__STATUS__STATUS_SUCCESS;

    tensorboard__hparams_plugin_data__init(&d);
    d.data_case = TENSORBOARD__HPARAMS_PLUGIN_DATA__DATA_EXPERIMENT;
    d.experiment = &exp;
    if (write_hparams_value(w, "_hparams_/experiment", &d, st)) goto done;
    tensorboard__hparams_plugin_data__init(&d);
    d.data_case = TENSORBOARD__HPARAMS_PLUGIN_DATA__DATA_SESSION_START_INFO;
    d.session_start_info = &ssi;
    if (write_hparams_value(w, "_hparams_/session_start_info", &d, st)) goto done;
    tensorboard__hparams_plugin_data__init(&d);
    d.data_case = TENSORBOARD__HPARAMS_PLUGIN_DATA__DATA_SESSION_END_INFO;
    d.session_end_info = &sei;
    rc = write_hparams_value(w, "_hparams_/session_end_info", &d, st);
done:
    free(infos); free(info_p); free(mnames); free(minfos); free(minfo_p);
    free(values); free(entries); free(entry_p);
    return rc;
}
