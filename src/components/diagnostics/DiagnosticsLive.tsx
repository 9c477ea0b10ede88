import { useEffect, useId, useState } from 'preact/hooks';
import { topK } from '../../model/top-k';
import Figure from '../kit/Figure';
import { DEFAULT_PROMPT } from '../kit/fields';
import { useModels } from '../kit/use-models';

/** The prediction shown, with the prompt it was computed for. */
interface Prediction {
  prompt: string;
  tokens: number;
  top: Array<{ token: string; logit: number }>;
  ms: number;
  backend: string;
}

/**
 * Type a prompt and see the model's next-token prediction, computed on every
 * keystroke: the latest prompt wins and results for overtaken prompts are
 * dropped. Shows the live ORT tensor count, and on WebGPU offers to lose the
 * GPU device, to watch the figure recover on WASM.
 */
export default function DiagnosticsLive({ modelId }: { modelId: string }) {
  const inputId = useId();
  const { status, model, tokenizer, backend, badge, backendVersion, retry } = useModels([modelId]);
  const [text, setText] = useState(DEFAULT_PROMPT);
  const [prediction, setPrediction] = useState<Prediction | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [live, setLive] = useState(0);

  useEffect(() => {
    if (!model || !tokenizer) return;
    const ids = tokenizer.encode(text).slice(-model.config.n_ctx);
    if (ids.length === 0) return;
    const prompt = text;
    model.runLatest('diagnostics-live', ids).then(
      (r) => {
        setLive(model.liveTensors);
        if (!r || !r.logits) return; // overtaken by a newer prompt
        const d = model.config.d_vocab;
        const last = r.logits.data.subarray((r.length - 1) * d, r.length * d);
        const order = topK(last, 5).map((t) => t.index);
        setError(undefined);
        setPrediction({
          prompt,
          tokens: ids.length,
          top: order.map((i) => ({ token: tokenizer.tokenStrings([i])[0], logit: last[i] })),
          ms: r.ms,
          backend: r.backend,
        });
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
    // backendVersion: re-run on the new backend after a lost device.
  }, [model, tokenizer, text, backendVersion]);

  return (
    <Figure
      name="diagnostics-live"
      title={`Live run of ${modelId}`}
      status={status}
      onRetry={retry}
      backend={badge}
      caption={<>Runs on every keystroke; a result for a prompt you already changed is dropped.</>}
    >
      <label for={inputId}>Prompt</label>
      <textarea
        id={inputId}
        data-testid="live-prompt"
        rows={2}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {error && (
        <p role="alert" data-testid="live-error">
          {error}
        </p>
      )}
      {prediction && (
        <div
          data-testid="live-result"
          data-prompt={prediction.prompt}
          data-top={prediction.top[0]?.token}
          data-backend={prediction.backend}
        >
          <p>
            Next token after {prediction.tokens} tokens ({prediction.ms.toFixed(1)} ms on{' '}
            {prediction.backend === 'webgpu' ? 'WebGPU' : 'WASM'}):
          </p>
          <ol class="diagnostics-top">
            {prediction.top.map((t) => (
              <li key={t.token}>
                <code>{t.token}</code> {t.logit.toFixed(2)}
              </li>
            ))}
          </ol>
        </div>
      )}
      <p data-testid="live-tensors">Live ORT tensors between runs: {live}</p>
      {model && backend?.backend === 'webgpu' && (
        <button
          type="button"
          data-testid="lose-device"
          onClick={() => void model.loseDeviceForTesting()}
        >
          Lose the GPU device (the figure should recover on WASM)
        </button>
      )}
    </Figure>
  );
}
