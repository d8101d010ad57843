const strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, or returns null for invalid bytes (counted, never replaced silently). */
export const decodeUtf8 = (bytes: Uint8Array): string | null => {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
};
