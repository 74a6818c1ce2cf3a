/* Still images for ImagePopulation (reference-library §3.9): PNG through libpng, JPEG through
 * libjpeg, decoded to 8-bit grey or RGB, resized and converted the way Pillow does it, and
 * handed out as doubles in [0, 1].
 *
 * Pixels are 8-bit and row-major (y, x, channel) until the last step, because that is where
 * Pillow rounds: its bicubic resampling rounds to 8 bits after each of its two passes and its
 * "L" conversion is an integer formula, so computing in doubles would not give its values.
 * Errors are ann_status values; nothing is written to an output buffer on failure.
 */
#ifndef ANN_IMAGE_H
#define ANN_IMAGE_H

#include <stddef.h>

#include "annarchy.h"

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
#define ANN_IMAGE_MAXDIM 65535
#define ANN_IMAGE_MAXPIXELS ((size_t)1 << 28)

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

#endif
