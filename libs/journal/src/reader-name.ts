/**
 * A reader by its door and direction: "Front door entry reader". The one
 * wording of a reader's name: the journal's lines and readable export use it,
 * and the console's `readerName` (apps/console/src/words.ts, which may not
 * import server code) is held to it by reader-name.spec.ts.
 */
export const readerLabel = (doorName: string, direction: string): string => `${doorName} ${direction} reader`;
