/* Video sources through libavformat/libavcodec/libavdevice/libswscale. See include/annarchy.h.
 *
 * FFmpeg is loaded with dlopen when a source is opened, not linked: its libraries pull in
 * some two hundred shared objects, which would add over 100 ms to every start of annlua and
 * of every program linked with the core, most of which never read a video. Each handle holds
 * its own table of entry points (no global state); RTLD_NODELETE keeps the libraries mapped
 * once loaded, so closing the last handle never unloads FFmpeg under a running thread. The
 * headers still give the types and the sonames (the major versions built against). */
#include "annarchy.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavdevice/avdevice.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "status.h"

enum { LIB_AVUTIL, LIB_SWSCALE, LIB_AVCODEC, LIB_AVFORMAT, LIB_AVDEVICE, LIB_COUNT };

static const char *const lib_names[LIB_COUNT] = {
    "libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR),
    "libswscale.so." AV_STRINGIFY(LIBSWSCALE_VERSION_MAJOR),
    "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR),
    "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR),
    "libavdevice.so." AV_STRINGIFY(LIBAVDEVICE_VERSION_MAJOR),
};

/* Every FFmpeg function used, with the library that defines it. */
#define AV_FUNCTIONS(X)                                                                     \
    X(LIB_AVUTIL, av_frame_alloc) X(LIB_AVUTIL, av_frame_free) X(LIB_AVUTIL, av_frame_unref)  \
    X(LIB_AVUTIL, av_strerror) X(LIB_AVUTIL, av_dict_set) X(LIB_AVUTIL, av_dict_free)         \
    X(LIB_AVUTIL, av_malloc) X(LIB_AVUTIL, av_free) X(LIB_AVUTIL, av_get_pix_fmt_name)        \
    X(LIB_SWSCALE, sws_getCachedContext) X(LIB_SWSCALE, sws_scale)                           \
    X(LIB_SWSCALE, sws_freeContext)                                                          \
    X(LIB_AVCODEC, avcodec_alloc_context3) X(LIB_AVCODEC, avcodec_parameters_to_context)      \
    X(LIB_AVCODEC, avcodec_open2) X(LIB_AVCODEC, avcodec_free_context)                        \
    X(LIB_AVCODEC, av_packet_alloc) X(LIB_AVCODEC, av_packet_free)                            \
    X(LIB_AVCODEC, av_packet_unref) X(LIB_AVCODEC, avcodec_send_packet)                       \
    X(LIB_AVCODEC, avcodec_receive_frame)                                                    \
    X(LIB_AVFORMAT, avformat_open_input) X(LIB_AVFORMAT, avformat_find_stream_info)           \
    X(LIB_AVFORMAT, av_find_best_stream) X(LIB_AVFORMAT, avformat_close_input)                \
    X(LIB_AVFORMAT, av_read_frame) X(LIB_AVFORMAT, av_find_input_format)                      \
    X(LIB_AVDEVICE, avdevice_register_all)

typedef struct av_api {
    void *lib[LIB_COUNT];
#define AV_FIELD(which, name) __typeof__(&name) name;
    AV_FUNCTIONS(AV_FIELD)
#undef AV_FIELD
} av_api;

static void av_api_unload(av_api *api)
{
    int i;
    for (i = LIB_COUNT - 1; i >= 0; i--)
        if (api->lib[i])
            dlclose(api->lib[i]);
    memset(api, 0, sizeof *api);
}

