/* libFuzzer harness of the still-image loader (src/image.c): PNG through libpng, JPEG through
 * libjpeg, then the conversions and resamplings an ImagePopulation applies to what it loaded.
 * Every input must either load or be refused with a message; sanitizers catch the rest. */
#include "annarchy.h"
#include "fuzz_file.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ann_image img, out;
    ann_status st;
    const char *path = fuzz_file(data, size, "");
    if (!path)
        return 0;
    if (ann_image_load(path, &img, &st) != 0) {
        if (!st.msg[0])
            abort();                         /* a failure must say why */
        fuzz_file_cleanup();
        return 0;
    }
    if (ann_image_to_grey_pil(&img, &out, &st) == 0)
        ann_image_free(&out);
    if (ann_image_to_rgb(&img, &out, &st) == 0)
        ann_image_free(&out);
    if (ann_image_resize_pil(&img, 7, 5, &out, &st) == 0)
        ann_image_free(&out);
    if (ann_image_resize_bilinear(&img, 3, 9, &out, &st) == 0)
        ann_image_free(&out);
    {
        double *unit = malloc((size_t)img.width * (size_t)img.height * (size_t)img.channels *
                              sizeof *unit);
        if (unit) {
            ann_image_to_unit(&img, unit);
            free(unit);
        }
    }
    ann_image_free(&img);
    fuzz_file_cleanup();
    return 0;
}
