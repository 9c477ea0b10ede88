import { useCallback, useEffect, useState } from 'preact/hooks';
import type { BackendChoice } from '../../model/backend';
import type { HookedModel } from '../../model/hooked-model';
import type { FigureStatus } from '../Figure';
import { useLoader } from '../use-loader';

/** A model for a figure: its load status, the model once loaded, and its backend. */
export interface UseModel {
  status: FigureStatus;
  model: HookedModel | undefined;
  /** The backend in use; changes if WebGPU is lost and the model moves to WASM. */
  backend: BackendChoice | undefined;
  /**
   * Bumps when the backend changes, so a figure can put it in its effect
   * dependencies and re-run on the new backend.
   */
  backendVersion: number;
  retry: () => void;
}

/**
 * Loads model `id` through the page's shared registry (one session per model
 * per page), reporting download progress as the figure's loading status.
 */
export function useModel(id: string): UseModel {
  const load = useCallback(
    async (report: (r: { what: string; fraction?: number }) => void) => {
      // Dynamic import: the runtime and ORT load only once a figure is on screen.
      const { loadModel } = await import('../../model/registry');
      return loadModel(id, (p) =>
        report({ what: `the model ${id}`, fraction: p.total ? p.loaded / p.total : undefined }),
      );
    },
    [id],
  );
  const { status, value: model, retry } = useLoader(load, { what: `the model ${id}` });
  const [backend, setBackend] = useState<BackendChoice | undefined>(undefined);
  const [backendVersion, setBackendVersion] = useState(0);
  useEffect(() => {
    if (!model) return;
    setBackend(model.backend);
    return model.onBackendChange((choice) => {
      setBackend(choice);
      setBackendVersion((v) => v + 1);
    });
  }, [model]);
  return { status, model, backend, backendVersion, retry };
}
