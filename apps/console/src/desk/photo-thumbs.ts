import { useEffect, useState, type RefObject } from 'react';
import { backgroundFile } from '../api';

/** The thumbnail's side in CSS pixels times two (sharp on a high-density screen): the tile shows 20. */
const SIDE = 48;
/** Thumbnails kept: a board of hundreds of doors shows far fewer different people at once. */
const KEPT = 300;

/**
 * Desk photos as small thumbnails, each person's read once (the photo is up
 * to 2 MiB; the gateway serves it uncached, as personal data) and shrunk in
 * the browser to a few KiB kept in memory for the page's life: fifty tiles,
 * or the same person on ten doors, cost one read each, and a re-render none.
 * An object URL per person, dropped (and revoked) past KEPT, oldest first.
 */
const thumbs = new Map<string, Promise<string | null>>();

const shrink = async (blob: Blob): Promise<string> => {
  const bitmap = await createImageBitmap(blob);
  // Cut to a centred square, then scaled: a face, not a squashed portrait.
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = document.createElement('canvas');
  canvas.width = SIDE;
  canvas.height = SIDE;
  canvas
    .getContext('2d')
    ?.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIDE, SIDE);
  bitmap.close();
  const small = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/jpeg', 0.85));
  return URL.createObjectURL(small ?? blob);
};

const thumbOf = (cardholderId: string): Promise<string | null> => {
  const kept = thumbs.get(cardholderId);
  if (kept) {
    // Most recently used last: what is dropped is what no tile asked for longest.
    thumbs.delete(cardholderId);
    thumbs.set(cardholderId, kept);
    return kept;
  }
  const made = backgroundFile(`/api/v1/access/cardholders/${encodeURIComponent(cardholderId)}/photo`)
    .then(shrink)
    // No photo after all (removed, erased meanwhile), or one the browser cannot read: initials instead.
    .catch(() => null);
  thumbs.set(cardholderId, made);
  while (thumbs.size > KEPT) {
    const [oldest, url] = thumbs.entries().next().value as [string, Promise<string | null>];
    thumbs.delete(oldest);
    void url.then((u) => u && URL.revokeObjectURL(u));
  }
  return made;
};

/** Forgets a person's thumbnail (their photo changed, or they were erased): the next tile reads it anew. */
export const forgetPhoto = (cardholderId: string) => {
  const url = thumbs.get(cardholderId);
  thumbs.delete(cardholderId);
  void url?.then((u) => u && URL.revokeObjectURL(u));
};

/**
 * The person's thumbnail once the element is near the screen (a board scrolled
 * past reads nothing); null until then, and when there is none.
 */
export const usePhotoThumb = (
  cardholderId: string,
  wanted: boolean,
  near: RefObject<HTMLElement | null>,
): string | null => {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!wanted) return;
    let live = true;
    const show = () => void thumbOf(cardholderId).then((u) => live && setUrl(u));
    const el = near.current;
    if (!el || typeof IntersectionObserver === 'undefined') {
      show();
      return () => void (live = false);
    }
    const seen = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        seen.disconnect();
        show();
      },
      { rootMargin: '200px' },
    );
    seen.observe(el);
    return () => {
      live = false;
      seen.disconnect();
    };
  }, [cardholderId, wanted, near]);
  return url;
};

/** A name's initials for a tile without a photo: "Ann Archer" reads "AA", "Cher" reads "C". */
export const initialsOf = (name: string): string => {
  const letters = name
    .split(/\s+/)
    .map((w) => [...w].find((c) => /\p{L}/u.test(c)))
    .filter((c): c is string => c !== undefined);
  // First and last name ("Ada de Vries" reads "AV"), as badges and chat apps do.
  const picked = letters.length > 1 ? [letters[0]!, letters[letters.length - 1]!] : letters;
  return picked.join('').toUpperCase();
};
