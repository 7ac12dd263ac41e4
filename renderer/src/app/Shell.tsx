// The main window once signed in: header with totals, three tabs, a window-wide drop target and the
// live region that says when transfers finish.
import { useEffect, useState } from 'react';
import type { Session } from '../../../electron/common/contract.js';
import { TotalsHeader } from '../features/header/TotalsHeader.js';
import { TransfersView } from '../features/transfers/TransfersView.js';
import { FoldersView } from '../features/folders/FoldersView.js';
import { SettingsView } from '../features/settings/SettingsView.js';
import { HelpView } from '../features/help/HelpView.js';
import { DiagnosticsPanel } from '../features/settings/DiagnosticsPanel.js';
import { Tabs } from '../components/Tabs.js';
import { useDropHandler } from '../features/transfers/useDropHandler.js';
import { TransferAnnouncer } from '../features/announce/TransferAnnouncer.js';
import { UpdateBanner } from '../features/update/UpdateBanner.js';

const tabs = [
  { id: 'transfers', label: 'Transfers' },
  { id: 'folders', label: 'Folders' },
  { id: 'settings', label: 'Settings' },
  { id: 'help', label: 'Help' },
] as const;
type TabId = (typeof tabs)[number]['id'];

export function Shell({ session }: { session: Session }) {
  const [tab, setTab] = useState<TabId>('transfers');
  const drop = useDropHandler();
  // Signing in removes the form that had focus: keyboard users continue from the current tab.
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body)
      document.getElementById('tab-transfers')?.focus();
  }, []);
  return (
    <div className={`shell${drop.dragging ? ' is-dragging' : ''}`} {...drop.handlers}>
      <UpdateBanner />
      <TotalsHeader session={session} />
      <Tabs tabs={tabs} current={tab} onChange={setTab} label="Sections" />
      <main className="content" id={`panel-${tab}`} role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'transfers' && <TransfersView drop={drop} />}
        {tab === 'folders' && <FoldersView />}
        {tab === 'settings' && (
          <>
            <SettingsView />
            <DiagnosticsPanel />
          </>
        )}
        {tab === 'help' && <HelpView />}
      </main>
      <TransferAnnouncer />
      {drop.dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-overlay-card">Drop to upload</div>
        </div>
      )}
    </div>
  );
}
