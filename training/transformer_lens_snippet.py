# pip install transformer_lens tokenizers
# Put transformer_lens.pt and transformer_lens_config.json of one model, and tokenizer.json, in this folder.
import json

import torch
from tokenizers import Tokenizer
from transformer_lens import HookedTransformer, HookedTransformerConfig

with open("transformer_lens_config.json") as f:
    model = HookedTransformer(HookedTransformerConfig(**json.load(f)))
missing, unexpected = model.load_state_dict(torch.load("transformer_lens.pt"), strict=False)
# Not in the file: only the buffers HookedTransformer builds itself (causal mask, IGNORE).
assert not unexpected and all(k.endswith((".mask", ".IGNORE")) for k in missing)

tokenizer = Tokenizer.from_file("tokenizer.json")
prompt = "In the beginning God created the heaven and the earth. In the beginning God created the"
prompt += " heaven and the"  # attn-only-2l, with its induction heads, predicts " earth"
tokens = torch.tensor([tokenizer.encode(prompt).ids])  # no BOS token: the models never saw one
logits, cache = model.run_with_cache(tokens)
print(cache["blocks.0.attn.hook_pattern"].shape)  # [batch, head_index, query_pos, key_pos]
print(repr(tokenizer.decode([logits[0, -1].argmax().item()])))

