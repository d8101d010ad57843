/** `<PRI>` at the start of a message: 1 to 3 digits, at most 191 (facility 23, severity 7). */
export const readPriority = (text: string): { facility: number; severity: number; rest: string } | null => {
  const match = /^<(\d{1,3})>/.exec(text);
  if (!match) return null;
  const pri = Number(match[1]);
  if (pri > 191 || (match[1]!.length > 1 && match[1]!.startsWith('0'))) return null;
  return { facility: pri >> 3, severity: pri & 7, rest: text.slice(match[0].length) };
};
