import { describe, expect, it } from 'vitest';
import {
  csvField,
  exportFileName,
  toCsv,
  toJson,
  type Dataset,
  type ExportContext,
} from '../../src/components/kit/figure-export';

const context: ExportContext = {
  book: { title: 'Circuits', version: '0.1.0', date: '2026-11-29', build: 'abcdef123456' },
  figure: {
    number: '6.3',
    id: 'fig-head-scores',
    name: 'head-scores',
    title: 'Head scores',
    page: '/c/',
  },
  link: 'https://uni.example/c/?hs.prompt=a#fig-head-scores',
  state: { 'hs.prompt': 'a' },
  settings: { Prompt: 'Mr Dursley, "the" director\nof', Seed: '1' },
  models: ['attn-only-2l'],
  backend: 'WASM',
  exported: '2026-11-29T21:00:00.000Z',
};

const data: Dataset[] = [
  {
    kind: 'matrix',
    label: 'Induction score',
    rows: 2,
    cols: 2,
    rowLabels: ['layer 0', 'layer 1'],
    colLabels: ['head 0', 'head 1'],
    values: [0.1, null, 0.25, 0.83],
  },
  {
    kind: 'series',
    label: 'Top predictions',
    unit: 'probability',
    items: [{ label: ' the', value: 0.5 }],
  },
  { kind: 'table', label: 'Heads', header: ['head', 'score'], rows: [['1.2', '0.83']] },
];

describe('figure exports', () => {
  it('quote CSV fields that need it and only those', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' the')).toBe('" the"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.83)).toBe('0.83');
  });

  it('write the context and every dataset into the CSV, a matrix as a grid', () => {
    const csv = toCsv(context, data).split('\n');
    expect(csv[0]).toBe('# Circuits 0.1.0 (2026-11-29, build abcdef123456)');
    expect(csv).toContain('# Figure 6.3 Head scores (head-scores)');
    expect(csv).toContain('# models: attn-only-2l; backend: WASM');
    expect(csv).toContain('# Prompt: Mr Dursley, "the" director\\nof');
    expect(csv).toContain('row \\ column,head 0,head 1');
    expect(csv).toContain('layer 0,0.1,');
    expect(csv).toContain('layer 1,0.25,0.83');
    expect(csv).toContain('label,value (probability)');
    expect(csv).toContain('" the",0.5');
    expect(csv).toContain('head,score');
  });

  it('keep every number in the JSON as it was', () => {
    const parsed = JSON.parse(toJson(context, data));
    expect(parsed.data).toEqual(data);
    expect(parsed.book.version).toBe('0.1.0');
  });

  it('name files after the figure', () => {
    expect(exportFileName(context, 'svg')).toBe('circuits-figure-6.3-head-scores.svg');
    expect(
      exportFileName(
        { ...context, figure: { ...context.figure, number: undefined, id: undefined } },
        'csv',
      ),
    ).toBe('circuits-head-scores.csv');
  });
});
