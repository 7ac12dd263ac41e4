// The Transfers tab: drop zone, filters with counts, the virtualized list, and clear history.
import { useMemo, useState } from 'react';
import type { TransferFilter } from '../../../../electron/common/contract.js';
import { useClient, useTransfers } from '../../app/hooks.js';
import { Tabs } from '../../components/Tabs.js';
import { DropZone } from './DropZone.js';
import { matches } from './filters.js';
import { TransferList } from './TransferList.js';
import type { DropState } from './useDropHandler.js';

const filterNames: { id: TransferFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'done', label: 'Done' },
  { id: 'failed', label: 'Failed' },
];

export function TransfersView({ drop }: { drop: DropState }) {
  const { list } = useTransfers();
  const client = useClient();
  const [filter, setFilter] = useState<TransferFilter>('all');

  const { shown, counts } = useMemo(() => {
    const counts: Record<TransferFilter, number> = { all: list.length, active: 0, done: 0, failed: 0 };
    for (const t of list) for (const f of ['active', 'done', 'failed'] as const) if (matches(f, t)) counts[f]++;
    return { shown: filter === 'all' ? list : list.filter((t) => matches(filter, t)), counts };
  }, [list, filter]);

  return (
    <div className="transfers">
      <DropZone drop={drop} />
      <div className="toolbar">
        <Tabs tabs={filterNames.map((f) => ({ ...f, count: counts[f.id] }))} current={filter} onChange={setFilter} label="Show transfers" idPrefix="filter-" />
        <button type="button" className="link-button" disabled={counts.done === 0} onClick={() => void client.call('transfers.clearHistory', {})}>
          Clear finished
        </button>
      </div>
      {shown.length === 0 ? (
        <div className="empty" id={`filter-panel-${filter}`}>
          <p>{list.length === 0 ? 'Nothing uploaded yet.' : 'Nothing here.'}</p>
          {list.length === 0 && <p className="muted">Drop files or folders onto this window, or choose them above.</p>}
        </div>
      ) : (
        <TransferList id={`filter-panel-${filter}`} transfers={shown} label={`${filterNames.find((f) => f.id === filter)!.label} transfers`} />
      )}
    </div>
  );
}
