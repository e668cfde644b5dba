import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Personal identifiers at rest: AES-256-GCM ciphertext (random IV, authenticated) for reading
 * back, and an HMAC-SHA256 keyed hash for exact lookup and uniqueness without decrypting.
 * Keys are separate so a leaked hash key reveals nothing about the ciphertexts.
 */
export class PiiVault {
  private readonly encKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(keys: { encryptionKey: string; hashKey: string }) {
    this.encKey = Buffer.from(keys.encryptionKey, 'base64');
    this.hashKey = Buffer.from(keys.hashKey, 'base64');
    if (this.encKey.length !== 32) throw new Error('PII encryption key must be 32 bytes (base64)');
    if (this.hashKey.length < 32) throw new Error('PII hash key must be at least 32 bytes (base64)');
  }

  static generateKeys(): { encryptionKey: string; hashKey: string } {
    return { encryptionKey: randomBytes(32).toString('base64'), hashKey: randomBytes(32).toString('base64') };
  }

  /** `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(token: string): string {
    const [v, iv, tag, ct] = token.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unknown ciphertext format');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  hash(plain: string): string {
    return createHmac('sha256', this.hashKey).update(plain).digest('base64url');
  }
}

/**
 * Free text shown without a login (the reporter's description, a unit's notes): ID numbers and phone numbers
 * written into it (a resident's mobile, a landline) are masked before it is shown.
 */
export function maskPublicText(text: string): string {
  return text
    .replace(/(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)/g, '$1********$2')
    .replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, '$1****$2')
    .replace(/(?<!\d)(0\d{2,3}-?)\d{3,4}(\d{4})(?!\d)/g, '$1****$2');
}

/** A person's name as a page without login shows it: the family name, the rest starred (张三丰 → 张**). */
export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

/** The digits of a phone number, formatting dropped: '0535-521 2345' → '05355212345'. */
export const phoneDigits = (phone: string): string => phone.replace(/\D/g, '');

/** A phone number shown without login: only its last 4 digits (138****1234 → ****1234). */
export function maskPhone(phone: string): string {
  const d = phoneDigits(phone);
  return d.length <= 4 ? '****' : `****${d.slice(-4)}`;
}
