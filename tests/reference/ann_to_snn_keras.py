#!/usr/bin/python3
"""Keras-layout model files and a data set for tests/ann_to_snn_spec.lua (numpy + h5py only).

  ann_to_snn_keras.py OUTDIR

writes, with a fixed seed:
  OUTDIR/dense.h5       a functional Keras model in Keras's HDF5 layout: Input (4, 4) ->
                        Flatten -> Dense(24, relu, no bias) -> Dropout -> Dense(4, softmax,
                        no bias), trained here with numpy (full-batch gradient descent on the
                        cross-entropy)
  OUTDIR/dense_bias.h5  the same with a non-zero bias in the first Dense layer
  OUTDIR/dense_huge.h5  the same layers whose first kernel is declared (16, 2**25) float32 and
                        never written (chunked, no chunk stored: a file of a few KB whose
                        values take 4 GB as doubles)
  OUTDIR/conv.h5        a small convolutional classifier: Input (8, 8, 1) -> Conv2D(4, 3x3,
                        'valid', relu, no bias) -> MaxPooling2D(2x2) -> Flatten -> Dense(4,
                        softmax, no bias), trained here with numpy on 8 x 8 images of bars
  OUTDIR/conv_avg.h5    the same layers with Conv2D(4, 3x3, 'same', strides 2) and
                        AveragePooling2D(2x2) (output (4, 4, 4) then (2, 2, 4)), trained likewise
  OUTDIR/<name>.h5      models with one option the converter refuses (configuration only):
                        conv_bias, conv_dilation, conv_groups, conv_channels_first,
                        conv_flat_input, pool_strides, pool_same
  OUTDIR/conv.json      {"samples": [[64 values], ...] (images flattened row-major), "ann": [...],
                        "ann_avg": [...] (the two ANNs' classes), "accuracy", "accuracy_avg",
                        "factors": the normalisation factors of conv.h5 (conv, pooling = 1,
                        dense), "kernel": the Keras kernel of conv.h5 (3, 3, 1, 4),
                        "layers": {"max": conv.h5, "avg": conv_avg.h5, each {"conv": the output of
                        the Conv2D layer with the normalised kernel for the first sample, "relu":
                        its ReLU before normalisation, "pool": the pooling of "relu"}, flattened
                        row-major over (height, width, channels), and "stack": {"mask": a mask of
                        the first convolution of conv_stack.h5, "conv": the output of its second
                        (normalised) convolution}}
  OUTDIR/conv_stack.h5  Input (8, 8, 1) -> Conv2D(4, 3x3, 'valid') -> Conv2D(3, 2x2, 'same') ->
                        Flatten -> Dense(4), random weights
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

    huge = os.path.join(outdir, "dense_huge.h5")
    write_model(huge, [inp, flat, d1, drop, d2], {"dense_1": {"kernel": w2}})
    with h5py.File(huge, "a") as f:
        g = f["model_weights/dense"]
        g.attrs["weight_names"] = np.array([b"dense/kernel:0"], dtype="S64")
        g.create_dataset("dense/kernel:0", shape=(16, 2**25), dtype="f4", chunks=(1, 2**16))

    with open(os.path.join(outdir, "data.json"), "w") as f:
        # Diehl et al. (2015): scale_l / max over post neurons of the sum of positive weights
        factors = [float(s / np.maximum(w, 0).sum(axis=0).max()) for s, w in ((2, w1), (3, w2))]
        json.dump({"samples": x.tolist(), "ann": pred.tolist(), "factors": factors,
                   "w1": w1.tolist(),
                   "accuracy": float(np.mean(pred == labels))}, f)


    convolutional(outdir)


# ---- the convolutional classifiers ----------------------------------------------------------------

S, F, NC = 8, 4, 200   # image side, filters, samples


def bars(rng):
    """8 x 8 images of one bar (4 classes: horizontal, vertical, diagonal, anti-diagonal) of
    length 4 to 6 at a random place, on a noisy background."""
    x = rng.uniform(0.0, 0.15, size=(NC, S, S))
    labels = rng.integers(0, 4, size=NC)
    for n, c in enumerate(labels):
        length = rng.integers(4, 7)
        i, j = rng.integers(0, S - length + 1, size=2)
        for t in range(length):
            y, z = [(i, j + t), (i + t, j), (i + t, j + t), (i + t, j + length - 1 - t)][c]
            x[n, y, z] = rng.uniform(0.7, 1.0)
    return x[..., None], labels


def pad_same(x, k, s):
    """TensorFlow's 'same' padding of axis 1 and 2 for a kernel k and a stride s."""
    h = x.shape[1]
    out = -(-h // s)
    total = max((out - 1) * s + k - h, 0)
    before = total // 2
    return np.pad(x, ((0, 0), (before, total - before), (before, total - before), (0, 0)))


def patches(x, k, s):
    """(n, ho, wo, k*k*c) windows of x (n, h, w, c), stride s, 'valid'."""
    n, h, w, c = x.shape
    ho, wo = (h - k) // s + 1, (w - k) // s + 1
    out = np.empty((n, ho, wo, k, k, c))
    for a in range(k):
        for b in range(k):
            out[:, :, :, a, b, :] = x[:, a:a + s * ho:s, b:b + s * wo:s, :]
    return out.reshape(n, ho, wo, k * k * c)


def conv_forward(x, kernel, padding, stride):
    """Keras Conv2D without bias: kernel (kh, kw, cin, cout), channels last."""
    k = kernel.shape[0]
    xp = pad_same(x, k, stride) if padding == "same" else x
    p = patches(xp, k, stride)
    return p, p @ kernel.reshape(-1, kernel.shape[3])


def pool_forward(a, op):
    n, h, w, c = a.shape
    blocks = a[:, :h // 2 * 2, :w // 2 * 2, :].reshape(n, h // 2, 2, w // 2, 2, c)
    return blocks.max(axis=(2, 4)) if op == "max" else blocks.mean(axis=(2, 4))


def pool_backward(a, pooled, grad, op):
    n, h, w, c = a.shape
    up = np.repeat(np.repeat(grad, 2, axis=1), 2, axis=2)
    full = np.zeros_like(a)
    if op == "max":
        winners = a[:, :h // 2 * 2, :w // 2 * 2, :] == np.repeat(np.repeat(pooled, 2, axis=1), 2, axis=2)
        full[:, :h // 2 * 2, :w // 2 * 2, :] = up * winners
    else:
        full[:, :h // 2 * 2, :w // 2 * 2, :] = up / 4.0
    return full


def cnn_forward(x, kernel, dense, padding, stride, op):
    p, z = conv_forward(x, kernel, padding, stride)
    a = np.maximum(z, 0.0)
    pooled = pool_forward(a, op)
    flat = pooled.reshape(len(x), -1)        # Keras's Flatten: row-major over (h, w, c)
    return p, z, a, pooled, flat, flat @ dense


def train_cnn(x, labels, rng, padding, stride, op):
    kernel = rng.normal(0.0, 0.4, size=(3, 3, 1, F))
    pooled = pool_forward(np.maximum(conv_forward(x, kernel, padding, stride)[1], 0.0), op)
    dense = rng.normal(0.0, 0.3, size=(pooled[0].size, 4))
    y = np.eye(4)[labels]
    for _ in range(600):
        p, z, a, pooled, flat, out = cnn_forward(x, kernel, dense, padding, stride, op)
        q = np.exp(out - out.max(axis=1, keepdims=True))
        q /= q.sum(axis=1, keepdims=True)
        dout = (q - y) / len(x)
        ddense = flat.T @ dout
        dpooled = (dout @ dense.T).reshape(pooled.shape)
        dz = pool_backward(a, pooled, dpooled, op) * (z > 0)
        dkernel = p.reshape(-1, p.shape[3]).T @ dz.reshape(-1, F)
        kernel -= 0.5 * dkernel.reshape(kernel.shape)
        dense -= 0.5 * ddense
    return kernel.astype(np.float32).astype(np.float64), dense.astype(np.float32).astype(np.float64)


def conv_config(name, padding, strides, **extra):
    cfg = dict(trainable=True, dtype="float32", filters=F, kernel_size=[3, 3], strides=[strides, strides],
               padding=padding, data_format="channels_last", dilation_rate=[1, 1], groups=1,
               activation="relu", use_bias=False,
               kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
               bias_initializer={"class_name": "Zeros", "config": {}}, kernel_regularizer=None,
               bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
               bias_constraint=None)
    cfg.update(extra)
    return cfg


def pool_config(padding="valid", strides=(2, 2)):
    return dict(trainable=True, dtype="float32", pool_size=[2, 2], padding=padding,
                strides=list(strides), data_format="channels_last")


def cnn_layers(padding, stride, pool_class, conv_extra=None, pool_extra=None):
    inp = layer("InputLayer", "input_1", None, batch_input_shape=[None, S, S, 1], dtype="float32",
                sparse=False, ragged=False)
    conv = layer("Conv2D", "conv2d", "input_1", **conv_config("conv2d", padding, stride, **(conv_extra or {})))
    pool = layer(pool_class, "pooling", "conv2d", **pool_config(**(pool_extra or {})))
    flat = layer("Flatten", "flatten", "pooling", trainable=True, dtype="float32", data_format="channels_last")
    dense = layer("Dense", "dense", "flatten", **dense_config("dense", 4, "softmax", False))
    return [inp, conv, pool, flat, dense]


def convolutional(outdir):
    rng = np.random.default_rng(20240502)
    x, labels = bars(rng)
    kernel, dense = train_cnn(x, labels, rng, "valid", 1, "max")
    pred = np.argmax(cnn_forward(x, kernel, dense, "valid", 1, "max")[-1], axis=1)
    write_model(os.path.join(outdir, "conv.h5"), cnn_layers("valid", 1, "MaxPooling2D"),
                {"conv2d": {"kernel": kernel}, "dense": {"kernel": dense}})
    kernel_a, dense_a = train_cnn(x, labels, rng, "same", 2, "mean")
    pred_a = np.argmax(cnn_forward(x, kernel_a, dense_a, "same", 2, "mean")[-1], axis=1)
    write_model(os.path.join(outdir, "conv_avg.h5"), cnn_layers("same", 2, "AveragePooling2D"),
                {"conv2d": {"kernel": kernel_a}, "dense": {"kernel": dense_a}})

    weights = {"conv2d": {"kernel": kernel}, "dense": {"kernel": dense}}
    refused = {"conv_dilation": ({"dilation_rate": [2, 2]}, None),
               "conv_groups": ({"groups": 2}, None),
               "conv_channels_first": ({"data_format": "channels_first"}, None),
               "pool_strides": (None, {"strides": (1, 1)}),
               "pool_same": (None, {"padding": "same"}),
               "conv_flat_input": (None, None)}
    for name, (conv_extra, pool_extra) in refused.items():
        # a second pooling with 'same' padding turns (3, 3, 4) into (2, 2, 4) with a padded row
        layers = cnn_layers("valid", 1, "MaxPooling2D", conv_extra, pool_extra)
        if name == "pool_same":
            layers.insert(3, layer("MaxPooling2D", "pooling_1", "pooling", **pool_config(**pool_extra)))
        if name == "conv_flat_input":   # the input is a vector, not an image
            layers[0]["config"]["batch_input_shape"] = [None, S * S]
        write_model(os.path.join(outdir, name + ".h5"), layers, weights)
    write_model(os.path.join(outdir, "conv_bias.h5"), cnn_layers("valid", 1, "MaxPooling2D", {"use_bias": True}),
                {"conv2d": {"kernel": kernel, "bias": np.full(F, 0.1)}, "dense": {"kernel": dense}})

    # Diehl et al. (2015) on the bank (filters first): scale 2 for the convolution, the pooling
    # layer takes the scale 3 and has the factor 1, scale 4 for the dense layer
    def conv_factor(k):
        bank = np.moveaxis(k, -1, 0).reshape(F, -1)
        return float(2 / np.maximum(bank, 0).sum(axis=1).max())

    factors = [conv_factor(kernel), 1.0, float(4 / np.maximum(dense, 0).sum(axis=0).max())]
    # the layers' values for the first sample: the convolution's output with the normalised
    # kernel, and the pooling of a given (the ReLU of the raw) convolution output
    layers_of = {}
    for key, (k, padding, stride, op) in {"max": (kernel, "valid", 1, "max"),
                                          "avg": (kernel_a, "same", 2, "mean")}.items():
        z = conv_forward(x[:1], k, padding, stride)[1]
        a = np.maximum(z, 0.0)
        layers_of[key] = {"conv": (z * conv_factor(k)).ravel().tolist(), "relu": a.ravel().tolist(),
                          "pool": pool_forward(a, op).ravel().tolist()}
    # two stacked convolutions (untrained): the second one reads 4 channels with an even 2 x 2
    # kernel and 'same' padding; its output for a given mask of the first one
    k2 = rng.normal(0.0, 0.5, size=(2, 2, F, 3))
    stack = cnn_layers("valid", 1, "MaxPooling2D")[:2]
    stack.append(layer("Conv2D", "conv2d_1", "conv2d", **conv_config("conv2d_1", "same", 1, filters=3,
                                                                    kernel_size=[2, 2])))
    stack.append(layer("Flatten", "flatten", "conv2d_1", trainable=True, dtype="float32",
                       data_format="channels_last"))
    stack.append(layer("Dense", "dense", "flatten", **dense_config("dense", 4, "softmax", False)))
    write_model(os.path.join(outdir, "conv_stack.h5"), stack,
                {"conv2d": {"kernel": kernel}, "conv2d_1": {"kernel": k2}, "dense": {"kernel": rng.normal(0.0, 0.5, size=((S - 2) ** 2 * 3, 4))}})
    k2 = k2.astype(np.float32).astype(np.float64)
    mask = rng.uniform(0.0, 0.2, size=(1, S - 2, S - 2, F))
    bank2 = np.moveaxis(k2, -1, 0).reshape(3, -1)
    layers_of["stack"] = {"mask": mask.ravel().tolist(),
                          "conv": (conv_forward(mask, k2, "same", 1)[1] * 3 / np.maximum(bank2, 0).sum(axis=1).max())
                          .ravel().tolist()}
    with open(os.path.join(outdir, "conv.json"), "w") as f:
        json.dump({"samples": x.reshape(NC, -1).tolist(), "ann": pred.tolist(), "ann_avg": pred_a.tolist(),
                   "accuracy": float(np.mean(pred == labels)), "accuracy_avg": float(np.mean(pred_a == labels)),
                   "factors": factors, "kernel": kernel.tolist(), "layers": layers_of}, f)


if __name__ == "__main__":
    main(sys.argv[1])
