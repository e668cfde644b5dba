import { createHash } from 'node:crypto';
import { mkdir, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, badRequest } from '@redheart/shared';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** Photo types are decided by their first bytes, not by the name or the declared type. */
export function sniffImage(buf: Buffer): { mime: string; ext: string } | undefined {
  if (buf.length > 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return { mime: 'image/jpeg', ext: 'jpg' };
  if (buf.length > 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { mime: 'image/png', ext: 'png' };
  if (buf.length > 12 && buf.subarray(0, 4).toString('ascii') === 'RIFF' && buf.subarray(8, 12).toString('ascii') === 'WEBP') return { mime: 'image/webp', ext: 'webp' };
  return undefined;
}

/** Stores a photo under the service's own folder, named by its hash (the same photo twice is one file). */
export async function storePhoto(filesDir: string, itemId: number, buf: Buffer): Promise<{ mime: string; size: number; sha256: string; fileName: string }> {
  if (buf.length === 0) throw badRequest('The file is empty', undefined, 'EMPTY_FILE');
  if (buf.length > MAX_PHOTO_BYTES) throw new AppError(413, 'FILE_TOO_LARGE', `Photos may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  const type = sniffImage(buf);
  if (!type) throw new AppError(415, 'UNSUPPORTED_FILE_TYPE', 'Evidence photos must be JPEG, PNG or WebP');
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const dir = join(filesDir, String(itemId));
  await mkdir(dir, { recursive: true });
  const fileName = `${sha256}.${type.ext}`;
  await writeFile(join(dir, fileName), buf);
  return { mime: type.mime, size: buf.length, sha256, fileName };
}

export function readPhoto(filesDir: string, itemId: number, fileName: string): Promise<Buffer> {
  if (!/^[0-9a-f]{64}\.(jpg|png|webp)$/.test(fileName)) throw badRequest('Bad file name');
  return readFile(join(filesDir, String(itemId), fileName));
}
