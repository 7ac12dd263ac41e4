// The transfers, virtualized: only the rows in view are in the DOM, so 10,000 stay smooth.
import { useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Transfer } from '../../../../electron/common/contract.js';
import { TransferRow } from './TransferRow.js';

const rowHeight = 56;

export function TransferList({ id, transfers, label }: { id: string; transfers: readonly Transfer[]; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: transfers.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
    getItemKey: (index) => transfers[index]!.id,
  });
  return (
    <div className="list" id={id} role="table" aria-label={label} aria-rowcount={transfers.length}>
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
          {virtualizer.getVirtualItems().map((item) => (
            <div key={item.key} className="list-slot" style={{ transform: `translateY(${item.start}px)`, height: rowHeight }} aria-rowindex={item.index + 2}>
              <TransferRow transfer={transfers[item.index]!} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
