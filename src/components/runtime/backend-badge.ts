import type { BackendChoice } from '../../model/backend';
import type { BackendBadge } from '../Figure';

/**
 * The badge a figure shows for the backend that computes it: "WebGPU" or
 * "WASM", with the reason (e.g. why WebGPU was not used) on hover and for
 * screen readers.
 */
export function backendBadge(choice: BackendChoice): BackendBadge {
  return { label: choice.backend === 'webgpu' ? 'WebGPU' : 'WASM', reason: choice.reason };
}
