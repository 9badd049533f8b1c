"""Writes the shipped model folder from a trained network.

- `<work>/model.fp32.onnx`: the full-precision graph (kept out of git);
- `<out>/model.onnx`: the same graph with the encoder's MatMul weights quantized to int8 per
  channel (but the attention output projections, FULL_PRECISION) and the five heads left in fp32 (int8 heads collapse the outputs to constants); the
  activation ranges are then fixed on training-split turns (static_quant.py) so an utterance
  scores the same in any batch;
- `<out>/tokenizer.json`: the encoder's tokenizer, padding off, truncation at MAX_LENGTH;
- `<out>/labels.json`: version, output names, label order and the thresholds tuned on dev.
"""

import json
from pathlib import Path

import onnx
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from tokenizers import Tokenizer

from data import CONTEXT_TOKENS, EMOTIONS, FRUSTRATION_EMOTIONS, SENTIMENTS, TEXT_TOKENS
import intent_thresholds
import static_quant
from intents import INTENTS
from network import HEAD_MODULES, OUTPUTS, Exportable

MAX_LENGTH = 128
NAME = "rapport-nlu"


def shipped_tokenizer(source: str) -> Tokenizer:
    tokenizer = Tokenizer.from_file(str(Path(source) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_LENGTH)
    return tokenizer


def export_fp32(network, calibration: dict, path: Path):
    network.eval()
    ids = torch.tensor([[101, 7592, 2088, 102, 2088, 102], [101, 7592, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    types = torch.tensor([[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 0]])
    torch.onnx.export(
        Exportable(network, calibration["sentiment_offsets"], calibration["frustration_mix"]),
        (ids, mask, types),
        str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=list(OUTPUTS),
        dynamic_axes={
            "input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "sequence"},
            "token_type_ids": {0: "batch", 1: "sequence"},
            **{name: {0: "batch"} for name in OUTPUTS},
        },
        opset_version=17,
        dynamo=False,
    )
    network.train()


# The attention output projections stay fp32: int8 there cost most of the intents' int8 loss
# (person recall at 3% false on the calibration phrasings: fp32 0.883, all int8 0.836, these six
# fp32 0.871; the FFN outputs too 0.875 but +0.9 ms) for about +0.2 ms per utterance and 5% of
# batched throughput (benches/onnx_pair.py).
FULL_PRECISION = ("attention/output/dense/MatMul",)


def full_precision_matmuls(graph) -> list:
    return [n.name for n in graph.graph.node if n.op_type == "MatMul" and any(p in n.name for p in FULL_PRECISION)]


def quantize_encoder(fp32: Path, int8: Path):
    graph = onnx.load(str(fp32))
    heads = [node.name for node in graph.graph.node if any(h in node.name for h in HEAD_MODULES)]
    if not heads:
        raise SystemExit("no head nodes found in the exported graph; refusing to quantize them")
    # quantize_dynamic first rewrites each Gemm as MatMul + Add, naming the MatMul "<gemm>_MatMul":
    # exclude both names or the heads get quantized after all.
    excluded = heads + [f"{name}_MatMul" for name in heads] + full_precision_matmuls(graph)
    quantize_dynamic(
        str(fp32), str(int8), weight_type=QuantType.QInt8, nodes_to_exclude=excluded,
        op_types_to_quantize=["MatMul", "Gather"], per_channel=True,
    )
    quantized = [n.name for n in onnx.load(str(int8)).graph.node if n.op_type.startswith(("MatMulInteger", "DynamicQuant"))]
    if any(h in name for name in quantized for h in HEAD_MODULES):
        raise SystemExit("a head was quantized; the heads must stay fp32")


def labels_json(version: str, calibration: dict) -> dict:
    return {
        "name": NAME,
        "version": version,
        "max_length": MAX_LENGTH,
        "sentiment": {
            "output": "sentiment",
            "labels": list(SENTIMENTS),
            "logit_offsets": calibration["sentiment_offsets"],
        },
        "emotions": {"output": "emotions", "labels": EMOTIONS, "thresholds": calibration["thresholds"]},
        "frustration": {
            "output": "frustration",
            "threshold": calibration["frustration_threshold"],
            "derived_from": list(FRUSTRATION_EMOTIONS),
            "head_weight": calibration["frustration_mix"],
        },
        "dissatisfaction": {"output": "dissatisfaction", "threshold": calibration["dissatisfaction_threshold"]},
        "intents": {"output": "intents", "labels": list(INTENTS), "thresholds": calibration["intent_thresholds"]},
        "input": {
            "text_tokens": TEXT_TOKENS,
            "context_tokens": CONTEXT_TOKENS,
            "context_type_id": 1,
            "token_type_ids": "token_type_ids",
        },
    }


def ship(network, tokenizer, calibration: dict, out: Path, work: Path, version: str):
    """Exports, quantizes (per-channel int8) and writes the shipped folder; `calibration` comes from calibrate.py."""
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "model.fp32.onnx"
    export_fp32(network, calibration, fp32)
    tokenizer.save(str(out / "tokenizer.json"))
    quantize_encoder(fp32, out / "model.onnx")
    static_quant.main(str(out / "model.onnx"))
    (out / "labels.json").write_text(json.dumps(labels_json(version, calibration), indent=2) + "\n")
    print(f"intent thresholds on the int8 graph: {json.dumps(intent_thresholds.choose(out))}", flush=True)
    print(f"shipped {out / 'model.onnx'} ({(out / 'model.onnx').stat().st_size / 1e6:.1f} MB)", flush=True)
