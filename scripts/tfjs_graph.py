#!/usr/bin/env python3
"""Convert a TensorFlow.js graph model into a frozen TensorFlow GraphDef
(.pb) that OpenCV's DNN module reads.

    scripts/tfjs_graph.py MODEL.json OUT.pb --output NODE [--output NODE]

Only what OpenCV 4.6 needs is written, and in the shapes it understands:
  - the graph is cut at the --output nodes: everything they do not depend
    on (here the model's own post-processing, which OpenCV cannot run) is
    dropped, and Identity nodes are bypassed (OpenCV drops them, so the
    outputs are asked for by the producing node's name);
  - TF.js's fused ops (_FusedConv2D, FusedDepthwiseConv2dNative with
    BiasAdd and an activation) are written as the plain convolution, a
    BiasAdd and the activation, the last keeping the fused node's name;
  - float16 weights become float32, in tensor_content;
  - int32 constants go in int_val, the only field OpenCV reads a
    ConcatV2 axis from (tensor_content makes it fail).

The protobuf wire format is written here directly (a GraphDef needs five
message types); Debian's protobuf module would still need TensorFlow's
.proto files, which no Debian package ships.
"""

import argparse
import base64
import json
import os
import struct
import sys

DTYPES = {"DT_FLOAT": 1, "DT_DOUBLE": 2, "DT_INT32": 3, "DT_UINT8": 4,
          "DT_INT16": 5, "DT_INT8": 6, "DT_STRING": 7, "DT_INT64": 9,
          "DT_BOOL": 10, "DT_HALF": 19}

# Fused operations and the activations they may end with.
FUSED = {"_FusedConv2D": "Conv2D",
         "FusedDepthwiseConv2dNative": "DepthwiseConv2dNative"}
ACTIVATIONS = ("Relu", "Relu6", "Elu", "Sigmoid", "Tanh")
# The attributes the plain convolutions keep.
CONV_ATTRS = ("T", "strides", "padding", "dilations", "data_format")


class ConvertError(Exception):
    pass


# ---- protobuf wire format

def varint(n):
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def key(field, wire):
    return varint(field << 3 | wire)


def f_varint(field, n):
    return key(field, 0) + varint(n)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode()
    return key(field, 2) + varint(len(data)) + data


def f_float(field, x):
    return key(field, 5) + struct.pack("<f", x)


def packed_varints(field, values):
    return f_bytes(field, b"".join(varint(int(v)) for v in values))


def packed_floats(field, values):
    return f_bytes(field, struct.pack("<%df" % len(values), *values))


# ---- messages

def shape_proto(dims):
    """TensorShapeProto: dim (2) { size (1) }."""
    return b"".join(f_bytes(2, f_varint(1, int(d))) for d in dims)


def dtype_of(name):
    if name not in DTYPES:
        raise ConvertError("unsupported data type %s" % name)
    return DTYPES[name]


def tensor_proto(dtype, dims, values):
    """TensorProto: dtype (1), tensor_shape (2), tensor_content (4) for
    floats, int_val (7) for int32."""
    out = f_varint(1, dtype_of(dtype)) + f_bytes(2, shape_proto(dims))
    if dtype == "DT_FLOAT":
        out += f_bytes(4, struct.pack("<%df" % len(values), *values))
    elif dtype == "DT_INT32":
        out += packed_varints(7, values)
    else:
        raise ConvertError("no constant of type %s is supported" % dtype)
    return out


def list_proto(lst):
    """AttrValue.ListValue: s (2), i (3), f (4), b (5), type (6)."""
    out = b""
    for s in lst.get("s", []):
        out += f_bytes(2, base64.b64decode(s))
    if lst.get("i"):
        out += packed_varints(3, lst["i"])
    if lst.get("f"):
        out += packed_floats(4, [float(x) for x in lst["f"]])
    if lst.get("b"):
        out += packed_varints(5, [1 if x else 0 for x in lst["b"]])
    if lst.get("type"):
        out += packed_varints(6, [dtype_of(t) for t in lst["type"]])
    return out


def attr_proto(value):
    """AttrValue from TF.js's JSON form of it."""
    if "list" in value:
        return f_bytes(1, list_proto(value["list"]))
    if "s" in value:
        return f_bytes(2, base64.b64decode(value["s"]))
    if "i" in value:
        return f_varint(3, int(value["i"]))
    if "f" in value:
        return f_float(4, float(value["f"]))
    if "b" in value:
        return f_varint(5, 1 if value["b"] else 0)
    if "type" in value:
        return f_varint(6, dtype_of(value["type"]))
    if "shape" in value:
        dims = [d.get("size", -1) for d in value["shape"].get("dim", [])]
        return f_bytes(7, shape_proto(dims))
    raise ConvertError("unsupported attribute %s" % sorted(value))


def node_proto(node):
    """NodeDef: name (1), op (2), input (3), attr (5) map entries."""
    out = f_bytes(1, node["name"]) + f_bytes(2, node["op"])
    for i in node.get("input", []):
        out += f_bytes(3, i)
    for k in sorted(node.get("attr", {})):
        v = node["attr"][k]
        enc = v if isinstance(v, bytes) else attr_proto(v)
        out += f_bytes(5, f_bytes(1, k) + f_bytes(2, enc))
    return out


def graph_proto(nodes):
    """GraphDef: node (1), versions (4) { producer (1) }."""
    return (b"".join(f_bytes(1, node_proto(n)) for n in nodes) +
            f_bytes(4, f_varint(1, 27)))


