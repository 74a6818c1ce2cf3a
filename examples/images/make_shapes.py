"""Draws examples/images/shapes.png (160x120, RGB), the input of examples/edge_detection.lua and
examples/convolution.lua: on a black background, a white square (rows 20-49, columns 20-59), a
red rectangle, a green disk and a blue triangle. Run with /usr/bin/python3 (Pillow)."""
from PIL import Image, ImageDraw

img = Image.new("RGB", (160, 120), (0, 0, 0))
d = ImageDraw.Draw(img)
d.rectangle([20, 20, 59, 49], fill=(255, 255, 255))      # x0, y0, x1, y1 (inclusive)
d.rectangle([90, 15, 149, 44], fill=(255, 0, 0))
d.ellipse([25, 65, 74, 114], fill=(0, 255, 0))
d.polygon([(100, 110), (150, 110), (125, 60)], fill=(0, 0, 255))
img.save("examples/images/shapes.png")
