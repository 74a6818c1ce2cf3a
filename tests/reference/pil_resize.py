#!/usr/bin/python3
"""Expected values for annlua's ImagePopulation, computed the way the reference does.

Run with Debian's Python and python3-pil (no numpy needed), from the repository root:

    /usr/bin/python3 tests/reference/pil_resize.py

It (re)writes the small test images in tests/reference/images/ and tests/reference/pil_resize.txt.
ANNarchy's ImagePopulation.set_image() does, with Pillow (reference-library section 3.9):

    im = Image.open(filename)
    if (im.size[0], im.size[1]) != (geometry[1], geometry[0]):    # (width, height)
        im = im.resize((geometry[1], geometry[0]))                # the default filter
    if dimension == 2:
        im = im.convert("L")
    r = numpy.array(im) / 255.

so each case below records the 8-bit pixels of `im` at the end (r = value / 255), in row-major
(y, x[, c]) order. Cases marked "intention" are inputs the reference does not handle (a palette
image into a colour population): the script then converts to "RGB" after the same resize, which
is what annlua does and documents in docs/images.md.
"""
import math
import os
import sys

import PIL
from PIL import Image, features

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "images")


def pattern_rgb(w, h):
    """A deterministic image with smooth gradients and sharp edges (the edges exercise the
    negative lobes of the bicubic filter and the clipping to 0..255)."""
    im = Image.new("RGB", (w, h))
    px = im.load()
    for y in range(h):
        for x in range(w):
            r = (x * 255) // max(w - 1, 1)
            g = (y * 255) // max(h - 1, 1)
            b = int(127.5 + 127.5 * math.sin(0.7 * x + 0.3 * y))
            if (x // 5 + y // 4) % 2 == 0:
                r, g = 255 - r, 255 - g
            if x == w // 2 or y == h // 3:
                r, g, b = 255, 255, 255
            px[x, y] = (r, g, b)
    return im


def make_images():
    os.makedirs(IMAGES, exist_ok=True)
    rgb = pattern_rgb(37, 23)
    rgb.save(os.path.join(IMAGES, "rgb.png"))
    grey = pattern_rgb(29, 17).convert("L")
    grey.save(os.path.join(IMAGES, "grey.png"))
    photo = pattern_rgb(40, 30)
    photo.save(os.path.join(IMAGES, "photo.jpg"), quality=90)     # 4:2:0 subsampling
    grey.save(os.path.join(IMAGES, "grey.jpg"), quality=85)
    pal = pattern_rgb(20, 12).quantize(colors=16)                  # mode "P"
    pal.save(os.path.join(IMAGES, "palette.png"))
    bits = pattern_rgb(13, 9).convert("L").point(lambda v: 255 if v > 120 else 0).convert("1")
    bits.save(os.path.join(IMAGES, "bits1.png"))
    rgba = pattern_rgb(11, 7).convert("RGBA")                       # alpha 255 everywhere
    rgba.save(os.path.join(IMAGES, "rgba.png"))


def reference(filename, geometry, intention=False):
    """ANNarchy's set_image(), returning the final 8-bit pixels."""
    im = Image.open(os.path.join(IMAGES, filename))
    if (im.size[0], im.size[1]) != (geometry[1], geometry[0]):
        im = im.resize((geometry[1], geometry[0]))
    if len(geometry) == 2 or geometry[2] == 1:
        im = im.convert("L")
    elif intention:
        im = im.convert("RGB")
    want_bands = 1 if len(geometry) == 2 or geometry[2] == 1 else 3
    assert len(im.getbands()) == want_bands, (filename, geometry, im.mode)
    data = list(im.getdata())
    if want_bands == 3:
        data = [v for px in data for v in px]
    return im, data


CASES = [
    # name,            file,          geometry,     intention
    ("rgb_grey_same",  "rgb.png",     (23, 37),     False),
    ("rgb_same",       "rgb.png",     (23, 37, 3),  False),
    ("rgb_grey_down",  "rgb.png",     (10, 16),     False),
    ("rgb_up",         "rgb.png",     (50, 70, 3),  False),
    ("rgb_wide",       "rgb.png",     (23, 60, 3),  False),
    ("rgb_tiny",       "rgb.png",     (3, 4),       False),
    ("rgb_swapped",    "rgb.png",     (37, 23),     False),
    ("grey_wide",      "grey.png",    (8, 40),      False),
    ("grey_same_1",    "grey.png",    (17, 29, 1),  False),
    ("jpeg_same",      "photo.jpg",   (30, 40, 3),  False),
    ("jpeg_grey_down", "photo.jpg",   (12, 15),     False),
    ("jpeg_grey_file", "grey.jpg",    (45, 20),     False),
    ("palette_grey",   "palette.png", (15, 31),     False),
    ("palette_rgb",    "palette.png", (6, 10, 3),   True),
    ("bits_grey",      "bits1.png",   (9, 13),      False),
    ("bits_up",        "bits1.png",   (20, 30),     False),
    ("rgba_grey",      "rgba.png",    (10, 10),     False),
]


def main():
    make_images()
    out = []
    out.append("# Expected ImagePopulation pixels (r = value / 255), written by "
               "tests/reference/pil_resize.py")
    out.append("# Pillow %s, libjpeg API %s, Python %s" % (
        PIL.__version__, features.version("jpg"), sys.version.split()[0]))
    out.append("# case <name> <file> <source mode> <geometry...> then rows of 8-bit values, 'end'")
    for name, filename, geometry, intention in CASES:
        src = Image.open(os.path.join(IMAGES, filename))
        im, data = reference(filename, geometry, intention)
        out.append("case %s %s %s %s" % (name, filename, src.mode,
                                         " ".join(str(g) for g in geometry)))
        row = geometry[1] * (3 if len(data) == geometry[0] * geometry[1] * 3 else 1)
        for y in range(geometry[0]):
            out.append(" ".join(str(v) for v in data[y * row:(y + 1) * row]))
        out.append("end")
    with open(os.path.join(HERE, "pil_resize.txt"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
