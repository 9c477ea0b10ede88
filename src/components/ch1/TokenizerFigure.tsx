import { DEFAULT_PROMPT } from '../kit';
import { useId } from 'preact/hooks';
import Figure from '../kit/Figure';
import { loadTokenizer } from '../kit/runtime';
import { field } from '../kit/url-state';
import { useLoader } from '../kit/use-loader';
import { useUrlState } from '../kit/use-url-state';

/** Longest text the figure takes (and the URL keeps). */
const MAX_TEXT = 2000;

const schema = { text: field.text(DEFAULT_PROMPT, MAX_TEXT) };

/**
 * Type text, see the tokens the models read: each token's text (spaces as
 * `·`, newlines as `↵`) and its id. The text round-trips through the URL.
 */
export default function TokenizerFigure() {
  const inputId = useId();
  const [state, update] = useUrlState(schema, 'tok');
  const {
    status,
    value: tokenizer,
    retry,
  } = useLoader(loadTokenizer, {
    what: 'the tokenizer',
  });
  const ids = tokenizer ? tokenizer.encode(state.text) : [];
  const strings = tokenizer ? tokenizer.tokenStrings(ids) : [];

  return (
    <Figure
      name="tokenizer"
      title="How the models see text"
      status={status}
      onRetry={retry}
      python={tokenizer ? { kind: 'tokens', text: state.text } : null}
      caption={
        <>
          Byte-level BPE, as in GPT-2: text becomes bytes, and learned merges join frequent byte
          pairs into tokens. Spaces are shown as ·; most words carry the space before them.
        </>
      }
    >
      <label class="tokenizer-label" for={inputId}>
        Text
      </label>
      <textarea
        id={inputId}
        rows={3}
        value={state.text}
        maxLength={MAX_TEXT}
        onInput={(e) => update({ text: e.currentTarget.value })}
      />
      <p class="tokenizer-count" aria-live="polite">
        {ids.length} {ids.length === 1 ? 'token' : 'tokens'} for {[...state.text].length} characters
        · vocabulary of {tokenizer?.vocabSize ?? 0} tokens
      </p>
      <ol class="token-strip" aria-label="Tokens and their ids">
        {ids.map((id, i) => (
          <li key={i} class="token">
            <span class="token-text">{strings[i]}</span>
            <span class="token-id">{id}</span>
          </li>
        ))}
      </ol>
    </Figure>
  );
}
