import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The nice value of the gateway's background threads (an import's writer, the
 * read pool): on a 2-core gateway, an import, an export and the event loop
 * want three cores, and a gap in the event loop was then mostly time spent
 * waiting for a core (14.8 of 23.9 ms, `npm run bench -- card-load --gap-stacks`).
 * At nice 10 a background thread still gets a free core at once, but yields
 * one the event loop wants: card feedback and door events go first, an import
 * or an export takes a little longer when the machine is full.
 */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the priority of the calling thread alone. Linux gives each thread its
 * own nice value, set through its thread id, which `/proc/thread-self` names
 * (Node has no call for it). Raising one's own nice value needs no privilege.
 * Elsewhere (no `/proc`) it does nothing and says so: the thread runs at the
 * process's priority, as before.
 */
export const lowerThisThreadPriority = (nice = BACKGROUND_NICE): boolean => {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
};
