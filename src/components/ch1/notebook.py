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

# attn-only-2l: the most likely next token after a set phrase, and its probability
tokens = torch.tensor([tokenizer.encode("Thus saith the").ids])  # no BOS token
probs = model(tokens)[0, -1].softmax(-1)  # [d_vocab]
p, i = probs.max(-1)
print(repr(tokenizer.decode([i.item()])), f"{p.item():.3f}")
