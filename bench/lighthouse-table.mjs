// The Markdown table of Lighthouse results (bench/lighthouse.mjs), apart so that
// bench/network.mjs can print it without loading Lighthouse.

/** The Markdown table of `rows`. */
export function lighthouseTable(rows) {
  const lines = [
    '| page | performance | accessibility | best practices | SEO | CLS | LCP (s) | TBT (ms) | audits under 0.9 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows)
    lines.push(
      `| /${r.path} | ${r.scores.performance} | ${r.scores.accessibility} | ${r.scores['best-practices']} | ${r.scores.seo} | ${r.cls?.toFixed(3)} | ${(r.lcpMs / 1000).toFixed(1)} | ${Math.round(r.tbtMs)} | ${r.failing.join(', ') || 'none'} |`,
    );
  return lines.join('\n');
}
