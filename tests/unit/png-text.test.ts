import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, readText, withText } from '../../src/components/kit/png-text';

/** The smallest PNG: one white pixel, every chunk with its CRC. */
const PIXEL = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC',
    'base64',
  ),
);

/** Every chunk of `png` as `[type, data, crc ok]`. */
function chunks(png: Uint8Array): [string, Buffer, boolean][] {
  const buf = Buffer.from(png);
  const out: [string, Buffer, boolean][] = [];
  for (let at = 8; at < buf.length;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const crc = buf.readUInt32BE(at + 8 + length);
    out.push([
      type,
      buf.subarray(at + 8, at + 8 + length),
      crc === crc32(buf.subarray(at + 4, at + 8 + length)),
    ]);
    at += 12 + length;
  }
  return out;
}

describe('PNG text chunks', () => {
  it('computes the CRC-32 that PNG uses (check value and the IEND chunk)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  it('adds iTXt chunks after the header, each with a valid CRC, leaving the image as it was', () => {
    const out = withText(PIXEL, [
      ['Title', 'Figure 6.3. Head scores'],
      ['Source', 'https://uni.example/c/?p=Ünïcödé “quoted”#fig-head-scores'],
    ]);
    const got = chunks(out);
    expect(got.map(([t]) => t)).toEqual(['IHDR', 'iTXt', 'iTXt', 'IDAT', 'IEND']);
    expect(got.every(([, , ok]) => ok)).toBe(true);
    const idat = (png: Uint8Array) => chunks(png).find(([t]) => t === 'IDAT')![1];
    expect(inflateSync(idat(out))).toEqual(inflateSync(idat(PIXEL)));
  });

  it('reads back every entry as written, UTF-8 included', () => {
    const entries: [string, string][] = [
      ['Title', 'Figure 6.3. Head scores'],
      ['circuits:export', JSON.stringify({ prompt: 'Ünïcödé “quoted” 日本' })],
    ];
    expect(readText(withText(PIXEL, entries))).toEqual(Object.fromEntries(entries));
  });

  it('refuses what is not a PNG, and keywords PNG does not allow', () => {
    expect(() => withText(new Uint8Array(20), [['Title', 'x']])).toThrow('not a PNG');
    expect(() => withText(PIXEL, [['', 'x']])).toThrow('bad PNG keyword');
  });
});
