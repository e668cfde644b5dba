import { createHash } from 'node:crypto';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Sharp from 'sharp';
import type { Metadata } from 'sharp';
import { AppError, badRequest } from '@redheart/shared';

/**
 * sharp (and libvips under it) loads at the first photo, not when the service starts: most processes never
 * decode one, and it costs start-up time and resident memory (docs/benchmarks.md, "Start-up").
 */
let sharpModule: typeof Sharp | undefined;
function sharp(...args: Parameters<typeof Sharp>): ReturnType<typeof Sharp> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sharpModule ??= require('sharp') as typeof Sharp;
  return sharpModule(...args);
}

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** Photos declaring more pixels than this are refused before they are decoded (a 50,000 × 50,000 PNG is a few KB). */
export const MAX_PHOTO_PIXELS = 40_000_000;
/** The stored copy's long side, at most. */
export const MAX_STORED_EDGE = 2560;

const FIELD = 'file';

export const photoTooLarge = () => new AppError(413, 'FILE_TOO_LARGE', `照片（${FIELD}）不能超过 ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
const notAnImage = () => new AppError(415, 'UNSUPPORTED_FILE_TYPE', `上传的照片（${FIELD}）无法识别为 JPEG、PNG 或 WebP 图片`);

/** The type a file claims by its first bytes; it must then also decode as that type. */
export function sniffImage(buf: Buffer): 'jpeg' | 'png' | 'webp' | undefined {
  if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length > 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length > 12 && buf.subarray(0, 4).toString('ascii') === 'RIFF' && buf.subarray(8, 12).toString('ascii') === 'WEBP') return 'webp';
  return undefined;
}

/**
 * Decodes an uploaded photo and answers the copy that is stored: a JPEG turned upright per its EXIF
 * orientation, at most MAX_STORED_EDGE on its long side, with no metadata at all (no EXIF — a phone
 * photo carries the GPS position of the resident's home —, no XMP, no ICC profile). A file that only
 * starts like an image (a PNG signature followed by HTML) does not decode: 415. Dimensions are read
 * from the header first, so an image declaring too many pixels is refused (413) without decoding it.
 */
export async function normalisePhoto(buf: Buffer): Promise<Buffer> {
  if (buf.length === 0) throw badRequest(`上传的照片（${FIELD}）是空文件`, undefined, 'EMPTY_FILE');
  if (buf.length > MAX_PHOTO_BYTES) throw photoTooLarge();
  const claimed = sniffImage(buf);
  if (!claimed) throw notAnImage();
  let meta: Metadata;
  try {
    // Only the header is read here, so no pixel limit yet: the declared size is checked below (413).
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage();
  }
  if (meta.format !== claimed || !meta.width || !meta.height) throw notAnImage();
  const pixels = meta.width * meta.height;
  if (pixels > MAX_PHOTO_PIXELS) {
    throw new AppError(413, 'IMAGE_TOO_LARGE', `照片（${FIELD}）为 ${meta.width}×${meta.height} 像素，最多 ${MAX_PHOTO_PIXELS / 10_000} 万像素`);
  }
  try {
    return await sharp(buf, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' })
      .autoOrient()
      .resize({ width: MAX_STORED_EDGE, height: MAX_STORED_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85 })
      .toBuffer();
  } catch {
    throw notAnImage();
  }
}

/**
 * Stores the re-encoded copy of a photo (normalisePhoto) under the service's own folder, named by its
 * hash (the same photo twice is one file). The upload itself is never written.
 */
export async function storePhoto(filesDir: string, itemId: number, upload: Buffer): Promise<{ mime: string; size: number; sha256: string; fileName: string }> {
  const buf = await normalisePhoto(upload);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const dir = join(filesDir, String(itemId));
  await mkdir(dir, { recursive: true });
  const fileName = `${sha256}.jpg`;
  await writeFile(join(dir, fileName), buf);
  return { mime: 'image/jpeg', size: buf.length, sha256, fileName };
}

export function readPhoto(filesDir: string, itemId: number, fileName: string): Promise<Buffer> {
  if (!/^[0-9a-f]{64}\.(jpg|png|webp)$/.test(fileName)) throw badRequest('Bad file name');
  return readFile(join(filesDir, String(itemId), fileName));
}
