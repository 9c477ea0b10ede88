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

# attn-only-1l: the copying score of every head, sum Re(lambda) / sum |lambda| over the eigenvalues of
# its full OV circuit W_E W_V W_O W_U, computed on the small side (eigenvalues of AB equal those of BA)
attn = model.blocks[0].attn
for h in range(attn.W_V.shape[0]):
    small = attn.W_O[h] @ model.unembed.W_U @ model.embed.W_E @ attn.W_V[h]  # [d_head, d_head]
    lam = torch.linalg.eigvals(small.double())
    print(h, f"{(lam.real.sum() / lam.abs().sum()).item():.3f}")
