/* Still images: decoding (libpng, libjpeg), Pillow's resampling and conversions, OpenCV's
 * bilinear resize and grey formula for video frames. See include/annarchy.h. */
#include "annarchy.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "status.h"

/* ---- buffers ------------------------------------------------------------------------------ */

static int size_ok(int width, int height, int channels)
{
    return width >= 1 && height >= 1 && width <= ANN_IMAGE_MAXDIM && height <= ANN_IMAGE_MAXDIM &&
           (size_t)width * (size_t)height <= ANN_IMAGE_MAXPIXELS &&
           (channels == 1 || channels == 3);
}

int ann_image_alloc(ann_image *img, int width, int height, int channels, ann_status *st)
{
    memset(img, 0, sizeof *img);
    if (!size_ok(width, height, channels))
        return ann_fail(st, "invalid image size %dx%d with %d channels (at most %d pixels a side, "
                        "%zu in all, 1 or 3 channels)", width, height, channels, ANN_IMAGE_MAXDIM,
                        (size_t)ANN_IMAGE_MAXPIXELS);
    img->pixels = malloc((size_t)width * (size_t)height * (size_t)channels);
    if (!img->pixels)
        return ann_fail(st, "out of memory for a %dx%d image", width, height);
    img->width = width;
    img->height = height;
    img->channels = channels;
    return 0;
}

void ann_image_free(ann_image *img)
{
    if (!img)
        return;
    free(img->pixels);
    memset(img, 0, sizeof *img);
}

/* Copies `channels` of each pixel out of rows holding `src_channels` (grey + alpha and RGBA
 * lose their alpha). */
static void take_channels(unsigned char *dst, const unsigned char *src, int width,
                          int channels, int src_channels)
{
    int x, c;
    for (x = 0; x < width; x++)
        for (c = 0; c < channels; c++)
            dst[x * channels + c] = src[x * src_channels + c];
}

/* ---- PNG ----------------------------------------------------------------------------------- */

typedef struct png_err {
    char msg[256];
} png_err;

static void png_on_error(png_structp png, png_const_charp msg)
{
    png_err *e = png_get_error_ptr(png);
    if (e)
        snprintf(e->msg, sizeof e->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static int load_png(FILE *f, const char *path, ann_image *out, ann_status *st)
{
    png_err err;
    png_structp png;
    png_infop info = NULL;
    /* set after setjmp and used after a longjmp: volatile (C11 7.13.2.1) */
    unsigned char *volatile rowbuf = NULL;
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    png_uint_32 w, h, y;
    int color, depth, channels, src_channels, nearest;
    size_t rowbytes;

    memset(&err, 0, sizeof err);
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, png_on_error, png_on_warning);
    if (!png)
        return ann_fail(st, "out of memory reading '%s'", path);
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return ann_fail(st, "out of memory reading '%s'", path);
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(rowbuf);
        free(pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return ann_fail(st, "'%s' is not a valid PNG file: %s", path,
                        err.msg[0] ? err.msg : "decoding failed");
    }
    png_init_io(png, f);
    png_set_user_limits(png, ANN_IMAGE_MAXDIM, ANN_IMAGE_MAXDIM);
    png_read_info(png, info);
    w = png_get_image_width(png, info);
    h = png_get_image_height(png, info);
    color = png_get_color_type(png, info);
    depth = png_get_bit_depth(png, info);
    /* Pillow opens these as modes "P" and "1", which its resize treats with nearest neighbour */
    nearest = color == PNG_COLOR_TYPE_PALETTE || (color == PNG_COLOR_TYPE_GRAY && depth == 1);
    channels = (color & PNG_COLOR_MASK_COLOR) ? 3 : 1;
    if (!size_ok((int)w, (int)h, channels) || (size_t)w * h > ANN_IMAGE_MAXPIXELS) {
        png_destroy_read_struct(&png, &info, NULL);
        return ann_fail(st, "'%s': image size %ux%u is too large", path, (unsigned)w, (unsigned)h);
    }
    if (color == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16)
        png_set_strip_16(png); /* the high byte, as Pillow's "RGB;16B" unpacking */
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
    src_channels = png_get_channels(png, info);
    rowbytes = png_get_rowbytes(png, info);
    if (src_channels < channels || rowbytes < (size_t)w * (size_t)src_channels)
        png_error(png, "unexpected pixel layout after expansion");
    rowbuf = malloc(rowbytes * h);
    rows = malloc(sizeof(png_bytep) * h);
    pixels = malloc((size_t)w * h * (size_t)channels);
    if (!rowbuf || !rows || !pixels)
        png_error(png, "out of memory");
    for (y = 0; y < h; y++)
        rows[y] = rowbuf + (size_t)y * rowbytes;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    for (y = 0; y < h; y++)
        take_channels(pixels + (size_t)y * w * (size_t)channels, rows[y], (int)w, channels,
                      src_channels);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    free(rowbuf);
    out->width = (int)w;
    out->height = (int)h;
    out->channels = channels;
    out->nearest = nearest;
    out->pixels = pixels;
    return 0;
}

/* ---- JPEG ---------------------------------------------------------------------------------- */

typedef struct jpeg_err {
    struct jpeg_error_mgr pub; /* first: libjpeg hands back a pointer to it */
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
} jpeg_err;

static void jpeg_on_error(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->msg);
    longjmp(e->jump, 1);
}

