import type { ReadBytes, ReferenceDoc } from '../../model/reference';

// The PyTorch reference activations (tests/fixtures/reference), bundled by
// Vite as lazily fetched assets: only the diagnostics page ever loads them.
const docs = import.meta.glob<ReferenceDoc>('/tests/fixtures/reference/*.json', {
  import: 'default',
});
// Eager: only the URL strings are inlined (one small module), the files
// themselves are fetched on demand.
const bins = import.meta.glob<string>('/tests/fixtures/reference/**/*.bin', {
  query: '?url',
  import: 'default',
  eager: true,
});

/** Model ids that have a reference fixture in this build. */
export function referenceModelIds(): string[] {
  return Object.keys(docs)
    .map((p) => p.replace(/^.*\/(.+)\.json$/, '$1'))
    .sort();
}

/** The fixture of model `id` and a reader for its `.bin` files. */
export async function loadReference(id: string): Promise<{ doc: ReferenceDoc; read: ReadBytes }> {
  const loadDoc = docs[`/tests/fixtures/reference/${id}.json`];
  if (!loadDoc) throw new Error(`no reference fixture for ${id} in this build`);
  const doc = await loadDoc();
  const read: ReadBytes = async (rel) => {
    const url = bins[`/tests/fixtures/reference/${rel}`];
    if (!url) throw new Error(`reference file ${rel} is not in this build`);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${rel} failed with HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  return { doc, read };
}
