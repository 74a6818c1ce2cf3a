/* Video frames for VideoPopulation (reference-library §3.10), through FFmpeg: a camera device
 * (Linux V4L2, /dev/videoN, through libavdevice) or any file or URL libavformat can open.
 * FFmpeg is loaded at run time (dlopen) by the first open, not linked (see video.c).
 * The reference uses OpenCV's VideoCapture; the frame pipeline here follows it: decode, convert
 * to 8-bit RGB at the source size (libswscale, bicubic as OpenCV's FFmpeg back end), resize
 * with OpenCV's bilinear rule, convert to grey with OpenCV's formula when the population is
 * 2-D, divide by 255. Errors are ann_status values.
 */
#ifndef ANN_VIDEO_H
#define ANN_VIDEO_H

#include "annarchy.h"
#include "image.h"

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

#endif
