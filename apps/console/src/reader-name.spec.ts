// The test alone reads the journal's wording to hold the console's to it; the console itself never imports server code.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { readerLabel as journalReaderLabel } from '../../../libs/journal/src/reader-name';
import { readerLabel } from './words';

describe('one wording of a reader', () => {
  it('names a reader in the console as the journal lines and the export name it', () => {
    for (const direction of ['entry', 'exit'] as const)
      expect(readerLabel('Front door', direction)).toBe(journalReaderLabel('Front door', direction));
    expect(readerLabel('Front door', 'entry')).toBe('Front door entry reader');
  });
});
