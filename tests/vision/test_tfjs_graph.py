"""The TF.js to TensorFlow graph converter (scripts/tfjs_graph.py), on
tiny graph models the tests build: what OpenCV's DNN module computes from
the converted graph must be what the TF.js graph means, computed here by
hand with numpy."""

import base64
import json
import os
import struct
import subprocess
import sys

import cv2
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
CONVERTER = os.path.join(ROOT, "scripts", "tfjs_graph.py")


def b64(s):
    return base64.b64encode(s.encode()).decode()


def const(name, dtype="DT_FLOAT"):
    return {"name": name, "op": "Const", "attr": {
        "dtype": {"type": dtype}, "value": {"tensor": {"dtype": dtype}}}}


def fused(name, op, inputs, ops, padding="SAME"):
    return {"name": name, "op": op, "input": inputs, "attr": {
        "T": {"type": "DT_FLOAT"}, "num_args": {"i": "1"},
        "fused_ops": {"list": {"s": [b64(o) for o in ops]}},
        "strides": {"list": {"i": ["1", "1", "1", "1"]}},
        "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
        "padding": {"s": b64(padding)}, "data_format": {"s": b64("NHWC")},
        "explicit_paddings": {"list": {}}, "epsilon": {"f": 0}}}


class Model:
    """A TF.js graph model on disk: the JSON and its weights file."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.nodes = []
        self.weights = []
        self.data = b""

    def weight(self, name, array, half=True):
        array = np.asarray(array)
        entry = {"name": name, "shape": list(array.shape)}
        if array.dtype.kind == "i":
            entry["dtype"] = "int32"
            self.data += array.astype("<i4").tobytes()
        elif half:
            entry["dtype"] = "float32"
            entry["quantization"] = {"dtype": "float16",
                                     "original_dtype": "float32"}
            self.data += array.astype("<f2").tobytes()
        else:
            entry["dtype"] = "float32"
            self.data += array.astype("<f4").tobytes()
        self.weights.append(entry)
        self.nodes.append(const(name, "DT_INT32" if array.dtype.kind == "i"
                                else "DT_FLOAT"))

    def write(self, extra_bytes=b""):
        model = {"format": "graph-model", "modelTopology": {
            "node": self.nodes, "library": {}, "versions": {}},
            "weightsManifest": [{"paths": ["m.bin"],
                                 "weights": self.weights}]}
        with open(self.dir / "m.json", "w") as f:
            json.dump(model, f)
        with open(self.dir / "m.bin", "wb") as f:
            f.write(self.data + extra_bytes)
        return str(self.dir / "m.json")


def convert(path, out, *outputs):
    args = [sys.executable, CONVERTER, path, out]
    for o in outputs:
        args += ["--output", o]
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def conv_same(x, w, b):
    """NHWC 'SAME' convolution of x[h, w, cin] with w[kh, kw, cin, cout]."""
    kh, kw = w.shape[:2]
    p = np.pad(x, ((kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)))
    out = np.zeros(x.shape[:2] + (w.shape[3],), np.float32)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = np.tensordot(p[i:i + kh, j:j + kw], w, 3)
    return out + b


def run(pb, x, outputs):
    net = cv2.dnn.readNetFromTensorflow(pb)
    net.setInput(cv2.dnn.blobFromImage(x.astype(np.float32)))
    return net.forward(outputs)


@pytest.fixture
def model(tmp_path):
    return Model(tmp_path)


def build_fused_graph(model, rng):
    """Placeholder -> fused conv (BiasAdd, Relu) and a fused depthwise
    conv (BiasAdd), joined by ConcatV2 on channels, then Sigmoid, read
    through an Identity; and an unused tail the cut must drop."""
    w = rng.normal(size=(3, 3, 3, 4)).astype(np.float16).astype(np.float32)
    b = rng.normal(size=(4,)).astype(np.float16).astype(np.float32)
    dw = rng.normal(size=(3, 3, 3, 1)).astype(np.float16).astype(np.float32)
    db = rng.normal(size=(3,)).astype(np.float16).astype(np.float32)
    model.nodes.append({"name": "x", "op": "Placeholder", "attr": {
        "dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {"dim": [
            {"size": "1"}, {"size": "8"}, {"size": "8"}, {"size": "3"}]}}}})
    model.weight("w", w)
    model.weight("b", b)
    model.weight("dw", dw)
    model.weight("db", db)
    model.weight("axis", np.array(3, np.int32))
    model.nodes.append(fused("conv", "_FusedConv2D", ["x", "w", "b"],
                             ["BiasAdd", "Relu"]))
    model.nodes.append(fused("dconv", "FusedDepthwiseConv2dNative",
                             ["x", "dw", "db"], ["BiasAdd"]))
    model.nodes.append({"name": "cat", "op": "ConcatV2",
                        "input": ["conv", "dconv", "axis"],
                        "attr": {"N": {"i": "2"}, "T": {"type": "DT_FLOAT"},
                                 "Tidx": {"type": "DT_INT32"}}})
    model.nodes.append({"name": "sig", "op": "Sigmoid", "input": ["cat"],
                        "attr": {"T": {"type": "DT_FLOAT"}}})
    model.nodes.append({"name": "out", "op": "Identity", "input": ["sig"],
                        "attr": {"T": {"type": "DT_FLOAT"}}})
    # Post-processing OpenCV cannot run: cut off.
    model.nodes.append({"name": "topk", "op": "TopKV2",
                        "input": ["out", "axis"], "attr": {}})
    return w, b, dw, db


def test_fused_ops_float16_and_concat_axis(model, tmp_path):
    rng = np.random.default_rng(7)
    w, b, dw, db = build_fused_graph(model, rng)
    pb = str(tmp_path / "m.pb")
    r = convert(model.write(), pb, "out")
    assert r.returncode == 0, r.stderr

    x = rng.uniform(0, 255, size=(8, 8, 3)).astype(np.float32) / 64
    (got,) = run(pb, x, ["sig"])
    assert got.shape == (1, 7, 8, 8)

    conv = np.maximum(conv_same(x, w, b), 0)
    dconv = np.stack([conv_same(x[:, :, c:c + 1], dw[:, :, c:c + 1, :],
                                db[c])[:, :, 0] for c in range(3)], -1)
    want = 1 / (1 + np.exp(-np.concatenate([conv, dconv], -1)))
    np.testing.assert_allclose(got[0].transpose(1, 2, 0), want, atol=1e-5)


def test_the_graph_is_cut_at_the_outputs(model, tmp_path):
    build_fused_graph(model, np.random.default_rng(1))
    pb = tmp_path / "m.pb"
    assert convert(model.write(), str(pb), "out").returncode == 0
    data = pb.read_bytes()
    assert b"TopKV2" not in data and b"Identity" not in data
    assert b"_Fused" not in data and b"FusedDepthwise" not in data
    for op in (b"Conv2D", b"DepthwiseConv2dNative", b"BiasAdd", b"Relu"):
        assert op in data


def test_the_axis_is_an_int_val(model, tmp_path):
    """OpenCV 4.6 reads ConcatV2's axis from int_val only: the constant
    is written with field 7 (int_val), not field 4 (tensor_content)."""
    build_fused_graph(model, np.random.default_rng(2))
    pb = tmp_path / "m.pb"
    assert convert(model.write(), str(pb), "out").returncode == 0
    data = pb.read_bytes()
    at = data.index(b"\n\x04axis")
    node = data[at:at + 60]
    # TensorProto: dtype (field 1) DT_INT32 (3), an empty shape, then
    # int_val (field 7, packed) holding 3.
    assert b"\x08\x03\x12\x00\x3a\x01\x03" in node, node


@pytest.mark.parametrize("case", ["fused-op", "short-weights", "long-weights",
                                  "no-output", "not-json", "quantized"])
def test_bad_models_are_refused(case, model, tmp_path):
    build_fused_graph(model, np.random.default_rng(3))
    outputs = ["out"]
    extra = b""
    if case == "fused-op":
        conv = [n for n in model.nodes if n["name"] == "conv"][0]
        conv["attr"]["fused_ops"]["list"]["s"].append(b64("Relu"))
    elif case == "short-weights":
        model.data = model.data[:-4]
    elif case == "long-weights":
        extra = b"\0\0\0\0"
    elif case == "no-output":
        outputs = ["nothing/here"]
    elif case == "quantized":
        model.weights[0]["quantization"] = {"dtype": "uint8", "scale": 1}
    path = model.write(extra)
    if case == "not-json":
        with open(path, "w") as f:
            f.write('{"format": "graph-model", "modelTo')
    pb = tmp_path / "m.pb"
    r = convert(path, str(pb), *outputs)
    assert r.returncode == 1
    assert r.stderr.startswith("tfjs_graph: "), r.stderr
    assert "Traceback" not in r.stderr
    assert not pb.exists() and not (tmp_path / "m.pb.tmp").exists()
