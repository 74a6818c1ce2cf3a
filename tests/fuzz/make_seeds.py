"""Writes the image and HDF5 seed corpora of the fuzz targets (tests/fuzz/corpus/png, jpeg,
hdf5): small valid files of each kind the loaders handle. Run with /usr/bin/python3 (Pillow,
h5py, numpy from Debian). The Lua targets' seeds come from make_seeds.lua."""
import os
import sys

import h5py
import numpy as np
from PIL import Image

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def out(target, name):
    return os.path.join(root, target, name)


rng = np.random.default_rng(1)
rgb = Image.fromarray(rng.integers(0, 256, (3, 4, 3), dtype=np.uint8), "RGB")
grey = rgb.convert("L")
rgb.save(out("png", "rgb.png"))
grey.save(out("png", "grey.png"))
rgb.convert("RGBA").save(out("png", "rgba.png"))
grey.convert("LA").save(out("png", "grey_alpha.png"))
rgb.convert("P").save(out("png", "palette.png"))
grey.convert("1").save(out("png", "bilevel.png"))
Image.fromarray((rng.integers(0, 65536, (2, 3))).astype(np.uint16)).save(out("png", "grey16.png"))
rgb.save(out("png", "interlaced.png"), interlace=1)

rgb.save(out("jpeg", "rgb.jpg"), quality=50)
grey.save(out("jpeg", "grey.jpg"), quality=50)
rgb.save(out("jpeg", "progressive.jpg"), quality=50, progressive=True)
rgb.convert("CMYK").save(out("jpeg", "cmyk.jpg"), quality=50)

with h5py.File(out("hdf5", "keras.h5"), "w", libver="latest") as f:
    f.attrs["model_config"] = ('{"class_name": "Sequential", "config": {"layers": ['
                               '{"class_name": "InputLayer", "config": {"name": "input", "batch_input_shape": [null, 2]}}, '
                               '{"class_name": "Dense", "config": {"name": "dense", "units": 3}}]}}')
    w = f.create_group("model_weights")
    w.attrs["layer_names"] = np.array([b"dense"])
    d = w.create_group("dense")
    d.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
    d.create_dataset("dense/kernel:0", data=np.arange(6, dtype=np.float32).reshape(2, 3))
    d.create_dataset("dense/bias:0", data=np.zeros(3, dtype=np.float64))
with h5py.File(out("hdf5", "data.h5"), "w", libver="latest") as f:
    f.create_dataset("data", data=np.arange(4, dtype=np.int32))
sys.exit(0)
