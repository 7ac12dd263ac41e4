// The transfers, virtualized and paged: the list is as long as the filter's count, only the rows in view
// are in the DOM, and a row whose page has not been read yet shows as a placeholder until it arrives
// (the store reads the pages in view; see app/transferPages.ts). 100,000 stay smooth and light.
import { useCallback, useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore, useTransfers } from '../../app/hooks.js';
import { PlaceholderRow } from './PlaceholderRow.js';
import { TransferRow } from './TransferRow.js';

const rowHeight = 56;

export function TransferList({ id, label }: { id: string; label: string }) {
  const { length, version } = useTransfers();
  const { transferAt, showRows } = useStore();
  const scroller = useRef<HTMLDivElement>(null);
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
  return (
    <div className="list" id={id} role="table" aria-label={label} aria-rowcount={length}>
      <div className="list-head row" role="row">
        <div className="cell cell-name" role="columnheader">Name</div>
        <div className="cell cell-size num" role="columnheader">Size</div>
        <div className="cell cell-progress" role="columnheader">Progress</div>
        <div className="cell cell-rate num" role="columnheader">Speed</div>
        <div className="cell cell-eta num" role="columnheader">Time left</div>
        <div className="cell cell-state" role="columnheader">Status</div>
        <div className="cell cell-actions" role="columnheader">
          <span className="visually-hidden">Actions</span>
        </div>
      </div>
      <div className="list-body" ref={scroller} tabIndex={0} aria-label={`${label}, scrollable`} role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const transfer = transferAt(item.index);
            return (
              <div key={item.key} className="list-slot" style={{ transform: `translateY(${item.start}px)`, height: rowHeight }} aria-rowindex={item.index + 2}>
                {transfer ? <TransferRow transfer={transfer} /> : <PlaceholderRow />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
