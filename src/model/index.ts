/**
 * The model runtime: everything a widget needs, re-exported from the one
 * module per concept. Import it dynamically from widgets
 * (`await import('../model')`) so ORT stays out of first-load JavaScript.
 */
export * from './anatomy';
export * from './attention-stats';
export * from './backend';
export * from './basis';
export * from './circuits';
export * from './config';
export * from './coordinate-stats';
export * from './executor';
export * from './factored-matrix';
export * from './grouping';
export * from './head-mask';
export * from './hooked-model';
export * from './hooks';
export * from './interventions';
export * from './loader';
export * from './metrics';
export * from './padding';
export * from './path-expansion';
export * from './path-patching';
export * from './phase-change';
export * from './positional-qk';
export * from './predictions';
export * from './random';
export * from './reference';
export * from './registry';
export * from './repeats';
export * from './residual-energy';
export * from './residual-terms';
export * from './rotation';
export * from './safetensors';
export * from './sha256';
export * from './skip-trigrams';
export * from './subspaces';
export * from './token-diagonal';
export * from './tokenizer';
export * from './top-k';
export * from './value-writers';
export * from './virtual-weights';
export * from './weights';
