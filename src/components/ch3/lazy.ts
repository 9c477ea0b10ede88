/**
 * The runtime pieces chapters 3 and 4 compute with, in one module that the
 * figures import dynamically (`await lazy()`), so ORT, ml-matrix and the
 * model code stay out of the page's first-load JavaScript.
 */
export {
  changeBasis,
  FLOAT32_EPSILON,
  maxAbs,
  maxAbsDiff,
  planeRotation,
  randomPermutation,
  rowNorms,
} from '../../model/basis';
export { compositionBaseline, compositionScores, topK } from '../../model/circuits';
export {
  coordinateKurtosis,
  finiteMedian,
  histogram,
  participationRatio,
  pca,
  standardiseColumns,
} from '../../model/coordinate-stats';
export { logSumExp, perPositionLoss } from '../../model/metrics';
export { randomOrthogonal } from '../../model/random';
export { rotateMlpNeurons, rotateResidualStream } from '../../model/rotation';
export {
  effectiveDimensions,
  principalCosines,
  projectionFraction,
  randomOverlapBaseline,
  readSubspace,
  spannedDimensions,
  subspaceOverlap,
  writeSubspace,
} from '../../model/subspaces';
export {
  readShares,
  virtualWeights,
  writerCompositionBaseline,
  writerCompositionScore,
  writerName,
} from '../../model/virtual-weights';

/** Loads this module (and with it the runtime) on first use. */
export type Lazy = typeof import('./lazy');