/* Corrupt data is a warning to libjpeg, which then invents the missing pixels; Pillow refuses
 * a truncated file, and so does this: the first warning ends the decoding. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
    if (level < 0)
        jpeg_on_error(cinfo);
}

static int load_jpeg(FILE *f, const char *path, ann_image *out, ann_status *st)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_err err;
    unsigned char *volatile pixels = NULL;
    int channels, w, h;

    memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_on_error;
    err.pub.emit_message = jpeg_on_message;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        return ann_fail(st, "'%s' is not a valid JPEG file: %s", path, err.msg);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    (void)jpeg_read_header(&cinfo, TRUE);
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo.out_color_space = JCS_GRAYSCALE;
        channels = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo.out_color_space = JCS_RGB;
        channels = 3;
        break;
    default:
        jpeg_destroy_decompress(&cinfo);
        return ann_fail(st, "'%s': CMYK and YCCK JPEG files are not supported (convert it to RGB)",
                        path);
    }
    if (cinfo.image_width > ANN_IMAGE_MAXDIM || cinfo.image_height > ANN_IMAGE_MAXDIM ||
        (size_t)cinfo.image_width * cinfo.image_height > ANN_IMAGE_MAXPIXELS) {
        jpeg_destroy_decompress(&cinfo);
        return ann_fail(st, "'%s': image size %ux%u is too large", path,
                        (unsigned)cinfo.image_width, (unsigned)cinfo.image_height);
    }
    (void)jpeg_start_decompress(&cinfo);
    w = (int)cinfo.output_width;
    h = (int)cinfo.output_height;
    if (cinfo.output_components != channels) {
        snprintf(err.msg, sizeof err.msg, "unexpected number of components %d",
                 cinfo.output_components);
        longjmp(err.jump, 1);
    }
    pixels = malloc((size_t)w * (size_t)h * (size_t)channels);
    if (!pixels) {
        snprintf(err.msg, sizeof err.msg, "out of memory");
        longjmp(err.jump, 1);
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * (size_t)w * (size_t)channels;
        (void)jpeg_read_scanlines(&cinfo, &row, 1);
    }
    (void)jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    out->width = w;
    out->height = h;
    out->channels = channels;
    out->nearest = 0;
    out->pixels = pixels;
    return 0;
}

int ann_image_load(const char *path, ann_image *out, ann_status *st)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char head[8];
    size_t n;
    FILE *f;
    int rc;

    memset(out, 0, sizeof *out);
    if (!path || !*path)
        return ann_fail(st, "no image file name given");
    f = fopen(path, "rb");
    if (!f)
        return ann_fail(st, "cannot open image '%s': %s", path, strerror(errno));
    n = fread(head, 1, sizeof head, f);
    if (n == 8 && memcmp(head, png_sig, 8) == 0) {
        rewind(f);
        rc = load_png(f, path, out, st);
    } else if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) {
        rewind(f);
        rc = load_jpeg(f, path, out, st);
    } else {
        rc = ann_fail(st, "'%s' is neither a PNG nor a JPEG file (%s)", path,
                      n == 0 ? "it is empty" : "unknown signature");
    }
    fclose(f);
    return rc;
}

/* ---- Pillow's resampling ------------------------------------------------------------------- */

/* Pillow's Resample.c: coefficients in 22-bit fixed point, 8-bit results after each pass. */
#define PIL_PRECISION_BITS (32 - 8 - 2)

static double bicubic(double x)
{
    const double a = -0.5;
    if (x < 0.0)
        x = -x;
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0)
        return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

/* For each output position: the first input index, the number of inputs and ksize fixed-point
 * weights (Pillow's precompute_coeffs and normalize_coeffs_8bpc). Returns ksize or 0. */
