import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts integration secrets at rest (AES-256-GCM) and derives the other keys Strata signs
 * with, all from one 32-byte master key that lives outside the database.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'strata integration secrets', 32));
    this.linkKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'strata survey links', 32));
    this.suppressionKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'strata suppression list', 32));
  }

  /** Key of the keyed hashes that name erased people (see privacy); derived like linkKey. */
  readonly suppressionKey: Buffer;

  /** Key for signing hosted survey links; derived, so leaking it reveals no secret. */
  readonly linkKey: Buffer;

  seal(plaintext: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** A master key as configured: 32 bytes in base64 or hex. */
export function parseMasterKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const hex = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
  const key = hex ?? Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : undefined;
}
