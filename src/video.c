/* Video sources through libavformat/libavcodec/libavdevice/libswscale. See video.h. */
#include "video.h"

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

struct ann_video {
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

static int av_fail(ann_status *st, int err, const char *fmt_what, const char *url)
{
    char buf[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(err, buf, sizeof buf);
    return ann_fail(st, "%s '%s': %s", fmt_what, url, buf);
}

static int open_input(AVFormatContext **fmt, const char *url, int device, int width, int height,
                      ann_status *st)
{
    const AVInputFormat *ifmt = NULL;
    AVDictionary *opts = NULL;
    int err;

    if (device) {
        avdevice_register_all();
        ifmt = av_find_input_format("v4l2");
        if (!ifmt)
            return ann_fail(st, "cannot open camera '%s': this FFmpeg has no V4L2 input device",
                            url);
        if (width > 0 && height > 0) {
            /* a wish, as OpenCV's CAP_PROP_FRAME_WIDTH/HEIGHT: retried without if refused */
            char size[32];
            snprintf(size, sizeof size, "%dx%d", width, height);
            av_dict_set(&opts, "video_size", size, 0);
            err = avformat_open_input(fmt, url, ifmt, &opts);
            av_dict_free(&opts);
            if (err >= 0)
                return 0;
            *fmt = NULL;
            if (err == AVERROR(ENOENT) || err == AVERROR(EACCES))
                return av_fail(st, err, "cannot open camera", url);
        }
    }
    err = avformat_open_input(fmt, url, ifmt, NULL);
    if (err < 0) {
        *fmt = NULL;
        return av_fail(st, err, device ? "cannot open camera" : "cannot open video", url);
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
    if (open_input(&v->fmt, url, device, width, height, st))
        goto fail;
    err = avformat_find_stream_info(v->fmt, NULL);
    if (err < 0) {
        av_fail(st, err, "cannot read the streams of", url);
        goto fail;
    }
    v->stream = av_find_best_stream(v->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (v->stream < 0 || !codec) {
        if (v->stream == AVERROR_DECODER_NOT_FOUND)
            ann_fail(st, "'%s': no decoder for its video stream", url);
        else
            ann_fail(st, "'%s' has no video stream", url);
        goto fail;
    }
    v->dec = avcodec_alloc_context3(codec);
    v->pkt = av_packet_alloc();
    v->frame = av_frame_alloc();
    if (!v->dec || !v->pkt || !v->frame) {
        ann_fail(st, "out of memory opening '%s'", url);
        goto fail;
    }
    err = avcodec_parameters_to_context(v->dec, v->fmt->streams[v->stream]->codecpar);
    if (err >= 0)
        err = avcodec_open2(v->dec, codec, NULL);
    if (err < 0) {
        av_fail(st, err, "cannot start the decoder of", url);
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
    sws_freeContext(v->sws);
    av_frame_free(&v->frame);
    av_packet_free(&v->pkt);
    avcodec_free_context(&v->dec);
    if (v->fmt)
        avformat_close_input(&v->fmt);
    av_free(v->rgb);
    ann_image_free(&v->current);
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
        err = avcodec_receive_frame(v->dec, v->frame);
        if (err >= 0)
            return 1;
        if (err == AVERROR_EOF) {
            v->ended = 1;
            return 0;
        }
        if (err != AVERROR(EAGAIN)) {
            av_fail(st, err, "cannot decode a frame of", v->fmt->url);
            return -1;
        }
        if (v->draining) { /* nothing more will come */
            v->ended = 1;
            return 0;
        }
        err = av_read_frame(v->fmt, v->pkt);
        if (err == AVERROR_EOF) {
            v->draining = 1;
            err = avcodec_send_packet(v->dec, NULL);
        } else if (err < 0) {
            av_fail(st, err, "cannot read", v->fmt->url);
            return -1;
        } else {
            if (v->pkt->stream_index == v->stream)
                err = avcodec_send_packet(v->dec, v->pkt);
            else
                err = 0;
            av_packet_unref(v->pkt);
            /* a damaged packet is skipped, as players do */
            if (err == AVERROR_INVALIDDATA)
                err = 0;
        }
        if (err < 0 && err != AVERROR(EAGAIN) && err != AVERROR_EOF) {
            av_fail(st, err, "cannot decode", v->fmt->url);
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
        av_frame_unref(f);
        return ann_fail(st, "'%s': unusable frame size %dx%d", v->fmt->url, w, h);
    }
    v->sws = sws_getCachedContext(v->sws, w, h, (enum AVPixelFormat)f->format, w, h,
                                  AV_PIX_FMT_RGB24, SWS_BICUBIC, NULL, NULL, NULL);
    if (!v->sws) {
        av_frame_unref(f);
        return ann_fail(st, "'%s': cannot convert frames of pixel format %s to RGB", v->fmt->url,
                        av_get_pix_fmt_name((enum AVPixelFormat)f->format));
    }
    if (w != v->rgb_w || h != v->rgb_h) {
        av_free(v->rgb);
        ann_image_free(&v->current);
        v->rgb_w = v->rgb_h = 0;
        v->rgb_stride = (3 * w + 63) / 64 * 64;
        /* one spare row: swscale's vector code may write a little past the last pixel */
        v->rgb = av_malloc((size_t)v->rgb_stride * ((size_t)h + 1));
        if (!v->rgb || ann_image_alloc(&v->current, w, h, 3, st)) {
            av_frame_unref(f);
            return ann_fail(st, "out of memory for a %dx%d frame", w, h);
        }
        v->rgb_w = w;
        v->rgb_h = h;
    }
    dst[0] = v->rgb;
    dst_stride[0] = v->rgb_stride;
    sws_scale(v->sws, (const uint8_t *const *)f->data, f->linesize, 0, h, dst, dst_stride);
    av_frame_unref(f);
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
