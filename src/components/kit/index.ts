/**
 * The shared figure kit: every figure's model hook, prompt box, heatmap,
 * legend, token strip, head picker and "Try this" box, plus
 * colour maps, number formats and URL-state codecs. Nothing here imports the
 * runtime statically (only types): the runtime loads when a figure mounts.
 * The exercise frame (Exercise.tsx, ExerciseInputs.tsx, exercise-*.ts) is
 * imported from its own modules, so figures never load it.
 */
export * from './AttentionPattern';
export * from './colour';
export * from './fields';
export * from './format';
export * from './HeadPicker';
export * from './Heatmap';
export * from './Legend';
export * from './PromptInput';
export * from './TokenStrip';
export * from './TryThis';
export * from './use-computation';
export * from './runtime';
export * from './use-models';
export * from './RunState';
export * from './controls';
export * from './layout';
export * from './PredictionBars';
export * from './PythonSnippet';
export type { SnippetState } from '../../lib/python-snippet';
export * from './SignedBars';
export * from './Table';
export * from './use-prompt-tokens';
export * from './use-model-prompt';
export { default as Figure } from './Figure';
export * from './Figure';
export * from './url-state';
export * from './use-loader';
export * from './use-url-state';
