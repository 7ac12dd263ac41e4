// The main window once signed in: header with totals, three tabs, and a window-wide drop target.
import { useState } from 'react';
import type { Session } from '../../../electron/common/contract.js';
import { TotalsHeader } from '../features/header/TotalsHeader.js';
import { TransfersView } from '../features/transfers/TransfersView.js';
import { FoldersView } from '../features/folders/FoldersView.js';
import { SettingsView } from '../features/settings/SettingsView.js';
import { Tabs } from '../components/Tabs.js';
import { useDropHandler } from '../features/transfers/useDropHandler.js';

const tabs = [
  { id: 'transfers', label: 'Transfers' },
  { id: 'folders', label: 'Folders' },
  { id: 'settings', label: 'Settings' },
] as const;
type TabId = (typeof tabs)[number]['id'];

export function Shell({ session }: { session: Session }) {
  const [tab, setTab] = useState<TabId>('transfers');
  const drop = useDropHandler();
  return (
    <div className={`shell${drop.dragging ? ' is-dragging' : ''}`} {...drop.handlers}>
      <TotalsHeader session={session} />
      <Tabs tabs={tabs} current={tab} onChange={setTab} label="Sections" />
      <main className="content" id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'transfers' && <TransfersView drop={drop} />}
        {tab === 'folders' && <FoldersView />}
        {tab === 'settings' && <SettingsView />}
      </main>
      {drop.dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-card">Drop to upload</div>
        </div>
      )}
    </div>
  );
}
