import * as crypto from 'node:crypto';

/**
 * SHA-256 in hex in one call where Node has it (20.12+, 21.7+): no Hash object
 * per message to make and collect; the same digest either way.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** A key for a record that carries its own id (a Windows record number on one computer). */
export const recordKey = (host: string, channel: string, recordId: string): string =>
  `rec:${host.toLowerCase()}:${channel.toLowerCase()}:${recordId}`;

/**
 * A key for a message without a record id: a digest of what makes it this
 * message (host, time, text). Two identical lines in the same second are one
 * fact, which is what a duplicate sender would produce anyway.
 */
export const digestKey = (...parts: string[]): string =>
  `sha256:${sha256Hex(parts.join('\u0000')).slice(0, 32)}`;
