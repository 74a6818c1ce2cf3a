#!/usr/bin/python3
"""Independent reader of TensorBoard event files, for tests/logger_spec.lua.

  tfevents_check.py decode DESCRIPTOR_SET FILE...   -> JSON list (one entry per file) of events
  tfevents_check.py histogram V1 V2 ...              -> JSON of the HistogramProto fields that
                                                        TensorBoard's writer makes of the values

decode checks every record's framing (8-byte little-endian length, masked CRC-32C of the length,
data, masked CRC-32C of the data; the CRC-32C is computed here bit by bit, not with a library)
and exits with status 1 and a message on the first fault. The Event messages are parsed with
Debian's python3-protobuf from the descriptor set that protoc-c writes for
src/proto/tensorboard.proto. Images are decoded from their PNG with Pillow and given as lists of
pixels; the hparams plugin's content is parsed as HParamsPluginData.

histogram follows tensorboardX's make_histogram: numpy.histogram over the default edges
(-1e20 < ... < -1e-12, 0, 1e-12 ... < 1e20, factor 1.1), trimmed to the buckets from the one
before the first non-empty bucket to the last non-empty one.
"""
import io
import json
import struct
import sys

import numpy as np


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    blob = open(path, "rb").read()
    pos, k = 0, 0
    while pos < len(blob):
        k += 1
        if pos + 12 > len(blob):
            sys.exit(f"{path}: record {k}: truncated header")
        header = blob[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (crc_len,) = struct.unpack("<I", blob[pos + 8:pos + 12])
        if crc_len != masked(header):
            sys.exit(f"{path}: record {k}: bad length checksum")
        data = blob[pos + 12:pos + 12 + length]
        if len(data) != length or pos + 16 + length > len(blob):
            sys.exit(f"{path}: record {k}: truncated data")
        (crc_data,) = struct.unpack("<I", blob[pos + 12 + length:pos + 16 + length])
        if crc_data != masked(data):
            sys.exit(f"{path}: record {k}: bad data checksum")
        yield data
        pos += 16 + length


def message_classes(descriptor_path):
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    fds = descriptor_pb2.FileDescriptorSet()
    fds.ParseFromString(open(descriptor_path, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.Add(f)
    def cls(name):
        desc = pool.FindMessageTypeByName("tensorboard." + name)
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(desc)
        return message_factory.MessageFactory(pool).GetPrototype(desc)
    return cls("Event"), cls("HParamsPluginData")


def png_pixels(data):
    from PIL import Image
    img = Image.open(io.BytesIO(data))
    return {"mode": img.mode, "size": list(img.size), "pixels": [list(p) if isinstance(p, tuple) else p
                                                                for p in img.getdata()]}


def value_json(v, HParams):
    out = {"tag": v.tag}
    kind = v.WhichOneof("value")
    out["kind"] = kind
    if kind == "simple_value":
        out["simple_value"] = v.simple_value
    elif kind == "image":
        out["image"] = {"height": v.image.height, "width": v.image.width,
                        "colorspace": v.image.colorspace, **png_pixels(v.image.encoded_image_string)}
    elif kind == "histo":
        h = v.histo
        out["histo"] = {"min": h.min, "max": h.max, "num": h.num, "sum": h.sum,
                        "sum_squares": h.sum_squares, "bucket_limit": list(h.bucket_limit),
                        "bucket": list(h.bucket)}
    if v.HasField("metadata"):
        pd = v.metadata.plugin_data
        out["plugin_name"] = pd.plugin_name
        if pd.plugin_name == "hparams":
            d = HParams()
            d.ParseFromString(pd.content)
            which = d.WhichOneof("data")
            hp = {"version": d.version, "data": which}
            if which == "experiment":
                hp["hparam_infos"] = [{"name": i.name, "type": i.type} for i in d.experiment.hparam_infos]
                hp["metric_tags"] = [m.name.tag for m in d.experiment.metric_infos]
            elif which == "session_start_info":
                vals = {}
                for key, val in d.session_start_info.hparams.items():
                    vals[key] = getattr(val, val.WhichOneof("kind"))
                hp["hparams"] = vals
            else:
                hp["status"] = d.session_end_info.status
            out["hparams"] = hp
    return out


def decode(descriptor_path, paths):
    Event, HParams = message_classes(descriptor_path)
    files = []
    for path in paths:
        events = []
        for data in records(path):
            ev = Event()
            ev.ParseFromString(data)
            e = {"wall_time": ev.wall_time, "step": ev.step}
            what = ev.WhichOneof("what")
            if what == "file_version":
                e["file_version"] = ev.file_version
            elif what == "summary":
                e["values"] = [value_json(v, HParams) for v in ev.summary.value]
            events.append(e)
        files.append(events)
    print(json.dumps(files))


def default_edges():
    v, pos = 1e-12, []
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-x for x in pos[::-1]] + [0] + pos


def histogram(values):
    values = np.array(values, dtype=float).reshape(-1)
    counts, limits = np.histogram(values, bins=default_edges())
    cum = np.cumsum(np.greater(counts, 0).astype(np.int32))
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    print(json.dumps({"min": float(values.min()), "max": float(values.max()), "num": len(values),
                      "sum": float(values.sum()), "sum_squares": float(values.dot(values)),
                      "bucket_limit": [float(x) for x in limits], "bucket": [float(x) for x in counts]}))


if __name__ == "__main__":
    if sys.argv[1] == "decode":
        decode(sys.argv[2], sys.argv[3:])
    elif sys.argv[1] == "histogram":
        histogram([float(x) for x in sys.argv[2:]])
    else:
        sys.exit("usage: tfevents_check.py decode DESCRIPTOR FILE... | histogram V...")
