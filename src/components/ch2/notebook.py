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

# attn-only-2l: the logit lens, the top token read off the residual stream before each layer and at the end
tokens = torch.tensor([tokenizer.encode("And God said, Let there be light: and there was").ids])
logits, cache = model.run_with_cache(tokens)
for name in ["blocks.0.hook_resid_pre", "blocks.1.hook_resid_pre", "blocks.1.hook_resid_post"]:
    resid = cache[name][0, -1]  # [d_model]
    top = (resid @ model.unembed.W_U + model.unembed.b_U).argmax().item()
    print(name, repr(tokenizer.decode([top])))
