/**
 * The runtime as chapters 5–6 use it: everything `src/model/index.ts`
 * exports, plus the modules added for these chapters (which index.ts does not
 * re-export yet). Imported dynamically only, so ORT stays out of first-load JS.
 */
export * from '../../model';
export * from '../../model/attention-stats';
export * from '../../model/phase-change';
export * from '../../model/repeats';
export * from '../../model/skip-trigrams';
