#!/usr/bin/python3
"""Keras-layout model files and a data set for tests/ann_to_snn_spec.lua (numpy + h5py only).

  ann_to_snn_keras.py OUTDIR

writes, with a fixed seed:
  OUTDIR/dense.h5       a functional Keras model in Keras's HDF5 layout: Input (4, 4) ->
                        Flatten -> Dense(24, relu, no bias) -> Dropout -> Dense(4, softmax,
                        no bias), trained here with numpy (full-batch gradient descent on the
                        cross-entropy)
  OUTDIR/dense_bias.h5  the same with a non-zero bias in the first Dense layer
  OUTDIR/conv.h5        a model whose second layer is a Conv2D (configuration only)
  OUTDIR/data.json      {"samples": [[16 values in [0, 1]], ...], "ann": [class, ...] (0-based,
                        the argmax of the trained ANN's output, computed here with numpy),
                        "accuracy": the ANN's accuracy on the labels, "factors": the weight
                        normalisation factors of the two Dense layers, "w1": the first kernel
                        (16 x 24)}

The layout is the one Keras 2 writes with model.save("model.h5"): the JSON model description
in the root attribute model_config, the weights in model_weights/<layer>/<layer>/kernel:0 with
the layer group's attribute weight_names listing them.
"""
import json
import os
import sys

import h5py
import numpy as np

K, H, W, HIDDEN, N = 4, 4, 4, 24, 200


def dataset(rng):
    prototypes = rng.uniform(0.0, 1.0, size=(K, H * W))
    labels = rng.integers(0, K, size=N)
    x = np.clip(prototypes[labels] + rng.normal(0.0, 0.15, size=(N, H * W)), 0.0, 1.0)
    return x, labels


def train(x, labels, rng):
    w1 = rng.normal(0.0, 0.3, size=(H * W, HIDDEN))
    w2 = rng.normal(0.0, 0.3, size=(HIDDEN, K))
    y = np.eye(K)[labels]
    for _ in range(3000):
        h = np.maximum(x @ w1, 0.0)
        z = h @ w2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        dz = (p - y) / len(x)
        dw2 = h.T @ dz
        dh = (dz @ w2.T) * (h > 0)
        dw1 = x.T @ dh
        w1 -= 0.5 * dw1
        w2 -= 0.5 * dw2
    return w1, w2


def ann_predict(x, w1, w2):
    return np.argmax(np.maximum(x @ w1, 0.0) @ w2, axis=1)


def layer(class_name, name, inbound, **config):
    config["name"] = name
    return {"class_name": class_name, "config": config, "name": name,
            "inbound_nodes": [[[inbound, 0, 0, {}]]] if inbound else []}


def dense_config(name, units, activation, use_bias):
    return dict(trainable=True, dtype="float32", units=units, activation=activation,
                use_bias=use_bias, kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
                bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None,
                bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                bias_constraint=None)


def write_model(path, layers, weights):
    config = {"class_name": "Functional",
              "config": {"name": "model", "layers": layers,
                         "input_layers": [[layers[0]["name"], 0, 0]],
                         "output_layers": [[layers[-1]["name"], 0, 0]]},
              "keras_version": "2.13.1", "backend": "tensorflow"}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.13.1"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([l["name"].encode() for l in layers])
        mw.attrs["backend"] = b"tensorflow"
        mw.attrs["keras_version"] = b"2.13.1"
        for l in layers:
            g = mw.create_group(l["name"])
            arrays = weights.get(l["name"], {})
            names = [f"{l['name']}/{k}:0".encode() for k in arrays]
            g.attrs["weight_names"] = np.array(names, dtype="S64") if names else np.array([], dtype="S1")
            for k, a in arrays.items():
                g.create_dataset(f"{l['name']}/{k}:0", data=a.astype(np.float32))


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(20240501)
    x, labels = dataset(rng)
    w1, w2 = train(x, labels, rng)
    w1 = w1.astype(np.float32).astype(np.float64)   # the file stores float32
    w2 = w2.astype(np.float32).astype(np.float64)
    pred = ann_predict(x, w1, w2)

    inp = layer("InputLayer", "input_1", None, batch_input_shape=[None, H, W], dtype="float32",
                sparse=False, ragged=False)
    flat = layer("Flatten", "flatten", "input_1", trainable=True, dtype="float32", data_format="channels_last")
    d1 = layer("Dense", "dense", "flatten", **dense_config("dense", HIDDEN, "relu", False))
    drop = layer("Dropout", "dropout", "dense", trainable=True, dtype="float32", rate=0.2,
                 noise_shape=None, seed=None)
    d2 = layer("Dense", "dense_1", "dropout", **dense_config("dense_1", K, "softmax", False))
    write_model(os.path.join(outdir, "dense.h5"), [inp, flat, d1, drop, d2],
                {"dense": {"kernel": w1}, "dense_1": {"kernel": w2}})

    d1b = layer("Dense", "dense", "flatten", **dense_config("dense", HIDDEN, "relu", True))
    write_model(os.path.join(outdir, "dense_bias.h5"), [inp, flat, d1b, drop, d2],
                {"dense": {"kernel": w1, "bias": np.full(HIDDEN, 0.1)}, "dense_1": {"kernel": w2}})

    inp_img = layer("InputLayer", "input_1", None, batch_input_shape=[None, H, W, 1], dtype="float32",
                    sparse=False, ragged=False)
    conv = layer("Conv2D", "conv2d", "input_1", filters=2, kernel_size=[3, 3], padding="same", use_bias=False)
    write_model(os.path.join(outdir, "conv.h5"), [inp_img, conv],
                {"conv2d": {"kernel": np.zeros((3, 3, 1, 2))}})

    with open(os.path.join(outdir, "data.json"), "w") as f:
        # Diehl et al. (2015): scale_l / max over post neurons of the sum of positive weights
        factors = [float(s / np.maximum(w, 0).sum(axis=0).max()) for s, w in ((2, w1), (3, w2))]
        json.dump({"samples": x.tolist(), "ann": pred.tolist(), "factors": factors,
                   "w1": w1.tolist(),
                   "accuracy": float(np.mean(pred == labels))}, f)


if __name__ == "__main__":
    main(sys.argv[1])
