"""Fixes the int8 graph's activation ranges so an utterance scores the same in any batch.

`quantize_dynamic` quantizes every MatMul input with one scale and zero point computed per
*tensor* at run time (`DynamicQuantizeLinear`): from the range of the whole batch, padding
included. An utterance's scores then moved with whatever else was in its batch (by up to 0.05
in a probability here), so a conversation's escalation could depend on other customers' traffic
and `rapport eval` on how the batcher happened to group turns. This pass measures each
quantized tensor's range once, on real customer turns of the training splits (one utterance at
a time, so no padding), and writes it into the graph as a constant (`QuantizeLinear`): the
quantization no longer depends on the batch. Each `MatMulInteger → Cast → Mul(scale)` chain
becomes one `MatMulIntegerToFloat` (ONNX Runtime's fused kernel, which the dynamic graph got
from its optimiser). Values beyond the measured range saturate.

    python models/static_quant.py models/rapport-nlu/model.onnx     # rewrites in place
"""

import collections
import random
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper
from tokenizers import Tokenizer

import data

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
PER_SET = 600


def calibration_examples(root: Path = DATA, per_set: int = PER_SET, seed: int = 7) -> list:
    """Training-split utterances from every set the model reads (none from dev or test)."""
    rng = random.Random(seed)
    sets = [
        data.dialogues(root, "train"),
        data.goemotions(root, "train"),
        data.meld(root, "train"),
        data.tweeteval_emotion(root, "train"),
        data.intent_examples("train"),
    ]
    return [e for examples in sets for e in rng.sample(examples, min(per_set, len(examples)))]


def measured_ranges(model: onnx.ModelProto, tokenizer: Tokenizer, examples: list) -> dict:
    """(min, max) of each DynamicQuantizeLinear input over the examples, 0 included."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    inputs = [n.input[0] for n in probe.graph.node if n.op_type == "DynamicQuantizeLinear"]
    probe.graph.output.extend(helper.make_empty_tensor_value_info(name) for name in inputs)
    session = ort.InferenceSession(probe.SerializeToString())
    encoded = data.encode_all(tokenizer, examples)
    low = {name: 0.0 for name in inputs}
    high = {name: 0.0 for name in inputs}
    first = len(session.get_outputs()) - len(inputs)
    for i in range(len(encoded)):
        ids, mask, types = data.padded(encoded, [i])
        values = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        for name, value in zip(inputs, values[first:]):
            low[name] = min(low[name], float(value.min()))
            high[name] = max(high[name], float(value.max()))
    return {name: (low[name], high[name]) for name in inputs}


def fixed_ranges(model: onnx.ModelProto, ranges: dict) -> int:
    """Replaces each DynamicQuantizeLinear with a QuantizeLinear of its measured range, as
    DynamicQuantizeLinear would compute it (uint8, asymmetric); returns how many."""
    graph = model.graph
    nodes, replaced = [], 0
    for node in graph.node:
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        if node.op_type != "DynamicQuantizeLinear":
            nodes.append(copy)
            continue
        x = node.input[0]
        quantized, scale, zero_point = node.output
        low, high = ranges[x]
        step = max((high - low) / 255.0, 1e-12)
        zero = int(np.clip(round(-low / step), 0, 255))
        graph.initializer.extend(
            [
                numpy_helper.from_array(np.array(step, dtype=np.float32), scale),
                numpy_helper.from_array(np.array(zero, dtype=np.uint8), zero_point),
            ]
        )
        nodes.append(helper.make_node("QuantizeLinear", [x, scale, zero_point], [quantized]))
        replaced += 1
    del graph.node[:]
    graph.node.extend(_fused_matmuls(nodes))
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.checker.check_model(model)
    return replaced


def _fused_matmuls(nodes: list) -> list:
    """`MatMulInteger(q, W, a_zp, w_zp) → Cast → Mul(·, Mul(a_scale, w_scale))` → one
    `MatMulIntegerToFloat(q, W, a_scale, w_scale, a_zp, w_zp)` with the Mul's output."""
    producer = {out: n for n in nodes for out in n.output}
    consumers = collections.defaultdict(list)
    for n in nodes:
        for name in n.input:
            consumers[name].append(n)
    gone, fused = set(), {}
    for n in nodes:
        if n.op_type != "MatMulInteger":
            continue
        (cast,) = consumers[n.output[0]]
        (mul,) = consumers[cast.output[0]]
        scales = producer[next(i for i in mul.input if i != cast.output[0])]
        a_scale, w_scale = scales.input
        q, weights, a_zero_point, w_zero_point = n.input
        fused[id(n)] = helper.make_node(
            "MatMulIntegerToFloat",
            [q, weights, a_scale, w_scale, a_zero_point, w_zero_point],
            [mul.output[0]],
            domain="com.microsoft",
        )
        gone.update({id(cast), id(mul)})
        if len(consumers[scales.output[0]]) == 1:
            gone.add(id(scales))
    return [fused.get(id(n), n) for n in nodes if id(n) not in gone]


def main(path: str):
    model = onnx.load(path)
    tokenizer = Tokenizer.from_file(str(Path(path).with_name("tokenizer.json")))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    examples = calibration_examples()
    ranges = measured_ranges(model, tokenizer, examples)
    count = fixed_ranges(model, ranges)
    if count == 0:
        raise SystemExit(f"{path}: no DynamicQuantizeLinear found; ranges already fixed?")
    onnx.save(model, path)
    print(f"{path}: {count} activation ranges fixed from {len(examples)} training-split utterances")


if __name__ == "__main__":
    main(*(sys.argv[1:] or [str(Path(__file__).parent / "rapport-nlu" / "model.onnx")]))
