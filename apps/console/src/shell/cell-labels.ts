import { useEffect } from 'react';

/**
 * Every cell of the console's tables labelled with its column's header
 * (data-label), so that on a phone, where each row becomes a card
 * (styles.css), every value keeps its label ("State: Suspended"). One
 * mechanism for every table, present and to come: cells a page labels itself
 * keep their label; columns whose header is for screen readers only (a
 * checkbox, the actions) or empty get none.
 */
export const labelCells = (root: ParentNode): void => {
  for (const table of Array.from(root.querySelectorAll('table.entries'))) {
    const heads = Array.from(table.querySelectorAll('thead th')).map((th) =>
      th.querySelector('.sr-only') ? '' : (th.textContent ?? '').trim(),
    );
    for (const row of Array.from(table.querySelectorAll('tbody tr'))) {
      let column = 0;
      for (const cell of Array.from(row.children)) {
        const label = heads[column] ?? '';
        column += (cell as HTMLTableCellElement).colSpan || 1;
        // A row saying there is nothing (td.empty, spanning the table) is no column's value.
        if (label && !cell.classList.contains('empty') && !cell.hasAttribute('data-label'))
          cell.setAttribute('data-label', label);
      }
    }
  }
};

/** Keeps the tables under `#main-content` (there once signed in) labelled as pages render rows, at most once a frame. */
export const useCellLabels = (signedIn: boolean): void => {
  useEffect(() => {
    const main = document.getElementById('main-content');
    if (!main) return;
    let frame: number | null = null;
    const run = () => {
      frame = null;
      labelCells(main);
    };
    run();
    const observer = new MutationObserver(() => {
      frame ??= requestAnimationFrame(run);
    });
    observer.observe(main, { childList: true, subtree: true });
    return () => {
      observer.disconnect();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [signedIn]);
};
