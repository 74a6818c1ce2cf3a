"""Draws the input images of examples/edge_detection.lua and examples/convolution.lua:
examples/images/shapes.png (160x120, RGB) and shapes_640.png (the same drawing at 640x480). On a
black background: a white square (rows 20-49, columns 20-59 at 160x120), a red rectangle, a
green disk and a blue triangle. Run from the repository with /usr/bin/python3 (Pillow)."""
from PIL import Image, ImageDraw


def draw(scale):
    img = Image.new("RGB", (160 * scale, 120 * scale), (0, 0, 0))
    d = ImageDraw.Draw(img)

    def box(x0, y0, x1, y1):   # inclusive pixel bounds at 160x120
        return [x0 * scale, y0 * scale, (x1 + 1) * scale - 1, (y1 + 1) * scale - 1]

    d.rectangle(box(20, 20, 59, 49), fill=(255, 255, 255))
    d.rectangle(box(90, 15, 149, 44), fill=(255, 0, 0))
    d.ellipse(box(25, 65, 74, 114), fill=(0, 255, 0))
    d.polygon([(100 * scale, 110 * scale), (150 * scale, 110 * scale), (125 * scale, 60 * scale)],
              fill=(0, 0, 255))
    return img


draw(1).save("examples/images/shapes.png")
draw(4).save("examples/images/shapes_640.png")
