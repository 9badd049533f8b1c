"""A small Python rapport.v1 service: the baseline the Rust server is compared with.

Same proto (stubs generated at run time with grpc_tools.protoc into benches/baseline/.generated/,
which is gitignored), same model.onnx, same tokenizer.json, same ONNX Runtime thread count. It
serves Converse (bidi), Assess and GetConversation, so `rapport-load` can drive it unchanged.

Two ways to score, so the comparison is with a reasonable Python service, not a strawman:

  --batch 32 (default)  Turns from all streams go to one queue; one inference thread takes up to
                        32 of them (waiting at most --max-wait-ms for more) and runs them as one
                        padded batch, like rapport's batcher. Each stream reads ahead (up to
                        --max-in-flight turns) and answers in order.
  --batch 1             The textbook version: each stream's handler thread tokenizes and runs its
                        own turn, one at a time.

Per conversation it keeps what the Assessment needs (EWMA frustration, trend and slope,
consecutive negative turns, seen turn ids) and fires ESCALATE once on an explicit request for a
person. It does less per turn than rapport (no redaction, no handoff package, fewer cues and
rules), which only flatters the baseline.

    .venv/bin/python benches/baseline/server.py --port 50061
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import re
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc
import numpy as np
import onnxruntime as ort
from grpc_tools import protoc
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PROTO_ROOT = ROOT / "proto"
PROTOS = ["turn", "assessment", "signal", "service"]


def load_stubs():
    """protoc the rapport.v1 protos into .generated/<hash of the sources>/ and import them."""
    sources = [PROTO_ROOT / "rapport" / "v1" / f"{name}.proto" for name in PROTOS]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    target = HERE / ".generated" / digest.hexdigest()[:16]
    if not (target / "rapport" / "v1" / "service_pb2_grpc.py").is_file():
        scratch = target.with_name(target.name + f".tmp{os.getpid()}")
        scratch.mkdir(parents=True, exist_ok=True)
        well_known = Path(protoc.__file__).resolve().parent / "_proto"
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"-I{PROTO_ROOT}",
                f"-I{well_known}",
                f"--python_out={scratch}",
                f"--grpc_python_out={scratch}",
                *[str(p.relative_to(PROTO_ROOT)) for p in sources],
            ]
        )
        if status != 0:
            sys.exit(f"protoc failed ({status})")
        try:
            os.rename(scratch, target)
        except OSError:
            if not target.is_dir():
                raise
    sys.path.insert(0, str(target))
    from rapport.v1 import assessment_pb2, service_pb2, service_pb2_grpc, signal_pb2, turn_pb2

    return assessment_pb2, service_pb2, service_pb2_grpc, signal_pb2, turn_pb2


assessment_pb2, service_pb2, service_pb2_grpc, signal_pb2, turn_pb2 = load_stubs()

HUMAN_REQUEST = re.compile(
    r"(?i)\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a|an|the|some|your)?\s*(?:real|live|actual|human)?\s*"
    r"(?:human|person|agent|representative|operator|someone|somebody|manager|supervisor)\b"
    r"|\b(?:real|live|actual)\s+(?:human|person|agent)\b"
    r"|^\W*(?:agent|representative|operator|human)(?:\s+please)?\b"
)
MAX_TEXT_BYTES = 4096


class Model:
    """tokenizer.json + model.onnx, as rapport loads them: no padding, truncated to max_length."""

    def __init__(self, model_dir: Path, threads: int):
        self.spec = json.loads((model_dir / "labels.json").read_text())
        self.version = f"{self.spec['name']}/{self.spec['version']}"
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=self.spec["max_length"])
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        self.labels = self.spec["emotions"]["labels"]
        self.thresholds = np.array(self.spec["emotions"]["thresholds"], dtype=np.float32)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text).ids

    def infer(self, batch: list[list[int]]) -> list[dict]:
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, seq in enumerate(batch):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1
        sentiment, emotions, frustration = self.session.run(
            ["sentiment", "emotions", "frustration"], {"input_ids": ids, "attention_mask": mask}
        )
        out = []
        for row in range(len(batch)):
            probs = emotions[row]
            picked = [
                (self.labels[i], float(probs[i]))
                for i in np.nonzero(probs >= self.thresholds)[0]
            ]
            picked.sort(key=lambda e: -e[1])
            out.append(
                {
                    "sentiment": [float(x) for x in sentiment[row]],
                    "emotions": picked[:5],
                    "frustration": float(frustration[row]),
                }
            )
        return out


class Batcher:
    """One inference thread; up to max_batch queued turns per run, waiting max_wait for more."""

    def __init__(self, model: Model, max_batch: int, max_wait: float, capacity: int = 1024):
        self.model = model
        self.max_batch = max_batch
        self.max_wait = max_wait
        self.jobs: queue.Queue = queue.Queue(maxsize=capacity)
        threading.Thread(target=self._run, name="inference", daemon=True).start()

    def submit(self, text: str) -> futures.Future:
        future: futures.Future = futures.Future()
        self.jobs.put_nowait((self.model.encode(text), future))  # queue.Full -> RESOURCE_EXHAUSTED
        return future

    def _run(self):
        while True:
            batch = [self.jobs.get()]
            deadline = time.monotonic() + self.max_wait
            while len(batch) < self.max_batch:
                try:
                    batch.append(self.jobs.get_nowait())
                except queue.Empty:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    try:
                        batch.append(self.jobs.get(timeout=left))
                    except queue.Empty:
                        break
            try:
                results = self.model.infer([ids for ids, _ in batch])
                for (_, future), result in zip(batch, results):
                    future.set_result(result)
            except Exception as error:  # noqa: BLE001 - every waiting turn gets the error
                for _, future in batch:
                    future.set_exception(error)


class Direct:
    """No batching: the caller's thread scores its own turn."""

    def __init__(self, model: Model):
        self.model = model

    def submit(self, text: str) -> futures.Future:
        future: futures.Future = futures.Future()
        future.set_result(self.model.infer([self.model.encode(text)])[0])
        return future


