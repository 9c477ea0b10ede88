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

# attn-only-2l: induction scores of the layer-1 heads on 50 tokens said twice: the mean attention
# from each token of the second copy to the token just after its first occurrence
L = 50
tokens = torch.arange(200, 200 + L).repeat(2)[None]  # [1, 2L]
logits, cache = model.run_with_cache(tokens)
pattern = cache["blocks.1.attn.hook_pattern"][0]  # [head_index, query_pos, key_pos]
for h in range(pattern.shape[0]):
    stripe = pattern[h].diagonal(offset=-(L - 1))[1:]  # queries L..2L-1, keys 1..L
    print(f"1.{h}", f"{stripe.mean().item():.3f}")
