import { probabilityScale } from './colour';
import { Heatmap, type HeatmapProps } from './Heatmap';

/**
 * One head's attention pattern over a prompt, `[query_pos, key_pos]`, as a
 * heatmap of probabilities: a row per query, a column per key, the future
 * (key after query) masked.
 */
export function AttentionPattern({
  label,
  values,
  labels,
  highlight,
  onSelect,
}: Pick<HeatmapProps, 'label' | 'values' | 'highlight' | 'onSelect'> & {
  /** The positions' labels (one per query and key: the pattern is square). */
  labels: readonly string[];
}) {
  return (
    <Heatmap
      label={label}
      values={values}
      rows={labels.length}
      cols={labels.length}
      rowLabels={labels}
      colLabels={labels}
      rowTitle="query"
      colTitle="key"
      legendTitle="attention probability"
      scale={probabilityScale}
      isMasked={(q, k) => k > q}
      maskedText="in the future (masked)"
      highlight={highlight}
      onSelect={onSelect}
    />
  );
}
