/**
 * Where a library logs without knowing the logger: the composition hands it
 * one that writes the detail as structured fields beside the message.
 */
export type Log = (
  level: 'info' | 'warn' | 'error',
  message: string,
  detail: Record<string, unknown>,
) => void;
