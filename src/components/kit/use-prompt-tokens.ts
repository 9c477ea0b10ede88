import { useMemo } from 'preact/hooks';
import type { Tokenizer } from '../../model/tokenizer';
import { fitToContext } from './PromptInput';

/** The prompt as the model reads it: ids (cut to the context), their display strings, and the full count. */
export interface PromptTokens {
  ids: number[];
  strings: string[];
  /** Tokens before the cut to n_ctx (for the prompt box's notice). */
  total: number;
}

/** Tokenises `prompt` for a model with context `nCtx` (memoised on both). */
export function usePromptTokens(
  tokenizer: Tokenizer | undefined,
  prompt: string,
  nCtx: number,
): PromptTokens {
  return useMemo(() => {
    if (!tokenizer) return { ids: [], strings: [], total: 0 };
    const all = tokenizer.encode(prompt);
    const ids = fitToContext(all, nCtx);
    return { ids, strings: tokenizer.tokenStrings(ids), total: all.length };
  }, [tokenizer, prompt, nCtx]);
}
