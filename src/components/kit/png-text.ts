/**
 * Text inside a PNG file: the provenance a saved picture carries (issue 18,
 * item 4). PNG keeps text in `iTXt` chunks (keyword, then UTF-8 text, so a
 * prompt in any script survives), which image viewers, `exiftool` and
 * Pillow's `Image.text` read. Chunks are inserted right after the header
 * (`IHDR`), where the specification allows them.
 */

/** The 8 bytes every PNG file starts with. */
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG uses it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An uncompressed `iTXt` chunk: keyword (Latin-1, 1-79 bytes), no language, UTF-8 text. */
function itxt(keyword: string, text: string): Uint8Array {
  if (!/^[\x20-\x7e]{1,79}$/.test(keyword)) throw new Error(`bad PNG keyword “${keyword}”`);
  const key = new TextEncoder().encode(keyword);
  const body = new TextEncoder().encode(text);
  // keyword \0, compression flag 0, method 0, language "" \0, translated keyword "" \0, text
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key, 0);
  data.set(body, key.length + 5);
  return chunk('iTXt', data);
}

/**
 * `png` with an `iTXt` chunk for each `[keyword, text]` after its header;
 * the image is unchanged. Throws if `png` is not a PNG.
 */
export function withText(
  png: Uint8Array,
  entries: readonly [string, string][],
): Uint8Array<ArrayBuffer> {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error('not a PNG file');
  // The IHDR chunk: 8 signature bytes, then length (always 13) + 12.
  const headerEnd = 8 + 12 + new DataView(png.buffer, png.byteOffset).getUint32(8);
  const chunks = entries.map(([k, v]) => itxt(k, v));
  const out = new Uint8Array(png.length + chunks.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, headerEnd), 0);
  let at = headerEnd;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(headerEnd), at);
  return out;
}

/** Every `iTXt` (and `tEXt`) entry of `png`, keyword to text: what a reader of the file sees. */
export function readText(png: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at + 12 <= png.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    const zero = data.indexOf(0);
    if (type === 'tEXt' && zero > 0)
      out[new TextDecoder('latin1').decode(data.subarray(0, zero))] = new TextDecoder(
        'latin1',
      ).decode(data.subarray(zero + 1));
    if (type === 'iTXt' && zero > 0 && data[zero + 1] === 0) {
      // Skip the language tag and translated keyword, each ended by \0.
      let text = zero + 3;
      for (let skip = 0; skip < 2; skip++) text = data.indexOf(0, text) + 1;
      out[new TextDecoder().decode(data.subarray(0, zero))] = new TextDecoder().decode(
        data.subarray(text),
      );
    }
    at += 12 + length;
  }
  return out;
}