static int pil_coeffs(int in_size, int out_size, int **bounds_out, int32_t **kk_out)
{
    double scale = (double)in_size / out_size, filterscale = scale < 1.0 ? 1.0 : scale;
    double support = 2.0 * filterscale, ss = 1.0 / filterscale;
    int ksize = (int)ceil(support) * 2 + 1, xx, x;
    double *w = malloc(sizeof(double) * (size_t)ksize);
    int *bounds = malloc(sizeof(int) * 2 * (size_t)out_size);
    int32_t *kk = malloc(sizeof(int32_t) * (size_t)ksize * (size_t)out_size);

    if (!w || !bounds || !kk) {
        free(w);
        free(bounds);
        free(kk);
        return 0;
    }
    for (xx = 0; xx < out_size; xx++) {
        double center = (xx + 0.5) * scale, ww = 0.0;
        int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
        if (xmin < 0)
            xmin = 0;
        if (xmax > in_size)
            xmax = in_size;
        xmax -= xmin;
        for (x = 0; x < xmax; x++) {
            w[x] = bicubic((x + xmin - center + 0.5) * ss);
            ww += w[x];
        }
        for (x = 0; x < ksize; x++) {
            double k = x < xmax ? (ww != 0.0 ? w[x] / ww : w[x]) : 0.0;
            k *= (double)(1 << PIL_PRECISION_BITS);
            kk[(size_t)xx * (size_t)ksize + (size_t)x] = (int32_t)(k < 0 ? k - 0.5 : k + 0.5);
        }
        bounds[2 * xx] = xmin;
        bounds[2 * xx + 1] = xmax;
    }
    free(w);
    *bounds_out = bounds;
    *kk_out = kk;
    return ksize;
}

static unsigned char clip8(int32_t v)
{
    if (v < 0)
        return 0;
    v >>= PIL_PRECISION_BITS;
    return (unsigned char)(v > 255 ? 255 : v);
}

/* One separable pass along x (horizontal) or y. */
static void pil_pass(const ann_image *in, ann_image *out, int horizontal, int ksize,
                     const int *bounds, const int32_t *kk)
{
    int C = in->channels, xx, yy, c, i;
    for (yy = 0; yy < out->height; yy++)
        for (xx = 0; xx < out->width; xx++) {
            int o = horizontal ? xx : yy;
            int lo = bounds[2 * o], n = bounds[2 * o + 1];
            const int32_t *k = kk + (size_t)o * (size_t)ksize;
            for (c = 0; c < C; c++) {
                int32_t s = 1 << (PIL_PRECISION_BITS - 1);
                for (i = 0; i < n; i++) {
                    size_t at = horizontal
                                    ? ((size_t)yy * (size_t)in->width + (size_t)(lo + i)) * (size_t)C
                                    : ((size_t)(lo + i) * (size_t)in->width + (size_t)xx) * (size_t)C;
                    s += (int32_t)in->pixels[at + (size_t)c] * k[i];
                }
                out->pixels[((size_t)yy * (size_t)out->width + (size_t)xx) * (size_t)C +
                            (size_t)c] = clip8(s);
            }
        }
}

/* Pillow's nearest neighbour resize (ImagingScaleAffine): positions accumulated in double. */
static void pil_nearest(const ann_image *in, ann_image *out)
{
    double ax = (double)in->width / out->width, ay = (double)in->height / out->height;
    double xo = ax * 0.5, yo = ay * 0.5;
    int C = in->channels, x, y;
    int *xin = malloc(sizeof(int) * (size_t)out->width);
    size_t row = (size_t)out->width * (size_t)C;

    if (!xin) { /* cannot happen for sane sizes; fall back to the multiplied positions */
        for (y = 0; y < out->height; y++)
            for (x = 0; x < out->width; x++)
                memcpy(out->pixels + (size_t)y * row + (size_t)x * (size_t)C,
                       in->pixels + ((size_t)((y + 0.5) * ay) * (size_t)in->width +
                                     (size_t)((x + 0.5) * ax)) * (size_t)C, (size_t)C);
        return;
    }
    for (x = 0; x < out->width; x++) {
        xin[x] = (int)xo;
        if (xin[x] >= in->width)
            xin[x] = -1;
        xo += ax;
    }
    for (y = 0; y < out->height; y++) {
        int yi = (int)yo;
        unsigned char *o = out->pixels + (size_t)y * row;
        memset(o, 0, row); /* Pillow fills what falls outside the source with 0 */
        if (yi < in->height)
            for (x = 0; x < out->width; x++)
                if (xin[x] >= 0)
                    memcpy(o + (size_t)x * (size_t)C,
                           in->pixels + ((size_t)yi * (size_t)in->width + (size_t)xin[x]) *
                                            (size_t)C, (size_t)C);
        yo += ay;
    }
    free(xin);
}

