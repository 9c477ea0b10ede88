/**
 * A small reader for the safetensors format: an 8-byte little-endian header
 * length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}}`,
 * then the raw little-endian tensor bytes.
 *
 * Every tensor comes back as fp32: fp16 and bf16 checkpoints are widened on
 * load, because the graph runs in fp32 on every backend (many WebGPU adapters
 * lack `shader-f16`).
 */

/** A dense fp32 array with its shape (row-major). */
export interface Float32Tensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Named tensors in file order, keys as written (TransformerLens names here). */
export type TensorMap = Map<string, Float32Tensor>;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

const BYTES_PER: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** Widens one IEEE half-precision value (as its 16 bits) to a JS number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Parses a safetensors file. Throws, naming the tensor and the sizes seen,
 * when the header is malformed or a tensor's bytes do not match its shape.
 */
export function parseSafetensors(buffer: ArrayBuffer): TensorMap {
  if (buffer.byteLength < 8)
    throw new Error(`safetensors: file of ${buffer.byteLength} bytes has no header`);
  const view = new DataView(buffer);
  const headerLen = Number(view.getBigUint64(0, true));
  if (8 + headerLen > buffer.byteLength) {
    throw new Error(
      `safetensors: header length ${headerLen} exceeds the file (${buffer.byteLength} bytes)`,
    );
  }
  const header = JSON.parse(
    new TextDecoder().decode(new Uint8Array(buffer, 8, headerLen)),
  ) as Record<string, HeaderEntry | Record<string, string>>;
  const dataStart = 8 + headerLen;
  const out: TensorMap = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets } = entry as HeaderEntry;
    const width = BYTES_PER[dtype];
    if (!width) throw new Error(`safetensors: ${name} has unsupported dtype ${dtype}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = data_offsets;
    if (end - begin !== count * width || dataStart + end > buffer.byteLength) {
      throw new Error(
        `safetensors: ${name} [${shape.join(', ')}] ${dtype} needs ${count * width} bytes, ` +
          `offsets give ${end - begin} (file ${buffer.byteLength} bytes)`,
      );
    }
    out.set(name, { data: decode(view, dataStart + begin, count, dtype), shape });
  }
  return out;
}

function decode(view: DataView, offset: number, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      break;
    case 'BF16': {
      // bf16 is the top half of an fp32: shift it back into place.
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u32[i] = view.getUint16(offset + 2 * i, true) << 16;
      break;
    }
  }
  return out;
}

/**
 * Serialises fp32 tensors to safetensors bytes (used by tests and tools to
 * write rotated or edited weights back out).
 */
export function serializeSafetensors(tensors: TensorMap): Uint8Array {
  const header: Record<string, HeaderEntry> = {};
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = {
      dtype: 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header so the data starts 8-byte aligned, as the reference writer does.
  while ((8 + json.length) % 8 !== 0) json += ' ';
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
