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

# gelu-1l: permute the MLP neurons (and their weights on both sides): the function does not change
tokens = torch.tensor([tokenizer.encode("I am the LORD your").ids])
before = model(tokens)
mlp = model.blocks[0].mlp
perm = torch.randperm(mlp.W_in.shape[1], generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    mlp.W_in[:] = mlp.W_in[:, perm]  # [d_model, d_mlp]: columns are neurons
    mlp.b_in[:] = mlp.b_in[perm]
    mlp.W_out[:] = mlp.W_out[perm]  # [d_mlp, d_model]: rows are neurons
after = model(tokens)
print((after - before).abs().max().item() < 1e-4)
print(repr(tokenizer.decode([after[0, -1].argmax().item()])))
