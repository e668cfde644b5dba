import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateSigningKeys(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey, publicKey };
}

/** Keeps the token signing key pair in `dir` (git-ignored), created on first use, private key 0600. */
export function loadOrCreateKeys(dir: string): KeyPair & { privateKeyFile: string; publicKeyFile: string } {
  const privateKeyFile = join(dir, 'jwt-private.pem');
  const publicKeyFile = join(dir, 'jwt-public.pem');
  if (!existsSync(privateKeyFile) || !existsSync(publicKeyFile)) {
    mkdirSync(dir, { recursive: true });
    const k = generateSigningKeys();
    writeFileSync(privateKeyFile, k.privateKey, { mode: 0o600 });
    writeFileSync(publicKeyFile, k.publicKey, { mode: 0o644 });
  }
  return {
    privateKey: readFileSync(privateKeyFile, 'utf8'),
    publicKey: readFileSync(publicKeyFile, 'utf8'),
    privateKeyFile,
    publicKeyFile,
  };
}

/** Reads a PEM given inline (`*_KEY`) or as a file (`*_KEY_FILE`). */
export function readKeyFromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const inline = env[name];
  if (inline) return inline.replace(/\\n/g, '\n');
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8');
  return undefined;
}

/** A random secret (base64) kept in `dir/name`, created 0600 on first use. */
export function loadOrCreateSecret(dir: string, name: string, bytes = 32): { value: string; file: string } {
  const file = join(dir, name);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(bytes).toString('base64'), { mode: 0o600 });
  }
  return { value: readFileSync(file, 'utf8').trim(), file };
}
