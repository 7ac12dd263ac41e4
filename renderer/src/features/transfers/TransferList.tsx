// The transfers, virtualized and paged: the list is as long as the filter's count, only the rows in view
// are in the DOM, and a row whose page has not been read yet shows as a placeholder until it arrives
// (the store reads the pages in view; see app/transferPages.ts). 100,000 stay smooth and light.
// Keyboard: one row is in the tab order (roving tabindex); arrow keys, Page Up/Down, Home and End move
// between rows, scrolling the list so the row exists; Tab goes on to that row's buttons. When the
// focused button or row goes (a transfer done or cancelled), the row now in its place takes the focus.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore, useTransfers } from '../../app/hooks.js';
import { PlaceholderRow } from './PlaceholderRow.js';
import { TransferRow } from './TransferRow.js';

const rowHeight = 56;
const pageRows = 8;

export function TransferList({ id, label }: { id: string; label: string }) {
  const { length, version } = useTransfers();
  const { transferAt, showRows } = useStore();
  const scroller = useRef<HTMLDivElement>(null);
  const [current, setCurrent] = useState(0);
  const active = Math.min(current, Math.max(0, length - 1));
  /** A row to focus once it is rendered (it may first need scrolling into the DOM). */
  const focusWanted = useRef<number | undefined>(undefined);
  /** Focus is somewhere in the rows: if what holds it is removed, it stays in the list. */
  const focusInRows = useRef(false);
  // Keyed by transfer, so a focused button stays with its row when rows above it come or go. A new
  // function only when rows changed: the virtualizer recomputes its layout whenever this changes.
  const getItemKey = useCallback((index: number) => transferAt(index)?.id ?? `unread-${index}`, [transferAt, version]);
  const virtualizer = useVirtualizer({
    count: length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => showRows(first, last), [first, last, showRows]);
  useLayoutEffect(() => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focusInRows.current && lost && focusWanted.current === undefined) focusWanted.current = active;
    if (focusWanted.current === undefined) return;
    const row = scroller.current?.querySelector<HTMLElement>(`[aria-rowindex="${focusWanted.current + 2}"]`);
    if (!row) return;
    focusWanted.current = undefined;
    row.focus();
  });

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.target as HTMLElement).getAttribute('role') !== 'row' || length === 0) return;
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + pageRows,
      PageUp: active - pageRows,
      Home: 0,
      End: length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = Math.min(length - 1, Math.max(0, moves[event.key]!));
    setCurrent(next);
    focusWanted.current = next;
    virtualizer.scrollToIndex(next);
  };

  return (
    <div className="list" id={id} role="table" aria-label={label} aria-rowcount={length + 1}>
      <div className="list-head row" role="row" aria-rowindex={1}>
        <div className="cell cell-name" role="columnheader">
          Name
        </div>
        <div className="cell cell-size num" role="columnheader">
          Size
        </div>
        <div className="cell cell-progress" role="columnheader">
          Progress
        </div>
        <div className="cell cell-rate num" role="columnheader">
          Speed
        </div>
        <div className="cell cell-eta num" role="columnheader">
          Time left
        </div>
        <div className="cell cell-state" role="columnheader">
          Status
        </div>
        <div className="cell cell-actions" role="columnheader">
          <span className="visually-hidden">Actions</span>
        </div>
      </div>
      <div
        className="list-body"
        ref={scroller}
        role="rowgroup"
        onKeyDown={onKeyDown}
        onFocus={() => (focusInRows.current = true)}
        onBlur={(e) => {
          // Removal of the focused element blurs with no new target: that is not leaving the list.
          if (e.relatedTarget) focusInRows.current = scroller.current?.contains(e.relatedTarget) ?? false;
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const transfer = transferAt(item.index);
            const row = { rowIndex: item.index + 2, tabIndex: item.index === active ? 0 : -1 };
            return (
              <div
                key={item.key}
                className="list-slot"
                style={{ transform: `translateY(${item.start}px)`, height: rowHeight }}
                onFocus={() => setCurrent(item.index)}
              >
                {transfer ? <TransferRow transfer={transfer} {...row} /> : <PlaceholderRow {...row} />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
