import { describe, expect, it } from 'vitest';
import { figureAnchor, remarkFigureNumbers } from '../../src/lib/figure-numbers';
import { figureLink, hasMachineParams } from '../../src/components/kit/figure-link';

describe('figure links', () => {
  it('keep every state parameter, set the anchor and drop the machine options', () => {
    const href =
      'https://uni.example/book/chapters/06-x/?backend=wasm&own.prompt=a+b&threads=2#top';
    const link = new URL(figureLink(href, 'fig-own-text'));
    expect(link.hash).toBe('#fig-own-text');
    expect([...link.searchParams]).toEqual([['own.prompt', 'a b']]);
    expect(hasMachineParams(href)).toBe(true);
    expect(hasMachineParams(link.href)).toBe(false);
  });

  it('keep the machine options when the reader asks', () => {
    const href = 'http://localhost/chapters/1/?backend=webgpu';
    expect(new URL(figureLink(href, 'fig-a', true)).searchParams.get('backend')).toBe('webgpu');
  });
});

describe('figure numbers', () => {
  it('name anchors after the component', () => {
    expect(figureAnchor('OwnTextFigure')).toBe('fig-own-text');
    expect(figureAnchor('KCompositionTokensFigure')).toBe('fig-k-composition-tokens');
    expect(figureAnchor('HeadAblation')).toBe('fig-head-ablation');
  });

  it('number hydrated components in order, skipping the exercises and static ones', () => {
    const jsx = (name: string, client: boolean) => ({
      type: 'mdxJsxFlowElement',
      name,
      attributes: client ? [{ type: 'mdxJsxAttribute', name: 'client:visible', value: null }] : [],
      children: [],
    });
    const tree = {
      type: 'root',
      children: [
        jsx('AFigure', true),
        jsx('Claim', false),
        jsx('BFigure', true),
        jsx('Exercises', true),
      ],
    };
    remarkFigureNumbers()(tree, {
      path: '/x/src/content/chapters/06-induction-heads.mdx',
      data: {},
    } as never);
    const slots = tree.children.filter((c) => c.name === 'div') as unknown as {
      attributes: { name: string; value: string }[];
    }[];
    expect(slots.map((s) => s.attributes.map((a) => `${a.name}=${a.value}`))).toEqual([
      ['class=figure-slot', 'id=fig-a', 'data-figure-number=6.1'],
      ['class=figure-slot', 'id=fig-b', 'data-figure-number=6.2'],
    ]);
    expect(tree.children.map((c) => c.name)).toEqual(['div', 'Claim', 'div', 'Exercises']);
  });
});
