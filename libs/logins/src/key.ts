import { createHash } from 'node:crypto';

/** A key for a record that carries its own id (a Windows record number on one computer). */
export const recordKey = (host: string, channel: string, recordId: string): string =>
  `rec:${host.toLowerCase()}:${channel.toLowerCase()}:${recordId}`;

/**
 * A key for a message without a record id: a digest of what makes it this
 * message (host, time, text). Two identical lines in the same second are one
 * fact, which is what a duplicate sender would produce anyway.
 */
export const digestKey = (...parts: string[]): string =>
  `sha256:${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;
