import { formatNumber, PromptInput, Strip, TokenStrip } from '../kit';

/**
 * What both path-expansion figures ask of the reader: the position whose
 * next-token logit to split, and the token (empty: the model's top guess).
 */
export function PositionAndToken({
  pos,
  strings,
  next,
  onPosition,
  onNext,
}: {
  pos: number;
  strings: string[];
  next: string;
  onPosition: (pos: number) => void;
  onNext: (next: string) => void;
}) {
  return (
    <>
      <p class="kit-note">Choose the position whose next-token logit to split (now {pos}).</p>
      <Strip>
        <TokenStrip
          label="Prompt tokens: choose a position"
          tokens={strings}
          selected={pos}
          onSelect={onPosition}
        />
      </Strip>
      <PromptInput
        label="Next token"
        value={next}
        rows={1}
        onInput={onNext}
        hint="Leave empty for the model's top prediction; only the first token of what you type is used."
      />
    </>
  );
}

/** The line that shows a path expansion closing: the sum of its terms against the model's logit. */
export function Closure({ sum, logit, testId }: { sum: number; logit: number; testId: string }) {
  return (
    <p class="ch5-result" data-testid={testId}>
      Sum of terms {formatNumber(sum, 6)} · model's logit {formatNumber(logit, 6)} · difference{' '}
      {formatNumber(Math.abs(sum - logit), 2)}
    </p>
  );
}
