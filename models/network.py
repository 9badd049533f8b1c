"""The multi-task network: the MiniLM encoder, pooling over the customer's words and five heads.

The input is the customer's turn, optionally followed by the context it answered (token type 1);
the pooled vector averages the customer's tokens only, so a turn reads the same with or without
context except where the context changes what it means. Heads: sentiment (3), emotions (28),
frustration (1), dissatisfaction (1: unhappy with the service at this turn), intents (INTENTS).
`Exportable` wraps it with the output activations and the calibration, for the shipped graph.
"""

import torch
from torch import nn
from transformers import AutoModel

from data import EMOTIONS, FRUSTRATION_IDS, SENTIMENTS
from intents import INTENTS


def customer_pool(hidden: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
    """Mean of the hidden states of the customer's tokens (attention mask set, token type 0)."""
    keep = (mask * (1 - types)).unsqueeze(-1).to(hidden.dtype)
    return (hidden * keep).sum(1) / keep.sum(1).clamp(min=1e-9)


class Network(nn.Module):
    def __init__(self, encoder_dir: str, dropout: float = 0.1):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(encoder_dir)
        width = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.sentiment_head = nn.Linear(width, len(SENTIMENTS))
        self.emotion_head = nn.Linear(width, len(EMOTIONS))
        self.frustration_head = nn.Linear(width, 1)
        self.dissatisfaction_head = nn.Linear(width, 1)
        self.intent_head = nn.Linear(width, len(INTENTS))

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        pooled = self.dropout(customer_pool(hidden, attention_mask, token_type_ids))
        return (
            self.sentiment_head(pooled),
            self.emotion_head(pooled),
            self.frustration_head(pooled).squeeze(-1),
            self.dissatisfaction_head(pooled).squeeze(-1),
            self.intent_head(pooled),
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

    def forward(self, input_ids, attention_mask, token_type_ids):
        sentiment, emotions, frustration, dissatisfaction, intents = self.network(
            input_ids, attention_mask, token_type_ids
        )
        emotions = emotions.sigmoid()
        noisy_or = 1 - (1 - emotions.index_select(-1, self.frustration_ids)).prod(-1)
        frustration = self.mix * frustration.sigmoid() + (1 - self.mix) * noisy_or
        return (
            (sentiment + self.offsets).softmax(-1),
            emotions,
            frustration,
            dissatisfaction.sigmoid(),
            intents.sigmoid(),
        )


HEAD_MODULES = ("sentiment_head", "emotion_head", "frustration_head", "dissatisfaction_head", "intent_head")
OUTPUTS = ("sentiment", "emotions", "frustration", "dissatisfaction", "intents")