# ---- weights

def read_weights(model, base):
    """Every weight of the manifest by name: (dtype, shape, values)."""
    out = {}
    for group in model.get("weightsManifest", []):
        data = b""
        for p in group["paths"]:
            path = os.path.join(base, os.path.basename(p))
            with open(path, "rb") as f:
                data += f.read()
        off = 0
        for w in group["weights"]:
            shape = [int(d) for d in w["shape"]]
            count = 1
            for d in shape:
                count *= d
            quant = (w.get("quantization") or {}).get("dtype")
            if w["dtype"] == "float32" and quant == "float16":
                fmt, size, dtype = "<%de", 2, "DT_FLOAT"
            elif w["dtype"] == "float32" and quant is None:
                fmt, size, dtype = "<%df", 4, "DT_FLOAT"
            elif w["dtype"] == "int32" and quant is None:
                fmt, size, dtype = "<%di", 4, "DT_INT32"
            else:
                raise ConvertError("weight %s: unsupported %s/%s" %
                                   (w["name"], w["dtype"], quant))
            end = off + count * size
            if end > len(data):
                raise ConvertError("weight %s lies past the end of the "
                                   "weights file" % w["name"])
            values = struct.unpack(fmt % count, data[off:end])
            if dtype == "DT_FLOAT":
                values = [float(x) for x in values]
            out[w["name"]] = (dtype, shape, values)
            off = end
        if off != len(data):
            raise ConvertError("the weights file holds %d bytes more than "
                               "its manifest" % (len(data) - off))
    return out


# ---- the graph

def base_name(inp):
    return inp.lstrip("^").split(":")[0]


def prune(nodes, outputs):
    """The nodes the outputs depend on, in the graph's own order, with
    Identity nodes bypassed."""
    by_name = {n["name"]: n for n in nodes}
    for o in outputs:
        if o not in by_name:
            raise ConvertError("no node named %s" % o)

    def resolve(inp):
        seen = 0
        while by_name.get(base_name(inp), {}).get("op") == "Identity":
            inp = by_name[base_name(inp)]["input"][0]
            seen += 1
            if seen > len(nodes):
                raise ConvertError("a cycle of Identity nodes")
        return inp

    keep, stack = set(), [resolve(o) for o in outputs]
    while stack:
        name = base_name(stack.pop())
        if name in keep:
            continue
        if name not in by_name:
            raise ConvertError("input %s has no node" % name)
        keep.add(name)
        stack.extend(resolve(i) for i in by_name[name].get("input", []))
    out = []
    for n in nodes:
        if n["name"] in keep:
            n = dict(n)
            n["input"] = [resolve(i) for i in n.get("input", [])
                          if not i.startswith("^")]
            out.append(n)
    return out


def expand_fused(node):
    """A fused convolution as the convolution, BiasAdd and activation."""
    attr = node.get("attr", {})
    ops = [base64.b64decode(s).decode()
           for s in attr.get("fused_ops", {}).get("list", {}).get("s", [])]
    if not ops or ops[0] != "BiasAdd" or len(ops) > 2 or \
       (len(ops) == 2 and ops[1] not in ACTIVATIONS):
        raise ConvertError("%s: unsupported fused operations %s" %
                           (node["name"], ops))
    if len(node["input"]) != 3:
        raise ConvertError("%s: expected input, filter and bias" %
                           node["name"])
    name = node["name"]
    conv_attr = {k: attr[k] for k in CONV_ATTRS if k in attr}
    conv = {"name": name + "/conv", "op": FUSED[node["op"]],
            "input": node["input"][:2], "attr": conv_attr}
    bias_attr = {k: attr[k] for k in ("T", "data_format") if k in attr}
    bias = {"name": name if len(ops) == 1 else name + "/bias",
            "op": "BiasAdd", "input": [conv["name"], node["input"][2]],
            "attr": bias_attr}
    out = [conv, bias]
    if len(ops) == 2:
        out.append({"name": name, "op": ops[1], "input": [bias["name"]],
                    "attr": {k: attr[k] for k in ("T",) if k in attr}})
    return out


def convert(model, weights, outputs):
    """The GraphDef's nodes for `model` cut at `outputs`."""
    nodes = prune(model["modelTopology"]["node"], outputs)
    out = []
    for n in nodes:
        if n["op"] == "Const":
            if n["name"] not in weights:
                raise ConvertError("constant %s has no weight" % n["name"])
            dtype, shape, values = weights[n["name"]]
            out.append({"name": n["name"], "op": "Const", "attr": {
                "dtype": {"type": dtype},
                "value": f_bytes(8, tensor_proto(dtype, shape, values))}})
        elif n["op"] in FUSED:
            out.extend(expand_fused(n))
        else:
            attr = {k: v for k, v in n.get("attr", {}).items()
                    if not (k == "explicit_paddings" and not v.get("list"))}
            out.append({"name": n["name"], "op": n["op"],
                        "input": n["input"], "attr": attr})
    return out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--output", action="append", required=True)
    args = ap.parse_args(argv)
    try:
        with open(args.model) as f:
            model = json.load(f)
        if model.get("format") != "graph-model":
            raise ConvertError("not a TF.js graph model")
        weights = read_weights(model, os.path.dirname(args.model))
        data = graph_proto(convert(model, weights, args.output))
    except (OSError, ValueError, KeyError, struct.error,
            ConvertError) as e:
        print("tfjs_graph: %s: %s" % (args.model, e), file=sys.stderr)
        return 1
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
