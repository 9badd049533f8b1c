"""Rebuilds a trainable network.pt from a shipped int8 graph, for a warm-start retrain.

    python models/warm_start.py [models/rapport-nlu/model.onnx] [models/.work/network.pt]

train.py keeps the full-precision weights in models/.work/ (out of git). When they are gone, this
dequantizes the shipped graph's weights ((q - zero_point) * scale, per channel), takes the layers
kept in fp32 as they are, and maps them back to the network's parameter names: each MatMul with a
weight feeds an Add whose bias initializer names the layer. The BERT pooler is not in the graph (the network pools the customer's tokens itself) and
keeps the base encoder's weights. Then `python models/train.py --init models/.work/network.pt`.
The int8 rounding is small next to a fine-tuning step; the warm start recovers it.
"""

import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from network import Network
from train import encoder_dir

HERE = Path(__file__).resolve().parent


def dequantized(inits: dict, base: str, axis: int) -> np.ndarray:
    """The float weights of `base`_quantized with per-channel scale and zero point along `axis`."""
    q = numpy_helper.to_array(inits[f"{base}_quantized"]).astype(np.float32)
    scale = numpy_helper.to_array(inits[f"{base}_scale"]).astype(np.float32)
    zero = numpy_helper.to_array(inits[f"{base}_zero_point"]).astype(np.float32)
    shape = [1] * q.ndim
    if scale.ndim:
        shape[axis] = -1
    return (q - zero.reshape(shape)) * scale.reshape(shape)


def _bias_of(node, consumers: dict, inits: dict) -> str:
    """The layer name of a MatMul, from the bias initializer of the Add it feeds."""
    adds = [c for c in consumers[node.output[0]] if c.op_type == "Add"]
    return next(i for i in adds[0].input if i.endswith(".bias") and i in inits).removesuffix(".bias")


def weights_of(graph: onnx.ModelProto) -> dict:
    """{parameter name without the "network." prefix: array} for every weight in the graph."""
    inits = {i.name: i for i in graph.graph.initializer}
    consumers = {}
    for node in graph.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    found = {}
    for name, init in inits.items():
        if name.startswith("network.") and not name.endswith(("_quantized", "_scale", "_zero_point")):
            found[name] = numpy_helper.to_array(init)
    for node in graph.graph.node:
        if node.op_type == "Gather" and node.input[0].endswith(".weight_quantized"):
            base = node.input[0].removesuffix("_quantized")
            found[base] = dequantized(inits, base, axis=0)
        if node.op_type == "MatMulIntegerToFloat":
            base = node.input[1].removesuffix("_quantized")
            found[_bias_of(node, consumers, inits) + ".weight"] = dequantized(inits, base, axis=1).T.copy()
        if node.op_type == "MatMul" and node.input[1] in inits:
            # a layer kept in fp32 (the heads; the attention output projections, whose weight is
            # unnamed): MatMul takes the weight transposed
            weight = numpy_helper.to_array(inits[node.input[1]]).T.copy()
            named = node.input[1].startswith("network.")
            found[node.input[1] if named else _bias_of(node, consumers, inits) + ".weight"] = weight
    return {name.removeprefix("network."): array for name, array in found.items()}


def main():
    source = Path(sys.argv[1] if len(sys.argv) > 1 else HERE / "rapport-nlu/model.onnx")
    target = Path(sys.argv[2] if len(sys.argv) > 2 else HERE / ".work/network.pt")
    network = Network(encoder_dir())
    state = network.state_dict()
    weights = weights_of(onnx.load(str(source)))
    parameters = [name for name, _ in network.named_parameters()]
    missing = [k for k in parameters if k not in weights and not k.startswith("encoder.pooler.")]
    if missing:
        raise SystemExit(f"the graph has no weights for {missing}")
    for name, array in weights.items():
        if name not in state:
            continue
        if tuple(state[name].shape) != array.shape:
            raise SystemExit(f"{name}: graph {array.shape}, network {tuple(state[name].shape)}")
        state[name] = torch.from_numpy(np.array(array, dtype=np.float32, copy=True))
    network.load_state_dict(state)
    target.parent.mkdir(parents=True, exist_ok=True)
    torch.save(network.state_dict(), target)
    print(f"{len(weights)} tensors from {source} -> {target}")


if __name__ == "__main__":
    main()
