import { Heatmap, probabilityScale } from '../kit';

/**
 * A score in [0, 1] for every head (rows: layers, columns: heads), each cell
 * with its value: the head-score figures' grids (induction, previous-token,
 * duplicate-token).
 */
export function HeadScoreGrid({
  config,
  scores,
  label,
  legendTitle,
}: {
  config: { n_layers: number; n_heads: number };
  /** `[layer][head]`. */
  scores: readonly ArrayLike<number>[];
  label: string;
  legendTitle: string;
}) {
  return (
    <div class="kit-fit" style={{ maxWidth: '28rem' }}>
      <Heatmap
        values={scores.flatMap((r) => Array.from(r))}
        rows={config.n_layers}
        cols={config.n_heads}
        rowLabels={Array.from({ length: config.n_layers }, (_, l) => `layer ${l}`)}
        colLabels={Array.from({ length: config.n_heads }, (_, h) => `head ${h}`)}
        rowTitle="layer"
        colTitle="head"
        legendTitle={legendTitle}
        label={label}
        scale={probabilityScale}
        showValues
        format={(x) => x.toFixed(2)}
        cellSize={44}
      />
    </div>
  );
}
