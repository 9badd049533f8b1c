"""The multi-task network: the MiniLM encoder, mean pooling and three heads.

`Network` is what is trained; `Exportable` wraps it with the output activations so the ONNX graph
returns probabilities: sentiment (softmax over 3), emotions (28 sigmoids), frustration (a sigmoid).
"""

import torch
from torch import nn
from transformers import AutoModel

from data import EMOTIONS, FRUSTRATION_IDS, SENTIMENTS


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class Network(nn.Module):
    def __init__(self, encoder_dir: str, dropout: float = 0.1):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(encoder_dir)
        width = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.sentiment_head = nn.Linear(width, len(SENTIMENTS))
        self.emotion_head = nn.Linear(width, len(EMOTIONS))
        self.frustration_head = nn.Linear(width, 1)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        pooled = self.dropout(mean_pool(hidden, attention_mask))
        return (
            self.sentiment_head(pooled),
            self.emotion_head(pooled),
            self.frustration_head(pooled).squeeze(-1),
        )


class Exportable(nn.Module):
    """Logits to probabilities, for the shipped graph, with the calibration tuned on dev.

    - `sentiment_offsets` are added to the sentiment logits (a per-class decision bias);
    - frustration is `mix * head + (1 - mix) * noisy-or(frustration emotions)`.
    """

    def __init__(self, network: Network, sentiment_offsets=(0.0, 0.0, 0.0), frustration_mix: float = 1.0):
        super().__init__()
        self.network = network
        self.register_buffer("offsets", torch.tensor(sentiment_offsets, dtype=torch.float32))
        self.register_buffer("frustration_ids", torch.tensor(sorted(FRUSTRATION_IDS)))
        self.mix = float(frustration_mix)

    def forward(self, input_ids, attention_mask):
        sentiment, emotions, frustration = self.network(input_ids, attention_mask)
        emotions = emotions.sigmoid()
        noisy_or = 1 - (1 - emotions.index_select(-1, self.frustration_ids)).prod(-1)
        frustration = self.mix * frustration.sigmoid() + (1 - self.mix) * noisy_or
        return (sentiment + self.offsets).softmax(-1), emotions, frustration


HEAD_MODULES = ("sentiment_head", "emotion_head", "frustration_head")
OUTPUTS = ("sentiment", "emotions", "frustration")