static int copy_image(const ann_image *in, ann_image *out, ann_status *st)
{
    if (ann_image_alloc(out, in->width, in->height, in->channels, st))
        return 1;
    memcpy(out->pixels, in->pixels, (size_t)in->width * (size_t)in->height * (size_t)in->channels);
    out->nearest = in->nearest;
    return 0;
}

int ann_image_resize_pil(const ann_image *in, int width, int height, ann_image *out,
                         ann_status *st)
{
    ann_image tmp;
    const ann_image *src = in;
    int *bx = NULL, *by = NULL, kx = 0, ky = 0;
    int32_t *kkx = NULL, *kky = NULL;

    memset(out, 0, sizeof *out);
    if (!in || !in->pixels)
        return ann_fail(st, "resize: no source image");
    if (width == in->width && height == in->height)
        return copy_image(in, out, st);
    if (ann_image_alloc(out, width, height, in->channels, st))
        return 1;
    out->nearest = in->nearest;
    if (in->nearest) {
        pil_nearest(in, out);
        return 0;
    }
    memset(&tmp, 0, sizeof tmp);
    if (width != in->width) {
        kx = pil_coeffs(in->width, width, &bx, &kkx);
        if (!kx || ann_image_alloc(&tmp, width, in->height, in->channels, st))
            goto oom;
        pil_pass(in, &tmp, 1, kx, bx, kkx);
        src = &tmp;
    }
    if (height != in->height) {
        ky = pil_coeffs(in->height, height, &by, &kky);
        if (!ky)
            goto oom;
        pil_pass(src, out, 0, ky, by, kky);
    } else {
        memcpy(out->pixels, src->pixels, (size_t)width * (size_t)height * (size_t)in->channels);
    }
    ann_image_free(&tmp);
    free(bx);
    free(kkx);
    free(by);
    free(kky);
    return 0;
oom:
    ann_image_free(&tmp);
    ann_image_free(out);
    free(bx);
    free(kkx);
    free(by);
    free(kky);
    return ann_fail(st, "out of memory resizing a %dx%d image to %dx%d", in->width, in->height,
                    width, height);
}

/* ---- OpenCV's bilinear resize ----------------------------------------------------------------- */

/* Source index and weight of the right/lower neighbour for output position o. */
static void linear_pos(int o, int in_size, double scale, int *i0, double *t)
{
    double f = (o + 0.5) * scale - 0.5;
    int i = (int)floor(f);
    double frac = f - i;
    if (i < 0) {
        i = 0;
        frac = 0.0;
    }
    if (i >= in_size - 1) {
        i = in_size - 1;
        frac = 0.0;
    }
    *i0 = i;
    *t = frac;
}