static int av_api_load(av_api *api, ann_status *st)
{
    int i;
    memset(api, 0, sizeof *api);
    for (i = 0; i < LIB_COUNT; i++) {
        api->lib[i] = dlopen(lib_names[i], RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        if (!api->lib[i]) {
            const char *why = dlerror();
            ann_fail(st, "video needs FFmpeg's %s (Debian: the FFmpeg runtime libraries, e.g. "
                     "through libavdevice-dev): %s", lib_names[i], why ? why : "cannot load it");
            av_api_unload(api);
            return 1;
        }
    }
    /* the POSIX idiom for a function pointer from dlsym (ISO C has no such conversion) */
#define AV_LOAD(which, name)                                                                \
    *(void **)(&api->name) = dlsym(api->lib[which], #name);                                  \
    if (!api->name) {                                                                        \
        av_api_unload(api);                                                                  \
        return ann_fail(st, "FFmpeg's %s has no function %s", lib_names[which], #name);        \
    }
    AV_FUNCTIONS(AV_LOAD)
#undef AV_LOAD
    return 0;
}

struct ann_video {
    av_api av;
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame;
    struct SwsContext *sws;
    int stream;
    int draining;  /* the demuxer is exhausted: the decoder is being flushed */
    int ended;     /* the decoder returned its last frame */
    long frames;
    uint8_t *rgb;  /* swscale's output, rows padded to rgb_stride */
    int rgb_stride, rgb_w, rgb_h;
    ann_image current; /* the last frame, compact RGB */
};

static int av_fail(const ann_video *v, ann_status *st, int err, const char *fmt_what,
                   const char *url)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    v->av.av_strerror(err, buf, sizeof buf);
    return ann_fail(st, "%s '%s': %s", fmt_what, url, buf);
}

static int open_input(ann_video *v, const char *url, int device, int width, int height,
                      ann_status *st)
{
    AVFormatContext **fmt = &v->fmt;
    const AVInputFormat *ifmt = NULL;
    AVDictionary *opts = NULL;
    int err;

    if (device) {
        v->av.avdevice_register_all();
        ifmt = v->av.av_find_input_format("v4l2");
        if (!ifmt)
            return ann_fail(st, "cannot open camera '%s': this FFmpeg has no V4L2 input device",
                            url);
        if (width > 0 && height > 0) {
            /* a wish, as OpenCV's CAP_PROP_FRAME_WIDTH/HEIGHT: retried without if refused */
            char size[32];
            snprintf(size, sizeof size, "%dx%d", width, height);
            v->av.av_dict_set(&opts, "video_size", size, 0);
            err = v->av.avformat_open_input(fmt, url, ifmt, &opts);
            v->av.av_dict_free(&opts);
            if (err >= 0)
                return 0;
            *fmt = NULL;
            if (err == AVERROR(ENOENT) || err == AVERROR(EACCES))
                return av_fail(v, st, err, "cannot open camera", url);
        }
    }
    err = v->av.avformat_open_input(fmt, url, ifmt, NULL);
    if (err < 0) {
        *fmt = NULL;
        return av_fail(v, st, err, device ? "cannot open camera" : "cannot open video", url);
    }
    return 0;
}

int ann_video_open(const char *url, int device, int width, int height, ann_video **out,
                   ann_status *st)
{
    ann_video *v;
    const AVCodec *codec = NULL;
    int err;

    *out = NULL;
    if (!url || !*url)
        return ann_fail(st, "no video file or device given");
    v = calloc(1, sizeof *v);
    if (!v)
        return ann_fail(st, "out of memory opening '%s'", url);
    v->stream = -1;
    if (av_api_load(&v->av, st)) {
        free(v);
        return 1;
    }
    if (open_input(v, url, device, width, height, st))
        goto fail;
    err = v->av.avformat_find_stream_info(v->fmt, NULL);
    if (err < 0) {
        av_fail(v, st, err, "cannot read the streams of", url);
        goto fail;
    }
    v->stream = v->av.av_find_best_stream(v->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (v->stream < 0 || !codec) {
        if (v->stream == AVERROR_DECODER_NOT_FOUND)
            ann_fail(st, "'%s': no decoder for its video stream", url);
        else
            ann_fail(st, "'%s' has no video stream", url);
        goto fail;
    }
    v->dec = v->av.avcodec_alloc_context3(codec);
    v->pkt = v->av.av_packet_alloc();
    v->frame = v->av.av_frame_alloc();
    if (!v->dec || !v->pkt || !v->frame) {
        ann_fail(st, "out of memory opening '%s'", url);
        goto fail;
    }
    err = v->av.avcodec_parameters_to_context(v->dec, v->fmt->streams[v->stream]->codecpar);
    if (err >= 0)
        err = v->av.avcodec_open2(v->dec, codec, NULL);
    if (err < 0) {
        av_fail(v, st, err, "cannot start the decoder of", url);
        goto fail;
    }
    *out = v;
    return 0;
fail:
    ann_video_close(v);
    return 1;
}

void ann_video_close(ann_video *v)
{
    if (!v)
        return;
    v->av.sws_freeContext(v->sws);
    v->av.av_frame_free(&v->frame);
    v->av.av_packet_free(&v->pkt);
    v->av.avcodec_free_context(&v->dec);
    if (v->fmt)
        v->av.avformat_close_input(&v->fmt);
    v->av.av_free(v->rgb);
    ann_image_free(&v->current);
    av_api_unload(&v->av);
    free(v);
}

void ann_video_size(const ann_video *v, int *width, int *height)
{
    *width = v->dec ? v->dec->width : 0;
    *height = v->dec ? v->dec->height : 0;
}

long ann_video_frames(const ann_video *v)
{
    return v->frames;
}

/* The next decoded frame in v->frame: 1, 0 at the end of the stream, -1 on error. */
static int decode_next(ann_video *v, ann_status *st)
{
    int err;
    for (;;) {
        err = v->av.avcodec_receive_frame(v->dec, v->frame);
        if (err >= 0)
            return 1;
        if (err == AVERROR_EOF) {
            v->ended = 1;
            return 0;
        }
        if (err != AVERROR(EAGAIN)) {
            av_fail(v, st, err, "cannot decode a frame of", v->fmt->url);
            return -1;
        }
        if (v->draining) { /* nothing more will come */
            v->ended = 1;
            return 0;
        }
        err = v->av.av_read_frame(v->fmt, v->pkt);
        if (err == AVERROR_EOF) {
            v->draining = 1;
            err = v->av.avcodec_send_packet(v->dec, NULL);
        } else if (err < 0) {
            av_fail(v, st, err, "cannot read", v->fmt->url);
            return -1;
        } else {
            if (v->pkt->stream_index == v->stream)
                err = v->av.avcodec_send_packet(v->dec, v->pkt);
            else
                err = 0;
            v->av.av_packet_unref(v->pkt);
            /* a damaged packet is skipped, as players do */
            if (err == AVERROR_INVALIDDATA)
                err = 0;
        }
        if (err < 0 && err != AVERROR(EAGAIN) && err != AVERROR_EOF) {
            av_fail(v, st, err, "cannot decode", v->fmt->url);
            return -1;
        }
    }
}

int ann_video_read(ann_video *v, ann_image *frame, int *got, ann_status *st)
{
    int w, h, r, y;
    AVFrame *f = v->frame;
    uint8_t *dst[4] = {NULL, NULL, NULL, NULL};
    int dst_stride[4] = {0, 0, 0, 0};

    *got = 0;
    if (v->ended)
        return 0;
    r = decode_next(v, st);
    if (r <= 0)
        return r < 0;
    w = f->width;
    h = f->height;
    if (w < 1 || h < 1 || w > ANN_IMAGE_MAXDIM || h > ANN_IMAGE_MAXDIM ||
        (size_t)w * (size_t)h > ANN_IMAGE_MAXPIXELS) {
        v->av.av_frame_unref(f);
        return ann_fail(st, "'%s': unusable frame size %dx%d", v->fmt->url, w, h);
    }
    v->sws = v->av.sws_getCachedContext(v->sws, w, h, (enum AVPixelFormat)f->format, w, h,
                                  AV_PIX_FMT_RGB24, SWS_BICUBIC, NULL, NULL, NULL);
    if (!v->sws) {
        v->av.av_frame_unref(f);
        return ann_fail(st, "'%s': cannot convert frames of pixel format %s to RGB", v->fmt->url,
                        v->av.av_get_pix_fmt_name((enum AVPixelFormat)f->format));
    }
    if (w != v->rgb_w || h != v->rgb_h) {
        v->av.av_free(v->rgb);
        ann_image_free(&v->current);
        v->rgb_w = v->rgb_h = 0;
        v->rgb_stride = (3 * w + 63) / 64 * 64;
        /* one spare row: swscale's vector code may write a little past the last pixel */
        v->rgb = v->av.av_malloc((size_t)v->rgb_stride * ((size_t)h + 1));
        if (!v->rgb || ann_image_alloc(&v->current, w, h, 3, st)) {
            v->av.av_frame_unref(f);
            return ann_fail(st, "out of memory for a %dx%d frame", w, h);
        }
        v->rgb_w = w;
        v->rgb_h = h;
    }
    dst[0] = v->rgb;
    dst_stride[0] = v->rgb_stride;
    v->av.sws_scale(v->sws, (const uint8_t *const *)f->data, f->linesize, 0, h, dst, dst_stride);
    v->av.av_frame_unref(f);
    for (y = 0; y < h; y++)
        memcpy(v->current.pixels + (size_t)y * (size_t)w * 3, v->rgb + (size_t)y * (size_t)v->rgb_stride,
               (size_t)w * 3);
    v->frames++;
    *frame = v->current;
    *got = 1;
    return 0;
}

int ann_video_grab(ann_video *v, int height, int width, int channels, double *out, int *got,
                   ann_status *st)
{
    ann_image frame, sized, grey;
    int rc;

    *got = 0;
    if (width < 1 || height < 1 || (channels != 1 && channels != 3))
        return ann_fail(st, "invalid target %dx%d with %d channels (1 or 3)", width, height,
                        channels);
    if (ann_video_read(v, &frame, got, st))
        return 1;
    if (!*got)
        return 0;
    /* the reference's order: resize the colour frame, then convert it to grey */
    if (ann_image_resize_bilinear(&frame, width, height, &sized, st)) {
        *got = 0;
        return 1;
    }
    if (channels == 1) {
        rc = ann_image_to_grey_cv(&sized, &grey, st);
        ann_image_free(&sized);
        if (rc) {
            *got = 0;
            return 1;
        }
        sized = grey;
    }
    ann_image_to_unit(&sized, out);
    ann_image_free(&sized);
    return 0;
}
