// The Transfers tab: drop zone, filters with their counts (from totals, never by walking the list), the
// paged list, and clear history.
import { useLayoutEffect, useRef } from 'react';
import type { TransferFilter } from '../../../../electron/common/contract.js';
import { useAction, useClient, useStore, useTotals, useTransfers } from '../../app/hooks.js';
import { Tabs } from '../../components/Tabs.js';
import { DropZone } from './DropZone.js';
import { countOf } from './filters.js';
import { TransferList } from './TransferList.js';
import type { DropState } from './useDropHandler.js';

const filterNames: { id: TransferFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'active', label: 'Active' },
  { id: 'done', label: 'Done' },
  { id: 'failed', label: 'Failed' },
];

export function TransfersView({ drop }: { drop: DropState }) {
  const totals = useTotals();
  const { filter, length } = useTransfers();
  const { showFilter } = useStore();
  const client = useClient();
  const run = useAction();
  const none = countOf('all', totals) === 0;
  // The last row going (cancelled) takes the focus with it: the filter tab takes it instead.
  const hadRows = useRef(false);
  useLayoutEffect(() => {
    if (length === 0 && hadRows.current && document.activeElement === document.body)
      document.getElementById(`filter-tab-${filter}`)?.focus();
    hadRows.current = length > 0;
  }, [length, filter]);

  return (
    <div className="transfers">
      <DropZone drop={drop} />
      <div className="toolbar">
        <Tabs
          tabs={filterNames.map((f) => ({ ...f, count: countOf(f.id, totals) }))}
          current={filter}
          onChange={showFilter}
          label="Show transfers"
          idPrefix="filter-"
        />
        <button
          type="button"
          className="link-button"
          disabled={countOf('done', totals) === 0}
          onClick={() => run('Could not clear finished transfers', () => client.call('transfers.clearHistory', {}))}
        >
          Clear finished
        </button>
      </div>
      {length === 0 ? (
        <div className="empty" id={`filter-panel-${filter}`}>
          <p>{none ? 'Nothing uploaded yet.' : 'Nothing here.'}</p>
          {none && <p className="muted">Drop files or folders onto this window, or choose them above.</p>}
        </div>
      ) : (
        <TransferList
          key={filter}
          id={`filter-panel-${filter}`}
          label={`${filterNames.find((f) => f.id === filter)!.label} transfers`}
        />
      )}
    </div>
  );
}