int ann_image_resize_bilinear(const ann_image *in, int width, int height, ann_image *out,
                              ann_status *st)
{
    double sx, sy;
    int x, y, c, C;

    memset(out, 0, sizeof *out);
    if (!in || !in->pixels)
        return ann_fail(st, "resize: no source image");
    if (width == in->width && height == in->height)
        return copy_image(in, out, st);
    if (ann_image_alloc(out, width, height, in->channels, st))
        return 1;
    C = in->channels;
    sx = (double)in->width / width;
    sy = (double)in->height / height;
    for (y = 0; y < height; y++) {
        int y0, y1;
        double ty;
        linear_pos(y, in->height, sy, &y0, &ty);
        y1 = y0 + (ty > 0.0 ? 1 : 0);
        for (x = 0; x < width; x++) {
            int x0, x1;
            double tx;
            linear_pos(x, in->width, sx, &x0, &tx);
            x1 = x0 + (tx > 0.0 ? 1 : 0);
            for (c = 0; c < C; c++) {
#define PX(yy, xx) ((double)in->pixels[((size_t)(yy) * (size_t)in->width + (size_t)(xx)) * (size_t)C + (size_t)c])
                double top = PX(y0, x0) * (1 - tx) + PX(y0, x1) * tx;
                double bot = PX(y1, x0) * (1 - tx) + PX(y1, x1) * tx;
#undef PX
                double v = floor(top * (1 - ty) + bot * ty + 0.5);
                out->pixels[((size_t)y * (size_t)width + (size_t)x) * (size_t)C + (size_t)c] =
                    (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    }
    return 0;
}

/* ---- conversions ------------------------------------------------------------------------------ */

static int to_grey(const ann_image *in, ann_image *out, long wr, long wg, long wb, int shift,
                   ann_status *st)
{
    size_t i, n;
    if (in->channels == 1)
        return copy_image(in, out, st);
    if (ann_image_alloc(out, in->width, in->height, 1, st))
        return 1;
    out->nearest = in->nearest;
    n = (size_t)in->width * (size_t)in->height;
    for (i = 0; i < n; i++) {
        const unsigned char *p = in->pixels + 3 * i;
        out->pixels[i] = (unsigned char)((p[0] * wr + p[1] * wg + p[2] * wb +
                                          (1L << (shift - 1))) >> shift);
    }
    return 0;
}

int ann_image_to_grey_pil(const ann_image *in, ann_image *out, ann_status *st)
{
    return to_grey(in, out, 19595, 38470, 7471, 16, st);
}

int ann_image_to_grey_cv(const ann_image *in, ann_image *out, ann_status *st)
{
    return to_grey(in, out, 4899, 9617, 1868, 14, st);
}

int ann_image_to_rgb(const ann_image *in, ann_image *out, ann_status *st)
{
    size_t i, n;
    if (in->channels == 3)
        return copy_image(in, out, st);
    if (ann_image_alloc(out, in->width, in->height, 3, st))
        return 1;
    out->nearest = in->nearest;
    n = (size_t)in->width * (size_t)in->height;
    for (i = 0; i < n; i++)
        out->pixels[3 * i] = out->pixels[3 * i + 1] = out->pixels[3 * i + 2] = in->pixels[i];
    return 0;
}

void ann_image_to_unit(const ann_image *img, double *out)
{
    size_t i, n = (size_t)img->width * (size_t)img->height * (size_t)img->channels;
    for (i = 0; i < n; i++)
        out[i] = img->pixels[i] / 255.0;
}

/* ---- populations ------------------------------------------------------------------------------ */

int ann_image_geometry(int ndim, const long long *geometry, int *height, int *width,
                       int *channels, const char *what, ann_status *st)
{
    int d;
    if (ndim < 2 || ndim > 3 || (ndim == 3 && geometry[2] != 1 && geometry[2] != 3)) {
        char shown[96] = "";
        size_t len = 0;
        for (d = 0; d < ndim && d < 4 && len < sizeof shown; d++)
            len += (size_t)snprintf(shown + len, sizeof shown - len, "%s%lld", d ? ", " : "",
                                    geometry[d]);
        return ann_fail(st, "%s: the geometry must be (height, width) or (height, width, 1) for a "
                        "grey image, (height, width, 3) for a colour one; got (%s%s)", what, shown,
                        ndim > 4 ? ", ..." : "");
    }
    for (d = 0; d < 2; d++)
        if (geometry[d] < 1 || geometry[d] > ANN_IMAGE_MAXDIM)
            return ann_fail(st, "%s: the geometry's %s must be 1 to %d (got %lld)", what,
                            d == 0 ? "height" : "width", ANN_IMAGE_MAXDIM, geometry[d]);
    if ((size_t)geometry[0] * (size_t)geometry[1] > ANN_IMAGE_MAXPIXELS)
        return ann_fail(st, "%s: the geometry %lldx%lld is too large for an image", what,
                        geometry[0], geometry[1]);
    *height = (int)geometry[0];
    *width = (int)geometry[1];
    *channels = ndim == 3 ? (int)geometry[2] : 1;
    return 0;
}

int ann_image_for_population(const char *path, int height, int width, int channels,
                             double *out, int *resized, int *src_width, int *src_height,
                             ann_status *st)
{
    ann_image img, sized, conv;
    int rc;

    if (!size_ok(width, height, channels))
        return ann_fail(st, "invalid target %dx%d with %d channels (1 or 3)", width, height,
                        channels);
    if (ann_image_load(path, &img, st))
        return 1;
    if (src_width)
        *src_width = img.width;
    if (src_height)
        *src_height = img.height;
    if (resized)
        *resized = img.width != width || img.height != height;
    /* the reference resizes the decoded image, then converts to "L": the same order here */
    rc = ann_image_resize_pil(&img, width, height, &sized, st);
    ann_image_free(&img);
    if (rc)
        return 1;
    rc = channels == 1 ? ann_image_to_grey_pil(&sized, &conv, st)
                       : ann_image_to_rgb(&sized, &conv, st);
    ann_image_free(&sized);
    if (rc)
        return 1;
    ann_image_to_unit(&conv, out);
    ann_image_free(&conv);
    return 0;
}
