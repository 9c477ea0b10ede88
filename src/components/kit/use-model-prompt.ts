import type { ModelConfig } from '../../model/config';
import type { HookedModel } from '../../model/hooked-model';
import type { PromptInputProps } from './PromptInput';
import { useComputation, type Computation } from './use-computation';
import { useModels, type FigureModels } from './use-models';
import { usePromptTokens, type PromptTokens } from './use-prompt-tokens';

/** A figure's models (as `useModels`) and its prompt as the first model reads it (as `usePromptTokens`). */
export interface ModelPrompt extends FigureModels, PromptTokens {
  /** The first model's config, once it has loaded. */
  config: ModelConfig | undefined;
  /** The first model's context length (128 until it has loaded). */
  nCtx: number;
  /** What the prompt box needs: `<PromptInput {...m.input} />`. */
  input: Required<Pick<PromptInputProps, 'value' | 'onInput' | 'tokenCount' | 'nCtx'>>;
}

/**
 * The head of a figure that runs a model on the reader's prompt: loads models
 * `ids` (see `useModels`), tokenises `prompt` and cuts it to the first
 * model's context (see `usePromptTokens`), and hands the prompt box its value,
 * token count and context, with `onPrompt` for its edits. Usage:
 *
 * ```tsx
 * const m = useModelPrompt([state.model], state.prompt, (prompt) => update({ prompt }));
 * // m.model, m.tokenizer, m.ids, m.strings ... <PromptInput {...m.input} />
 * ```
 */
export function useModelPrompt(
  ids: readonly string[],
  prompt: string,
  onPrompt: (text: string) => void,
): ModelPrompt {
  const models = useModels(ids);
  const config = models.model?.config;
  const nCtx = config?.n_ctx ?? 128;
  const tokens = usePromptTokens(models.tokenizer, prompt, nCtx);
  return {
    ...models,
    ...tokens,
    config,
    nCtx,
    input: { value: prompt, onInput: onPrompt, tokenCount: tokens.total, nCtx },
  };
}

/**
 * The figure's computation on its prompt (see `useComputation`): runs
 * `compute(model, ids)` with the first model once it has loaded and the
 * prompt has a token, and again when the prompt's ids, the backend or `deps`
 * change; with no model or an empty prompt there is no value.
 *
 * ```tsx
 * const run = usePromptRun(m, async (model, ids) => model.runLatest('fig', ids), [state.pos]);
 * ```
 */
export function usePromptRun<T>(
  m: ModelPrompt,
  compute: (model: HookedModel, ids: number[]) => Promise<T | null>,
  deps: readonly unknown[] = [],
): Computation<T> {
  return useComputation(
    () => (m.model && m.ids.length > 0 ? compute(m.model, m.ids) : undefined),
    [m.model, m.ids.join(','), m.backendVersion, ...deps],
  );
}
