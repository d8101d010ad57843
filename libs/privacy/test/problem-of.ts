import { MasterKeyError } from '../src/master-key';

/** The problem a MasterKeyError names, so a test states which refusal it expects. */
export const problemOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof MasterKeyError) return error.problem;
    throw error;
  }
  throw new Error('no error');
};
