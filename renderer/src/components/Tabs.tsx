// An accessible tab strip: arrow keys move between tabs, the current one is in the tab order.
import { useRef, type KeyboardEvent } from 'react';

/** `idPrefix` keeps ids unique when two strips share a page; panels are `${idPrefix}panel-<id>`. */
export function Tabs<T extends string>({
  tabs,
  current,
  onChange,
  label,
  idPrefix = '',
}: {
  tabs: readonly { id: T; label: string; count?: number }[];
  current: T;
  onChange: (id: T) => void;
  label: string;
  idPrefix?: string;
}) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKey = (event: KeyboardEvent) => {
    const index = tabs.findIndex((t) => t.id === current);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = tabs[(index + step + tabs.length) % tabs.length]!;
    onChange(next.id);
    refs.current.get(next.id)?.focus();
  };
  return (
    <div
      className={`tabs${idPrefix ? ` tabs-${idPrefix.replace(/-$/, '')}` : ''}`}
      role="tablist"
      aria-label={label}
      onKeyDown={onKey}
    >
      {tabs.map((tab) => (
        <button
          key={tab.id}
          ref={(el) => void (el ? refs.current.set(tab.id, el) : refs.current.delete(tab.id))}
          id={`${idPrefix}tab-${tab.id}`}
          role="tab"
          type="button"
          className="tab"
          aria-selected={tab.id === current}
          aria-controls={`${idPrefix}panel-${tab.id}`}
          tabIndex={tab.id === current ? 0 : -1}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
          {tab.count !== undefined && <span className="tab-count">{tab.count.toLocaleString()}</span>}
        </button>
      ))}
    </div>
  );
}
