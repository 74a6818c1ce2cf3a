"""Prints what numpy reads from .npy, .npz and .csv files written by annlua (tests/numpy_files_spec.lua).

Usage: /usr/bin/python3 numpy_dump.py FILE...
One line per array: key <TAB> dtype <TAB> shape (comma-separated) <TAB> values (flat, C order,
space-separated; floats as repr, which reads back as exactly the same double; strings
percent-encoded). .npy and .npz files are read with allow_pickle=False; .csv with
numpy.loadtxt(delimiter=",", ndmin=2) under the key "csv".
"""
import sys
import urllib.parse

import numpy as np


def text(x):
    if isinstance(x, (np.str_, str)):
        return urllib.parse.quote(str(x), safe="")
    if isinstance(x, (np.bool_, bool)):
        return "1" if x else "0"
    if isinstance(x, (np.floating, float)):
        return repr(float(x))
    return str(int(x))


def dump(key, a):
    a = np.asarray(a)
    vals = " ".join(text(x) for x in a.reshape(-1))
    print("%s\t%s\t%s\t%s" % (key, a.dtype.str, ",".join(str(d) for d in a.shape), vals))


for path in sys.argv[1:]:
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as f:
            for k in f.files:
                dump(k, f[k])
    elif path.endswith(".npy"):
        dump("npy", np.load(path, allow_pickle=False))
    else:
        dump("csv", np.loadtxt(path, delimiter=",", ndmin=2))
