/**
 * The model runtime: everything a widget needs, re-exported from the one
 * module per concept. Import it dynamically from widgets
 * (`await import('../model')`) so ORT stays out of first-load JavaScript.
 */
export * from './backend';
export * from './circuits';
export * from './config';
export * from './factored-matrix';
export * from './hooked-model';
export * from './hooks';
export * from './interventions';
export * from './loader';
export * from './metrics';
export * from './padding';
export * from './path-expansion';
export * from './random';
export * from './reference';
export * from './registry';
export * from './rotation';
export * from './run-queue';
export * from './safetensors';
export * from './tokenizer';
export * from './weights';
