# pip install transformer_lens tokenizers
# transformer_lens.pt, transformer_lens_config.json (from the model page) and tokenizer.json in this folder
import json

import torch
from tokenizers import Tokenizer
from transformer_lens import HookedTransformer, HookedTransformerConfig

with open("transformer_lens_config.json") as f:
    model = HookedTransformer(HookedTransformerConfig(**json.load(f)))
model.load_state_dict(torch.load("transformer_lens.pt"), strict=False)
tokenizer = Tokenizer.from_file("tokenizer.json")

# attn-only-2l: K-composition of head 0.3's output into head 1.2's keys
a0, a1 = model.blocks[0].attn, model.blocks[1].attn
W_OV = a0.W_V[3] @ a0.W_O[3]  # [d_model, d_model]: what 0.3 writes, given what it reads
W_QK = a1.W_Q[2] @ a1.W_K[2].T  # [d_model (query side), d_model (key side)]
score = (W_OV @ W_QK.T).norm() / (W_OV.norm() * W_QK.norm())
print(f"{score.item():.4f}")