class Conversation:
    __slots__ = ("channel", "customer_turns", "frustration", "peak", "recent", "negative", "seen", "escalated")

    def __init__(self, channel: int):
        self.channel = channel
        self.customer_turns = 0
        self.frustration = 0.0
        self.peak = 0.0
        self.recent: list[float] = []
        self.negative = 0
        self.seen: list[str] = []
        self.escalated = False


def slope(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    den = sum((x - mean_x) ** 2 for x in range(n))
    return num / den


class Service(service_pb2_grpc.RapportServicer):
    def __init__(self, model: Model, scorer, max_in_flight: int, capacity: int):
        self.model = model
        self.scorer = scorer
        self.max_in_flight = max_in_flight
        self.capacity = capacity
        self.conversations: dict[tuple[str, str], Conversation] = {}
        self.lock = threading.Lock()
        self.sequence = 0

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _error(request_turn, code: grpc.StatusCode, message: str):
        return service_pb2.ConverseResponse(
            tenant_id=request_turn.tenant_id,
            conversation_id=request_turn.conversation_id,
            turn_id=getattr(request_turn, "turn_id", ""),
            error=service_pb2.TurnError(code=code.value[0], message=message),
        )

    def _check(self, turn):
        """Validation before scoring; returns an error response, "duplicate", or None."""
        for name in ("tenant_id", "conversation_id", "turn_id"):
            value = getattr(turn, name)
            if not value.strip() or len(value.encode()) > 128:
                return self._error(turn, grpc.StatusCode.INVALID_ARGUMENT, f"{name} is required")
        if turn.speaker == turn_pb2.SPEAKER_UNSPECIFIED:
            return self._error(turn, grpc.StatusCode.INVALID_ARGUMENT, "speaker is required")
        if turn.speaker == turn_pb2.SPEAKER_CUSTOMER and not turn.text.strip():
            return self._error(turn, grpc.StatusCode.INVALID_ARGUMENT, "text is empty")
        if len(turn.text.encode()) > MAX_TEXT_BYTES:
            return self._error(turn, grpc.StatusCode.INVALID_ARGUMENT, "text is too long")
        with self.lock:
            state = self.conversations.get((turn.tenant_id, turn.conversation_id))
            if state is not None and turn.turn_id in state.seen:
                return "duplicate"
        return None

    def _apply(self, turn, scores):
        key = (turn.tenant_id, turn.conversation_id)
        with self.lock:
            state = self.conversations.get(key)
            if state is None:
                if len(self.conversations) >= self.capacity:
                    return self._error(turn, grpc.StatusCode.RESOURCE_EXHAUSTED, "conversation capacity reached")
                state = self.conversations[key] = Conversation(turn.channel)
            if turn.turn_id in state.seen:
                return service_pb2.ConverseResponse(
                    tenant_id=turn.tenant_id, conversation_id=turn.conversation_id,
                    turn_id=turn.turn_id, recorded=service_pb2.Recorded(), duplicate=True,
                )
            state.seen.append(turn.turn_id)
            del state.seen[:-64]
            if scores is None:
                return service_pb2.ConverseResponse(
                    tenant_id=turn.tenant_id, conversation_id=turn.conversation_id,
                    turn_id=turn.turn_id, recorded=service_pb2.Recorded(),
                )
            f = scores["frustration"]
            state.customer_turns += 1
            state.frustration = f if state.customer_turns == 1 else 0.5 * f + 0.5 * state.frustration
            state.peak = max(state.peak, state.frustration)
            state.recent = (state.recent + [f])[-4:]
            s = slope(state.recent)
            trend = (
                assessment_pb2.TREND_RISING if s > 0.05
                else assessment_pb2.TREND_FALLING if s < -0.05
                else assessment_pb2.TREND_STEADY
            )
            negative, neutral, positive = scores["sentiment"]
            state.negative = state.negative + 1 if negative >= 0.5 else 0
            cues = []
            signals = []
            match = HUMAN_REQUEST.search(turn.text)
            if match:
                cues.append(assessment_pb2.Cue(kind=assessment_pb2.CUE_KIND_HUMAN_REQUEST, text=match.group(0)))
                if not state.escalated:
                    state.escalated = True
                    self.sequence += 1
                    signals.append(
                        signal_pb2.Signal(
                            signal_id=f"{turn.conversation_id}/{turn.turn_id}/human",
                            sequence=self.sequence,
                            kind=signal_pb2.SIGNAL_KIND_ESCALATE,
                            priority=signal_pb2.PRIORITY_HIGH,
                            tenant_id=turn.tenant_id,
                            conversation_id=turn.conversation_id,
                            turn_id=turn.turn_id,
                            reasons=[signal_pb2.REASON_CODE_EXPLICIT_HUMAN_REQUEST],
                            rule_id="escalate.explicit-human-request",
                            explanation="The customer asked for a person.",
                            current_channel=turn.channel,
                            model_version=self.model.version,
                        )
                    )
            assessment = assessment_pb2.Assessment(
                scores=assessment_pb2.Scores(
                    sentiment=assessment_pb2.Sentiment(negative=negative, neutral=neutral, positive=positive),
                    top_emotions=[assessment_pb2.EmotionScore(label=l, score=p) for l, p in scores["emotions"]],
                    frustration=f,
                ),
                conversation_frustration=state.frustration,
                trend=trend,
                frustration_slope=s,
                cues=cues,
                consecutive_negative=state.negative,
                model_version=self.model.version,
            )
        return service_pb2.ConverseResponse(
            tenant_id=turn.tenant_id, conversation_id=turn.conversation_id, turn_id=turn.turn_id,
            assessment=assessment, signals=signals,
        )

    # -- RPCs ------------------------------------------------------------------------------

    def Converse(self, request_iterator, context):
        # A reader thread takes requests ahead (bounded) and starts their scoring; this
        # generator answers them in order.
        pending: queue.Queue = queue.Queue(maxsize=self.max_in_flight)
        done = object()

        def read():
            try:
                for request in request_iterator:
                    kind = request.WhichOneof("kind")
                    if kind == "turn":
                        turn = request.turn
                        checked = self._check(turn)
                        if checked is None and turn.speaker == turn_pb2.SPEAKER_CUSTOMER:
                            try:
                                pending.put(("score", turn, self.scorer.submit(turn.text)))
                            except queue.Full:
                                pending.put(("ready", turn, self._error(turn, grpc.StatusCode.RESOURCE_EXHAUSTED, "inference queue is full")))
                        elif checked is None:
                            pending.put(("record", turn, None))
                        elif checked == "duplicate":
                            pending.put(("ready", turn, service_pb2.ConverseResponse(
                                tenant_id=turn.tenant_id, conversation_id=turn.conversation_id,
                                turn_id=turn.turn_id, recorded=service_pb2.Recorded(), duplicate=True)))
                        else:
                            pending.put(("ready", turn, checked))
                    elif kind == "end":
                        pending.put(("end", request.end, None))
                    else:
                        pending.put(("ready", None, service_pb2.ConverseResponse(
                            error=service_pb2.TurnError(code=3, message="request has neither a turn nor an end"))))
            except Exception:  # noqa: BLE001 - the client went away
                pass
            pending.put((done, None, None))

        threading.Thread(target=read, daemon=True).start()
        while True:
            what, item, extra = pending.get()
            if what is done:
                return
            if what == "ready":
                yield extra
            elif what == "score":
                try:
                    scores = extra.result()
                except Exception as error:  # noqa: BLE001
                    yield self._error(item, grpc.StatusCode.INTERNAL, str(error))
                    continue
                yield self._apply(item, scores)
            elif what == "record":
                yield self._apply(item, None)
            elif what == "end":
                with self.lock:
                    self.conversations.pop((item.tenant_id, item.conversation_id), None)
                yield service_pb2.ConverseResponse(
                    tenant_id=item.tenant_id, conversation_id=item.conversation_id, ended=service_pb2.Ended()
                )

    def Assess(self, request, context):
        if not request.text.strip():
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "text is empty")
        scores = self.scorer.submit(request.text).result()
        negative, neutral, positive = scores["sentiment"]
        return service_pb2.AssessResponse(
            scores=assessment_pb2.Scores(
                sentiment=assessment_pb2.Sentiment(negative=negative, neutral=neutral, positive=positive),
                top_emotions=[assessment_pb2.EmotionScore(label=l, score=p) for l, p in scores["emotions"]],
                frustration=scores["frustration"],
            ),
            model_version=self.model.version,
        )

    def GetConversation(self, request, context):
        with self.lock:
            state = self.conversations.get((request.tenant_id, request.conversation_id))
            if state is None:
                context.abort(grpc.StatusCode.NOT_FOUND, "no such conversation")
            return service_pb2.GetConversationResponse(
                tenant_id=request.tenant_id,
                conversation_id=request.conversation_id,
                channel=state.channel,
                customer_turns=state.customer_turns,
                conversation_frustration=state.frustration,
                peak_frustration=state.peak,
                consecutive_negative=state.negative,
                escalated=state.escalated,
            )

    def SubscribeSignals(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "not in the baseline")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=50061, help="0 picks a free port")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "models" / "rapport-nlu")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="ONNX Runtime intra-op threads")
    parser.add_argument("--batch", type=int, default=32, help="max batch; 1 = no batching")
    parser.add_argument("--max-wait-ms", type=float, default=0.5)
    parser.add_argument("--max-in-flight", type=int, default=64, help="turns read ahead per stream")
    parser.add_argument("--workers", type=int, default=256, help="gRPC handler threads (one per open stream)")
    parser.add_argument("--capacity", type=int, default=100_000, help="conversations held")
    args = parser.parse_args()

    model = Model(args.model_dir, args.threads)
    model.infer([model.encode("warm up the session")])
    scorer = Batcher(model, args.batch, args.max_wait_ms / 1000) if args.batch > 1 else Direct(model)
    max_in_flight = args.max_in_flight if args.batch > 1 else 1
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=args.workers),
        options=[("grpc.so_reuseport", 0)],
    )
    service_pb2_grpc.add_RapportServicer_to_server(
        Service(model, scorer, max_in_flight, args.capacity), server
    )
    port = server.add_insecure_port(f"127.0.0.1:{args.port}")
    if port == 0:
        sys.exit(f"cannot bind 127.0.0.1:{args.port}")
    server.start()
    mode = f"batches of <= {args.batch}" if args.batch > 1 else "one turn per model run"
    print(f"baseline listening on 127.0.0.1:{port} ({mode}, {args.threads} threads) pid {os.getpid()}", flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(grace=2)


if __name__ == "__main__":
    main()
